import type { SchemaComponent } from '../store/schema';

/**
 * OEE projections. The facts themselves (state intervals, downtimes, classifications, shift
 * summaries) are events in the log; these tables answer queries per shift, day and workstation,
 * and hold each workstation's running totals so that a restart continues the shift.
 */
export const oeeSchema: SchemaComponent = {
  name: 'oee',
  migrations: [
    {
      version: 1,
      description: 'OEE workstation state and signal journal, downtimes, shift summaries',
      up(db) {
        db.exec(`
          CREATE TABLE oee_workstation_state (
            line TEXT NOT NULL,
            workstation TEXT NOT NULL,
            clock TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (line, workstation)
          );

          -- Signals applied since the last checkpoint of oee_workstation_state: a restart loads the
          -- checkpoint and replays these, so every acknowledged signal survives a crash.
          -- One row per group commit: the signals of that commit packed as float64s (lib/oee/journal.ts)
          -- and the workstation and fault-code names they index.
          CREATE TABLE oee_signal_journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            line TEXT NOT NULL,
            signals BLOB NOT NULL,
            names TEXT NOT NULL
          );

          CREATE TABLE oee_downtime (
            downtime_id TEXT PRIMARY KEY,
            line TEXT NOT NULL,
            workstation TEXT NOT NULL,
            start_time TEXT NOT NULL,
            end_time TEXT,
            seconds REAL,
            machine_state TEXT NOT NULL,
            fault_code TEXT,
            order_id TEXT,
            operation_key TEXT,
            reason TEXT,
            classified_by TEXT,
            classified_at TEXT
          );
          CREATE INDEX oee_downtime_by_workstation ON oee_downtime (workstation, start_time);

          CREATE TABLE oee_downtime_shift (
            downtime_id TEXT NOT NULL REFERENCES oee_downtime(downtime_id),
            shift_id TEXT NOT NULL,
            day TEXT NOT NULL,
            workstation TEXT NOT NULL,
            planned_seconds REAL NOT NULL,
            PRIMARY KEY (downtime_id, shift_id)
          );
          CREATE INDEX oee_downtime_shift_by_shift ON oee_downtime_shift (shift_id);

          CREATE TABLE oee_shift_summary (
            line TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('workstation', 'line')),
            subject TEXT NOT NULL,
            shift_id TEXT NOT NULL,
            shift_name TEXT NOT NULL,
            day TEXT NOT NULL,
            start_time TEXT NOT NULL,
            end_time TEXT NOT NULL,
            planned_seconds REAL NOT NULL,
            run_seconds REAL NOT NULL,
            total_count REAL NOT NULL,
            good_count REAL NOT NULL,
            availability REAL,
            performance REAL,
            quality REAL,
            oee REAL,
            totals TEXT NOT NULL,
            metrics TEXT NOT NULL,
            PRIMARY KEY (line, scope, subject, shift_id)
          );
          CREATE INDEX oee_shift_summary_by_day ON oee_shift_summary (day, shift_name);
        `);
      },
    },
  ],
};
