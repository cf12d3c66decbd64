import type { Database } from 'better-sqlite3';

/**
 * One step of a component's schema. Steps are applied in version order, each in the
 * same transaction as the bump of the component's recorded version, so a crash mid-upgrade
 * leaves the database at the previous version, never between two.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

/**
 * Each part of the MES (core, dispatch, OEE, genealogy, outbox) owns its tables and versions
 * them on its own, so parts can evolve independently while one database holds them all.
 */
export interface SchemaComponent {
  name: string;
  migrations: Migration[];
}

export class StoreVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreVersionError';
  }
}

export function latestVersion(component: SchemaComponent): number {
  return component.migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Brings every known component up to its latest version. Refuses (and changes nothing) when the
 * database was written by a newer release: a component at a version we do not know, or a
 * component we have never heard of. Opening it anyway could corrupt data we do not understand.
 */
export function migrate(db: Database, components: SchemaComponent[], now: () => string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS mes_schema (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  )`);
  const recorded = db.prepare('SELECT component, version FROM mes_schema').all() as { component: string; version: number }[];
  const known = new Map(components.map((c) => [c.name, c]));
  for (const row of recorded) {
    const component = known.get(row.component);
    if (!component) {
      throw new StoreVersionError(
        `database holds schema component '${row.component}' (version ${row.version}) that this version of node-red-contrib-mes does not know: it was written by a newer release; refusing to open it`);
    }
    const latest = latestVersion(component);
    if (row.version > latest) {
      throw new StoreVersionError(
        `database schema '${row.component}' is at version ${row.version}, newer than version ${latest} that this release of node-red-contrib-mes knows; upgrade the package or use another database file; refusing to open it`);
    }
  }
  const current = new Map(recorded.map((r) => [r.component, r.version]));
  const setVersion = db.prepare(`INSERT INTO mes_schema (component, version, updated_at) VALUES (?, ?, ?)
    ON CONFLICT(component) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`);
  for (const component of components) {
    const from = current.get(component.name) ?? 0;
    const steps = component.migrations.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
    for (const step of steps) {
      db.transaction(() => {
        step.up(db);
        setVersion.run(component.name, step.version, now());
      }).immediate();
    }
  }
}
