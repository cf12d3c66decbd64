import type { ValidateFunction } from 'ajv';
import { toCsv } from '../exports/table';
import { findLot } from '../genealogy';
import { toStoredEvent, type EventRow, type MesStore, type StoredEvent } from '../store';
import { NotFoundError, ValidationError, type FieldError } from '../util/errors';
import { createAjv, toFieldErrors } from '../util/json-schema';
import { renderPdf, type PdfColumn } from './pdf';
import { OperationStates, signatureFields, summarise, type SignatureFields } from './summary';

export const AUDIT_FORMATS = ['pdf', 'csv'] as const;
export type AuditFormat = typeof AUDIT_FORMATS[number];

/** What the audit trail covers: one order, or one lot's genealogy, optionally within a time range; or a time range alone. */
export interface AuditFilter {
  orderId?: string;
  lot?: string;
  /** Event times, inclusive, ISO 8601 with a time zone. */
  from?: string;
  to?: string;
}

/** The query of GET /mes/v1/records/audit-trail; the route's parameters are these schemas. */
export const AUDIT_QUERY_PROPERTIES = {
  orderId: { type: 'string', minLength: 1, maxLength: 200 },
  lot: { type: 'string', minLength: 1, maxLength: 200 },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
  format: { enum: [...AUDIT_FORMATS] },
} as const;

let validateQuery: ValidateFunction | undefined;

/**
 * Checks a report request: known fields only, each given once; a filter (order, lot or a time
 * bound); not an order and a lot at once; dates with a time zone; from not after to.
 */
export function parseAuditQuery(query: Record<string, unknown>): { filter: AuditFilter; format: AuditFormat } {
  validateQuery ??= createAjv().compile({ type: 'object', additionalProperties: false, properties: AUDIT_QUERY_PROPERTIES });
  const errors: FieldError[] = validateQuery(query) ? [] : toFieldErrors(validateQuery.errors);
  const q = query as AuditFilter & { format?: AuditFormat };
  if (errors.length === 0) {
    if (q.orderId === undefined && q.lot === undefined && q.from === undefined && q.to === undefined) {
      errors.push({ field: 'orderId', rule: 'filterRequired', message: 'name an order (orderId), a lot (lot) or a time range (from, to)' });
    }
    if (q.orderId !== undefined && q.lot !== undefined) {
      errors.push({ field: 'lot', rule: 'exclusive', message: 'give either orderId or lot, not both' });
    }
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) > Date.parse(q.to)) {
      errors.push({ field: 'from', rule: 'fromAfterTo', message: `from ${q.from} is after to ${q.to}` });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors, 'audit-trail query');
  const filter: AuditFilter = {};
  for (const key of ['orderId', 'lot', 'from', 'to'] as const) if (q[key] !== undefined) filter[key] = q[key];
  return { filter, format: q.format ?? 'pdf' };
}

/** One row of the audit trail: the event, who, when, what changed; a signature row names what it signs. */
export interface AuditRow extends Omit<StoredEvent, 'payload'> {
  summary: string;
  signature: SignatureFields | null;
}

/**
 * One condition over `events e` that an index serves in seq order (by order, by type, by primary
 * key, or the whole log for a time range). A report merges its sources by seq: one OR over them
 * would make SQLite sort every remaining row of the range for each page.
 */
interface Source {
  where: string;
  params: Record<string, unknown>;
}

/** A signature event whose signed event matches `inner` (over `s`), wherever the signature itself is filed. */
const signatureOf = (inner: string): string =>
  `e.type = 'signature.recorded' AND EXISTS (SELECT 1 FROM events s WHERE s.seq = json_extract(e.payload, '$.signedSeq') AND ${inner})`;

/**
 * The lot's genealogy: the events that created, moved, blocked or released the lot and every
 * event of the orders that consumed or produced it; and the signatures of those.
 */
function lotSources(store: MesStore, lot: string): Source[] {
  if (!findLot(store, lot)) throw new NotFoundError(`lot or serial ${lot} is not known to the MES [unknownLot]`);
  const linked = store.statement(`SELECT DISTINCT l.order_id AS orderId, l.event_seq AS seq FROM genealogy_links l
      JOIN genealogy_nodes n ON n.id IN (l.from_node, l.to_node) AND n.key = ? AND n.kind IN ('lot', 'serial')`).all(lot) as { orderId: string | null; seq: number }[];
  const own = store.statement(`SELECT event_seq AS seq FROM genealogy_nodes WHERE key = ? AND kind IN ('lot', 'serial') AND event_seq IS NOT NULL`).all(lot) as { seq: number }[];
  const blocks = store.statement(`SELECT seq FROM events WHERE type IN ('lot.blocked', 'lot.released')
      AND (json_extract(payload, '$.lot') = ? OR json_extract(payload, '$.serial') = ?)`).all(lot, lot) as { seq: number }[];
  const orders = [...new Set(linked.map((r) => r.orderId).filter((id): id is string => id !== null))];
  const seqs = JSON.stringify([...new Set([...linked, ...own, ...blocks].map((r) => r.seq))].sort((a, b) => a - b));
  return [
    // One SQL text for every order (its prepared statement is cached once), the order as a parameter.
    ...orders.map((orderId) => ({ where: 'e.order_id = @orderId', params: { orderId } })),
    { where: 'e.seq IN (SELECT value FROM json_each(@seqs))', params: { seqs } },
    {
      where: signatureOf('(s.order_id IN (SELECT value FROM json_each(@orders)) OR s.seq IN (SELECT value FROM json_each(@seqs)))'),
      params: { orders: JSON.stringify(orders), seqs },
    },
  ];
}

function sourcesOf(store: MesStore, filter: AuditFilter): Source[] {
  let sources: Source[] = [{ where: '1 = 1', params: {} }];
  if (filter.orderId !== undefined) {
    const known = store.statement('SELECT 1 FROM events WHERE order_id = ? LIMIT 1').get(filter.orderId);
    if (!known) throw new NotFoundError(`order ${filter.orderId} has no events: it is not known to the MES [unknownOrder]`);
    sources = [
      { where: 'e.order_id = @orderId', params: { orderId: filter.orderId } },
      { where: signatureOf('s.order_id = @orderId'), params: { orderId: filter.orderId } },
    ];
  } else if (filter.lot !== undefined) {
    sources = lotSources(store, filter.lot);
  }
  // julianday, not text comparison: event times come with and without milliseconds or as offsets.
  const time = [filter.from !== undefined && 'julianday(e.event_time) >= julianday(@from)', filter.to !== undefined && 'julianday(e.event_time) <= julianday(@to)'].filter(Boolean);
  const bounds: Record<string, unknown> = {};
  if (filter.from !== undefined) bounds.from = filter.from;
  if (filter.to !== undefined) bounds.to = filter.to;
  return time.length === 0 ? sources : sources.map((source) => ({ where: `(${source.where}) AND ${time.join(' AND ')}`, params: { ...source.params, ...bounds } }));
}

/** Events read per query: a 100k-event report never holds more than this many rows at once. */
export const AUDIT_PAGE_SIZE = 500;
/** A source's page never shrinks below this, however many orders a lot went through. */
const MIN_SOURCE_PAGE = 20;

/** One source read page by page, keyset on seq. */
class SourceCursor {
  private page: EventRow[] = [];
  private index = 0;
  private after = 0;
  private exhausted = false;
  private readonly sql: string;

  constructor(private readonly store: MesStore, private readonly source: Source, private readonly lastSeq: number, private readonly pageSize: number) {
    this.sql = `SELECT e.* FROM events e WHERE e.seq > @after AND e.seq <= @last AND ${source.where} ORDER BY e.seq LIMIT @limit`;
  }

  head(): EventRow | undefined {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.exhausted) return undefined;
    this.page = this.store.statement(this.sql).all({ ...this.source.params, after: this.after, last: this.lastSeq, limit: this.pageSize }) as EventRow[];
    this.index = 0;
    if (this.page.length < this.pageSize) this.exhausted = true;
    if (this.page.length === 0) return undefined;
    this.after = this.page[this.page.length - 1].seq;
    return this.page[0];
  }

  advance(): void {
    this.index += 1;
  }
}

/**
 * The events of the filter in recording order, read page by page from each source and merged by
 * seq (up to the last seq when the report began, so both passes of a PDF see the same events).
 */
export class AuditTrail {
  private readonly sources: Source[];
  readonly lastSeq: number;

  constructor(private readonly store: MesStore, readonly filter: AuditFilter, private readonly pageSize = AUDIT_PAGE_SIZE) {
    this.sources = sourcesOf(store, filter);
    this.lastSeq = store.lastSeq();
  }

  *events(): Generator<StoredEvent> {
    const perSource = Math.max(MIN_SOURCE_PAGE, Math.floor(this.pageSize / this.sources.length));
    const cursors = this.sources.map((source) => new SourceCursor(this.store, source, this.lastSeq, Math.min(this.pageSize, perSource)));
    for (;;) {
      let next: EventRow | undefined;
      for (const cursor of cursors) {
        const head = cursor.head();
        if (head && (!next || head.seq < next.seq)) next = head;
      }
      if (!next) return;
      const seq = next.seq;
      // An event in two sources (a lot's own event filed under its order) is listed once.
      for (const cursor of cursors) if (cursor.head()?.seq === seq) cursor.advance();
      yield toStoredEvent(next);
    }
  }

  *rows(): Generator<AuditRow> {
    const states = new OperationStates();
    for (const event of this.events()) yield auditRow(event, states);
  }
}

export function auditRow(event: StoredEvent, states: OperationStates): AuditRow {
  const { payload, ...columns } = event;
  return { ...columns, summary: summarise(event, states), signature: event.type === 'signature.recorded' ? signatureFields(payload) : null };
}

/** The filter in words, for the report's head. */
export function describeFilter(filter: AuditFilter): string {
  const parts = [filter.orderId !== undefined && `order ${filter.orderId}`, filter.lot !== undefined && `lot ${filter.lot} (its genealogy: the orders that consumed or produced it)`,
    filter.from !== undefined && `from ${filter.from}`, filter.to !== undefined && `to ${filter.to}`].filter(Boolean);
  return parts.join(', ');
}

export interface ReportContext {
  /** Who asked for the report: printed on it. */
  generatedBy: string;
  generatedAt: Date;
}

const CSV_COLUMNS = ['seq', 'event_id', 'event_time', 'recorded_time', 'type', 'order_id', 'operation_key', 'workstation', 'actor', 'summary',
  'signer_name', 'signer_id', 'signature_meaning', 'signed_at', 'signed_action', 'signed_seq', 'signed_event_id'];

/** The audit trail as CSV (formulas neutralised by toCsv), built page by page, letting the event loop run between pages. */
export async function auditTrailCsv(trail: AuditTrail): Promise<Buffer> {
  const header = toCsv({ columns: CSV_COLUMNS, rows: [] });
  const chunks = [Buffer.from(header)];
  let page: unknown[][] = [];
  const flush = () => {
    // toCsv writes a header row first: drop it from every page but the file's own.
    chunks.push(Buffer.from(toCsv({ columns: CSV_COLUMNS, rows: page }).slice(header.length)));
    page = [];
  };
  for (const r of trail.rows()) {
    const s = r.signature;
    page.push([r.seq, r.eventId, r.eventTime, r.recordedTime, r.type, r.orderId, r.operationKey, r.workstation, r.actor, r.summary,
      s?.printedName, s?.userId, s?.meaning, s?.signedAt, s?.action, s?.signedSeq, s?.signedEventId]);
    if (page.length >= AUDIT_PAGE_SIZE) {
      flush();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (page.length > 0) flush();
  return Buffer.concat(chunks);
}

const PDF_COLUMNS: readonly PdfColumn[] = [
  { title: 'seq', width: 38 },
  { title: 'event time', width: 92 },
  { title: 'type', width: 100 },
  { title: 'order / operation', width: 80 },
  { title: 'workstation', width: 58 },
  { title: 'who', width: 72 },
  { title: 'what changed', width: 329.89 },
];

/** The audit trail as a PDF: title, filter, generated at and by, then one table row per event. */
export function auditTrailPdf(trail: AuditTrail, context: ReportContext): Promise<Buffer> {
  return renderPdf({
    title: 'Audit trail',
    author: context.generatedBy,
    createdAt: context.generatedAt,
    lines: [`Filter: ${describeFilter(trail.filter)}`, `Generated at ${context.generatedAt.toISOString()} by ${context.generatedBy}`, `Events up to seq ${trail.lastSeq}`],
  }, async (writer) => {
    const count = await writer.table(PDF_COLUMNS, (function* rows() {
      for (const r of trail.rows()) {
        yield [String(r.seq), r.eventTime, r.type, [r.orderId, r.operationKey].filter(Boolean).join(' / '), r.workstation ?? '', r.actor ?? '', r.summary];
      }
    })());
    writer.space(6);
    writer.line(`${count} events.`);
  });
}
