import type { SchemaComponent } from './schema';

/**
 * The event log and the order projections every other part builds on.
 * The log is append-only: triggers refuse UPDATE and DELETE, so the audit trail cannot be
 * rewritten through this database connection or any other SQL client (node-red-node-sqlite).
 */
export const coreSchema: SchemaComponent = {
  name: 'core',
  migrations: [
    {
      version: 1,
      description: 'event log, orders and operations',
      up(db) {
        db.exec(`
          CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            event_time TEXT NOT NULL,
            recorded_time TEXT NOT NULL,
            type TEXT NOT NULL,
            order_id TEXT,
            operation_key TEXT,
            workstation TEXT,
            actor TEXT,
            payload TEXT NOT NULL
          );
          CREATE INDEX events_by_order ON events (order_id, seq);
          CREATE INDEX events_by_type ON events (type, seq);
          CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
          CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

          CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            erp_reference TEXT,
            plant TEXT NOT NULL,
            material TEXT NOT NULL,
            quantity REAL NOT NULL,
            unit TEXT NOT NULL,
            priority INTEGER NOT NULL,
            scheduled_start TEXT NOT NULL,
            scheduled_end TEXT NOT NULL,
            status TEXT NOT NULL,
            revision INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            document TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_event_seq INTEGER NOT NULL
          );
          CREATE INDEX orders_by_status ON orders (status, priority, scheduled_end);

          CREATE TABLE operations (
            order_id TEXT NOT NULL REFERENCES orders(order_id),
            operation_key TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            work_center TEXT NOT NULL,
            planned_quantity REAL NOT NULL,
            unit TEXT NOT NULL,
            state TEXT NOT NULL,
            good_quantity REAL NOT NULL DEFAULT 0,
            scrap_quantity REAL NOT NULL DEFAULT 0,
            rework_quantity REAL NOT NULL DEFAULT 0,
            workstation TEXT,
            started_at TEXT,
            completed_at TEXT,
            PRIMARY KEY (order_id, operation_key)
          );
          CREATE INDEX operations_by_work_center ON operations (work_center, state);
        `);
      },
    },
  ],
};
