import type { SchemaComponent } from '../store/schema';

/**
 * Dispatch's own projections beside the core `operations` rows (which hold state, quantities,
 * workstation and times): queue ranks, hold and pause bookkeeping, passed checks, who is signed
 * on where, the answer to every accepted command so a repeated command id gets it again, and
 * each machine counter's last reading with its pending batch of counts.
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
    {
      version: 2,
      description: 'machine counters: last readings and the pending batch of counts per workstation',
      up(db) {
        // One row per counting workstation, changed in the transaction of each signal, so a crash
        // between a signal and its batch loses nothing and counts nothing twice.
        db.exec(`
          CREATE TABLE dispatch_counters (
            workstation TEXT PRIMARY KEY,
            -- The dispatch run that took the readings: another run's readings are no baseline.
            session TEXT,
            good_reading REAL,
            reject_reading REAL,
            -- Event time (epoch ms) of the latest reading.
            reading_time INTEGER,
            -- The pending batch: 'reported' on an operation, 'unassigned', or 'refused'; NULL: none.
            batch TEXT,
            order_id TEXT,
            operation_key TEXT,
            refusal_field TEXT,
            refusal_rule TEXT,
            refusal_message TEXT,
            good REAL NOT NULL DEFAULT 0,
            reject REAL NOT NULL DEFAULT 0,
            signals INTEGER NOT NULL DEFAULT 0,
            -- Event times (epoch ms) of the batch's first and last counts.
            first_time INTEGER,
            last_time INTEGER,
            -- Wall clock (epoch ms) when the batch opened: a quiet machine's batch closes by it.
            opened_at INTEGER
          );
          CREATE INDEX dispatch_counters_open ON dispatch_counters (opened_at) WHERE batch IS NOT NULL;
        `);
      },
    },
  ],
};
