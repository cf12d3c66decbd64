import type { SchemaComponent } from '../store/schema';

/**
 * The qualifications an operator holds now, one row per operator and skill. A revoke deletes the
 * row; the history (who granted, renewed or revoked what, when) is in the event log.
 */
export const qualificationSchema: SchemaComponent = {
  name: 'qualifications',
  migrations: [
    {
      version: 1,
      description: 'operator qualifications: skill and expiry per operator',
      up(db) {
        db.exec(`
          CREATE TABLE qualifications (
            operator TEXT NOT NULL,
            skill TEXT NOT NULL,
            -- ISO 8601 UTC: valid while the event time is before it.
            expires_at TEXT NOT NULL,
            granted_by TEXT NOT NULL,
            granted_at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            PRIMARY KEY (operator, skill)
          );
          CREATE INDEX qualifications_by_expiry ON qualifications (expires_at);
        `);
      },
    },
  ],
};
