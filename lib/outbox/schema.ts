import type { SchemaComponent } from '../store/schema';

/**
 * Delivery state of the ERP outbox. The event log stays the source of truth: these tables only
 * say how far the outbox has read it and what became of each ERP-bound event.
 *
 * - `outbox_cursor`: the last event seq copied into `outbox_messages`, one row per outbox name.
 * - `outbox_messages`: one row per ERP-relevant event; `state` is pending, quarantined,
 *   delivered, skipped (the dialect has nothing to send for it) or discarded (by a person, with a
 *   reason). Partial indexes keep the open rows cheap to find when millions are delivered.
 * - `outbox_lanes`: one row per order with open messages: its head (oldest open seq), when it may
 *   be tried next, and whether it is blocked by a quarantined head. Picking work reads this small
 *   table, never the whole backlog.
 * - `outbox_control`: pause state per outbox, kept across restarts.
 */
export const outboxSchema: SchemaComponent = {
  name: 'outbox',
  migrations: [
    {
      version: 1,
      description: 'outbox cursor, messages, lanes and control',
      up(db) {
        db.exec(`
          CREATE TABLE outbox_cursor (
            outbox TEXT PRIMARY KEY,
            last_seq INTEGER NOT NULL
          );
          CREATE TABLE outbox_messages (
            outbox TEXT NOT NULL,
            seq INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            lane TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            enqueued_at TEXT NOT NULL,
            last_attempt_at TEXT,
            last_status TEXT,
            last_error TEXT,
            response TEXT,
            resolved_at TEXT,
            resolved_by TEXT,
            reason TEXT,
            PRIMARY KEY (outbox, seq)
          );
          CREATE INDEX outbox_messages_open ON outbox_messages (outbox, lane, seq)
            WHERE state IN ('pending', 'quarantined');
          CREATE INDEX outbox_messages_quarantined ON outbox_messages (outbox, seq)
            WHERE state = 'quarantined';
          CREATE INDEX outbox_messages_event ON outbox_messages (event_id);
          CREATE TABLE outbox_lanes (
            outbox TEXT NOT NULL,
            lane TEXT NOT NULL,
            head_seq INTEGER NOT NULL,
            next_attempt_ms INTEGER NOT NULL DEFAULT 0,
            blocked INTEGER NOT NULL DEFAULT 0,
            wait_reason TEXT,
            PRIMARY KEY (outbox, lane)
          );
          CREATE INDEX outbox_lanes_ready ON outbox_lanes (outbox, blocked, head_seq);
          CREATE TABLE outbox_control (
            outbox TEXT PRIMARY KEY,
            paused INTEGER NOT NULL,
            changed_by TEXT,
            reason TEXT,
            changed_at TEXT NOT NULL
          );
        `);
      },
    },
  ],
};
