import type { Statement } from 'better-sqlite3';
import type { MesStore, StoredEvent } from '../store/store';
import { NotFoundError } from '../util/errors';
import { addTotals, computeMetrics, emptyTotals, packTotals, unpackTotals, type Totals } from './totals';
import { decodeJournal, type JournalBatch, type JournaledSignal } from './journal';
import type { OeeOp, WorkstationState } from './types';

const iso = (t: number) => new Date(t).toISOString();


type Packed = ReturnType<typeof packTotals>;
type PackedState = Omit<WorkstationState, 'minutes' | 'shifts' | 'order'> & {
  minutes: Record<string, Packed>;
  shifts: Record<string, { shift: WorkstationState['shifts'][string]['shift']; totals: Packed }>;
  order: (Omit<NonNullable<WorkstationState['order']>, 'totals'> & { totals: Packed }) | null;
};

const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> => {
  const out: Record<string, B> = {};
  for (const k in o) out[k] = f(o[k]);
  return out;
};

/** The checkpoint form of a workstation state: totals as arrays, which keeps the write small. */
function packState(ws: WorkstationState): PackedState {
  return {
    ...ws,
    minutes: mapValues(ws.minutes, packTotals),
    shifts: mapValues(ws.shifts, (e) => ({ shift: e.shift, totals: packTotals(e.totals) })),
    order: ws.order ? { ...ws.order, totals: packTotals(ws.order.totals) } : null,
  };
}

function unpackState(p: PackedState): WorkstationState {
  return {
    ...p,
    minutes: mapValues(p.minutes, unpackTotals),
    shifts: mapValues(p.shifts, (e) => ({ shift: e.shift, totals: unpackTotals(e.totals) })),
    order: p.order ? { ...p.order, totals: unpackTotals(p.order.totals) } : null,
  };
}

export interface ShiftQuery {
  workstation?: string;
  day?: string;
  shift?: string;
  from?: string;
  to?: string;
  /** Downtime only: true keeps the downtimes without a reason. */
  unclassified?: boolean;
  limit: number;
}

/**
 * Reads and writes the OEE tables of one line. Every write runs inside `MesStore.transact`, so the
 * events and the projections they change commit together.
 */
export class OeeRepository {
  private readonly store: MesStore;
  private readonly line: string;
  private readonly upsertState: Statement;
  private readonly insertJournal: Statement;
  private readonly clearJournal: Statement;
  private readonly insertDowntime: Statement;
  private readonly endDowntime: Statement;
  private readonly insertDowntimeShift: Statement;
  private readonly upsertSummary: Statement;
  private readonly summariesOfShift: Statement;

  constructor(store: MesStore, line: string) {
    this.store = store;
    this.line = line;
    const db = store.db;
    this.upsertState = db.prepare(`INSERT INTO oee_workstation_state (line, workstation, clock, state) VALUES (?, ?, ?, ?)
      ON CONFLICT(line, workstation) DO UPDATE SET clock = excluded.clock, state = excluded.state`);
    this.insertJournal = db.prepare('INSERT INTO oee_signal_journal (line, signals, names) VALUES (?, ?, ?)');
    this.clearJournal = db.prepare('DELETE FROM oee_signal_journal WHERE line = ?');
    this.insertDowntime = db.prepare(`INSERT OR IGNORE INTO oee_downtime
      (downtime_id, line, workstation, start_time, machine_state, fault_code, order_id, operation_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    // The fault code too: one that arrived after the downtime had started is known only by its end.
    this.endDowntime = db.prepare('UPDATE oee_downtime SET end_time = ?, seconds = ?, fault_code = COALESCE(fault_code, ?) WHERE downtime_id = ?');
    this.insertDowntimeShift = db.prepare(`INSERT INTO oee_downtime_shift (downtime_id, shift_id, day, workstation, planned_seconds) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(downtime_id, shift_id) DO UPDATE SET planned_seconds = excluded.planned_seconds`);
    this.upsertSummary = db.prepare(`INSERT INTO oee_shift_summary
      (line, scope, subject, shift_id, shift_name, day, start_time, end_time, planned_seconds, run_seconds, total_count, good_count,
       availability, performance, quality, oee, totals, metrics)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(line, scope, subject, shift_id) DO UPDATE SET
        planned_seconds = excluded.planned_seconds, run_seconds = excluded.run_seconds, total_count = excluded.total_count,
        good_count = excluded.good_count, availability = excluded.availability, performance = excluded.performance,
        quality = excluded.quality, oee = excluded.oee, totals = excluded.totals, metrics = excluded.metrics`);
    this.summariesOfShift = db.prepare(`SELECT totals FROM oee_shift_summary WHERE line = ? AND scope = 'workstation' AND shift_id = ?`);
  }

  /** The workstation states saved by the last commit: where a restarted node continues. */
  loadStates(): WorkstationState[] {
    const rows = this.store.db.prepare('SELECT state FROM oee_workstation_state WHERE line = ?').all(this.line) as { state: string }[];
    return rows.map((r) => unpackState(JSON.parse(r.state) as PackedState));
  }

  /** Signals journaled since the last checkpoint, oldest first. */
  loadJournal(): JournaledSignal[] {
    const rows = this.store.db.prepare('SELECT signals, names FROM oee_signal_journal WHERE line = ? ORDER BY seq').all(this.line) as { signals: Buffer; names: string }[];
    return rows.flatMap((r) => decodeJournal(r.signals, r.names));
  }

  /** Writes the engine's operations (events and projections); inside `transact` only. */
  write(s: MesStore, ops: OeeOp[]): StoredEvent[] {
    return ops.map((op) => this.writeOp(s, op));
  }

  /** Appends a commit's applied signals to the journal, as one row; inside `transact` only. */
  journal(batch: JournalBatch): void {
    if (batch.size === 0) return;
    const { signals, names } = batch.encode();
    this.insertJournal.run(this.line, signals, names);
  }

  /** Saves the workstations' states and empties the journal they include; inside `transact` only. */
  checkpoint(states: WorkstationState[]): void {
    for (const ws of states) this.upsertState.run(this.line, ws.id, iso(ws.clock), JSON.stringify(packState(ws)));
    this.clearJournal.run(this.line);
  }

  private writeOp(s: MesStore, op: OeeOp): StoredEvent {
    switch (op.kind) {
      case 'interval':
        return s.appendEvent({
          type: 'oee.interval', eventTime: iso(op.end), workstation: op.workstation, orderId: op.orderId, operationKey: op.operationKey,
          payload: { line: this.line, state: op.state, category: op.category, start: iso(op.start), end: iso(op.end), seconds: (op.end - op.start) / 1000, faultCode: op.faultCode, downtimeId: op.downtimeId },
        });
      case 'downtime-started': {
        const d = op.downtime;
        this.insertDowntime.run(d.id, this.line, d.workstation, iso(d.start), d.state, d.faultCode, op.orderId, op.operationKey);
        return s.appendEvent({
          type: 'oee.downtime.started', eventTime: iso(d.start), workstation: d.workstation, orderId: op.orderId, operationKey: op.operationKey,
          payload: { line: this.line, downtimeId: d.id, state: d.state, faultCode: d.faultCode },
        });
      }
      case 'downtime-ended': {
        const d = op.downtime;
        const seconds = (d.end! - d.start) / 1000;
        this.endDowntime.run(iso(d.end!), seconds, d.faultCode, d.id);
        return s.appendEvent({
          type: 'oee.downtime.ended', eventTime: iso(d.end!), workstation: d.workstation, orderId: op.orderId, operationKey: op.operationKey,
          payload: { line: this.line, downtimeId: d.id, state: d.state, faultCode: d.faultCode, start: iso(d.start), end: iso(d.end!), seconds, reason: d.reason },
        });
      }
      case 'shift-closed': {
        const { shift, totals, metrics, workstation } = op;
        this.summary('workstation', workstation, op, totals);
        for (const id in totals.downtime) this.insertDowntimeShift.run(id, shift.id, shift.day, workstation, totals.downtime[id] / 1000);
        const event = s.appendEvent({
          type: 'oee.shift.closed', eventTime: iso(shift.end), workstation,
          payload: { line: this.line, shiftId: shift.id, shift: shift.name, day: shift.day, start: iso(shift.start), end: iso(shift.end), ...metrics },
        });
        // The line's row is the sum of its workstations' rows, recomputed as each one closes.
        const lineTotals = emptyTotals();
        for (const row of this.summariesOfShift.all(this.line, shift.id) as { totals: string }[]) addTotals(lineTotals, JSON.parse(row.totals) as Totals);
        this.summary('line', this.line, op, lineTotals);
        return event;
      }
    }
  }

  private summary(scope: 'workstation' | 'line', subject: string, op: Extract<OeeOp, { kind: 'shift-closed' }>, totals: Totals): void {
    const m = computeMetrics(totals);
    const { shift } = op;
    this.upsertSummary.run(this.line, scope, subject, shift.id, shift.name, shift.day, iso(shift.start), iso(shift.end),
      m.times.plannedSeconds, m.times.runSeconds, m.counts.total, m.counts.good, m.availability, m.performance, m.quality, m.oee,
      JSON.stringify(totals), JSON.stringify(m));
  }

  /** Sets the reason of a downtime; inside `transact` only. */
  classify(s: MesStore, downtimeId: string, reason: string, actor: string | null, time: number): StoredEvent {
    const row = s.db.prepare('SELECT workstation, order_id, operation_key FROM oee_downtime WHERE downtime_id = ? AND line = ?').get(downtimeId, this.line) as
      { workstation: string; order_id: string | null; operation_key: string | null } | undefined;
    if (!row) throw new NotFoundError(`no downtime ${downtimeId} on line ${this.line}`);
    s.db.prepare('UPDATE oee_downtime SET reason = ?, classified_by = ?, classified_at = ? WHERE downtime_id = ?').run(reason, actor, iso(time), downtimeId);
    return s.appendEvent({
      type: 'oee.downtime.classified', eventTime: iso(time), workstation: row.workstation, orderId: row.order_id, operationKey: row.operation_key,
      actor, payload: { line: this.line, downtimeId, reason },
    });
  }

  /** Shift-end summaries (workstation and line rows), newest first, filtered per shift, day, workstation. */
  shifts(q: ShiftQuery): unknown[] {
    const { where, params } = this.filters(q, 'day', 'shift_name', 'subject', 'start_time');
    const rows = this.store.db.prepare(`SELECT scope, subject, shift_id, shift_name, day, start_time, end_time, metrics FROM oee_shift_summary
      WHERE line = ?${where} ORDER BY start_time DESC, scope, subject LIMIT ?`).all(this.line, ...params, q.limit) as Record<string, string>[];
    const reasons = this.store.db.prepare(`SELECT COALESCE(d.reason, 'unclassified') AS reason, SUM(p.planned_seconds) AS seconds, COUNT(*) AS stops
      FROM oee_downtime_shift p JOIN oee_downtime d ON d.downtime_id = p.downtime_id
      WHERE p.shift_id = ? AND d.line = ? AND (? IS NULL OR p.workstation = ?) GROUP BY 1 ORDER BY seconds DESC, reason`);
    return rows.map((r) => {
      const ws = r.scope === 'workstation' ? r.subject : null;
      return {
        scope: r.scope, subject: r.subject, shiftId: r.shift_id, shift: r.shift_name, day: r.day, start: r.start_time, end: r.end_time,
        ...JSON.parse(r.metrics),
        downtimeReasons: reasons.all(r.shift_id, this.line, ws, ws),
      };
    });
  }

  /**
   * Days: the closed shifts of each day summed per workstation and for the line (times and counts
   * added, the percentages computed once from the sums), newest day first.
   */
  days(q: { workstation?: string; from?: string; to?: string; limit: number }): unknown[] {
    let where = '';
    const params: unknown[] = [];
    if (q.workstation) { where += " AND scope = 'workstation' AND subject = ?"; params.push(q.workstation); }
    if (q.from) { where += ' AND day >= ?'; params.push(q.from); }
    if (q.to) { where += ' AND day <= ?'; params.push(q.to); }
    const rows = this.store.db.prepare(`SELECT scope, subject, day, shift_name, totals FROM oee_shift_summary
      WHERE line = ?${where} AND day IN (SELECT DISTINCT day FROM oee_shift_summary WHERE line = ?${where} ORDER BY day DESC LIMIT ?)
      ORDER BY day DESC, scope, subject, start_time`).all(this.line, ...params, this.line, ...params, q.limit) as
      { scope: string; subject: string; day: string; shift_name: string; totals: string }[];
    const days = new Map<string, { scope: string; subject: string; day: string; shifts: string[]; totals: Totals }>();
    for (const r of rows) {
      const key = JSON.stringify([r.day, r.scope, r.subject]);
      let entry = days.get(key);
      if (!entry) {
        entry = { scope: r.scope, subject: r.subject, day: r.day, shifts: [], totals: emptyTotals() };
        days.set(key, entry);
      }
      entry.shifts.push(r.shift_name);
      addTotals(entry.totals, JSON.parse(r.totals) as Totals);
    }
    return [...days.values()].map((e) => ({ scope: e.scope, subject: e.subject, day: e.day, shifts: e.shifts, ...computeMetrics(e.totals) }));
  }

  /** Downtimes with reason and duration, newest first. */
  downtime(q: ShiftQuery): unknown[] {
    const { where, params } = this.filters({ ...q, day: undefined, shift: undefined }, null, null, 'workstation', 'start_time');
    const shiftFilter = q.shift || q.day ? ' AND downtime_id IN (SELECT downtime_id FROM oee_downtime_shift WHERE (? IS NULL OR day = ?) AND (? IS NULL OR shift_id LIKE ?))' : '';
    const shiftParams = q.shift || q.day ? [q.day ?? null, q.day ?? null, q.shift ?? null, `%/${q.shift ?? ''}`] : [];
    return this.store.db.prepare(`SELECT downtime_id AS downtimeId, workstation, start_time AS start, end_time AS end, seconds, machine_state AS state,
      fault_code AS faultCode, order_id AS orderId, operation_key AS operationKey, COALESCE(reason, 'unclassified') AS reason, classified_by AS classifiedBy,
      classified_at AS classifiedAt FROM oee_downtime WHERE line = ?${where}${shiftFilter}${q.unclassified ? ' AND reason IS NULL' : ''} ORDER BY start_time DESC LIMIT ?`)
      .all(this.line, ...params, ...shiftParams, q.limit);
  }

  private filters(q: ShiftQuery, dayCol: string | null, shiftCol: string | null, wsCol: string, timeCol: string): { where: string; params: unknown[] } {
    let where = '';
    const params: unknown[] = [];
    if (dayCol && q.day) { where += ` AND ${dayCol} = ?`; params.push(q.day); }
    if (shiftCol && q.shift) { where += ` AND ${shiftCol} = ?`; params.push(q.shift); }
    if (q.workstation) { where += ` AND ${wsCol} = ?`; params.push(q.workstation); }
    if (q.from) { where += ` AND ${timeCol} >= ?`; params.push(new Date(q.from).toISOString()); }
    if (q.to) { where += ` AND ${timeCol} < ?`; params.push(new Date(q.to).toISOString()); }
    return { where, params };
  }
}
