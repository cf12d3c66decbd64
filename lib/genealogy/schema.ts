import type { SchemaComponent } from '../store/schema';

/**
 * Genealogy as a graph. Nodes are lots, serials, orders and (for consumption without a lot)
 * materials; links run from input to output: a lot consumed by an order, an order producing a lot,
 * a lot split into lots, lots merged into a lot. Orders are nodes of their own so that recording
 * stays linear (n inputs and m outputs of an order are n + m links, not n × m) while a trace still
 * walks from every output to every input of the order.
 *
 * Both directions of a trace are one recursive CTE over `genealogy_links`; the two covering
 * indexes make each step an index seek in either direction.
 */
export const genealogySchema: SchemaComponent = {
  name: 'genealogy',
  migrations: [
    {
      version: 1,
      description: 'lots, serials, genealogy links, numbering counters, backflush cursor',
      up(db) {
        db.exec(`
          CREATE TABLE genealogy_nodes (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('lot', 'serial', 'order', 'material')),
            key TEXT NOT NULL,
            material TEXT,
            unit TEXT,
            quantity REAL NOT NULL DEFAULT 0,
            on_hand REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'released' CHECK (status IN ('released', 'blocked')),
            origin TEXT NOT NULL CHECK (origin IN ('received', 'produced', 'split', 'merged', 'order', 'material')),
            order_id TEXT,
            operation_key TEXT,
            workstation TEXT,
            actor TEXT,
            event_time TEXT,
            event_seq INTEGER,
            blocked_by TEXT,
            block_reason TEXT,
            blocked_at TEXT
          );
          -- Lots and serials share one namespace, so a scanned code names exactly one item.
          CREATE UNIQUE INDEX genealogy_items_by_key ON genealogy_nodes (key) WHERE kind IN ('lot', 'serial');
          CREATE UNIQUE INDEX genealogy_orders_by_key ON genealogy_nodes (key) WHERE kind = 'order';
          CREATE UNIQUE INDEX genealogy_materials_by_key ON genealogy_nodes (key) WHERE kind = 'material';
          CREATE INDEX genealogy_items_by_order ON genealogy_nodes (order_id) WHERE kind IN ('lot', 'serial');

          CREATE TABLE genealogy_links (
            id INTEGER PRIMARY KEY,
            from_node INTEGER NOT NULL REFERENCES genealogy_nodes(id),
            to_node INTEGER NOT NULL REFERENCES genealogy_nodes(id),
            relation TEXT NOT NULL CHECK (relation IN ('consumed', 'produced', 'split', 'merged')),
            quantity REAL NOT NULL,
            unit TEXT NOT NULL,
            order_id TEXT,
            operation_key TEXT,
            workstation TEXT,
            actor TEXT,
            event_time TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            backflush INTEGER NOT NULL DEFAULT 0
          );
          CREATE INDEX genealogy_links_backward ON genealogy_links (to_node, from_node);
          CREATE INDEX genealogy_links_forward ON genealogy_links (from_node, to_node);

          CREATE TABLE genealogy_counters (
            scope TEXT PRIMARY KEY,
            value INTEGER NOT NULL
          );

          CREATE TABLE genealogy_cursors (
            name TEXT PRIMARY KEY,
            seq INTEGER NOT NULL
          );
        `);
      },
    },
    {
      version: 2,
      description: 'ERP batch of each lot (SAP batches are at most 10 characters)',
      up(db) {
        // A lot's batch in an ERP whose batch numbers are shorter than the MES's lots. Owners (no
        // source_lot) hold a batch of their own, unique per ERP; a lot split off another shares
        // its source's batch, as the ERP's stock of it still is in that batch.
        db.exec(`
          CREATE TABLE genealogy_erp_batches (
            system TEXT NOT NULL,
            lot TEXT NOT NULL,
            batch TEXT NOT NULL,
            source_lot TEXT,
            material TEXT,
            plant TEXT,
            event_seq INTEGER NOT NULL,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (system, lot)
          );
          CREATE UNIQUE INDEX genealogy_erp_batch_owners ON genealogy_erp_batches (system, batch) WHERE source_lot IS NULL;
        `);
      },
    },
    {
      version: 3,
      description: 'command ids of lot scans sent over the shop-floor API (a repeat gets the first answer)',
      up(db) {
        db.exec(`
          CREATE TABLE genealogy_commands (
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
