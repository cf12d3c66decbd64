import type { MesStore, StoredEvent } from '../store';
import type { Signatures, VerifiedSigner } from '../compliance/signature-types';
import { contentHash } from '../util/canonical-json';
import { ConflictError, ValidationError } from '../util/errors';
import { capability, type Capability } from './capability';
import { chartFor, computeLimits, mean, stdDev, type ChartType, type ControlLimits } from './charts';
import { minimumBaseline, type CharacteristicConfig, type LimitsChangeCommand, type SpcReaction } from './commands';
import { d2, rangeConstants, sigmaConstants } from './constants';
import { NELSON_RULES, NelsonEvaluator } from './nelson';

/** A hold of dispatch's command path: `Dispatcher.execute` with a `hold` command. Inside the monitor's transaction. */
export interface HoldPort {
  execute(store: MesStore, command: {
    type: 'hold'; commandId: string; eventTime: string; orderId: string; operationKey: string; supervisor: string; reason: string;
  }): { events: StoredEvent[]; workstations: string[] };
}

export interface SpcMonitorOptions {
  characteristics: CharacteristicConfig[];
  /** Dispatch's hold; without it a `hold` reaction only alerts (and says so on the violation). */
  holds?: HoldPort;
  /** Check events read per transaction. */
  pageSize?: number;
}

/** The actor of the holds the monitor asks for, and of the events it appends. */
export const SPC_ACTOR = 'spc';

/** The dispersion chart of each chart type. */
const DISPERSION: Record<ChartType, 'mr' | 'range' | 's'> = { 'I-MR': 'mr', 'Xbar-R': 'range', 'Xbar-S': 's' };
export type SpcChartName = 'x' | 'mr' | 'range' | 's';

/** The sums and constants limits came from, so that a reader can redo the arithmetic. */
export type LimitsArithmetic = Record<string, number | string>;

export interface FrozenLimits extends Omit<ControlLimits, 'subgroups'> {
  /** 1 for the limits of the baseline, one more at each signed change. */
  version: number;
  source: 'baseline' | 'explicit';
  /** The subgroups they were computed from; null when set explicitly. */
  baseline: { fromSubgroup: number; toSubgroup: number } | null;
  arithmetic: LimitsArithmetic | null;
  /** seq of the `spc.limits.established` or `spc.limits.changed` event. */
  eventSeq: number;
}

export interface PointRef { subgroup: number; seqs: number[] }

export interface SpcViolation {
  eventSeq: number;
  characteristic: string;
  workstation: string;
  rule: number;
  description: string;
  chart: SpcChartName;
  subgroup: number;
  points: PointRef[];
  reaction: SpcReaction;
  orderId: string | null;
  operationKey: string | null;
  /** Whether the operation was held for it (a `hold` reaction on an operation that could be held). */
  held: boolean;
  /** Why a `hold` reaction held nothing. */
  notHeld?: string;
}

export interface MonitorOutcome {
  /** Every event appended: `spc.limits.established`, `spc.violation` and dispatch's `operation.held`. */
  events: StoredEvent[];
  violations: SpcViolation[];
  /** Streams (`characteristic@workstation`) whose chart changed. */
  streams: string[];
  /** Workstations whose dispatch snapshot changed (a hold). */
  workstations: string[];
  /** True when more check events wait after this page. */
  more: boolean;
}

export interface LimitsChangeOutcome { commandId: string; duplicate: boolean; limits: FrozenLimits; events: StoredEvent[] }

export interface ChartPoint {
  subgroup: number;
  x: number;
  dispersion: number | null;
  seqs: number[];
  eventTime: string;
  orderId: string | null;
  operationKey: string | null;
  /** The point belongs to the baseline the current limits came from. */
  baseline: boolean;
  violations: { rule: number; chart: SpcChartName }[];
}

export interface SpcChart {
  characteristic: string;
  workstation: string;
  chart: ChartType;
  subgroupSize: number;
  status: 'baseline' | 'frozen';
  /** Subgroups complete, and how many the baseline needs. */
  subgroups: number;
  baselineSubgroups: number;
  reaction: SpcReaction;
  limits: FrozenLimits | null;
  spec: { lower: number | null; upper: number | null; nominal: number | null; unit: string | null } | null;
  capability: Capability | null;
  points: ChartPoint[];
}

interface StreamRow {
  characteristic: string;
  workstation: string;
  subgroup_size: number;
  baseline_subgroups: number;
  limits: string | null;
  judged_from: number | null;
  next_subgroup: number;
  spec: string | null;
}

interface SubgroupRow { idx: number; x: number; dispersion: number | null; seqs: string; event_time: string; order_id: string | null; operation_key: string | null }

interface StreamState {
  row: StreamRow;
  limits: FrozenLimits | null;
  evaluator: NelsonEvaluator<PointRef> | null;
  /** The newest point: an individual's moving range is taken from it. */
  last: (PointRef & { x: number }) | null;
}

/** The stores a monitor runs on: the SPC tables of a database are one state, so one monitor drives them. */
const claimed = new WeakSet<MesStore>();

export const streamKey = (characteristic: string, workstation: string): string => `${characteristic}@${workstation}`;

const CHECK_EVENT = 'check.recorded';

/**
 * Statistical process control over the variable checks that dispatch records: a durable cursor
 * over `check.recorded` events. Per characteristic and workstation it gathers the values into
 * subgroups, computes phase I limits once the baseline is complete and freezes them (event
 * `spc.limits.established`), then judges every later point by the eight Nelson rules (event
 * `spc.violation` per rule that starts to hold; with a `hold` reaction, dispatch's hold of the
 * point's operation too). All of it commits with the cursor, in one transaction.
 *
 * The run rules' state is not stored: it is rebuilt by replaying the points judged by the current
 * limits, with the same result as when they arrived, so a restart continues where it stopped.
 */
export class SpcMonitor {
  /** The name of the monitor's cursor in `spc_cursors`. */
  readonly name = 'spc';
  private readonly config: Map<string, CharacteristicConfig>;
  private readonly cache = new Map<string, StreamState>();

  constructor(readonly options: SpcMonitorOptions) {
    this.config = new Map(options.characteristics.map((c) => [c.characteristic, c]));
  }

  /**
   * Marks the store as this monitor's; a second monitor on it is refused (field `store`, rule
   * `unique`). The returned function gives it up.
   */
  claim(store: MesStore): () => void {
    if (claimed.has(store)) {
      throw new ConflictError([{ field: 'store', rule: 'unique', message: 'an SPC monitor already runs on this database: one mes-spc node per store' }]);
    }
    claimed.add(store);
    return () => { claimed.delete(store); };
  }

  /** Drops what the monitor remembers of the store, after a transaction of it failed to commit. */
  forget(): void {
    this.cache.clear();
  }

  /** Takes one page of check events after the cursor. Inside `MesStore.transact`. */
  poll(store: MesStore): MonitorOutcome {
    try {
      return this.pollPage(store);
    } catch (err) {
      this.forget();
      throw err;
    }
  }

  private pollPage(store: MesStore): MonitorOutcome {
    const pageSize = this.options.pageSize ?? 500;
    const cursor = (store.statement('SELECT seq FROM spc_cursors WHERE name = ?').get(this.name) as { seq: number } | undefined)?.seq ?? 0;
    const page = store.eventPage(cursor, pageSize, { type: CHECK_EVENT });
    const outcome: MonitorOutcome = { events: [], violations: [], streams: [], workstations: [], more: page.length === pageSize };
    const streams = new Set<string>();
    const workstations = new Set<string>();
    for (const event of page) this.take(store, event, outcome, streams, workstations);
    // A short page read the log to its end: the cursor moves past the events of other types too.
    const last = outcome.more ? page[page.length - 1].seq : Math.max(cursor, store.lastSeq());
    if (last !== cursor) {
      store.statement(`INSERT INTO spc_cursors (name, seq) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET seq = excluded.seq`).run(this.name, last);
    }
    outcome.streams = [...streams];
    outcome.workstations = [...workstations];
    return outcome;
  }

  private take(store: MesStore, event: StoredEvent, outcome: MonitorOutcome, streams: Set<string>, workstations: Set<string>): void {
    const payload = event.payload as { type?: unknown; characteristic?: unknown; value?: unknown; limits?: unknown };
    if (payload.type !== 'variable' || typeof payload.value !== 'number' || !Number.isFinite(payload.value) || !event.workstation) return;
    const config = typeof payload.characteristic === 'string' ? this.config.get(payload.characteristic) : undefined;
    if (!config) return;
    const state = this.stream(store, config, event.workstation);
    const { characteristic, workstation } = state.row;
    if (payload.limits && typeof payload.limits === 'object') {
      state.row.spec = JSON.stringify(payload.limits);
      store.statement('UPDATE spc_streams SET spec = ? WHERE characteristic = ? AND workstation = ?').run(state.row.spec, characteristic, workstation);
    }
    store.statement(`INSERT INTO spc_values (seq, characteristic, workstation, value, event_time, order_id, operation_key) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(event.seq, characteristic, workstation, payload.value, event.eventTime, event.orderId, event.operationKey);
    const open = store.statement('SELECT seq, value FROM spc_values WHERE characteristic = ? AND workstation = ? AND subgroup IS NULL ORDER BY seq')
      .all(characteristic, workstation) as { seq: number; value: number }[];
    if (open.length < state.row.subgroup_size) return;
    const point = this.closeSubgroup(store, state, open, event);
    streams.add(streamKey(characteristic, workstation));
    if (!state.limits) {
      if (point.idx >= state.row.baseline_subgroups) {
        outcome.events.push(this.freeze(store, state, { fromSubgroup: point.idx - state.row.baseline_subgroups + 1, toSubgroup: point.idx }, event.eventTime, 'spc.limits.established', SPC_ACTOR));
      }
      return;
    }
    for (const found of this.judge(state, point)) {
      outcome.violations.push(this.record(store, state, config.reaction, found, point, event, outcome, workstations));
    }
  }

  /** The stream of a characteristic at a workstation, created with the configured subgroup size on its first value. */
  private stream(store: MesStore, config: CharacteristicConfig, workstation: string): StreamState {
    const key = streamKey(config.characteristic, workstation);
    const cached = this.cache.get(key);
    if (cached) return cached;
    store.statement(`INSERT INTO spc_streams (characteristic, workstation, subgroup_size, baseline_subgroups) VALUES (?, ?, ?, ?)
      ON CONFLICT DO NOTHING`).run(config.characteristic, workstation, config.subgroupSize, config.baselineSubgroups);
    const state = this.load(store, config.characteristic, workstation) as StreamState;
    this.cache.set(key, state);
    return state;
  }

  /** A stream as stored, its run rules replayed over the points its limits judged. */
  private load(store: MesStore, characteristic: string, workstation: string): StreamState | undefined {
    const row = store.statement('SELECT * FROM spc_streams WHERE characteristic = ? AND workstation = ?').get(characteristic, workstation) as StreamRow | undefined;
    if (!row) return undefined;
    const limits = row.limits ? JSON.parse(row.limits) as FrozenLimits : null;
    const lastRow = store.statement('SELECT idx, x, seqs FROM spc_subgroups WHERE characteristic = ? AND workstation = ? ORDER BY idx DESC LIMIT 1').get(characteristic, workstation) as SubgroupRow | undefined;
    const last = lastRow ? { subgroup: lastRow.idx, seqs: JSON.parse(lastRow.seqs) as number[], x: lastRow.x } : null;
    const state: StreamState = { row, limits, evaluator: null, last };
    if (limits) {
      state.evaluator = new NelsonEvaluator<PointRef>(limits.center, limits.sigmaPoint);
      const judged = store.statement('SELECT idx, x, seqs FROM spc_subgroups WHERE characteristic = ? AND workstation = ? AND idx >= ? ORDER BY idx')
        .all(characteristic, workstation, row.judged_from ?? row.next_subgroup) as SubgroupRow[];
      for (const p of judged) state.evaluator.add({ value: p.x, ref: { subgroup: p.idx, seqs: JSON.parse(p.seqs) as number[] } });
    }
    return state;
  }

  private closeSubgroup(store: MesStore, state: StreamState, values: { seq: number; value: number }[], event: StoredEvent) {
    const { characteristic, workstation, subgroup_size: n } = state.row;
    const idx = state.row.next_subgroup;
    const xs = values.map((v) => v.value);
    const x = mean(xs);
    const previous = state.last;
    const dispersion = n === 1 ? (previous === null ? null : Math.abs(x - previous.x)) : chartFor(n) === 'Xbar-R' ? Math.max(...xs) - Math.min(...xs) : stdDev(xs);
    const seqs = values.map((v) => v.seq);
    store.statement('UPDATE spc_values SET subgroup = ? WHERE characteristic = ? AND workstation = ? AND subgroup IS NULL').run(idx, characteristic, workstation);
    store.statement(`INSERT INTO spc_subgroups (characteristic, workstation, idx, x, dispersion, seqs, event_time, order_id, operation_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(characteristic, workstation, idx, x, dispersion, JSON.stringify(seqs), event.eventTime, event.orderId, event.operationKey);
    state.row.next_subgroup = idx + 1;
    store.statement('UPDATE spc_streams SET next_subgroup = ? WHERE characteristic = ? AND workstation = ?').run(idx + 1, characteristic, workstation);
    state.last = { subgroup: idx, seqs, x };
    return { idx, x, dispersion, seqs, previous: previous && { subgroup: previous.subgroup, seqs: previous.seqs } };
  }

  /** The rules that start to hold at a point: all eight on the x chart, rule 1 on the dispersion chart. */
  private judge(state: StreamState, point: { idx: number; x: number; dispersion: number | null; seqs: number[]; previous: PointRef | null }) {
    const limits = state.limits as FrozenLimits;
    const ref: PointRef = { subgroup: point.idx, seqs: point.seqs };
    const found: { rule: number; description: string; chart: SpcChartName; points: PointRef[] }[] = (state.evaluator as NelsonEvaluator<PointRef>)
      .add({ value: point.x, ref }).map((v) => ({ rule: v.rule, description: v.description, chart: 'x' as const, points: v.points }));
    const { dispersion } = point;
    if (dispersion !== null && (dispersion > limits.dispersion.ucl || (limits.dispersion.lcl > 0 && dispersion < limits.dispersion.lcl))) {
      // A moving range is of two points: both are involved.
      const points = limits.chart === 'I-MR' && point.previous ? [point.previous, ref] : [ref];
      found.push({ rule: 1, description: `${NELSON_RULES[1]} (outside the dispersion chart's limits)`, chart: DISPERSION[limits.chart], points });
    }
    return found;
  }

  private record(
    store: MesStore, state: StreamState, reaction: SpcReaction, found: ReturnType<SpcMonitor['judge']>[number],
    point: { idx: number; x: number; dispersion: number | null }, check: StoredEvent, outcome: MonitorOutcome, workstations: Set<string>,
  ): SpcViolation {
    const { characteristic, workstation } = state.row;
    const limits = state.limits as FrozenLimits;
    const event = store.appendEvent({
      type: 'spc.violation', eventTime: check.eventTime, orderId: check.orderId, operationKey: check.operationKey, workstation, actor: SPC_ACTOR,
      payload: {
        characteristic, workstation, rule: found.rule, description: found.description, chart: found.chart, chartType: limits.chart,
        subgroup: point.idx, value: found.chart === 'x' ? point.x : point.dispersion, points: found.points,
        limitsVersion: limits.version, center: found.chart === 'x' ? limits.center : limits.dispersion.center,
        ucl: found.chart === 'x' ? limits.ucl : limits.dispersion.ucl, lcl: found.chart === 'x' ? limits.lcl : limits.dispersion.lcl,
        sigma: limits.sigmaPoint, reaction,
      },
    });
    outcome.events.push(event);
    const violation: SpcViolation = {
      eventSeq: event.seq, characteristic, workstation, rule: found.rule, description: found.description, chart: found.chart, subgroup: point.idx,
      points: found.points, reaction, orderId: check.orderId, operationKey: check.operationKey, held: false,
    };
    if (reaction === 'hold') this.hold(store, violation, check, outcome, workstations);
    store.statement(`INSERT INTO spc_violations (event_seq, characteristic, workstation, subgroup, rule, chart, points, reaction, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(event.seq, characteristic, workstation, point.idx, found.rule, found.chart, JSON.stringify(found.points), reaction, violation.held ? 1 : 0);
    return violation;
  }

  /** Holds the operation of the violation's newest point through dispatch; one that cannot be held (held already, completed) stays as it is. */
  private hold(store: MesStore, violation: SpcViolation, check: StoredEvent, outcome: MonitorOutcome, workstations: Set<string>): void {
    const { holds } = this.options;
    if (!holds) { violation.notHeld = 'no dispatch to hold through'; return; }
    if (!check.orderId || !check.operationKey) { violation.notHeld = 'the check names no operation'; return; }
    const reason = `SPC ${violation.characteristic} at ${violation.workstation}: Nelson rule ${violation.rule} (${violation.description}) on the ${violation.chart} chart, subgroup ${violation.subgroup}`;
    try {
      // A savepoint of its own: a refused hold leaves nothing of it behind.
      const held = store.db.transaction(() => holds.execute(store, {
        type: 'hold', commandId: `spc-violation-${violation.eventSeq}`, eventTime: check.eventTime,
        orderId: check.orderId as string, operationKey: check.operationKey as string, supervisor: SPC_ACTOR, reason,
      }))();
      violation.held = true;
      outcome.events.push(...held.events);
      held.workstations.forEach((ws) => workstations.add(ws));
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof ValidationError)) throw err;
      violation.notHeld = err.message;
    }
  }

  /** Computes limits from subgroups `range` of the stream, freezes them and appends their event. */
  private freeze(store: MesStore, state: StreamState, range: { fromSubgroup: number; toSubgroup: number }, eventTime: string, type: string, actor: string, extra: object = {}): StoredEvent {
    const { characteristic, workstation, subgroup_size: n } = state.row;
    const rows = store.statement('SELECT subgroup, value FROM spc_values WHERE characteristic = ? AND workstation = ? AND subgroup BETWEEN ? AND ? ORDER BY subgroup, seq')
      .all(characteristic, workstation, range.fromSubgroup, range.toSubgroup) as { subgroup: number; value: number }[];
    const groups = new Map<number, number[]>();
    for (const r of rows) groups.set(r.subgroup, [...(groups.get(r.subgroup) ?? []), r.value]);
    const subgroups = [...groups.values()];
    if (subgroups.length !== range.toSubgroup - range.fromSubgroup + 1 || subgroups.length < minimumBaseline(n)) {
      throw new ValidationError([{ field: 'baseline', rule: 'range', message: `subgroups ${range.fromSubgroup}..${range.toSubgroup} of ${streamKey(characteristic, workstation)} are not all recorded (it has ${state.row.next_subgroup - 1}), or are too few (at least ${minimumBaseline(n)})` }], 'spc.limits.change command');
    }
    const computed = computeLimits(subgroups, chartFor(n));
    const { subgroups: count, ...limits } = computed;
    return this.setLimits(store, state, { ...limits, source: 'baseline', baseline: range, arithmetic: arithmeticOf(subgroups, computed, count) }, eventTime, type, actor, extra);
  }

  private setLimits(
    store: MesStore, state: StreamState, limits: Omit<FrozenLimits, 'version' | 'eventSeq'>, eventTime: string, type: string, actor: string, extra: object,
  ): StoredEvent {
    const { characteristic, workstation } = state.row;
    const version = (state.limits?.version ?? 0) + 1;
    const judgedFrom = state.row.next_subgroup;
    const event = store.appendEvent({
      type, eventTime, workstation, actor,
      payload: { characteristic, workstation, version, judgedFrom, ...limits, ...extra, previous: state.limits },
    });
    const frozen: FrozenLimits = { ...limits, version, eventSeq: event.seq };
    store.statement('UPDATE spc_streams SET limits = ?, judged_from = ? WHERE characteristic = ? AND workstation = ?')
      .run(JSON.stringify(frozen), judgedFrom, characteristic, workstation);
    state.row.limits = JSON.stringify(frozen);
    state.row.judged_from = judgedFrom;
    state.limits = frozen;
    state.evaluator = new NelsonEvaluator<PointRef>(frozen.center, frozen.sigmaPoint);
    return event;
  }

  /**
   * The asynchronous part of a limits change, before its transaction: the supervisor's signature
   * (user id and password) is verified. Refused with `signaturesUnavailable` without a service.
   */
  async prepare(store: MesStore, command: LimitsChangeCommand, signatures: Signatures | undefined): Promise<VerifiedSigner> {
    if (!signatures) {
      throw new ConflictError([{ field: 'signature', rule: 'signaturesUnavailable', message: 'changing control limits needs a signature, and no signature service is configured' }]);
    }
    const signer = await signatures.verify(store, 'spc.limits.change', command.signature);
    if (signer.userId !== command.supervisor) {
      throw new ValidationError([{ field: 'signature.userId', rule: 'signerIsSupervisor', message: `the change is signed by ${signer.userId}, not by its supervisor ${command.supervisor}` }], 'spc.limits.change command');
    }
    return signer;
  }

  /**
   * Recomputes a stream's limits from a range of its subgroups, or sets them, and binds the
   * signature to the `spc.limits.changed` event. Points after it are judged by the new limits, the
   * run rules starting afresh. A command id seen before returns its first answer. Inside `transact`.
   */
  changeLimits(store: MesStore, command: LimitsChangeCommand, signer: VerifiedSigner, signatures: Signatures): LimitsChangeOutcome {
    try {
      return this.applyChange(store, command, signer, signatures);
    } catch (err) {
      this.forget();
      throw err;
    }
  }

  private applyChange(store: MesStore, command: LimitsChangeCommand, signer: VerifiedSigner, signatures: Signatures): LimitsChangeOutcome {
    // The fingerprint keeps no trace of the signature's password, not even hashed.
    const fingerprint = contentHash({ ...command, signature: null });
    const seen = store.statement('SELECT fingerprint, result FROM spc_commands WHERE command_id = ?').get(command.commandId) as { fingerprint: string; result: string } | undefined;
    if (seen) {
      if (seen.fingerprint !== fingerprint) throw new ConflictError([{ field: 'commandId', rule: 'commandIdReused', message: `command id ${command.commandId} was already used for a different command` }]);
      return { ...(JSON.parse(seen.result) as LimitsChangeOutcome), duplicate: true };
    }
    const config = this.config.get(command.characteristic);
    const state = config ? this.stream(store, config, command.workstation) : undefined;
    if (!config || !state || state.row.next_subgroup === 1 && command.baseline) {
      throw new ValidationError([{ field: config ? 'workstation' : 'characteristic', rule: 'unknownStream', message: `no subgroups of ${command.characteristic} at ${command.workstation} are recorded${config ? '' : ' (the characteristic is not configured)'}` }], 'spc.limits.change command');
    }
    const eventTime = command.eventTime ?? store.nowIso();
    const extra = { commandId: command.commandId, supervisor: command.supervisor, reason: command.reason };
    let event: StoredEvent;
    if (command.baseline) {
      event = this.freeze(store, state, command.baseline, eventTime, 'spc.limits.changed', command.supervisor, extra);
    } else {
      const given = command.limits as NonNullable<LimitsChangeCommand['limits']>;
      const n = state.row.subgroup_size;
      const sigmaPoint = (given.ucl - given.center) / 3;
      event = this.setLimits(store, state, {
        chart: chartFor(n), subgroupSize: n, center: given.center, ucl: given.ucl, lcl: given.lcl, sigmaPoint, sigmaWithin: sigmaPoint * Math.sqrt(n),
        dispersion: given.dispersion, source: 'explicit', baseline: null, arithmetic: { sigmaPoint: '(UCL − CL)/3', sigmaWithin: 'σ(point)·√n' },
      }, eventTime, 'spc.limits.changed', command.supervisor, extra);
    }
    const signed = signatures.bind(store, 'spc.limits.change', signer, event);
    const outcome: LimitsChangeOutcome = { commandId: command.commandId, duplicate: false, limits: state.limits as FrozenLimits, events: [event, signed] };
    store.statement('INSERT INTO spc_commands (command_id, fingerprint, result, recorded_at) VALUES (?, ?, ?, ?)')
      .run(command.commandId, fingerprint, JSON.stringify(outcome), store.nowIso());
    return outcome;
  }

  /** Every stream's key, characteristic and workstation, in order. Read-only. */
  streams(store: MesStore): { key: string; characteristic: string; workstation: string }[] {
    return (store.statement('SELECT characteristic, workstation FROM spc_streams ORDER BY characteristic, workstation').all() as { characteristic: string; workstation: string }[])
      .filter((s) => this.config.has(s.characteristic))
      .map((s) => ({ key: streamKey(s.characteristic, s.workstation), ...s }));
  }

  /** The last `limit` violations of every stream, newest first: their `spc.violation` events and whether they held. Read-only. */
  recentViolations(store: MesStore, limit: number): (SpcViolation & { eventTime: string; value: number | null })[] {
    const rows = store.statement(`SELECT v.event_seq, v.held, e.event_time, e.order_id, e.operation_key, e.payload FROM spc_violations v
      JOIN events e ON e.seq = v.event_seq ORDER BY v.event_seq DESC LIMIT ?`).all(limit) as
      { event_seq: number; held: number; event_time: string; order_id: string | null; operation_key: string | null; payload: string }[];
    return rows.map((r) => {
      const p = JSON.parse(r.payload) as { characteristic: string; workstation: string; rule: number; description: string; chart: SpcChartName; subgroup: number; points: PointRef[]; reaction: SpcReaction; value: number | null };
      return {
        eventSeq: r.event_seq, eventTime: r.event_time, characteristic: p.characteristic, workstation: p.workstation, rule: p.rule, description: p.description,
        chart: p.chart, subgroup: p.subgroup, points: p.points, reaction: p.reaction, value: p.value, orderId: r.order_id, operationKey: r.operation_key, held: r.held === 1,
      };
    });
  }

  /** The chart of a stream: its last `limit` points with their flags, limits, spec and capability. Read-only. */
  chart(store: MesStore, characteristic: string, workstation: string, limit = 100): SpcChart | undefined {
    const config = this.config.get(characteristic);
    const row = store.statement('SELECT * FROM spc_streams WHERE characteristic = ? AND workstation = ?').get(characteristic, workstation) as StreamRow | undefined;
    if (!config || !row) return undefined;
    const limits = row.limits ? JSON.parse(row.limits) as FrozenLimits : null;
    const rows = (store.statement('SELECT * FROM spc_subgroups WHERE characteristic = ? AND workstation = ? ORDER BY idx DESC LIMIT ?')
      .all(characteristic, workstation, limit) as SubgroupRow[]).reverse();
    const flags = new Map<number, { rule: number; chart: SpcChartName }[]>();
    if (rows.length > 0) {
      const violations = store.statement('SELECT subgroup, rule, chart FROM spc_violations WHERE characteristic = ? AND workstation = ? AND subgroup >= ? ORDER BY event_seq')
        .all(characteristic, workstation, rows[0].idx) as { subgroup: number; rule: number; chart: SpcChartName }[];
      for (const v of violations) flags.set(v.subgroup, [...(flags.get(v.subgroup) ?? []), { rule: v.rule, chart: v.chart }]);
    }
    const inBaseline = (idx: number) => limits?.baseline ? idx >= limits.baseline.fromSubgroup && idx <= limits.baseline.toSubgroup : false;
    const points = rows.map((r): ChartPoint => ({
      subgroup: r.idx, x: r.x, dispersion: r.dispersion, seqs: JSON.parse(r.seqs) as number[], eventTime: r.event_time,
      orderId: r.order_id, operationKey: r.operation_key, baseline: inBaseline(r.idx), violations: flags.get(r.idx) ?? [],
    }));
    const spec = row.spec ? JSON.parse(row.spec) as SpcChart['spec'] : null;
    return {
      characteristic, workstation, chart: chartFor(row.subgroup_size), subgroupSize: row.subgroup_size, status: limits ? 'frozen' : 'baseline',
      subgroups: row.next_subgroup - 1, baselineSubgroups: row.baseline_subgroups, reaction: config.reaction, limits, spec,
      capability: this.capabilityOf(store, row, limits, spec),
      points,
    };
  }

  /**
   * Cp, Cpk, Pp, Ppk: σ within is the frozen limits' (R̄/d2, S̄/c4, MR̄/d2); σ overall and the mean
   * are of the values those limits came from (their baseline), or of the values judged since
   * limits set explicitly. Null without a specification limit or two values.
   */
  private capabilityOf(store: MesStore, row: StreamRow, limits: FrozenLimits | null, spec: SpcChart['spec']): Capability | null {
    if (!limits || !spec || (spec.lower === null && spec.upper === null)) return null;
    const [from, to] = limits.baseline ? [limits.baseline.fromSubgroup, limits.baseline.toSubgroup] : [row.judged_from ?? row.next_subgroup, row.next_subgroup];
    const values = (store.statement('SELECT value FROM spc_values WHERE characteristic = ? AND workstation = ? AND subgroup BETWEEN ? AND ? ORDER BY seq')
      .all(row.characteristic, row.workstation, from, to) as { value: number }[]).map((v) => v.value);
    if (values.length < 2) return null;
    return capability(values, limits.sigmaWithin, spec);
  }
}

/** The sums, means and constants behind limits computed from `subgroups`, as the textbook writes them. */
function arithmeticOf(subgroups: number[][], limits: ControlLimits, count: number): LimitsArithmetic {
  const n = limits.subgroupSize;
  if (limits.chart === 'I-MR') {
    const xs = subgroups.map((s) => s[0]);
    const mrs = xs.slice(1).map((x, i) => Math.abs(x - xs[i]));
    const sumMR = mrs.reduce((a, b) => a + b, 0);
    return {
      points: count, sumX: xs.reduce((a, b) => a + b, 0), xBar: limits.center, movingRanges: mrs.length, sumMR, mrBar: limits.dispersion.center,
      d2: d2(2), D4: rangeConstants(2).D4, formula: 'UCL, LCL = x̄ ± 3·MR̄/d2; MR chart UCL = D4·MR̄, LCL = 0',
    };
  }
  const xbars = subgroups.map(mean);
  const sumXbar = xbars.reduce((a, b) => a + b, 0);
  if (limits.chart === 'Xbar-R') {
    const { A2, D3, D4, d2: d } = rangeConstants(n);
    return {
      subgroups: count, sumXbar, xDoubleBar: limits.center, sumR: limits.dispersion.center * count, rBar: limits.dispersion.center, A2, D3, D4, d2: d,
      formula: 'UCL, LCL = x̿ ± A2·R̄; R chart UCL = D4·R̄, LCL = D3·R̄; σ within = R̄/d2',
    };
  }
  const { A3, B3, B4, c4 } = sigmaConstants(n);
  return {
    subgroups: count, sumXbar, xDoubleBar: limits.center, sumS: limits.dispersion.center * count, sBar: limits.dispersion.center, A3, B3, B4, c4,
    formula: 'UCL, LCL = x̿ ± A3·s̄; S chart UCL = B4·s̄, LCL = B3·s̄; σ within = s̄/c4',
  };
}
