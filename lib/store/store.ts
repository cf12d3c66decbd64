import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { migrate, type SchemaComponent } from './schema';

export interface EventInput {
  type: string;
  /** When it happened on the shop floor (ISO 8601); defaults to the recorded time. */
  eventTime?: string;
  orderId?: string | null;
  operationKey?: string | null;
  workstation?: string | null;
  actor?: string | null;
  payload?: unknown;
}

export interface StoredEvent {
  seq: number;
  eventId: string;
  eventTime: string;
  recordedTime: string;
  type: string;
  orderId: string | null;
  operationKey: string | null;
  workstation: string | null;
  actor: string | null;
  payload: unknown;
}

export interface StoreOptions {
  components: SchemaComponent[];
  /** Clock for recorded times; tests replace it to get repeatable logs. */
  now?: () => Date;
  /**
   * 'full' (default): a commit is acknowledged only after the WAL is fsynced, so an acknowledged
   * command survives a power cut. 'normal' is SQLite's WAL default: no fsync per commit, so the
   * last commits can be lost on power loss (not on a crash of the process).
   */
  durability?: 'full' | 'normal';
}

/** How often the checkpoint thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;
/**
 * The main connection checkpoints by itself only once the WAL holds this many pages (about 80 MB):
 * a backstop in case the checkpoint thread cannot keep up or has stopped.
 */
const BACKSTOP_CHECKPOINT_PAGES = 20_000;

interface PendingWork {
  work: (store: MesStore) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A row of the `events` table as better-sqlite3 returns it. */
export interface EventRow {
  seq: number;
  event_id: string;
  event_time: string;
  recorded_time: string;
  type: string;
  order_id: string | null;
  operation_key: string | null;
  workstation: string | null;
  actor: string | null;
  payload: string;
}

/**
 * An fsync of the WAL failed. Linux may then have dropped the unwritten pages, and a later fsync
 * can succeed without them: nothing committed since can be called durable, so the store refuses
 * all further work until it is opened again (a redeploy or restart).
 */
export class StoreSyncError extends Error {
  constructor(file: string, cause: Error) {
    super(`the MES store ${file} could not be synced to disk (${cause.message}); what was committed since its last good sync may be lost: restart or redeploy to open it again`);
    this.name = 'StoreSyncError';
  }
}

export class StoreClosedError extends Error {
  constructor(file: string) {
    super(`the MES store ${file} is closed`);
    this.name = 'StoreClosedError';
  }
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    eventId: row.event_id,
    eventTime: row.event_time,
    recordedTime: row.recorded_time,
    type: row.type,
    orderId: row.order_id,
    operationKey: row.operation_key,
    workstation: row.workstation,
    actor: row.actor,
    payload: JSON.parse(row.payload),
  };
}

/**
 * The MES's one durable store: an SQLite database in WAL mode holding the append-only event log
 * and the projections that the events change.
 *
 * Writes go through `transact`, a group commit: every unit of work submitted in the same turn of
 * the event loop runs in one transaction, each inside its own savepoint (a failing unit rolls back
 * alone), and one fsync makes them all durable. Callers get their result only after that fsync,
 * so nothing is acknowledged that a power cut could undo, yet a busy line pays one fsync per batch
 * rather than per command.
 *
 * The fsync runs off the main thread. SQLite commits with `synchronous=NORMAL` (the WAL is written
 * but not synced), then the store fsyncs the WAL file through libuv's thread pool and settles the
 * batch when that returns; batches committed meanwhile share the next fsync. With FULL, SQLite
 * would fsync inside the commit and stop every flow of the runtime for that time (about 1 to 3 ms
 * here, 40 times a second on a busy line). It is as safe: fsync flushes the file whoever wrote it,
 * and SQLite itself syncs the WAL before each checkpoint copies it into the database.
 *
 * Checkpoints (copying the WAL into the database file, with two fsyncs) run in a worker thread
 * with a connection of its own, for the same reason; the main connection checkpoints only as a
 * backstop. (SQLite still syncs the WAL header inside the first commit after each restart of the
 * WAL, i.e. at most once per checkpoint.)
 *
 * A commit is visible to readers (other connections too) as soon as it is written, a moment
 * before its fsync returns; only the callers of `transact` wait for the fsync.
 */
export class MesStore {
  readonly file: string;
  readonly db: Db;
  private readonly now: () => Date;
  private pending: PendingWork[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly statements = new Map<string, Statement>();
  private readonly insertEvent: Statement;
  private readonly savepoint: Statement;
  private readonly releaseSavepoint: Statement;
  private readonly rollbackSavepoint: Statement;
  /** Whether commits wait for an fsync of the WAL ('full' durability, a file on disk). */
  private readonly syncsWal: boolean;
  private walFd: number | null = null;
  private syncRunning = false;
  /** Batches committed since the running fsync started: they wait for the next one. */
  private awaitingSync: Array<(err: Error | null) => void> = [];
  private checkpointer: Worker | null = null;
  /** Set by a failed fsync: every later unit is refused with it. */
  private syncFailure: StoreSyncError | null = null;

  private constructor(file: string, db: Db, now: () => Date, syncsWal: boolean) {
    this.file = file;
    this.db = db;
    this.now = now;
    this.syncsWal = syncsWal;
    this.insertEvent = db.prepare(`INSERT INTO events
      (event_id, event_time, recorded_time, type, order_id, operation_key, workstation, actor, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.savepoint = db.prepare('SAVEPOINT mes_unit');
    this.releaseSavepoint = db.prepare('RELEASE mes_unit');
    this.rollbackSavepoint = db.prepare('ROLLBACK TO mes_unit');
  }

  static open(file: string, options: StoreOptions): MesStore {
    const now = options.now ?? (() => new Date());
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL in both modes: with 'full', the store fsyncs the WAL itself, off the main thread.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Another process (a report query through node-red-node-sqlite) may hold the write lock
      // briefly; wait for it rather than failing a production command.
      db.pragma('busy_timeout = 5000');
      migrate(db, options.components, () => now().toISOString());
    } catch (err) {
      db.close();
      throw err;
    }
    const onDisk = file !== ':memory:' && !db.memory;
    const store = new MesStore(file, db, now, options.durability !== 'normal' && onDisk);
    if (onDisk) store.startCheckpointer();
    return store;
  }

  private startCheckpointer(): void {
    try {
      const worker = new Worker(path.join(__dirname, 'wal-checkpoint-worker.js'), { workerData: { file: this.file, intervalMs: CHECKPOINT_INTERVAL_MS } });
      worker.unref();
      // Without the thread the main connection checkpoints by itself, as SQLite does by default.
      worker.on('exit', () => {
        if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
      });
      worker.on('error', () => undefined); // followed by 'exit'
      this.checkpointer = worker;
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    } catch {
      this.checkpointer = null;
    }
  }

  /**
   * A prepared statement for `sql`, prepared once per connection: hot paths (every order, every
   * operator command) should not pay SQLite's parse and plan on each call.
   */
  statement(sql: string): Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  /**
   * Runs `work` inside the next group-commit transaction and resolves with its result once the
   * transaction is durable. If `work` throws, its own changes are rolled back, the promise rejects
   * with that error, and the rest of the batch commits as usual.
   */
  transact<T>(work: (store: MesStore) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError(this.file));
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything submitted so far; used on close and by the scheduler. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (this.syncFailure) {
      for (const unit of batch) unit.reject(this.syncFailure);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const unit of batch) {
          this.savepoint.run();
          try {
            const value = unit.work(this);
            this.releaseSavepoint.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.rollbackSavepoint.run();
            this.releaseSavepoint.run();
            outcomes.push({ ok: false, value: error });
          }
        }
      }).immediate();
    } catch (commitError) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      for (const unit of batch) unit.reject(commitError);
      return;
    }
    const settle = (syncError: Error | null) => {
      batch.forEach((unit, i) => {
        const outcome = outcomes[i];
        // Committed but not known to be on disk: no caller may acknowledge it as durable.
        if (syncError) unit.reject(syncError);
        else if (outcome.ok) unit.resolve(outcome.value);
        else unit.reject(outcome.value);
      });
    };
    if (this.syncsWal) this.afterWalSync(settle);
    else settle(null);
  }

  /** Calls `settle` once an fsync of the WAL that started after this point has returned. */
  private afterWalSync(settle: (err: Error | null) => void): void {
    this.awaitingSync.push(settle);
    if (!this.syncRunning) this.syncWal();
  }

  private syncWal(): void {
    const waiting = this.awaitingSync;
    this.awaitingSync = [];
    this.syncRunning = true;
    let fd: number;
    try {
      // The WAL exists from the first commit on and stays while this connection is open.
      this.walFd ??= fs.openSync(`${this.file}-wal`, 'r+');
      fd = this.walFd;
    } catch (err) {
      this.syncRunning = false;
      for (const settle of waiting) settle(err as Error);
      return;
    }
    fs.fsync(fd, (err) => {
      this.syncRunning = false;
      if (err) this.syncFailure ??= new StoreSyncError(this.file, err);
      // After a failure the batches that waited for the next fsync fail too (see StoreSyncError).
      for (const settle of waiting) settle(this.syncFailure);
      if (this.awaitingSync.length > 0) this.syncWal();
      else if (this.closed) this.closeWal();
    });
  }

  private closeWal(): void {
    if (this.walFd === null) return;
    fs.closeSync(this.walFd);
    this.walFd = null;
  }

  /** Appends one event to the log. Only inside `transact` work, so it commits with its projections. */
  appendEvent(input: EventInput): StoredEvent {
    if (!this.db.inTransaction) {
      throw new Error('appendEvent must run inside MesStore.transact so the event commits with the state it changes');
    }
    const recordedTime = this.nowIso();
    const event = {
      eventId: randomUUID(),
      eventTime: input.eventTime ?? recordedTime,
      recordedTime,
      type: input.type,
      orderId: input.orderId ?? null,
      operationKey: input.operationKey ?? null,
      workstation: input.workstation ?? null,
      actor: input.actor ?? null,
      payload: input.payload ?? {},
    };
    const result = this.insertEvent.run(event.eventId, event.eventTime, event.recordedTime, event.type,
      event.orderId, event.operationKey, event.workstation, event.actor, JSON.stringify(event.payload));
    return { seq: Number(result.lastInsertRowid), ...event };
  }

  /** Events after `afterSeq`, oldest first, at most `limit`; for cursors that page through the log. */
  readEvents(afterSeq: number, limit: number, types?: string[]): StoredEvent[] {
    const rows = types && types.length > 0
      ? this.db.prepare(`SELECT * FROM events WHERE seq > ? AND type IN (${types.map(() => '?').join(',')}) ORDER BY seq LIMIT ?`)
        .all(afterSeq, ...types, limit)
      : this.statement('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit);
    return (rows as EventRow[]).map(toStoredEvent);
  }

  /**
   * One page of the event feed: events after `afterSeq`, oldest first, optionally of one type (or
   * a type prefix, `operation.` for `operation.*`) and one order. One connection writes the log and
   * a commit is one synchronous step, so no event with a smaller seq can appear after a read: paging
   * by the last seq read never skips or repeats one.
   */
  eventPage(afterSeq: number, limit: number, filter: { type?: string; typePrefix?: string; orderId?: string } = {}): StoredEvent[] {
    const where = ['seq > ?'];
    const args: unknown[] = [afterSeq];
    if (filter.type !== undefined) { where.push('type = ?'); args.push(filter.type); }
    if (filter.typePrefix !== undefined) { where.push("substr(type, 1, ?) = ?"); args.push(filter.typePrefix.length, filter.typePrefix); }
    if (filter.orderId !== undefined) { where.push('order_id = ?'); args.push(filter.orderId); }
    const rows = this.statement(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...args, limit);
    return (rows as EventRow[]).map(toStoredEvent);
  }

  eventsOfOrder(orderId: string): StoredEvent[] {
    return (this.statement('SELECT * FROM events WHERE order_id = ? ORDER BY seq').all(orderId) as EventRow[]).map(toStoredEvent);
  }

  lastSeq(): number {
    const row = this.statement('SELECT MAX(seq) AS seq FROM events').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  /**
   * Commits what is pending, then closes the database. Later `transact` calls reject. A batch
   * whose fsync is still running is answered when it returns (the WAL handle stays open for it).
   * The checkpoint thread closes its connection after this; the last connection to close
   * checkpoints the WAL into the database.
   */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.checkpointer?.postMessage('stop');
    this.checkpointer = null;
    this.db.close();
    if (!this.syncRunning) this.closeWal();
  }
}
