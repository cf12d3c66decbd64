import type { Pool, PoolClient } from 'pg';
import { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from '../outbox/policy';
import type { EventRow, MesStore } from '../store/store';
import { projectBatch, type SiteEvent } from './projections';
import { migrateSite } from './schema';
import { inTransaction, isConnectionError } from './transaction';

export interface ForwarderOptions {
  site: string;
  area: string | null;
  /** The line whose log this is: the site keeps one cursor per line, so two stores never forward as one line. */
  line: string;
  /** Events per PostgreSQL transaction. */
  batchSize?: number;
  /** How often the log is checked for new events when nothing wakes the forwarder. */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  /** Called after every attempt with the current figures. */
  onMetrics?(metrics: ForwarderMetrics): void;
  /** Called once per outage (and when the reason changes), not at every retry. */
  onError?(err: Error): void;
  now?: () => number;
  random?: () => number;
}

export interface ForwarderMetrics {
  site: string;
  area: string | null;
  line: string;
  /** Last seq of the line's log. */
  lastSeq: number;
  /** Last seq the site holds for this line; null until the site database was first reached. */
  forwardedSeq: number | null;
  /** Events of the line's log not yet at the site; null while the cursor is unknown. */
  eventsBehind: number | null;
  /** Age of the oldest unforwarded event (from its recorded time); 0 when caught up. */
  secondsBehind: number | null;
  /** null before the first attempt; false while the last attempt failed. */
  siteReachable: boolean | null;
  lastError: { at: string; message: string } | null;
  /** Counts since this forwarder started. */
  forwarded: number;
  batches: number;
}

const LINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Forwarders running per store and line, so one process never drives a line's cursor twice. */
const activeLines = new WeakMap<MesStore, Set<string>>();

/**
 * Forwards a line's event log to the site's PostgreSQL, in seq order, in batches.
 *
 * Exactly once: the cursor (last seq forwarded) lives in PostgreSQL, in `site_cursors`, and a
 * batch reads it under a row lock, inserts the events and moves it in one transaction. Either the
 * batch and its cursor commit together or neither does, so no crash (of the line, of the site,
 * of the network) can skip or repeat an event, and a second forwarder of the same line waits on
 * the lock instead of racing. Events are also unique by `event_id` at the site (`ON CONFLICT DO
 * NOTHING`), and projections change only for rows actually inserted: a reset cursor replays
 * without duplicates.
 *
 * The line never waits for the site: the forwarder only reads the SQLite log, which commits on
 * its own; while PostgreSQL is unreachable it retries with backoff and the log keeps everything.
 */
export class SiteForwarder {
  private readonly options: Required<Omit<ForwarderOptions, 'onMetrics' | 'onError' | 'area'>> & Pick<ForwarderOptions, 'onMetrics' | 'onError' | 'area'>;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  private woken = false;
  private migrated = false;
  private failures = 0;
  private reportedError: string | null = null;
  private cursor: number | null = null;
  private reachable: boolean | null = null;
  private lastError: ForwarderMetrics['lastError'] = null;
  private forwarded = 0;
  private batches = 0;

  constructor(private readonly store: MesStore, private readonly pool: Pool, options: ForwarderOptions) {
    if (!LINE_NAME.test(options.line ?? '')) {
      throw new Error(`line: '${options.line}' is not a line name (letters, digits, '.', '_', '-', at most 64)`);
    }
    if (!options.site) throw new Error('site: is required (the site of the plant model)');
    this.options = {
      batchSize: 500, pollIntervalMs: 1000, backoff: DEFAULT_BACKOFF, now: Date.now, random: Math.random, ...options,
    };
  }

  get line(): string {
    return this.options.line;
  }

  start(): void {
    if (this.running) return;
    const lines = activeLines.get(this.store) ?? new Set<string>();
    if (lines.has(this.line)) throw new Error(`line: a forwarder of line ${this.line} already runs on ${this.store.file}`);
    lines.add(this.line);
    activeLines.set(this.store, lines);
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in progress (committed or rolled back, never half). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    activeLines.get(this.store)?.delete(this.line);
  }

  /** New events may be in the log: look now rather than at the next poll (not during a backoff). */
  wake(): void {
    this.woken = true;
    if (this.wakeSleeper && (this.failures === 0 || !this.running)) this.wakeSleeper();
  }

  metrics(): ForwarderMetrics {
    const lastSeq = this.store.isOpen ? this.store.lastSeq() : 0;
    const secondsBehind = this.cursor === null ? null : this.secondsBehind(this.cursor);
    return {
      site: this.options.site, area: this.options.area ?? null, line: this.line,
      lastSeq, forwardedSeq: this.cursor, eventsBehind: this.cursor === null ? null : Math.max(0, lastSeq - this.cursor), secondsBehind,
      siteReachable: this.reachable, lastError: this.lastError, forwarded: this.forwarded, batches: this.batches,
    };
  }

  /** Age of the oldest event after `cursor` (its recorded time); 0 when there is none. */
  private secondsBehind(cursor: number): number {
    const oldest = this.store.isOpen
      ? this.store.statement('SELECT recorded_time FROM events WHERE seq > ? ORDER BY seq LIMIT 1').get(cursor) as { recorded_time: string } | undefined
      : undefined;
    return oldest ? Math.max(0, (this.options.now() - Date.parse(oldest.recorded_time)) / 1000) : 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay: number;
      try {
        if (!this.migrated) {
          await migrateSite(this.pool);
          this.migrated = true;
        }
        const count = await this.forwardBatch();
        this.failures = 0;
        this.reachable = true;
        this.lastError = null;
        this.reportedError = null;
        delay = count >= this.options.batchSize ? 0 : this.options.pollIntervalMs;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        this.failures += 1;
        this.reachable = !isConnectionError(err);
        this.lastError = { at: new Date(this.options.now()).toISOString(), message: error.message };
        if (this.reportedError !== error.message) {
          this.reportedError = error.message;
          this.options.onError?.(error);
        }
        delay = retryDelay(this.failures, this.options.backoff, this.options.random);
      }
      this.options.onMetrics?.(this.metrics());
      if (this.running && delay > 0) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken && this.failures === 0) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeSleeper?.(), ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        this.woken = false;
        resolve();
      };
    });
  }

  /**
   * Forwards the next batch in one PostgreSQL transaction; resolves with how many events it
   * carried (0: the site is up to date). Public so tests and tools can drive it step by step.
   */
  async forwardBatch(): Promise<number> {
    const { from, rows } = await inTransaction(this.pool, async (client) => {
      const cursor = await this.lockCursor(client);
      const batch = this.store.statement('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(cursor, this.options.batchSize) as EventRow[];
      if (batch.length > 0) {
        const events = batch.map((row) => this.siteEvent(row));
        const inserted = await insertEvents(client, events);
        await projectBatch(client, events.filter((event) => inserted.has(event.eventId)));
      }
      await this.moveCursor(client, batch.length > 0 ? batch[batch.length - 1].seq : null, cursor);
      return { from: cursor, rows: batch };
    });
    this.cursor = rows.length > 0 ? rows[rows.length - 1].seq : from;
    this.forwarded += rows.length;
    if (rows.length > 0) this.batches += 1;
    return rows.length;
  }

  /**
   * Moves the cursor to the batch's end (not for an empty poll) and records the lag as the site sees it (an empty poll is the heartbeat):
   * the supervisor page lists lines whose lag is high or whose heartbeat is old. The heartbeat
   * is the site server's clock, so its age compares with the site's now().
   */
  private async moveCursor(client: PoolClient, batchEnd: number | null, cursor: number): Promise<void> {
    const forwardedSeq = batchEnd ?? cursor;
    const lastSeq = this.store.lastSeq();
    // One statement (one round trip per batch): the cursor moves only when the batch carried events.
    await client.query(`WITH moved AS (
        UPDATE site_cursors SET last_seq = $5, site = $2, area = $3, updated_at = now() WHERE line = $1 AND $8
      )
      INSERT INTO site_line_status (line, site, area, last_seq, forwarded_seq, events_behind, seconds_behind, heartbeat_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, now())
      ON CONFLICT (line) DO UPDATE SET site = excluded.site, area = excluded.area, last_seq = excluded.last_seq, forwarded_seq = excluded.forwarded_seq,
        events_behind = excluded.events_behind, seconds_behind = excluded.seconds_behind, heartbeat_at = excluded.heartbeat_at`,
    [this.line, this.options.site, this.options.area ?? null, lastSeq, forwardedSeq, Math.max(0, lastSeq - forwardedSeq), this.secondsBehind(forwardedSeq), batchEnd !== null]);
  }

  /** Reads the line's cursor under a row lock (created at 0 for a new line) and checks it against the log. */
  private async lockCursor(client: PoolClient): Promise<number> {
    // Created at 0 for a new line; DO UPDATE (of nothing) takes the row lock as FOR UPDATE would, in one round trip.
    const { rows } = await client.query<{ last_seq: string }>(`INSERT INTO site_cursors (line, site, area, last_seq) VALUES ($1, $2, $3, 0)
      ON CONFLICT (line) DO UPDATE SET line = excluded.line RETURNING last_seq`, [this.line, this.options.site, this.options.area ?? null]);
    const cursor = Number(rows[0].last_seq);
    const lastSeq = this.store.lastSeq();
    if (cursor > lastSeq) {
      throw new Error(`line: the site holds line ${this.line} up to seq ${cursor}, but this store (${this.store.file}) ends at seq ${lastSeq}: another store forwards as this line, or the store was replaced; give this line another name or reset its site cursor`);
    }
    this.cursor = cursor;
    return cursor;
  }

  private siteEvent(row: EventRow): SiteEvent {
    return {
      site: this.options.site, area: this.options.area ?? null, line: this.line, seq: row.seq, eventId: row.event_id,
      eventTime: row.event_time, recordedTime: row.recorded_time, type: row.type, orderId: row.order_id,
      operationKey: row.operation_key, workstation: row.workstation, actor: row.actor, payload: row.payload,
    };
  }
}

/** One multi-row INSERT of a batch; resolves with the event ids that were new to the site. */
export async function insertEvents(client: PoolClient, events: SiteEvent[]): Promise<Set<string>> {
  const column = <K extends keyof SiteEvent>(key: K) => events.map((e) => e[key]);
  const { rows } = await client.query<{ event_id: string }>(`INSERT INTO site_events
      (site, area, line, seq, event_id, event_time, recorded_time, type, order_id, operation_key, workstation, actor, payload)
    SELECT site, area, line, seq, event_id, event_time::timestamptz, recorded_time::timestamptz, type, order_id, operation_key, workstation, actor, payload::jsonb
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
      AS x(site, area, line, seq, event_id, event_time, recorded_time, type, order_id, operation_key, workstation, actor, payload)
    ORDER BY seq
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`,
  [column('site'), column('area'), column('line'), column('seq'), column('eventId'), column('eventTime'), column('recordedTime'),
    column('type'), column('orderId'), column('operationKey'), column('workstation'), column('actor'), column('payload')]);
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Moves a line's site cursor back (to replay its log: the site keeps what it has, by event id)
 * or creates it. A deliberate act of an operator or a test, never of the forwarder itself.
 */
export async function resetSiteCursor(pool: Pool, line: string, seq = 0): Promise<void> {
  await pool.query('UPDATE site_cursors SET last_seq = $2, updated_at = now() WHERE line = $1', [line, seq]);
}
