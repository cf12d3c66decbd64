import type { SchemaComponent } from '../store/schema';

/**
 * SPC over the check results in the event log. A stream is one characteristic at one workstation:
 * its measured values (`spc_values`, one row per `check.recorded` event), the subgroups they form
 * (`spc_subgroups`, the plotted points), its frozen limits and the violations found on them. The
 * cursor, the values, the points and the violations commit in the transaction of the events the
 * monitor appends, so a restart neither repeats nor skips one.
 */
export const spcSchema: SchemaComponent = {
  name: 'spc',
  migrations: [
    {
      version: 1,
      description: 'SPC cursor, streams with frozen limits, values, subgroups, violations, limit-change commands',
      up(db) {
        db.exec(`
          CREATE TABLE spc_cursors (
            name TEXT PRIMARY KEY,
            seq INTEGER NOT NULL
          );
          CREATE TABLE spc_streams (
            characteristic TEXT NOT NULL,
            workstation TEXT NOT NULL,
            subgroup_size INTEGER NOT NULL,
            baseline_subgroups INTEGER NOT NULL,
            -- The frozen limits (JSON), null while the baseline is still being collected.
            limits TEXT,
            -- The first subgroup the frozen limits judge: points before it are the baseline or older limits'.
            judged_from INTEGER,
            next_subgroup INTEGER NOT NULL DEFAULT 1,
            -- The specification limits of the last check recorded (JSON: lower, upper, nominal, unit).
            spec TEXT,
            PRIMARY KEY (characteristic, workstation)
          );
          CREATE TABLE spc_values (
            seq INTEGER PRIMARY KEY,
            characteristic TEXT NOT NULL,
            workstation TEXT NOT NULL,
            value REAL NOT NULL,
            event_time TEXT NOT NULL,
            order_id TEXT,
            operation_key TEXT,
            subgroup INTEGER
          );
          CREATE INDEX spc_values_by_stream ON spc_values (characteristic, workstation, subgroup);
          CREATE TABLE spc_subgroups (
            characteristic TEXT NOT NULL,
            workstation TEXT NOT NULL,
            idx INTEGER NOT NULL,
            x REAL NOT NULL,
            -- Range, standard deviation or moving range; null for the first individual (no moving range).
            dispersion REAL,
            seqs TEXT NOT NULL,
            event_time TEXT NOT NULL,
            order_id TEXT,
            operation_key TEXT,
            PRIMARY KEY (characteristic, workstation, idx)
          );
          CREATE TABLE spc_violations (
            event_seq INTEGER PRIMARY KEY,
            characteristic TEXT NOT NULL,
            workstation TEXT NOT NULL,
            subgroup INTEGER NOT NULL,
            rule INTEGER NOT NULL,
            chart TEXT NOT NULL,
            points TEXT NOT NULL,
            reaction TEXT NOT NULL,
            held INTEGER NOT NULL DEFAULT 0
          );
          CREATE INDEX spc_violations_by_stream ON spc_violations (characteristic, workstation, subgroup);
          CREATE TABLE spc_commands (
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
