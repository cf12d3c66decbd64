import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './transaction';

/**
 * One step of the site database's schema. Steps run in version order, each in the transaction
 * that records it in `site_schema_version`, so a crash mid-upgrade leaves the previous version.
 */
export interface SiteMigration {
  version: number;
  description: string;
  sql: string;
}

export const SITE_MIGRATIONS: SiteMigration[] = [
  {
    version: 1,
    description: 'site event log, cursors per line, orders, operations, OEE shifts, genealogy links',
    sql: `
      CREATE TABLE site_events (
        site TEXT NOT NULL,
        area TEXT,
        line TEXT NOT NULL,
        seq BIGINT NOT NULL,
        event_id TEXT NOT NULL UNIQUE,
        event_time TIMESTAMPTZ NOT NULL,
        recorded_time TIMESTAMPTZ NOT NULL,
        type TEXT NOT NULL,
        order_id TEXT,
        operation_key TEXT,
        workstation TEXT,
        actor TEXT,
        payload JSONB NOT NULL,
        forwarded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (line, seq)
      );
      CREATE INDEX site_events_by_order ON site_events (order_id, event_time);
      CREATE INDEX site_events_by_time ON site_events (event_time);
      CREATE INDEX site_events_by_workstation ON site_events (workstation, event_time);
      CREATE INDEX site_events_by_actor ON site_events (actor, event_time);

      CREATE TABLE site_cursors (
        line TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        area TEXT,
        last_seq BIGINT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      CREATE TABLE site_orders (
        order_id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        line TEXT NOT NULL,
        material TEXT,
        quantity DOUBLE PRECISION,
        unit TEXT,
        status TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );

      CREATE TABLE site_operations (
        order_id TEXT NOT NULL,
        operation_key TEXT NOT NULL,
        sequence INTEGER,
        work_center TEXT,
        line TEXT NOT NULL,
        workstation TEXT,
        state TEXT NOT NULL,
        unit TEXT,
        good_quantity DOUBLE PRECISION NOT NULL DEFAULT 0,
        scrap_quantity DOUBLE PRECISION NOT NULL DEFAULT 0,
        rework_quantity DOUBLE PRECISION NOT NULL DEFAULT 0,
        started_at TIMESTAMPTZ,
        completed_at TIMESTAMPTZ,
        PRIMARY KEY (order_id, operation_key)
      );
      CREATE INDEX site_operations_by_line ON site_operations (line, state);

      CREATE TABLE site_oee_shifts (
        site TEXT NOT NULL,
        area TEXT,
        line TEXT NOT NULL,
        workstation TEXT NOT NULL,
        shift_id TEXT NOT NULL,
        shift TEXT,
        day TEXT,
        start_time TIMESTAMPTZ NOT NULL,
        end_time TIMESTAMPTZ NOT NULL,
        shift_seconds DOUBLE PRECISION NOT NULL,
        break_seconds DOUBLE PRECISION NOT NULL,
        planned_stop_seconds DOUBLE PRECISION NOT NULL,
        planned_seconds DOUBLE PRECISION NOT NULL,
        run_seconds DOUBLE PRECISION NOT NULL,
        stop_seconds DOUBLE PRECISION NOT NULL,
        ideal_seconds DOUBLE PRECISION NOT NULL,
        ideal_good_seconds DOUBLE PRECISION NOT NULL,
        total_count DOUBLE PRECISION NOT NULL,
        good_count DOUBLE PRECISION NOT NULL,
        reject_count DOUBLE PRECISION NOT NULL,
        counts_without_ideal_time DOUBLE PRECISION NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (line, workstation, shift_id)
      );
      CREATE INDEX site_oee_shifts_by_start ON site_oee_shifts (start_time);

      CREATE TABLE site_genealogy_links (
        link_id BIGSERIAL PRIMARY KEY,
        event_id TEXT NOT NULL,
        relation TEXT NOT NULL,
        from_kind TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_kind TEXT NOT NULL,
        to_id TEXT NOT NULL,
        material TEXT,
        quantity DOUBLE PRECISION,
        unit TEXT,
        order_id TEXT,
        operation_key TEXT,
        line TEXT NOT NULL,
        workstation TEXT,
        event_time TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX site_genealogy_from ON site_genealogy_links (from_kind, from_id);
      CREATE INDEX site_genealogy_to ON site_genealogy_links (to_kind, to_id);
    `,
  },
  {
    version: 2,
    description: 'forwarder lag per line (site_line_status), the reason an operation is held, downtime events by type and time',
    sql: `
      -- Written by each line's forwarder with every batch and every empty poll (its heartbeat),
      -- so the site sees which lines lag even while their events do not arrive.
      CREATE TABLE site_line_status (
        line TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        area TEXT,
        last_seq BIGINT NOT NULL,
        forwarded_seq BIGINT NOT NULL,
        events_behind BIGINT NOT NULL,
        seconds_behind DOUBLE PRECISION NOT NULL,
        heartbeat_at TIMESTAMPTZ NOT NULL
      );
      ALTER TABLE site_operations ADD COLUMN held_reason TEXT;
      CREATE INDEX site_events_by_type ON site_events (type, event_time);
    `,
  },
];

export class SiteSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteSchemaError';
  }
}

/** An arbitrary constant: every forwarder migrating the same database takes this one lock. */
const MIGRATION_LOCK = 0x6d65_7301;

/**
 * Brings the site database to the latest schema this release knows. Forwarders of several lines
 * start at once: an advisory lock lets one migrate while the others wait and then find it done.
 * Refuses a database at a version newer than this release knows (written by a newer release).
 */
export async function migrateSite(pool: Pool, migrations: SiteMigration[] = SITE_MIGRATIONS): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS site_schema_version (
      version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const current = await schemaVersion(client);
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new SiteSchemaError(`the site database schema is at version ${current}, newer than version ${latest} that this release of node-red-contrib-mes knows; upgrade the package on this line; refusing to write to it`);
    }
    for (const step of [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version)) {
      await client.query(step.sql);
      await client.query('INSERT INTO site_schema_version (version, description) VALUES ($1, $2)', [step.version, step.description]);
    }
    return latest;
  });
}

async function schemaVersion(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM site_schema_version');
  return rows[0].version ?? 0;
}
