import type { SchemaComponent } from '../store/schema';

/**
 * Dispatch's own projections beside the core `operations` rows (which hold state, quantities,
 * workstation and times): queue ranks, hold and pause bookkeeping, passed checks, who is signed
 * on where, and the answer to every accepted command so a repeated command id gets it again.
 */
export const dispatchSchema: SchemaComponent = {
  name: 'dispatch',
  migrations: [
    {
      version: 1,
      description: 'dispatch operations, check results, operator sign-ons, command results',
      up(db) {
        db.exec(`
          CREATE TABLE dispatch_operations (
            order_id TEXT NOT NULL,
            operation_key TEXT NOT NULL,
            queue_rank INTEGER,
            resume_state TEXT,
            pause_reason TEXT,
            hold_reason TEXT,
            queued_at TEXT NOT NULL,
            PRIMARY KEY (order_id, operation_key)
          );

          CREATE TABLE dispatch_check_results (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id TEXT NOT NULL,
            operation_key TEXT NOT NULL,
            check_id TEXT NOT NULL,
            passed INTEGER NOT NULL,
            value REAL,
            event_time TEXT NOT NULL
          );
          CREATE INDEX dispatch_check_results_by_operation ON dispatch_check_results (order_id, operation_key, check_id);

          CREATE TABLE dispatch_operators (
            operator TEXT PRIMARY KEY,
            workstation TEXT NOT NULL,
            signed_on_at TEXT NOT NULL
          );
          CREATE INDEX dispatch_operators_by_workstation ON dispatch_operators (workstation);

          -- Snapshots and the one-operation-per-workstation rule look operations up by workstation.
          CREATE INDEX dispatch_operations_by_workstation ON operations (workstation, state);

          CREATE TABLE dispatch_commands (
            command_id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            result TEXT NOT NULL,
            recorded_at TEXT NOT NULL
          );
        `);
      },
    },
  ],
};
