import { randomBytes } from 'node:crypto';
import type { SchemaComponent } from '../store/schema';

/**
 * Signing accounts (user id, printed name, roles, bcrypt hash of the password), the failed
 * attempts per user that lock an account out, and the store's signature key: the HMAC key that
 * seals each `signature.recorded` to the event it signs. The key is made once, by the migration,
 * and never leaves the store.
 */
export const signatureSchema: SchemaComponent = {
  name: 'signatures',
  migrations: [
    {
      version: 1,
      description: 'signing accounts, failed attempts, the signature key',
      up(db) {
        db.exec(`
          CREATE TABLE signature_accounts (
            user_id TEXT PRIMARY KEY,
            printed_name TEXT NOT NULL,
            -- JSON array of role names, e.g. ["supervisor"].
            roles TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            password_set_at TEXT NOT NULL
          );
          CREATE TABLE signature_attempts (
            user_id TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure_at TEXT NOT NULL,
            locked_until TEXT
          );
          CREATE TABLE signature_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            key TEXT NOT NULL
          );
        `);
        db.prepare('INSERT INTO signature_key (id, key) VALUES (1, ?)').run(randomBytes(32).toString('base64'));
      },
    },
  ],
};
