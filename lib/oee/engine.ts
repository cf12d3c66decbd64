import { ShiftCalendar, type Period, type ShiftInstance } from './calendar';
import { addTime, addTotals, computeMetrics, emptyTotals, type TimeCategory, type Totals } from './totals';
import { counterDelta } from '../util/machine-signal';
import type {
  Downtime, LineSnapshot, MachineState, OeeConfig, OeeOp, Product, ReasonShare, StateReport, TrackedState,
  WindowReport, WorkstationConfig, WorkstationSnapshot, WorkstationState,
} from './types';

const MINUTE = 60_000;
/** The last-hour window starts at the start of the minute one hour ago: 60 to 61 minutes long. */
const HOUR_MINUTES = 60;
const hourStartOf = (t: number) => Math.floor((t - HOUR_MINUTES * MINUTE) / MINUTE) * MINUTE;

/** Stops that are downtime and ask for a reason; unknown time is reported on its own. */
const DOWNTIME_CATEGORIES = new Set<TimeCategory>(['stopped', 'faulted', 'idle', 'setup']);

const iso = (t: number) => new Date(t).toISOString();

/**
 * What the engine remembers about one workstation's minute buckets between calls: they are on the
 * path of every signal and every snapshot.
 */
interface MinuteCache {
  /** The state object the entries belong to: a restore replaces it, and the cache with it. */
  ws: WorkstationState;
  /** The bucket booked into last: nearly every signal books into the same minute as the one before. */
  minute: number;
  totals: Totals | null;
  /** The minute old buckets were last deleted at. */
  prunedAt: number;
  /** The sum of the closed minutes [from, to) of the last hour, so a snapshot adds 2 buckets, not 61. */
  hour: { from: number; to: number; sum: Totals } | null;
}

/**
 * The cached sum of the last hour's closed minutes, when it includes the minute of `t`: what is
 * booked into that minute is added to the sum as well, which keeps it exact without summing the
 * hour again for the next snapshot.
 */
function closedHourHolding(cache: MinuteCache, t: number): Totals | null {
  const hour = cache.hour;
  if (hour === null) return null;
  const minute = Math.floor(t / MINUTE);
  return minute >= hour.from && minute < hour.to ? hour.sum : null;
}

/** Books counts into one window. A function, not a closure per signal: it runs for every count. */
function addCounts(totals: Totals, planned: boolean, total: number, good: number, reject: number, startup: number, idealMs: number | null): void {
  if (!planned) {
    totals.outsidePlannedTotal += total;
    totals.outsidePlannedGood += good;
    return;
  }
  totals.total += total;
  totals.good += good;
  totals.reject += reject;
  totals.startupReject += startup;
  if (idealMs === null) totals.countsWithoutIdealTime += total;
  else {
    totals.idealMs += total * idealMs;
    totals.idealGoodMs += good * idealMs;
    totals.idealStartupRejectMs += startup * idealMs;
  }
}

/**
 * One workstation as the hot path sees it: its state, next calendar boundary, minute cache and
 * dirty flag in one object, found by index. A signal looks its workstation up once (the parser
 * resolves the name), not once per map: at 300,000 signals a second each lookup shows.
 */
interface Slot {
  readonly id: string;
  readonly index: number;
  ws: WorkstationState | null;
  /** Next calendar boundary: passing it books time and may close a shift. */
  watch: number;
  cache: MinuteCache | null;
  dirty: boolean;
}

export interface CountInput {
  /** good (good-reject scheme) or total (total-reject scheme); increments or absolute values. */
  first?: number;
  reject?: number;
}

export interface OperationStart {
  time: number;
  orderId: string | null;
  operationKey: string | null;
  material: string | null;
  idealCycleTimeSeconds?: number | null;
}

/**
 * Turns one line's machine signals into times and counts per shift, order and minute, in event
 * time. Pure and synchronous: the node adapter feeds it, takes the store operations it queues
 * (`drainOps`) and persists the states it marks dirty.
 *
 * Booking is lazy: a signal only moves the clock; the open state interval is booked into the
 * windows when it closes, when a calendar boundary passes, and before a snapshot. Sums do not
 * depend on when booking happens, so the numbers are the same whatever the snapshot rate.
 */
export class OeeEngine {
  readonly config: OeeConfig;
  readonly calendar: ShiftCalendar;
  private readonly wsConfig = new Map<string, WorkstationConfig>();
  /** Workstations that have a state, in the order they first signalled (snapshots list them so). */
  private readonly states = new Map<string, WorkstationState>();
  /** The configured workstations first, in configuration order (their index for `signalAt`). */
  private readonly slots: Slot[] = [];
  private readonly slotById = new Map<string, Slot>();
  private readonly microMs: number;
  private readonly timeoutMs: number;
  private ops: OeeOp[] = [];
  private dirty: Slot[] = [];

  constructor(config: OeeConfig) {
    this.config = config;
    this.calendar = new ShiftCalendar(config.calendar);
    for (const ws of config.workstations) {
      this.wsConfig.set(ws.id, ws);
      this.slotOf(ws.id);
    }
    this.microMs = config.microStopSeconds * 1000;
    this.timeoutMs = config.signalTimeoutSeconds * 1000;
  }

  /** The slot of workstation `id`; one is added for a workstation the configuration does not list. */
  private slotOf(id: string): Slot {
    let slot = this.slotById.get(id);
    if (slot === undefined) {
      slot = { id, index: this.slots.length, ws: null, watch: Infinity, cache: null, dirty: false };
      this.slots.push(slot);
      this.slotById.set(id, slot);
    }
    return slot;
  }

  private markDirty(slot: Slot): void {
    if (slot.dirty) return;
    slot.dirty = true;
    this.dirty.push(slot);
  }

  hasWorkstation(id: string): boolean {
    return this.wsConfig.has(id);
  }

  workstationIds(): string[] {
    return [...this.states.keys()];
  }

  /** The newest event time seen on the line. */
  lineClock(): number {
    let max = -Infinity;
    for (const ws of this.states.values()) max = Math.max(max, ws.clock);
    return max;
  }

  get(id: string): WorkstationState | undefined {
    return this.states.get(id);
  }

  /** Continues from persisted states after a restart. */
  restore(states: WorkstationState[]): void {
    for (const ws of states) {
      if (!this.wsConfig.has(ws.id)) continue;
      this.states.set(ws.id, ws);
      const slot = this.slotOf(ws.id);
      slot.ws = ws;
      slot.watch = this.calendar.periodAt(ws.accountedTo).end;
    }
  }

  drainOps(): OeeOp[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }

  /** Operations drained for a commit that failed: they go first into the next one. */
  requeueOps(ops: OeeOp[]): void {
    this.ops = ops.concat(this.ops);
  }

  /** After a failed save: every workstation's state must be saved again. */
  markAllDirty(): void {
    for (const id of this.states.keys()) this.markDirty(this.slotOf(id));
  }

  drainDirty(): WorkstationState[] {
    const list: WorkstationState[] = [];
    for (const slot of this.dirty) {
      slot.dirty = false;
      if (slot.ws !== null) list.push(slot.ws);
    }
    this.dirty = [];
    return list;
  }

  private initial(slot: Slot, t: number): WorkstationState {
    const id = slot.id;
    const cfg = this.wsConfig.get(id);
    const ws: WorkstationState = {
      id, clock: t, lastSignal: t, reported: null, reportedFault: null, state: 'unknown', since: t, faultCode: null, accountedTo: t,
      downtimeId: null, counters: { first: null, reject: null },
      product: { material: null, idealMs: cfg?.idealCycleTimeSeconds ? cfg.idealCycleTimeSeconds * 1000 : null, orderId: null, operationKey: null },
      order: null, shifts: {}, minutes: {}, downtimes: {}, lastSetupEnd: null, lateSignals: 0,
    };
    this.states.set(id, ws);
    slot.ws = ws;
    slot.watch = this.calendar.periodAt(t).end;
    return ws;
  }

  /**
   * Applies one signal of workstation `id` at event time `t` and tells whether the state changed.
   * A signal older than what the workstation has already seen is late (docs/oee.md): its state is
   * ignored, an increment is booked at the workstation's clock. A boolean, not an object: this
   * runs for every signal.
   */
  signal(id: string, t: number, state: MachineState | null, faultCode: string | null, counts: CountInput | null): boolean {
    return this.signalAt(this.slotOf(id).index, t, state, faultCode, counts?.first ?? null, counts?.reject ?? null);
  }

  /**
   * Index of workstation `id` for `signalAt`: its place in the configuration. A workstation the
   * configuration does not list has one only after `signal` or `startOperation` added it (-1 before).
   */
  indexOf(id: string): number {
    const slot = this.slotById.get(id);
    return slot === undefined ? -1 : slot.index;
  }

  /**
   * `signal` for the hot path: the workstation by index (`indexOf`, or the configuration order),
   * the counts as two numbers, null where the signal has none.
   */
  signalAt(index: number, t: number, state: MachineState | null, faultCode: string | null, first: number | null, reject: number | null): boolean {
    const slot = this.slots[index];
    let ws = slot.ws;
    if (ws === null) ws = this.initial(slot, t);
    const counted = first !== null || reject !== null;
    // Newer than the machine's last signal, and late only against the clock the wall clock moved
    // on (a signal held up past the grace, or a state that changed during a restart and reaches
    // the new subscription as its initial value): it happened, by now at the latest. It is booked
    // at the clock, as booked time is not rewritten; dropping it would keep a stale state.
    if (t < ws.clock && t >= ws.lastSignal) t = ws.clock;
    if (t < ws.clock) {
      ws.lateSignals += 1;
      this.markDirty(slot);
      // An increment is a fact that would otherwise be lost: book it at the workstation's clock.
      if (counted && this.config.counterMode === 'increment') this.count(slot, ws, ws.clock, first, reject);
      // An absolute counter's first reading is its baseline, however old its stamp: a PLC's
      // counter that last changed before its state did arrives late at every subscription, and
      // without it the next reading would be the baseline and its units lost (dispatch counts them).
      else if (counted) {
        if (first !== null && ws.counters.first === null) ws.counters.first = first;
        if (reject !== null && ws.counters.reject === null) ws.counters.reject = reject;
      }
      return false;
    }
    const before = ws.state;
    this.advanceWs(slot, ws, t);
    ws.lastSignal = t;
    if (counted) this.count(slot, ws, t, first, reject);
    if (state !== null) {
      ws.reported = state;
      ws.reportedFault = state === 'faulted' ? faultCode : null;
      this.setState(ws, t, state, ws.reportedFault);
    } else if (ws.state === 'unknown' && ws.reported !== null) {
      // Signals are flowing again after a gap: the machine is back in the state it last reported.
      this.setState(ws, t, ws.reported, ws.reportedFault);
    }
    this.markDirty(slot);
    return ws.state !== before;
  }

  /** Moves event time forward without a signal (all workstations, or one): closes what ends before it. */
  advance(t: number, id?: string): string[] {
    const changed: string[] = [];
    for (const ws of id ? [this.states.get(id)].filter((w): w is WorkstationState => !!w) : this.states.values()) {
      if (t <= ws.clock) continue;
      const before = ws.state;
      const slot = this.slotOf(ws.id);
      this.advanceWs(slot, ws, t);
      this.markDirty(slot);
      if (ws.state !== before) changed.push(ws.id);
    }
    return changed;
  }

  private advanceWs(slot: Slot, ws: WorkstationState, t: number): void {
    if (this.timeoutMs > 0 && ws.state !== 'unknown' && t - ws.lastSignal > this.timeoutMs) {
      const lostAt = ws.lastSignal + this.timeoutMs;
      this.bookTo(ws, lostAt);
      this.closeAndOpen(ws, lostAt, 'unknown', null);
    }
    ws.clock = Math.max(ws.clock, t);
    if (t >= slot.watch) this.bookTo(ws, t);
  }

  private setState(ws: WorkstationState, t: number, state: TrackedState, faultCode: string | null): void {
    if (state === ws.state && faultCode === ws.faultCode) return; // a repeat: nothing changes
    if (state === ws.state && ws.faultCode === null) {
      // The fault code of this stop, arriving after its state (PLCs update the two tags apart):
      // it belongs to the open stop and its downtime, which is not split.
      ws.faultCode = faultCode;
      if (ws.downtimeId !== null) ws.downtimes[ws.downtimeId].faultCode = faultCode;
      return;
    }
    this.closeAndOpen(ws, t, state, faultCode);
  }

  /** The category of the open interval as far as known at `t`; null while a stop may still be a micro-stop. */
  private categoryAt(ws: WorkstationState, t: number): TimeCategory | null {
    switch (ws.state) {
      case 'running': return 'running';
      case 'planned-stop': return 'planned';
      case 'unknown': return 'unknown';
      case 'setup': return this.config.setupIsPlanned ? 'planned' : 'setup';
      case 'idle':
        if (this.config.idleIsPlanned) return 'planned';
        break;
      default: break;
    }
    return t - ws.since >= this.microMs ? (ws.state as TimeCategory) : null;
  }

  /** Books the open interval up to `t` where its category is known, then closes finished shifts. */
  private bookTo(ws: WorkstationState, t: number): void {
    const slot = this.slotOf(ws.id);
    this.markDirty(slot);
    const category = this.categoryAt(ws, t);
    if (category !== null) {
      if (ws.downtimeId === null && DOWNTIME_CATEGORIES.has(category) && t > ws.since) this.startDowntime(ws);
      this.book(ws, ws.accountedTo, t, category, ws.downtimeId);
      ws.accountedTo = Math.max(ws.accountedTo, t);
    }
    slot.watch = this.calendar.periodAt(ws.accountedTo).end;
    this.closeShifts(ws);
  }

  private closeAndOpen(ws: WorkstationState, t: number, state: TrackedState, faultCode: string | null): void {
    let category = this.categoryAt(ws, t);
    if (category === null) category = 'micro';
    else if (ws.downtimeId === null && DOWNTIME_CATEGORIES.has(category) && t > ws.since) this.startDowntime(ws);
    this.book(ws, ws.accountedTo, t, category, ws.downtimeId);
    if (t > ws.since) {
      this.ops.push({
        kind: 'interval', workstation: ws.id, state: ws.state, category, start: ws.since, end: t, faultCode: ws.faultCode,
        downtimeId: ws.downtimeId, orderId: ws.product.orderId, operationKey: ws.product.operationKey,
      });
    }
    if (ws.downtimeId !== null) {
      const downtime = ws.downtimes[ws.downtimeId];
      downtime.end = t;
      this.ops.push({ kind: 'downtime-ended', downtime: { ...downtime }, orderId: ws.product.orderId, operationKey: ws.product.operationKey });
    }
    if (ws.state === 'setup') ws.lastSetupEnd = t;
    ws.state = state;
    ws.since = t;
    ws.faultCode = faultCode;
    ws.accountedTo = t;
    ws.downtimeId = null;
    this.slotOf(ws.id).watch = this.calendar.periodAt(t).end;
    this.closeShifts(ws);
  }

  private startDowntime(ws: WorkstationState): void {
    const id = `${ws.id}@${iso(ws.since)}`;
    const downtime: Downtime = { id, workstation: ws.id, start: ws.since, end: null, state: ws.state, faultCode: ws.faultCode, reason: null };
    ws.downtimes[id] = downtime;
    ws.downtimeId = id;
    this.ops.push({ kind: 'downtime-started', downtime: { ...downtime }, orderId: ws.product.orderId, operationKey: ws.product.operationKey });
  }

  /** Calls `fn` for each piece of [a, b) that lies in one calendar period and one minute. */
  private pieces(a: number, b: number, fn: (period: Period, from: number, to: number) => void): void {
    for (let t = a; t < b;) {
      const period = this.calendar.periodAt(t);
      const end = Math.min(b, period.end, (Math.floor(t / MINUTE) + 1) * MINUTE);
      fn(period, t, end);
      t = end;
    }
  }

  private book(ws: WorkstationState, a: number, b: number, category: TimeCategory, downtimeId: string | null): void {
    if (b <= a) return;
    this.pieces(a, b, (period, from, to) => {
      const ms = to - from;
      if (period.shift) addTime(this.shiftTotals(ws, period), period.kind, category, ms, downtimeId);
      if (ws.order) addTime(ws.order.totals, period.kind, category, ms, downtimeId);
      const cache = this.cacheOf(this.slotOf(ws.id));
      addTime(this.minuteTotals(ws, cache, from), period.kind, category, ms, downtimeId);
      const hour = closedHourHolding(cache, from);
      if (hour !== null) addTime(hour, period.kind, category, ms, downtimeId);
    });
  }

  private shiftTotals(ws: WorkstationState, period: Period): Totals {
    const shift = period.shift!;
    let entry = ws.shifts[shift.id];
    if (!entry) {
      entry = { shift, totals: emptyTotals() };
      ws.shifts[shift.id] = entry;
    }
    return entry.totals;
  }

  private cacheOf(slot: Slot): MinuteCache {
    let cache = slot.cache;
    if (cache === null || cache.ws !== slot.ws) {
      cache = { ws: slot.ws!, minute: NaN, totals: null, prunedAt: -Infinity, hour: null };
      slot.cache = cache;
    }
    return cache;
  }

  private minuteTotals(ws: WorkstationState, cache: MinuteCache, t: number): Totals {
    const minute = Math.floor(t / MINUTE);
    if (cache.minute === minute && cache.totals !== null) return cache.totals;
    let totals = ws.minutes[minute];
    if (!totals) {
      totals = emptyTotals();
      ws.minutes[minute] = totals;
      // Enumerating numeric keys is slow (they are sorted): delete old buckets every 10 minutes,
      // so a workstation keeps at most 71 of them.
      if (minute - cache.prunedAt >= 10) {
        const oldest = hourStartOf(ws.clock) / MINUTE;
        for (const key in ws.minutes) if (Number(key) < oldest) delete ws.minutes[key];
        cache.prunedAt = minute;
      }
    }
    cache.minute = minute;
    cache.totals = totals;
    return totals;
  }


  /** Closes every shift that ended before the booked time: a shift-end summary. */
  private closeShifts(ws: WorkstationState): void {
    for (const id in ws.shifts) {
      const entry = ws.shifts[id];
      if (entry.shift.end > ws.accountedTo) continue;
      delete ws.shifts[id];
      this.ops.push({ kind: 'shift-closed', workstation: ws.id, shift: entry.shift, totals: entry.totals, metrics: computeMetrics(entry.totals) });
      this.pruneDowntimes(ws);
    }
  }

  /** Forgets downtimes no open window refers to any more, so memory stays flat over weeks. */
  private pruneDowntimes(ws: WorkstationState): void {
    const keep = new Set<string>();
    if (ws.downtimeId) keep.add(ws.downtimeId);
    const refs = [...Object.values(ws.shifts).map((e) => e.totals), ...Object.values(ws.minutes), ...(ws.order ? [ws.order.totals] : [])];
    for (const totals of refs) for (const id in totals.downtime) keep.add(id);
    for (const id in ws.downtimes) if (!keep.has(id)) delete ws.downtimes[id];
  }

  private count(slot: Slot, ws: WorkstationState, t: number, firstInput: number | null, rejectInput: number | null): void {
    const absolute = this.config.counterMode === 'absolute';
    const first = firstInput === null ? 0 : absolute ? this.delta(ws, 'first', firstInput) : firstInput;
    const reject = rejectInput === null ? 0 : absolute ? this.delta(ws, 'reject', rejectInput) : rejectInput;
    const totalScheme = this.config.countScheme === 'total-reject';
    const total = totalScheme ? first : first + reject;
    const good = totalScheme ? first - reject : first;
    if (total === 0 && reject === 0) return;
    const period = this.calendar.periodAt(t);
    const planned = period.kind === 'shift' && this.categoryAt(ws, t) !== 'planned';
    const startup = this.config.startupWindowSeconds > 0 && ws.lastSetupEnd !== null && t - ws.lastSetupEnd < this.config.startupWindowSeconds * 1000
      ? reject : 0;
    const idealMs = ws.product.idealMs;
    if (period.shift) addCounts(this.shiftTotals(ws, period), planned, total, good, reject, startup, idealMs);
    if (ws.order) addCounts(ws.order.totals, planned, total, good, reject, startup, idealMs);
    const cache = this.cacheOf(slot);
    addCounts(this.minuteTotals(ws, cache, t), planned, total, good, reject, startup, idealMs);
    const hour = closedHourHolding(cache, t);
    if (hour !== null) addCounts(hour, planned, total, good, reject, startup, idealMs);
  }

  /** Counted pieces since the last absolute reading (`counterDelta`: rollover, reset, first reading). */
  private delta(ws: WorkstationState, which: 'first' | 'reject', value: number): number {
    const last = ws.counters[which];
    ws.counters[which] = value;
    return counterDelta(last, value, this.config.counterMax);
  }

  /** An operation started on the workstation (dispatch event or configuration message). */
  startOperation(id: string, start: OperationStart): void {
    const slot = this.slotOf(id);
    const ws = slot.ws ?? this.initial(slot, start.time);
    const t = Math.max(start.time, ws.clock);
    this.advanceWs(slot, ws, t);
    this.bookTo(ws, t);
    const cfg = this.wsConfig.get(id);
    const seconds = start.idealCycleTimeSeconds
      ?? (start.material !== null ? cfg?.products?.[start.material] : undefined)
      ?? cfg?.idealCycleTimeSeconds
      ?? null;
    ws.product = { material: start.material, idealMs: seconds === null ? null : Math.round(seconds * 1000), orderId: start.orderId, operationKey: start.operationKey };
    ws.order = start.orderId ? { orderId: start.orderId, operationKey: start.operationKey, since: t, totals: emptyTotals() } : null;
    this.markDirty(slot);
  }

  /** The operation ended: later counts belong to no order (the product's ideal time stays). */
  endOperation(id: string, time: number, orderId: string | null, operationKey: string | null): void {
    const ws = this.states.get(id);
    if (!ws || !ws.order || ws.order.orderId !== orderId || ws.order.operationKey !== operationKey) return;
    const t = Math.max(time, ws.clock);
    const slot = this.slotOf(id);
    this.advanceWs(slot, ws, t);
    this.bookTo(ws, t);
    ws.order = null;
    ws.product = { ...ws.product, orderId: null, operationKey: null };
    this.markDirty(slot);
  }

  /** Records a downtime reason in memory (the store is updated by the caller). */
  classify(downtimeId: string, reason: string): boolean {
    for (const ws of this.states.values()) {
      const downtime = ws.downtimes[downtimeId];
      if (downtime) {
        downtime.reason = reason;
        this.markDirty(this.slotOf(ws.id));
        return true;
      }
    }
    return false;
  }

  // ---- snapshots -----------------------------------------------------------------------------

  /**
   * Adds a workstation's windows at `at` (≥ its clock) into `shift` (of `current`, the shift at
   * `at`), `order` and `hour`, each skipped when null: what is booked plus the open interval up to
   * `at`, provisionally (a short stop counts as a micro-stop until it outlasts the threshold). A
   * line adds every workstation straight into its sums, without a copy of each on the way.
   */
  private addWindows(ws: WorkstationState, at: number, current: ShiftInstance | null, shift: Totals | null, order: Totals | null, hour: Totals): void {
    this.bookTo(ws, Math.min(at, ws.clock));
    // Callers pass `shift` only with a current shift, `order` only with an open order.
    const booked = shift && ws.shifts[current!.id];
    if (booked) addTotals(shift!, booked.totals);
    if (order) addTotals(order, ws.order!.totals);
    const hourStart = hourStartOf(at);
    const from = hourStart / MINUTE;
    const to = Math.floor(at / MINUTE);
    const cache = this.cacheOf(this.slotOf(ws.id));
    let closed = cache.hour;
    if (!closed || closed.from !== from || closed.to !== to) {
      const sum = emptyTotals();
      // By minute number, not by enumerating the buckets: a for-in over numeric keys sorts them.
      for (let minute = from; minute < to; minute++) {
        const bucket = ws.minutes[minute];
        if (bucket !== undefined) addTotals(sum, bucket);
      }
      closed = { from, to, sum };
      cache.hour = closed;
    }
    addTotals(hour, closed.sum);
    if (ws.minutes[to]) addTotals(hour, ws.minutes[to]);
    const openPiece = (from: number, to: number, category: TimeCategory, downtimeId: string | null) => {
      this.pieces(from, to, (period, a, b) => {
        if (shift && period.shift?.id === current!.id) addTime(shift, period.kind, category, b - a, downtimeId);
        if (order) addTime(order, period.kind, category, b - a, downtimeId);
        if (a >= hourStart) addTime(hour, period.kind, category, b - a, downtimeId);
      });
    };
    const lostAt = this.timeoutMs > 0 && ws.state !== 'unknown' ? ws.lastSignal + this.timeoutMs : Infinity;
    const knownTo = Math.max(ws.accountedTo, Math.min(at, lostAt));
    const category = this.categoryAt(ws, knownTo) ?? 'micro';
    const provisionalId = DOWNTIME_CATEGORIES.has(category) ? ws.downtimeId ?? `${ws.id}@${iso(ws.since)}` : null;
    openPiece(ws.accountedTo, knownTo, category, provisionalId);
    if (knownTo < at) openPiece(knownTo, at, 'unknown', null);
  }

  private report(ws: WorkstationState[], totals: Totals, from: number, to: number): WindowReport {
    return { from: iso(from), to: iso(to), ...computeMetrics(totals), topDowntimeReasons: this.topReasons(ws, totals) };
  }

  private topReasons(list: WorkstationState[], totals: Totals): ReasonShare[] {
    const byReason = new Map<string, ReasonShare>();
    for (const id in totals.downtime) {
      // A downtime id starts with its workstation's id: `WS-1@2026-…`.
      const ws = list.length === 1 ? list[0] : this.states.get(id.slice(0, id.lastIndexOf('@')));
      const reason = ws?.downtimes[id]?.reason ?? 'unclassified';
      const share = byReason.get(reason) ?? { reason, seconds: 0, stops: 0 };
      share.seconds += totals.downtime[id] / 1000;
      share.stops += 1;
      byReason.set(reason, share);
    }
    return [...byReason.values()].sort((a, b) => b.seconds - a.seconds || a.reason.localeCompare(b.reason)).slice(0, this.config.topReasons);
  }

  private stateReport(ws: WorkstationState, at: number): StateReport {
    const lostAt = this.timeoutMs > 0 && ws.state !== 'unknown' ? ws.lastSignal + this.timeoutMs : Infinity;
    if (at > lostAt) {
      return { state: 'unknown', since: iso(lostAt), durationSeconds: (at - lostAt) / 1000, faultCode: null, downtimeId: null, reason: null };
    }
    return {
      state: ws.state, since: iso(ws.since), durationSeconds: (at - ws.since) / 1000, faultCode: ws.faultCode,
      downtimeId: ws.downtimeId, reason: ws.downtimeId ? ws.downtimes[ws.downtimeId]?.reason ?? null : null,
    };
  }

  snapshot(id: string, at = this.lineClock()): WorkstationSnapshot | null {
    const ws = this.states.get(id);
    if (!ws) return null;
    const time = Math.max(at, ws.clock);
    const current = this.calendar.shiftAt(time);
    const w = { shift: current ? emptyTotals() : null, order: ws.order ? emptyTotals() : null, hour: emptyTotals() };
    this.addWindows(ws, time, current, w.shift, w.order, w.hour);
    return {
      scope: 'workstation',
      line: this.config.line,
      workstation: id,
      time: iso(time),
      state: this.stateReport(ws, time),
      product: { ...ws.product },
      shift: current && w.shift ? { id: current.id, name: current.name, day: current.day, ...this.report([ws], w.shift, current.start, current.end) } : null,
      order: ws.order && w.order ? { orderId: ws.order.orderId, operationKey: ws.order.operationKey, ...this.report([ws], w.order, ws.order.since, time) } : null,
      lastHour: this.report([ws], w.hour, hourStartOf(time), time),
      lateSignals: ws.lateSignals,
    };
  }

  /** The line: every workstation's times and counts summed (never averaged), at the line clock. */
  lineSnapshot(at = this.lineClock()): LineSnapshot | null {
    if (this.states.size === 0) return null;
    const list = [...this.states.values()];
    const current = this.calendar.shiftAt(at);
    const shift = emptyTotals();
    const hour = emptyTotals();
    const states: Record<string, TrackedState> = {};
    for (const ws of list) {
      const time = Math.max(at, ws.clock);
      // The line's shift is the one current at `at`: a workstation whose clock is past it adds no shift time.
      const wsShift = this.calendar.shiftAt(time);
      this.addWindows(ws, time, wsShift, current !== null && wsShift?.id === current.id ? shift : null, null, hour);
      states[ws.id] = this.stateReport(ws, time).state;
    }
    return {
      scope: 'line',
      line: this.config.line,
      time: iso(at),
      states,
      shift: current ? { id: current.id, name: current.name, day: current.day, ...this.report(list, shift, current.start, current.end) } : null,
      lastHour: this.report(list, hour, hourStartOf(at), at),
    };
  }
}

export type { Product };
