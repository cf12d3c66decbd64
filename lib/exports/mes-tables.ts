import type { MesStore } from '../store';
import type { ExportFilters } from './filters';
import type { ExportSource } from './table';

/**
 * The three exports of the MES, as row sources read straight from the store with a cursor
 * (better-sqlite3 iterate), so a long range never sits in memory as rows. Times are the ISO
 * strings the store keeps; filters are parameters, never SQL text.
 */

type Where = { sql: string; params: unknown[] };

function where(parts: [string, unknown][]): Where {
  const used = parts.filter(([, value]) => value !== undefined);
  return { sql: used.length ? ` WHERE ${used.map(([clause]) => clause).join(' AND ')}` : '', params: used.map(([, value]) => value) };
}

interface Metrics {
  times: { shiftSeconds: number; breakSeconds: number; plannedStopSeconds: number; plannedSeconds: number; runSeconds: number; stopSeconds: number; microStopSeconds: number; unknownSeconds: number; idealSeconds: number };
  counts: { total: number; good: number; reject: number };
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

export const SHIFT_HISTORY_COLUMNS = ['line', 'scope', 'subject', 'shift_id', 'shift_name', 'day', 'start_time', 'end_time',
  'shift_seconds', 'break_seconds', 'planned_stop_seconds', 'planned_seconds', 'run_seconds', 'stop_seconds', 'micro_stop_seconds', 'unknown_seconds',
  'ideal_seconds', 'total_count', 'good_count', 'reject_count', 'availability', 'performance', 'quality', 'oee'];

/**
 * OEE per shift and subject (each workstation, and the line). The factors are the ones the OEE
 * engine computed from the summed times and counts of the shift (lib/oee/totals computeMetrics),
 * never an average of percentages. A workstation filter leaves out the line rows.
 */
export function shiftHistoryTable(store: MesStore, filters: ExportFilters): ExportSource {
  const w = where([
    ['start_time >= ?', filters.from], ['start_time < ?', filters.to], ['line = ?', filters.line],
    ["scope = 'workstation' AND subject = ?", filters.workstation],
  ]);
  const rows = store.db.prepare(`SELECT line, scope, subject, shift_id, shift_name, day, start_time, end_time, metrics FROM oee_shift_summary${w.sql}
    ORDER BY start_time, line, scope DESC, subject`).iterate(...w.params) as Iterable<Record<string, string>>;
  return {
    name: 'Shift history', columns: SHIFT_HISTORY_COLUMNS,
    rows: (function* () {
      for (const r of rows) {
        const m = JSON.parse(r.metrics) as Metrics;
        yield [r.line, r.scope, r.subject, r.shift_id, r.shift_name, r.day, r.start_time, r.end_time,
          m.times.shiftSeconds, m.times.breakSeconds, m.times.plannedStopSeconds, m.times.plannedSeconds, m.times.runSeconds, m.times.stopSeconds,
          m.times.microStopSeconds, m.times.unknownSeconds, m.times.idealSeconds, m.counts.total, m.counts.good, m.counts.reject,
          m.availability, m.performance, m.quality, m.oee];
      }
    })(),
  };
}

export const DOWNTIME_COLUMNS = ['downtime_id', 'line', 'workstation', 'start_time', 'end_time', 'seconds', 'machine_state', 'fault_code',
  'order_id', 'operation_key', 'reason_code', 'reason_label', 'classified_by', 'classified_at'];

/** The plant's reason tree, code → label (the mes-plant node has it); without it the label is empty. */
export type ReasonLabel = (code: string) => string | undefined;

/** Downtime intervals that start in the range, oldest first, with the reason code and its label. */
export function downtimeTable(store: MesStore, filters: ExportFilters, reasonLabel?: ReasonLabel): ExportSource {
  const w = where([['start_time >= ?', filters.from], ['start_time < ?', filters.to], ['line = ?', filters.line], ['workstation = ?', filters.workstation]]);
  const rows = store.db.prepare(`SELECT downtime_id, line, workstation, start_time, end_time, seconds, machine_state, fault_code, order_id, operation_key,
    reason, classified_by, classified_at FROM oee_downtime${w.sql} ORDER BY start_time, downtime_id`).iterate(...w.params) as Iterable<Record<string, string | number | null>>;
  return {
    name: 'Downtime', columns: DOWNTIME_COLUMNS,
    rows: (function* () {
      for (const r of rows) {
        const code = r.reason as string | null;
        yield [r.downtime_id, r.line, r.workstation, r.start_time, r.end_time, r.seconds, r.machine_state, r.fault_code, r.order_id, r.operation_key,
          code, code ? reasonLabel?.(code) ?? null : null, r.classified_by, r.classified_at];
      }
    })(),
  };
}

export const AUDIT_TRAIL_COLUMNS = ['seq', 'event_id', 'event_time', 'recorded_time', 'type', 'order_id', 'operation_key', 'workstation', 'actor', 'payload'];

/**
 * The event log: who did what, when, in log order. The payload stays its JSON text, so nothing
 * the log holds is lost in the file. One store is one line, so there is no line filter here.
 */
export function auditTrailTable(store: MesStore, filters: ExportFilters): ExportSource {
  const w = where([
    ['event_time >= ?', filters.from], ['event_time < ?', filters.to], ['workstation = ?', filters.workstation],
    ['order_id = ?', filters.orderId], ['actor = ?', filters.actor], ['type = ?', filters.type],
  ]);
  const rows = store.db.prepare(`SELECT seq, event_id, event_time, recorded_time, type, order_id, operation_key, workstation, actor, payload
    FROM events${w.sql} ORDER BY seq`).raw().iterate(...w.params) as Iterable<unknown[]>;
  return { name: 'Audit trail', columns: AUDIT_TRAIL_COLUMNS, rows };
}
