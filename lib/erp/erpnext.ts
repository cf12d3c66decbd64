import { carriedIncrement, roundNano, toNano } from './decimal';
import type { CanonicalActual, Dialect, DialectOptions, ErpRequest, MappingContext } from './types';

export const ERPNEXT_JOB_CARD_PATH = '/api/resource/Job%20Card';
export const ERPNEXT_STOCK_ENTRY_PATH = '/api/resource/Stock%20Entry';

/** MES unit codes → the UOM names ERPNext's setup wizard creates (uom_data.json); the node's unit table overrides them. */
export const ERPNEXT_UNITS: Readonly<Record<string, string>> = {
  PCE: 'Nos', PC: 'Nos', EA: 'Nos', SET: 'Set', BOX: 'Box', KG: 'Kg', G: 'Gram', MG: 'Milligram', T: 'Tonne', LB: 'Pound',
  L: 'Litre', ML: 'Millilitre', M3: 'Cubic Meter', M: 'Meter', CM: 'Centimeter', MM: 'Millimeter', M2: 'Square Meter',
  H: 'Hour', MIN: 'Minute', S: 'Second',
};

/**
 * System Settings › Float Precision (3 unless changed): Frappe rounds quantities to it and
 * refuses a stock row that rounds to zero. Counted units are whole numbers (ERPNext's Nos, Box
 * and Set must be). Quantities are rounded so, carrying the difference to the next posting.
 */
export const ERPNEXT_FLOAT_PRECISION = 3;
const COUNT_UNITS = new Set(['PCE', 'PC', 'EA', 'SET', 'BOX']);

function quantityScale(unit: string | undefined): number {
  return unit !== undefined && COUNT_UNITS.has(unit) ? 0 : ERPNEXT_FLOAT_PRECISION;
}

/** The events of an operation that shape its Job Card's time logs. */
export const JOB_CARD_EVENT_TYPES: readonly string[] = ['operation.started', 'operation.completed'];

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** Frappe datetimes are naive `YYYY-MM-DD HH:mm:ss`; the MES sends UTC (run the ERPNext site in UTC or convert there). */
export function frappeDateTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

export interface JobCardTimeLog {
  from_time: string;
  to_time?: string;
  completed_qty: number;
}

/**
 * A Job Card's `time_logs` as the MES's log of the operation says they are, up to and including
 * `actuals`' last one. A start opens a log; a completion closes the open one with the good
 * quantity made since the previous completion (completions carry the operation's running
 * total), and a partial completion opens the next log at once, because the operation runs on.
 * So the logs always add up to the latest total (rounded as ERPNext keeps it), whatever mix of
 * partial and final completions.
 */
export function jobCardTimeLogs(actuals: readonly CanonicalActual[]): JobCardTimeLog[] {
  const logs: JobCardTimeLog[] = [];
  let open: JobCardTimeLog | undefined;
  let reportedNano = 0;
  for (const actual of actuals) {
    const at = frappeDateTime(actual.eventTime);
    if (actual.kind === 'activity-start') {
      if (!open) logs.push(open = { from_time: at, completed_qty: 0 });
      continue;
    }
    if (actual.kind !== 'operation-confirmation') continue;
    const totalNano = roundNano(toNano(actual.goodQuantity ?? 0), quantityScale(actual.unit));
    // Completed without a recorded start: a log of no duration still carries the quantity.
    if (!open) logs.push(open = { from_time: at, completed_qty: 0 });
    open.to_time = at;
    open.completed_qty = (totalNano - reportedNano) / 1e9;
    reportedNano = totalNano;
    open = undefined;
    if (!actual.final) logs.push(open = { from_time: at, completed_qty: 0 });
  }
  return logs;
}

function jobCardUpdate(actual: CanonicalActual, context: MappingContext): ErpRequest {
  if (!actual.operationKey) throw new Error('operationKey: an ERPNext time log needs the Job Card name as the operation key [rule: required]');
  const history = context.actualsBefore?.(actual, JOB_CARD_EVENT_TYPES) ?? [];
  const final = actual.kind === 'operation-confirmation' && actual.final === true;
  const body: Record<string, unknown> = { time_logs: jobCardTimeLogs([...history, actual]) };
  // docstatus 0 → 1 on save is a submission (frappe Document.check_docstatus_transition): only a
  // submitted Job Card counts towards the Work Order operation's completed quantity.
  if (final) body.docstatus = 1;
  return { method: 'PUT', path: `${ERPNEXT_JOB_CARD_PATH}/${encodeURIComponent(actual.operationKey)}`, headers: JSON_HEADERS, body };
}

export function erpnextUnit(unit: string | undefined, options: DialectOptions): string | undefined {
  if (unit === undefined) return undefined;
  const name = options.units?.[unit] ?? ERPNEXT_UNITS[unit];
  if (!name) throw new Error(`uom: MES unit ${unit} has no ERPNext UOM; add it to the outbox's unit table [rule: unitTable]`);
  return name;
}

/** Posted quantity of `actuals` (one material, lot and unit) with the earlier postings' rounding difference carried in; 0: nothing to post. */
function postedQuantity(actuals: readonly CanonicalActual[], context: MappingContext): number {
  const [first] = actuals;
  const before = context.quantityTotalsBefore?.(first, {
    eventType: first.eventType, match: { material: first.material ?? null, lot: first.lot ?? null, unit: first.materialUnit ?? null }, fields: ['quantity'],
  }).quantity ?? 0;
  const sum = actuals.reduce((total, a) => total + toNano(a.quantity ?? 0), 0);
  return carriedIncrement(before, sum, quantityScale(first.materialUnit)) / 1e9;
}

function stockItem(actuals: readonly CanonicalActual[], qty: number, finished: boolean, options: DialectOptions): Record<string, unknown> {
  const [first] = actuals;
  const serials = actuals.flatMap((a) => a.serials ?? []);
  const item: Record<string, unknown> = {
    item_code: first.material,
    qty,
    uom: erpnextUnit(first.materialUnit, options),
    batch_no: first.lot,
    serial_no: serials.length > 0 ? serials.join('\n') : undefined,
    // Batch and serial numbers given as plain fields rather than a Serial and Batch Bundle (ERPNext 15+).
    use_serial_batch_fields: first.lot || serials.length > 0 ? 1 : undefined,
  };
  if (finished) {
    item.t_warehouse = options.targetWarehouse || undefined;
    item.is_finished_item = 1;
  } else {
    item.s_warehouse = options.sourceWarehouse || undefined;
  }
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
}

/** The receipt's raw-material rows: its goods issues, one row per material, lot and unit. */
function rawMaterialRows(actual: CanonicalActual, context: MappingContext): Record<string, unknown>[] {
  const groups = new Map<string, CanonicalActual[]>();
  for (const issue of context.goodsIssuesBefore(actual)) {
    const key = JSON.stringify([issue.material, issue.lot ?? null, issue.materialUnit ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  return [...groups.values()].flatMap((issues) => {
    const qty = postedQuantity(issues, context);
    return qty === 0 ? [] : [stockItem(issues, qty, false, context.options)];
  });
}

function manufactureEntry(actual: CanonicalActual, context: MappingContext): ErpRequest | null {
  const { options } = context;
  if (!options.company) throw new Error('company: the ERPNext company is not set (outbox setting ERPNext company); Stock Entry.company is mandatory [rule: required]');
  const produced = postedQuantity([actual], context);
  // Rounded away entirely: the remainder goes with the next receipt of the lot.
  if (produced === 0) return null;
  const posted = frappeDateTime(actual.eventTime);
  return {
    method: 'POST', path: ERPNEXT_STOCK_ENTRY_PATH, headers: JSON_HEADERS,
    body: {
      doctype: 'Stock Entry',
      stock_entry_type: 'Manufacture',
      purpose: 'Manufacture',
      company: options.company,
      work_order: actual.erpReference ?? actual.orderId,
      // ERPNext keeps fg_completed_qty (and counts it as produced) only with from_bom (stock_entry.py remove_fg_completed_qty).
      from_bom: 1,
      fg_completed_qty: produced,
      set_posting_time: 1,
      posting_date: posted.slice(0, 10),
      posting_time: posted.slice(11),
      remarks: `MES actual ${actual.actualId}`,
      docstatus: 1,
      items: [...rawMaterialRows(actual, context), stockItem([actual], produced, true, options)],
    },
  };
}

/**
 * ERPNext (Frappe REST). The MES operation key is the Job Card name. Each start and completion
 * of an operation rewrites the Job Card's time logs from the MES's log of that operation
 * (`PUT /api/resource/Job Card/<name>`): idempotent, so a resend after a crash cannot add a log
 * twice; the final completion also submits the Job Card, which is what moves the Work Order
 * operation's completed quantity. A produced lot posts a submitted Stock Entry of purpose
 * Manufacture with the company, whose raw-material rows are the goods issues recorded for the
 * order since the previous receipt, one row per material and batch. Quantities are rounded as
 * ERPNext keeps them, the difference carried to the next posting. Yield increments, goods issues on their own, order completion
 * and cancellation are not posted.
 */
export const erpnextDialect: Dialect = {
  name: 'erpnext',
  map(actual: CanonicalActual, context: MappingContext) {
    switch (actual.kind) {
      case 'activity-start':
      case 'operation-confirmation':
        return jobCardUpdate(actual, context);
      case 'goods-receipt':
        return manufactureEntry(actual, context);
      default:
        return null;
    }
  },
};
