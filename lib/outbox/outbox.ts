import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { appendSigned, requireSigning, verifySent } from '../compliance/signed-actions';
import type { Signatures } from '../compliance/signature-types';
import { ERP_EVENT_TYPES, toCanonicalActual } from '../erp/actual';
import { erpErrorMessage } from '../erp/errors';
import type { CanonicalActual, Dialect, DialectOptions, ErpRequest, MappingContext, QuantityTotalsQuery } from '../erp/types';
import { erpBatchOf } from '../genealogy/erp-batches';
import { getOrderDocument } from '../orders/intake';
import type { ProductionOrder } from '../orders/types';
import { toStoredEvent, type EventRow, type MesStore } from '../store/store';
import { ConflictError, NotFoundError } from '../util/errors';
import { classify, DEFAULT_BACKOFF, header, retryDelay, type BackoffPolicy, type Outcome } from './policy';

/** Correlates a request with its response; Node-RED's http request node carries it through on the msg. */
export interface Correlation {
  outbox: string;
  lane: string;
  seq: number;
  eventId: string;
  /** One per send: a late answer to an earlier send of the same message is recognised and ignored. */
  token: string;
  /** Set on the request that fetches an SAP CSRF token (it carries no actual). */
  purpose?: 'csrf';
}

/** A request for Node-RED's `http request` node (method, url and headers from msg). */
export interface OutboundRequest {
  topic: string;
  method: ErpRequest['method'] | 'GET';
  url: string;
  headers: Record<string, string>;
  payload: unknown;
  requestTimeout: number;
  _mesOutbox: Correlation;
}

/** What came back from `http request`: its msg.statusCode, msg.headers and msg.payload. */
export interface DeliveryResponse {
  statusCode?: unknown;
  headers?: Record<string, unknown>;
  payload?: unknown;
}

export interface LastError {
  at: string;
  eventId: string;
  orderId: string;
  status: string;
  message: string;
}

/** A quarantined actual as the supervisor sees it: the event, its order, and the ERP's last answer. */
export interface QuarantinedMessage {
  eventId: string;
  seq: number;
  type: string;
  orderId: string | null;
  attempts: number;
  enqueuedAt: string;
  quarantinedAt: string | null;
  erpStatus: string | null;
  erpMessage: string | null;
}

export interface OutboxMetrics {
  outbox: string;
  dialect: string;
  /** Messages not yet delivered, skipped or discarded (pending + quarantined). */
  queueDepth: number;
  quarantined: number;
  inFlight: number;
  /** Age in ms of the oldest undelivered actual, from when the MES recorded it. */
  oldestAgeMs: number | null;
  oldestEventId: string | null;
  /** null until the first answer; false after a connection error or 502/504. */
  erpReachable: boolean | null;
  paused: boolean;
  /** No ERP address is set: actuals are kept and wait, none is sent (never to a stand-in). */
  noErp: boolean;
  lastError: LastError | null;
  /** Counts since this outbox started. */
  delivered: number;
  retried: number;
}

export interface OutboxOptions {
  /** Name of this outbox: its cursor and delivery state are kept under it, so renaming starts afresh. */
  name: string;
  dialect: Dialect;
  dialectOptions?: DialectOptions;
  /** ERP base URL; a dialect's path is appended. Empty: no ERP yet, the actuals wait for one. */
  baseUrl: string;
  /** Orders delivered in parallel; each order's own actuals always go one after the other. */
  concurrency?: number;
  backoff?: BackoffPolicy;
  /** Passed to `http request` as msg.requestTimeout; an answer missing for this plus 5 s counts as a failed send. */
  requestTimeoutMs?: number;
  /** Events copied from the log per transaction. */
  pageSize?: number;
  /** How often the log is checked for new events when nothing wakes the outbox. */
  pollIntervalMs?: number;
  send(request: OutboundRequest): void;
  /** Called when the figures change (coalesced to once per `metricsIntervalMs`). */
  onMetrics?(metrics: OutboxMetrics): void;
  metricsIntervalMs?: number;
  now?: () => number;
  random?: () => number;
  /** The plant's signature rules: discarding an actual may need one (actual.discard). */
  signatures?: Signatures;
}

/** A lane being worked on: mapped and skipped, or sent and waiting for its answer (then it has a token). */
interface InFlight {
  seq: number;
  token?: string;
  watchdog?: NodeJS.Timeout;
  /** The CSRF token the request carried, so that a late 403 does not throw away a newer token. */
  csrfToken?: string;
}

interface MessageRow {
  seq: number;
  event_id: string;
  state: string;
  attempts: number;
  lane: string;
}

export interface RetrySelector {
  eventId?: string;
  orderId?: string;
  all?: boolean;
}

const MAX_STORED_RESPONSE = 16 * 1024;
const ORDER_CACHE_SIZE = 256;
/** Running quantity sums per order and key (SAP's rounding carry): one per lane in flight is what is reused. */
const TOTALS_CACHE_SIZE = 1024;
const OUTBOX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Outbox names in use per database, so two nodes never drive the same cursor. */
const activeOutboxes = new WeakMap<MesStore, Set<string>>();

function responseText(payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > MAX_STORED_RESPONSE ? `${text.slice(0, MAX_STORED_RESPONSE)}…` : text;
}

/**
 * The ERP outbox: a durable cursor over the event log that turns ERP-relevant events into
 * requests and tracks each one's delivery in the `outbox` schema component.
 *
 * Guarantees: an event is in the log before anything is sent, so a crash at any point loses
 * nothing; delivery state only moves forward after a durable commit, so after a crash an actual
 * is at most sent again, always with the same idempotency key (its event id). Actuals of one
 * order (one "lane") go strictly one after another; a quarantined actual blocks the rest of its
 * order until someone retries or discards it. Different orders go in parallel up to
 * `concurrency`. Work is picked from the small lanes table and the next message of a lane is
 * read by index, so a backlog of millions is drained without ever being loaded.
 */
export class ErpOutbox {
  readonly name: string;
  private readonly store: MesStore;
  private readonly options: Required<Omit<OutboxOptions, 'onMetrics' | 'dialectOptions' | 'signatures'>> & Pick<OutboxOptions, 'onMetrics' | 'signatures'> & { dialectOptions: DialectOptions };
  private readonly busy = new Map<string, InFlight>();
  private readonly writes = new Set<Promise<unknown>>();
  private stopped = true;
  private paused = false;
  private pumping = false;
  private pumpAgain = false;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryAt = Infinity;
  private metricsTimer?: NodeJS.Timeout;
  private reachable: boolean | null = null;
  private lastError: LastError | null = null;
  private openCount = 0;
  /** Last event seq copied into outbox_messages (mirrors outbox_cursor once read). */
  private cursorSeq = -1;
  private quarantinedCount = 0;
  private delivered = 0;
  private retried = 0;
  private readonly sql: Record<string, Statement>;
  /** SAP Gateway session: the CSRF token and the cookies it belongs to; `fetching` is the token of the request on its way. */
  private csrf: { token?: string; cookie?: string; fetching?: string } = {};
  private readonly orders = new Map<string, { revision: number; order: ProductionOrder }>();
  private readonly totals = new Map<string, { seq: number; sums: number[] }>();

  constructor(store: MesStore, options: OutboxOptions) {
    if (!OUTBOX_NAME.test(options.name)) throw new Error(`outbox name '${options.name}' must be 1-64 letters, digits or ._- starting with a letter or digit`);
    this.store = store;
    this.name = options.name;
    this.options = {
      concurrency: 4,
      backoff: DEFAULT_BACKOFF,
      requestTimeoutMs: 30000,
      pageSize: 500,
      pollIntervalMs: 1000,
      metricsIntervalMs: 1000,
      now: () => Date.now(),
      random: Math.random,
      ...options,
      dialectOptions: options.dialectOptions ?? {},
    };
    this.options.concurrency = Math.max(1, Math.floor(this.options.concurrency));
    const db = store.db;
    const types = ERP_EVENT_TYPES.map(() => '?').join(',');
    this.sql = {
      cursor: db.prepare('SELECT last_seq FROM outbox_cursor WHERE outbox = ?'),
      setCursor: db.prepare(`INSERT INTO outbox_cursor (outbox, last_seq) VALUES (?, ?)
        ON CONFLICT(outbox) DO UPDATE SET last_seq = excluded.last_seq`),
      // Whole rows only for a dialect that prepares events; the others need the columns of the queue.
      newEvents: db.prepare(`SELECT ${options.dialect.prepare ? '*' : 'seq, event_id, type, order_id'} FROM events WHERE seq > ? AND type IN (${types}) ORDER BY seq LIMIT ?`),
      maxSeq: db.prepare('SELECT MAX(seq) AS seq FROM events'),
      insertMessage: db.prepare(`INSERT OR IGNORE INTO outbox_messages (outbox, seq, event_id, event_type, lane, state, enqueued_at)
        VALUES (?, ?, ?, ?, ?, 'pending', ?)`),
      insertLane: db.prepare(`INSERT INTO outbox_lanes (outbox, lane, head_seq) VALUES (?, ?, ?)
        ON CONFLICT(outbox, lane) DO NOTHING`),
      readyLanes: db.prepare(`SELECT lane, head_seq FROM outbox_lanes
        WHERE outbox = ? AND blocked = 0 AND next_attempt_ms <= ? ORDER BY head_seq LIMIT ?`),
      nextWake: db.prepare('SELECT MIN(next_attempt_ms) AS at FROM outbox_lanes WHERE outbox = ? AND blocked = 0 AND next_attempt_ms > ?'),
      message: db.prepare('SELECT seq, event_id, state, attempts, lane FROM outbox_messages WHERE outbox = ? AND seq = ?'),
      messageByEvent: db.prepare('SELECT seq, event_id, state, attempts, lane FROM outbox_messages WHERE outbox = ? AND event_id = ?'),
      nextInLane: db.prepare(`SELECT seq, event_id, state, attempts, lane FROM outbox_messages
        WHERE outbox = ? AND lane = ? AND seq > ? AND state IN ('pending', 'quarantined') ORDER BY seq LIMIT 1`),
      headOfLane: db.prepare(`SELECT seq, state FROM outbox_messages
        WHERE outbox = ? AND lane = ? AND state IN ('pending', 'quarantined') ORDER BY seq LIMIT 1`),
      event: db.prepare('SELECT * FROM events WHERE seq = ?'),
      orderRevision: db.prepare('SELECT revision FROM orders WHERE order_id = ?'),
      issuesBefore: db.prepare(`SELECT * FROM events WHERE order_id = ? AND type = 'material.consumed' AND seq < ?
        AND seq > COALESCE((SELECT MAX(seq) FROM events WHERE order_id = ? AND type = 'material.produced' AND seq < ?), 0) ORDER BY seq`),
      close: db.prepare(`UPDATE outbox_messages SET state = ?, attempts = attempts + ?, last_attempt_at = ?, last_status = ?,
        last_error = ?, response = ?, resolved_at = ?, resolved_by = ?, reason = ? WHERE outbox = ? AND seq = ?`),
      failAttempt: db.prepare(`UPDATE outbox_messages SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?, response = ?
        WHERE outbox = ? AND seq = ?`),
      setHead: db.prepare('UPDATE outbox_lanes SET head_seq = ?, blocked = ?, next_attempt_ms = ?, wait_reason = ? WHERE outbox = ? AND lane = ?'),
      deleteLane: db.prepare('DELETE FROM outbox_lanes WHERE outbox = ? AND lane = ?'),
      delayLane: db.prepare('UPDATE outbox_lanes SET next_attempt_ms = ?, wait_reason = ? WHERE outbox = ? AND lane = ?'),
      wakeUnreachable: db.prepare(`UPDATE outbox_lanes SET next_attempt_ms = 0, wait_reason = NULL
        WHERE outbox = ? AND blocked = 0 AND wait_reason = 'unreachable'`),
      wakeCsrf: db.prepare(`UPDATE outbox_lanes SET next_attempt_ms = 0, wait_reason = NULL
        WHERE outbox = ? AND blocked = 0 AND wait_reason = 'csrf'`),
      requeue: db.prepare("UPDATE outbox_messages SET state = 'pending' WHERE outbox = ? AND seq = ? AND state = 'quarantined'"),
      discard: db.prepare("UPDATE outbox_messages SET state = 'discarded', resolved_at = ?, resolved_by = ?, reason = ? WHERE outbox = ? AND seq = ?"),
      quarantinedOf: db.prepare(`SELECT seq, event_id, state, attempts, lane FROM outbox_messages WHERE outbox = ? AND state = 'quarantined' ORDER BY seq`),
      countOpen: db.prepare(`SELECT
          (SELECT COUNT(*) FROM outbox_messages WHERE outbox = ? AND state IN ('pending', 'quarantined')) AS open,
          (SELECT COUNT(*) FROM outbox_messages WHERE outbox = ? AND state = 'quarantined') AS quarantined`),
      oldest: db.prepare(`SELECT e.event_id, e.recorded_time FROM events e
        WHERE e.seq = (SELECT MIN(head_seq) FROM outbox_lanes WHERE outbox = ?)`),
      control: db.prepare('SELECT paused FROM outbox_control WHERE outbox = ?'),
      setControl: db.prepare(`INSERT INTO outbox_control (outbox, paused, changed_by, reason, changed_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(outbox) DO UPDATE SET paused = excluded.paused, changed_by = excluded.changed_by, reason = excluded.reason, changed_at = excluded.changed_at`),
    };
  }

  /** Starts reading the log and delivering. Throws if another outbox of the same name runs on this database. */
  start(): void {
    if (!this.stopped) return;
    const names = activeOutboxes.get(this.store) ?? new Set<string>();
    if (names.has(this.name)) throw new ConflictError([{ field: 'name', rule: 'unique', message: `outbox '${this.name}' is already running on this database` }]);
    names.add(this.name);
    activeOutboxes.set(this.store, names);
    this.stopped = false;
    const counts = this.sql.countOpen.get(this.name, this.name) as { open: number; quarantined: number };
    this.openCount = counts.open;
    this.quarantinedCount = counts.quarantined;
    this.paused = ((this.sql.control.get(this.name) as { paused: number } | undefined)?.paused ?? 0) === 1;
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.pollTimer.unref?.();
    this.changed();
    this.wake();
  }

  /**
   * Stops sending and waits for delivery-state writes in progress. Answers still on their way are
   * ignored; those messages are sent again (same key) on the next start.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.metricsTimer);
    this.retryAt = Infinity;
    for (const flight of this.busy.values()) clearTimeout(flight.watchdog);
    this.busy.clear();
    this.cursorSeq = -1;
    activeOutboxes.get(this.store)?.delete(this.name);
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** New events may be in the log (another node just wrote some): look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pump().catch((err: unknown) => this.recordError('', '', 'internal', err instanceof Error ? err.message : String(err)))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.stopped) {
          this.pumpAgain = false;
          setImmediate(() => this.wake());
        }
      });
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.writes.add(work);
    work.then(() => this.writes.delete(work), () => this.writes.delete(work));
    return work;
  }

  private async pump(): Promise<void> {
    const logEnd = (this.sql.maxSeq.get() as { seq: number | null }).seq ?? 0;
    if (logEnd > this.cursorSeq) {
      const copied = await this.track(this.store.transact(() => this.copyNewEvents()));
      if (this.stopped) return;
      if (copied === this.options.pageSize) this.pumpAgain = true;
    }
    // Requests sent while a CSRF token is on its way would only be refused.
    if (this.paused || this.csrf.fetching || !this.options.baseUrl) return;
    const limit = this.reachable === false ? 1 : this.options.concurrency;
    const free = limit - this.busy.size;
    if (free > 0) {
      const now = this.options.now();
      const lanes = this.sql.readyLanes.all(this.name, now, free + this.busy.size) as { lane: string; head_seq: number }[];
      let started = 0;
      for (const { lane, head_seq } of lanes) {
        if (started >= free) break;
        if (this.busy.has(lane)) continue;
        const message = this.sql.message.get(this.name, head_seq) as MessageRow | undefined;
        if (!message || message.state !== 'pending') continue;
        started += 1;
        this.startLane(message);
      }
    }
    this.scheduleRetryWake();
  }

  /** One page of ERP-relevant events after the cursor into outbox_messages; runs inside a transaction. */
  private copyNewEvents(): number {
    const cursor = (this.sql.cursor.get(this.name) as { last_seq: number } | undefined)?.last_seq ?? 0;
    const rows = this.sql.newEvents.all(cursor, ...ERP_EVENT_TYPES, this.options.pageSize) as EventRow[];
    const nowIso = new Date(this.options.now()).toISOString();
    for (const row of rows) {
      this.prepare(row);
      const lane = row.order_id ?? '';
      const inserted = this.sql.insertMessage.run(this.name, row.seq, row.event_id, row.type, lane, nowIso);
      this.sql.insertLane.run(this.name, lane, row.seq);
      this.openCount += inserted.changes;
    }
    // A short page means everything up to the end of the log has been seen, matching or not.
    const last = rows.length === this.options.pageSize ? rows[rows.length - 1].seq
      : Math.max(cursor, (this.sql.maxSeq.get() as { seq: number | null }).seq ?? 0);
    if (last !== cursor) this.sql.setCursor.run(this.name, last);
    this.cursorSeq = last;
    if (rows.length > 0) this.changed();
    return rows.length;
  }

  /** Lets the dialect record what its requests need (SAP batches), durably before the first send; runs inside a transaction. */
  private prepare(row: EventRow): void {
    if (this.options.dialect.prepare) this.options.dialect.prepare(this.store, toStoredEvent(row), this.options.dialectOptions);
  }

  private scheduleRetryWake(): void {
    const at = (this.sql.nextWake.get(this.name, this.options.now()) as { at: number | null }).at;
    if (at === null || at >= this.retryAt) return;
    clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.options.now()) + 5);
    this.retryTimer.unref?.();
  }

  /**
   * The order document, parsed once per revision: every actual of a backlog needs its order, and
   * re-reading and re-parsing it per message would cost more than the send itself.
   */
  private orderOf(orderId: string): ProductionOrder | undefined {
    if (!orderId) return undefined;
    const revision = (this.sql.orderRevision.get(orderId) as { revision: number } | undefined)?.revision;
    if (revision === undefined) return undefined;
    const cached = this.orders.get(orderId);
    if (cached && cached.revision === revision) return cached.order;
    const order = getOrderDocument(this.store, orderId);
    if (order) {
      if (this.orders.size >= ORDER_CACHE_SIZE) this.orders.delete(this.orders.keys().next().value as string);
      this.orders.set(orderId, { revision, order });
    }
    return order;
  }

  private mappingContext(actual: CanonicalActual, orderId: string, order: ProductionOrder | undefined): MappingContext {
    return {
      order,
      options: this.options.dialectOptions,
      goodsIssuesBefore: () => (this.sql.issuesBefore.all(orderId, actual.seq, orderId, actual.seq) as EventRow[])
        .map((row) => toCanonicalActual(toStoredEvent(row), undefined)),
      actualsBefore: (of, eventTypes) => (this.store.statement(`SELECT * FROM events WHERE order_id = ? AND seq < ?
          AND operation_key IS ? AND type IN (${eventTypes.map(() => '?').join(',')}) ORDER BY seq`)
        .all(orderId, of.seq, of.operationKey ?? null, ...eventTypes) as EventRow[]).map((row) => toCanonicalActual(toStoredEvent(row), order)),
      quantityTotalsBefore: (of, query) => this.quantityTotalsBefore(orderId, of.seq, query),
      erpBatchOf: (system, lot) => erpBatchOf(this.store, system, lot),
    };
  }

  /**
   * Sums in billionths over the order's earlier events; see MappingContext. Integers, so a sum
   * carried on from an earlier message of the same order and key (the lane goes in log order)
   * plus the events in between equals the sum over all of them: each message reads only the
   * events since the previous one, not the order's whole history.
   */
  private quantityTotalsBefore(orderId: string, seq: number, query: QuantityTotalsQuery): Record<string, number> {
    const path = (field: string) => {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field)) throw new Error(`payload field '${field}' cannot be summed`);
      return `$.${field}`;
    };
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.operationKey !== undefined) {
      where.push('operation_key IS ?');
      params.push(query.operationKey);
    }
    for (const [field, value] of Object.entries(query.match ?? {})) {
      // A missing boolean is false, as the payloads' writers mean it.
      where.push(typeof value === 'boolean' ? 'COALESCE(json_extract(payload, ?), 0) = ?' : 'json_extract(payload, ?) IS ?');
      params.push(path(field), typeof value === 'boolean' ? Number(value) : value);
    }
    const key = JSON.stringify([orderId, query]);
    const known = this.totals.get(key);
    const from = known && known.seq <= seq ? known : { seq: 0, sums: query.fields.map(() => 0) };
    const sums = query.fields.map((_, i) => `COALESCE(SUM(CAST(ROUND(json_extract(payload, ?) * 1e9) AS INTEGER)), 0) AS f${i}`);
    const row = this.store.statement(`SELECT ${sums.join(', ')} FROM events WHERE order_id = ? AND type = ? AND seq >= ? AND seq < ?${where.map((w) => ` AND ${w}`).join('')}`)
      .get(...query.fields.map(path), orderId, query.eventType, from.seq, seq, ...params) as Record<string, number>;
    const total = query.fields.map((_, i) => from.sums[i] + row[`f${i}`]);
    this.totals.delete(key);
    if (this.totals.size >= TOTALS_CACHE_SIZE) this.totals.delete(this.totals.keys().next().value as string);
    this.totals.set(key, { seq, sums: total });
    return Object.fromEntries(query.fields.map((field, i) => [field, total[i]]));
  }

  /**
   * Sends the lane's message `message`; messages the dialect has nothing to send for are marked
   * skipped and the lane moves straight on to its next one.
   */
  private startLane(first: MessageRow): void {
    let message: MessageRow | undefined = first;
    // Busy from the first look, so the pump never picks this lane while its writes are not yet durable.
    this.busy.set(first.lane, { seq: first.seq });
    while (message) {
      const row = this.sql.event.get(message.seq) as EventRow | undefined;
      if (!row) throw new Error(`event seq ${message.seq} of outbox '${this.name}' is missing from the log`);
      const event = toStoredEvent(row);
      const orderId = event.orderId ?? '';
      let request: ErpRequest | null;
      try {
        const order = this.orderOf(orderId);
        const actual = toCanonicalActual(event, order);
        request = this.options.dialect.map(actual, this.mappingContext(actual, orderId, order));
      } catch (err) {
        // A mapping that throws would throw again on every retry: quarantine with the reason.
        this.finishLane(message, { kind: 'quarantine' }, { statusCode: 'mapping', payload: (err as Error).message });
        return;
      }
      if (request) {
        this.send(message, request, event.type);
        return;
      }
      this.closeMessage(message, 'skipped', null, null);
      message = this.sql.nextInLane.get(this.name, message.lane, message.seq) as MessageRow | undefined;
      if (message?.state !== 'pending') {
        this.releaseWhenWritten(first.lane);
        return;
      }
    }
  }

  private send(message: MessageRow, request: ErpRequest, eventType: string): void {
    const token = randomUUID();
    const correlation: Correlation = { outbox: this.name, lane: message.lane, seq: message.seq, eventId: message.event_id, token };
    const watchdog = setTimeout(() => {
      void this.handleResponse(correlation, { statusCode: 'ETIMEDOUT', payload: 'no answer from the http request node; is its output wired back to the outbox?' });
    }, this.options.requestTimeoutMs + 5000);
    watchdog.unref?.();
    this.busy.set(message.lane, { seq: message.seq, token, watchdog, csrfToken: this.csrf.token });
    this.options.send({
      topic: eventType,
      method: request.method,
      url: `${this.options.baseUrl.replace(/\/+$/, '')}${request.path}`,
      headers: { ...request.headers, ...this.csrfHeaders(), 'Idempotency-Key': message.event_id },
      payload: request.body,
      requestTimeout: this.options.requestTimeoutMs,
      _mesOutbox: correlation,
    });
  }

  private csrfHeaders(): Record<string, string> {
    if (!this.options.dialect.csrfToken || !this.csrf.token) return {};
    return this.csrf.cookie ? { 'x-csrf-token': this.csrf.token, Cookie: this.csrf.cookie } : { 'x-csrf-token': this.csrf.token };
  }

  /** Asks the ERP for a CSRF token through the same http request node; one request at a time. */
  private fetchCsrfToken(): void {
    if (this.csrf.fetching || this.stopped) return;
    const token = randomUUID();
    this.csrf = { fetching: token };
    const expire = setTimeout(() => {
      if (this.csrf.fetching === token) this.csrf.fetching = undefined;
    }, this.options.requestTimeoutMs + 5000);
    expire.unref?.();
    this.options.send({
      topic: 'csrf',
      method: 'GET',
      url: `${this.options.baseUrl.replace(/\/+$/, '')}/`,
      headers: { 'x-csrf-token': 'Fetch', Accept: 'application/json' },
      payload: undefined,
      requestTimeout: this.options.requestTimeoutMs,
      _mesOutbox: { outbox: this.name, lane: '', seq: 0, eventId: '', token, purpose: 'csrf' },
    });
  }

  private csrfFetched(correlation: Correlation, response: DeliveryResponse): void {
    if (this.csrf.fetching !== correlation.token) return;
    this.csrf.fetching = undefined;
    const token = header(response.headers, 'x-csrf-token');
    const status = typeof response.statusCode === 'number' ? response.statusCode : 0;
    if (status < 200 || status >= 300 || !token || token.toLowerCase() === 'required') {
      this.recordError('', '', String(response.statusCode ?? 'none'), `CSRF token fetch failed: ${responseText(response.payload) ?? 'no token in the answer'}`);
      return;
    }
    const setCookie = response.headers?.['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]).map((c) => String(c).split(';')[0]);
    this.csrf = { token, cookie: cookies.length > 0 ? cookies.join('; ') : undefined };
    this.write(() => this.sql.wakeCsrf.run(this.name));
    this.wake();
  }

  /** Handles the answer to a request this outbox sent; answers to earlier sends or other outboxes are ignored. */
  async handleResponse(correlation: Correlation, response: DeliveryResponse): Promise<void> {
    if (this.stopped || correlation.outbox !== this.name) return;
    if (correlation.purpose === 'csrf') {
      this.csrfFetched(correlation, response);
      return;
    }
    const flight = this.busy.get(correlation.lane);
    if (!flight || flight.token !== correlation.token) return;
    clearTimeout(flight.watchdog);
    const message = this.sql.message.get(this.name, flight.seq) as MessageRow | undefined;
    if (!message) return;
    const outcome = classify(response.statusCode, response.headers, this.options.now());
    this.finishLane(message, outcome, response, flight.csrfToken);
  }

  private finishLane(message: MessageRow, outcome: Outcome, response: DeliveryResponse, sentCsrfToken?: string): void {
    const status = String(response.statusCode ?? 'none');
    if (outcome.kind === 'delivered') {
      const wasUnreachable = this.reachable !== true;
      this.reachable = true;
      this.delivered += 1;
      this.closeMessage(message, 'delivered', status, null, wasUnreachable);
      // Pipelined: the next actual of the order goes out while the acknowledgement commits. The
      // order is kept (one request per lane at a time), and a crash before the commit means only
      // a resend with the same key.
      const next = this.sql.nextInLane.get(this.name, message.lane, message.seq) as MessageRow | undefined;
      if (next && next.state === 'pending' && !this.stopped && !this.paused) {
        this.busy.delete(message.lane);
        this.startLane(next);
        return;
      }
      this.releaseWhenWritten(message.lane);
      return;
    }
    const text = responseText(response.payload);
    // What people see: the ERP's own message when its answer has a known error shape; the answer stays whole in `response`.
    const erpMessage = erpErrorMessage(text) ?? text ?? status;
    if (outcome.kind === 'retry') {
      if (outcome.reason === 'unreachable') this.reachable = false;
      // Only the token this request carried is stale; a newer one may have arrived meanwhile.
      if (outcome.reason === 'csrf' && this.options.dialect.csrfToken && this.csrf.token === sentCsrfToken) {
        this.csrf.token = undefined;
        this.fetchCsrfToken();
      }
      this.retried += 1;
      this.recordError(message.event_id, message.lane, status, erpMessage);
      const delay = retryDelay(message.attempts + 1, this.options.backoff, this.options.random, outcome.retryAfterMs);
      const at = this.options.now() + delay;
      this.write(() => {
        this.sql.failAttempt.run(new Date(this.options.now()).toISOString(), status, erpMessage, text, this.name, message.seq);
        this.sql.delayLane.run(at, outcome.reason, this.name, message.lane);
      });
      this.releaseWhenWritten(message.lane);
      return;
    }
    this.recordError(message.event_id, message.lane, status, erpMessage);
    this.quarantinedCount += 1;
    this.write((s) => {
      this.sql.close.run('quarantined', 1, new Date(this.options.now()).toISOString(), status, erpMessage, text, null, null, null, this.name, message.seq);
      this.sql.setHead.run(message.seq, 1, 0, 'quarantined', this.name, message.lane);
      s.appendEvent({
        type: 'outbox.quarantined', orderId: message.lane || null, actor: `outbox:${this.name}`,
        payload: { outbox: this.name, eventId: message.event_id, seq: message.seq, status, message: erpMessage, response: text },
      });
    });
    this.releaseWhenWritten(message.lane);
  }

  /** Marks a message delivered / skipped / discarded and moves its lane's head on. */
  private closeMessage(message: MessageRow, state: 'delivered' | 'skipped', status: string | null, text: string | null, wakeOthers = false): void {
    this.openCount -= 1;
    this.write(() => {
      const nowIso = new Date(this.options.now()).toISOString();
      this.sql.close.run(state, state === 'delivered' ? 1 : 0, state === 'delivered' ? nowIso : null, status, null, text, nowIso, null, null, this.name, message.seq);
      this.advanceHead(message.lane);
      // The ERP answered again: lanes that only waited because it was unreachable may go now.
      if (wakeOthers) this.sql.wakeUnreachable.run(this.name);
    });
  }

  /** Lane head = its oldest open message; no open message, no lane. Runs inside a transaction. */
  private advanceHead(lane: string): void {
    const head = this.sql.headOfLane.get(this.name, lane) as { seq: number; state: string } | undefined;
    if (!head) this.sql.deleteLane.run(this.name, lane);
    else this.sql.setHead.run(head.seq, head.state === 'quarantined' ? 1 : 0, 0, head.state === 'quarantined' ? 'quarantined' : null, this.name, lane);
  }

  private write(work: (store: MesStore) => void): void {
    const done = this.track(this.store.transact(work));
    done.then(() => this.changed(), (err: unknown) => this.recordError('', '', 'store', (err as Error).message));
  }

  /** Frees the lane once every write in progress is durable, then looks for more work. */
  private releaseWhenWritten(lane: string): void {
    const flight = this.busy.get(lane);
    if (flight) clearTimeout(flight.watchdog);
    Promise.allSettled([...this.writes]).then(() => {
      if (this.busy.get(lane) === flight) this.busy.delete(lane);
      this.changed();
      this.wake();
    });
  }

  private recordError(eventId: string, orderId: string, status: string, message: string): void {
    this.lastError = { at: new Date(this.options.now()).toISOString(), eventId, orderId, status, message: message.slice(0, 500) };
    this.changed();
  }

  // ---- commands -------------------------------------------------------------------------------

  /** The quarantined messages, oldest first: what a supervisor decides on (retry or discard). */
  quarantine(limit = 1000): QuarantinedMessage[] {
    const rows = this.store.db.prepare(`SELECT m.seq, m.event_id, m.event_type, m.lane, m.attempts, m.enqueued_at, m.last_attempt_at, m.last_status, m.last_error
      FROM outbox_messages m WHERE m.outbox = ? AND m.state = 'quarantined' ORDER BY m.seq LIMIT ?`).all(this.name, limit) as Record<string, string | number | null>[];
    return rows.map((r) => ({
      eventId: String(r.event_id), seq: Number(r.seq), type: String(r.event_type), orderId: r.lane ? String(r.lane) : null,
      attempts: Number(r.attempts), enqueuedAt: String(r.enqueued_at), quarantinedAt: r.last_attempt_at === null ? null : String(r.last_attempt_at),
      erpStatus: r.last_status === null ? null : String(r.last_status), erpMessage: r.last_error === null ? null : String(r.last_error),
    }));
  }

  /** Puts quarantined messages back in the queue (the same event id is sent again). */
  async retry(selector: RetrySelector, actor: string): Promise<number> {
    const candidates = (this.sql.quarantinedOf.all(this.name) as MessageRow[])
      .filter((m) => selector.all || m.event_id === selector.eventId || m.lane === selector.orderId);
    if (candidates.length === 0) throw new NotFoundError(`no quarantined message in outbox '${this.name}' matches ${JSON.stringify(selector)}`);
    await this.track(this.store.transact((s) => {
      for (const m of candidates) {
        // A message queued before its dialect recorded what it needs (an upgrade) gets it now.
        const row = this.sql.event.get(m.seq) as EventRow | undefined;
        if (row) this.prepare(row);
        this.sql.requeue.run(this.name, m.seq);
        this.advanceHead(m.lane);
      }
      s.appendEvent({
        type: 'outbox.retried', actor,
        payload: { outbox: this.name, eventIds: candidates.map((m) => m.event_id) },
      });
    }));
    this.quarantinedCount -= candidates.length;
    this.changed();
    this.wake();
    return candidates.length;
  }

  /**
   * Gives up on one message for good, recording who decided and why; its order's later actuals
   * flow again. With a signature where the plant requires one (actual.discard): verified before
   * the transaction (the two-person rule against `actor`), bound to `outbox.discarded`.
   */
  async discard(eventId: string, reason: string, actor: string, signature?: unknown): Promise<void> {
    this.discardable(eventId);
    const { signatures } = this.options;
    const signing = await verifySent(this.store, signatures, 'actual.discard', signature, actor, `outbox '${this.name}'`);
    requireSigning(signatures, 'actual.discard', signing, `discarding actual ${eventId}`, 'discard command');
    let discarded: MessageRow | undefined;
    await this.track(this.store.transact((s) => {
      // Read again: the message may have moved on while the password was checked.
      const message = this.discardable(eventId);
      const nowIso = new Date(this.options.now()).toISOString();
      this.sql.discard.run(nowIso, actor, reason, this.name, message.seq);
      this.advanceHead(message.lane);
      appendSigned(s, {
        type: 'outbox.discarded', orderId: message.lane || null, actor,
        payload: { outbox: this.name, eventId, seq: message.seq, reason, previousState: message.state },
      }, signing);
      discarded = message;
    }));
    this.openCount -= 1;
    if (discarded?.state === 'quarantined') this.quarantinedCount -= 1;
    this.changed();
    this.wake();
  }

  /** The open message of that event, not in flight, or why it cannot be discarded. */
  private discardable(eventId: string): MessageRow {
    const message = this.sql.messageByEvent.get(this.name, eventId) as MessageRow | undefined;
    if (!message) throw new NotFoundError(`event ${eventId} is not in outbox '${this.name}'`);
    if (message.state !== 'pending' && message.state !== 'quarantined') {
      throw new ConflictError([{ field: 'eventId', rule: 'open', message: `event ${eventId} is already ${message.state}` }]);
    }
    if (this.busy.get(message.lane)?.seq === message.seq) {
      throw new ConflictError([{ field: 'eventId', rule: 'notInFlight', message: `event ${eventId} is being sent right now; discard it after the answer` }]);
    }
    return message;
  }

  async setPaused(paused: boolean, actor: string, reason?: string): Promise<void> {
    await this.track(this.store.transact((s) => {
      this.sql.setControl.run(this.name, paused ? 1 : 0, actor, reason ?? null, new Date(this.options.now()).toISOString());
      s.appendEvent({ type: paused ? 'outbox.paused' : 'outbox.resumed', actor, payload: { outbox: this.name, reason: reason ?? null } });
    }));
    this.paused = paused;
    this.changed();
    if (!paused) this.wake();
  }

  // ---- status ---------------------------------------------------------------------------------

  metrics(): OutboxMetrics {
    const oldest = this.store.isOpen ? this.sql.oldest.get(this.name) as { event_id: string; recorded_time: string } | undefined : undefined;
    return {
      outbox: this.name,
      dialect: this.options.dialect.name,
      queueDepth: this.openCount,
      quarantined: this.quarantinedCount,
      inFlight: this.busy.size,
      oldestAgeMs: oldest ? Math.max(0, this.options.now() - Date.parse(oldest.recorded_time)) : null,
      oldestEventId: oldest?.event_id ?? null,
      erpReachable: this.reachable,
      paused: this.paused,
      noErp: !this.options.baseUrl,
      lastError: this.lastError,
      delivered: this.delivered,
      retried: this.retried,
    };
  }

  /** Coalesces figure changes into at most one report per interval. */
  private changed(): void {
    if (!this.options.onMetrics || this.metricsTimer || this.stopped) return;
    this.metricsTimer = setTimeout(() => {
      this.metricsTimer = undefined;
      if (!this.stopped) this.options.onMetrics?.(this.metrics());
    }, this.options.metricsIntervalMs);
    this.metricsTimer.unref?.();
  }
}
