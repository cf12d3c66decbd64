import type { MesStore, StoredEvent } from '../store';
import { contentHash } from '../util/canonical-json';
import { NotFoundError } from '../util/errors';
import type { ReportContext } from './audit-trail';
import { renderPdf, type PdfWriter } from './pdf';
import { OperationStates, signatureFields, signatureText, summarise, type SignatureFields } from './summary';

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Where a fact of the record comes from: its event. */
interface FromEvent {
  seq: number;
  eventTime: string;
  actor: string | null;
}

export interface RecordSignature extends FromEvent, SignatureFields {
  /** The type of the event it signs. */
  signedType: string | null;
}

export interface RecordCheck extends FromEvent {
  checkId: string;
  characteristic: string;
  type: string;
  value: number | null;
  limits: { lower: number | null; upper: number | null; nominal: number | null; unit: string | null } | null;
  passed: boolean;
}

export interface RecordNonconformance extends FromEvent {
  checkId: string | null;
  characteristic: string | null;
  value: number | null;
  reason: string;
  /** Later nonconformance events of the same check (disposition), as their summaries. */
  dispositions: (FromEvent & { type: string; summary: string })[];
}

export interface RecordEntry extends FromEvent {
  type: string;
  summary: string;
}

export interface RecordOperation {
  key: string;
  sequence: number | null;
  description: string | null;
  workCenter: string | null;
  plannedQuantity: { value: number; unit: string } | null;
  state: string;
  workstations: string[];
  /** Who worked on it: sign-on at its workstation, what they did. */
  operators: { actor: string; signedOnAt: string | null; actions: string[] }[];
  startedAt: string | null;
  completedAt: string | null;
  unit: string | null;
  goodQuantity: number;
  scrapQuantity: number;
  reworkQuantity: number;
  scrapReasons: { reason: string; quantity: number }[];
  checks: RecordCheck[];
  nonconformances: RecordNonconformance[];
  holds: (FromEvent & { type: 'held' | 'released'; reason: string })[];
  spcViolations: RecordEntry[];
  consumed: (FromEvent & { material: string | null; lot: string | null; serial: string | null; quantity: number; unit: string | null; backflush: boolean })[];
  produced: (FromEvent & { material: string | null; lot: string | null; serials: string[]; quantity: number; unit: string | null })[];
}

export interface BatchRecord {
  orderId: string;
  erpReference: string | null;
  plant: string | null;
  material: string | null;
  materialDescription: string | null;
  quantity: { value: number; unit: string } | null;
  revision: number | null;
  status: 'released' | 'in_progress' | 'completed' | 'cancelled';
  scheduledStart: string | null;
  scheduledEnd: string | null;
  receivedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  operations: RecordOperation[];
  /** What departed from plan: failed checks, nonconformances, holds, SPC violations, refused counts, overruns, forced cancellation, overrides. */
  deviations: RecordEntry[];
  signatures: RecordSignature[];
  summary: {
    unit: string | null;
    plannedQuantity: number | null;
    /** Good output of the last operation (the order's yield, as order progress reports it). */
    producedQuantity: number;
    scrapQuantity: number;
    reworkQuantity: number;
    checksPassed: number;
    checksFailed: number;
    nonconformances: number;
    holds: number;
    spcViolations: number;
    deviations: number;
    signatures: number;
    events: number;
    firstSeq: number | null;
    lastSeq: number | null;
    /** sha256 of the events the record derives from, in seq order: a later copy can be checked against the log. */
    eventsHash: string;
  };
  generatedAt: string;
  generatedBy: string;
}

const from = (e: StoredEvent): FromEvent => ({ seq: e.seq, eventTime: e.eventTime, actor: e.actor });

function emptyOperation(key: string, spec: Payload | undefined): RecordOperation {
  const planned = spec?.plannedQuantity as { value: number; unit: string } | undefined;
  return {
    key, sequence: typeof spec?.sequence === 'number' ? spec.sequence : null, description: str(spec?.description), workCenter: str(spec?.workCenter),
    plannedQuantity: planned ?? null, state: 'pending', workstations: [], operators: [], startedAt: null, completedAt: null,
    unit: planned?.unit ?? null, goodQuantity: 0, scrapQuantity: 0, reworkQuantity: 0, scrapReasons: [],
    checks: [], nonconformances: [], holds: [], spcViolations: [], consumed: [], produced: [],
  };
}

/** What an operator did, in words, by event type. */
const ACTIONS: Record<string, string> = {
  'operation.started': 'started', 'quantity.reported': 'reported quantities', 'operation.completed': 'completed',
  'check.recorded': 'recorded checks', 'operation.paused': 'paused', 'operation.resumed': 'resumed',
};

/** The signatures bound to any of `seqs`, wherever they are filed (found by the type index after the first seq). */
function signaturesFor(store: MesStore, events: StoredEvent[]): RecordSignature[] {
  if (events.length === 0) return [];
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const rows = store.statement(`SELECT seq, event_time, actor, payload FROM events WHERE type = 'signature.recorded' AND seq > ?
      AND json_extract(payload, '$.signedSeq') IN (SELECT value FROM json_each(?)) ORDER BY seq`)
    .all(events[0].seq, JSON.stringify([...bySeq.keys()])) as { seq: number; event_time: string; actor: string | null; payload: string }[];
  return rows.map((row) => {
    const fields = signatureFields(JSON.parse(row.payload));
    return { seq: row.seq, eventTime: row.event_time, actor: row.actor, ...fields, signedType: bySeq.get(fields.signedSeq)?.type ?? null };
  });
}

/** Types that are deviations whenever they occur. */
const DEVIATION_TYPES = new Set(['nonconformance.raised', 'operation.held', 'spc.violation', 'quantity.refused', 'counter.reset']);

/**
 * The electronic batch record of an order, derived from the event log alone: the order as the ERP
 * sent it (latest revision), then per operation what happened, who did it and what was checked.
 */
export function buildBatchRecord(store: MesStore, orderId: string, context: ReportContext): BatchRecord {
  const events = store.eventsOfOrder(orderId).filter((e) => e.type !== 'signature.recorded');
  if (events.length === 0) throw new NotFoundError(`order ${orderId} has no events: it is not known to the MES [unknownOrder]`);
  let order: Payload = {};
  let revision: number | null = null;
  let receivedAt: string | null = null;
  let status: BatchRecord['status'] = 'released';
  let completedAt: string | null = null;
  const operations = new Map<string, RecordOperation>();
  const specs = () => new Map(((order.operations ?? []) as Payload[]).map((op) => [String(op.key), op]));
  const operation = (key: string) => {
    let op = operations.get(key);
    if (!op) {
      op = emptyOperation(key, specs().get(key));
      operations.set(key, op);
    }
    return op;
  };
  const states = new OperationStates();
  const deviations: RecordEntry[] = [];
  const operators = new Map<string, Map<string, { firstSeq: number; workstation: string | null; actions: Set<string> }>>();

  for (const e of events) {
    const p = (e.payload ?? {}) as Payload;
    const summary = summarise(e, states);
    if (DEVIATION_TYPES.has(e.type) || (e.type === 'check.recorded' && p.passed !== true) || (e.type === 'order.cancelled' && p.forced === true)) {
      deviations.push({ ...from(e), type: e.type, summary: e.operationKey ? `${e.operationKey}: ${summary}` : summary });
    }
    if (e.type === 'order.received' || e.type === 'order.updated') {
      order = (p.order ?? {}) as Payload;
      revision = typeof p.revision === 'number' ? p.revision : revision;
      receivedAt ??= e.eventTime;
      for (const spec of specs().values()) operation(String(spec.key));
      continue;
    }
    if (e.type === 'order.completed') { status = 'completed'; completedAt = e.eventTime; }
    if (e.type === 'order.cancelled') { status = 'cancelled'; completedAt = e.eventTime; }
    if (!e.operationKey) continue;
    const op = operation(e.operationKey);
    if (e.workstation && !op.workstations.includes(e.workstation) && e.type !== 'operation.queued') op.workstations.push(e.workstation);
    if (e.actor && ACTIONS[e.type]) {
      const byActor = operators.get(op.key) ?? new Map();
      operators.set(op.key, byActor);
      const entry = byActor.get(e.actor) ?? { firstSeq: e.seq, workstation: e.workstation, actions: new Set<string>() };
      entry.actions.add(ACTIONS[e.type]);
      byActor.set(e.actor, entry);
    }
    switch (e.type) {
      case 'operation.started':
        if (status === 'released') status = 'in_progress';
        op.startedAt ??= e.eventTime;
        break;
      case 'quantity.reported': {
        op.unit = str(p.unit) ?? op.unit;
        op.goodQuantity += num(p.goodQuantity);
        op.scrapQuantity += num(p.scrapQuantity);
        op.reworkQuantity += num(p.reworkQuantity);
        if (num(p.scrapQuantity) > 0) {
          const reason = str(p.scrapReason) ?? '(no reason)';
          const known = op.scrapReasons.find((r) => r.reason === reason);
          if (known) known.quantity += num(p.scrapQuantity);
          else op.scrapReasons.push({ reason, quantity: num(p.scrapQuantity) });
        }
        break;
      }
      case 'operation.completed':
        if (p.final === true) {
          op.completedAt = e.eventTime;
          if (op.plannedQuantity && op.goodQuantity > op.plannedQuantity.value) {
            deviations.push({ ...from(e), type: 'overrun', summary: `${op.key}: good ${op.goodQuantity} ${op.unit ?? ''} above the planned ${op.plannedQuantity.value}` });
          }
        }
        break;
      case 'check.recorded':
        op.checks.push({
          ...from(e), checkId: String(p.checkId), characteristic: String(p.characteristic), type: String(p.type),
          value: typeof p.value === 'number' ? p.value : null, limits: (p.limits as RecordCheck['limits']) ?? null, passed: p.passed === true,
        });
        break;
      case 'operation.held':
      case 'operation.released':
        op.holds.push({ ...from(e), type: e.type === 'operation.held' ? 'held' : 'released', reason: String(p.reason ?? '') });
        break;
      case 'spc.violation':
        op.spcViolations.push({ ...from(e), type: e.type, summary });
        break;
      case 'material.consumed':
        op.consumed.push({ ...from(e), material: str(p.material), lot: str(p.lot), serial: str(p.serial), quantity: num(p.quantity), unit: str(p.unit), backflush: p.backflush === true });
        break;
      case 'material.produced':
        op.produced.push({ ...from(e), material: str(p.material), lot: str(p.lot), serials: Array.isArray(p.serials) ? p.serials.map(String) : [], quantity: num(p.quantity), unit: str(p.unit) });
        break;
      default:
        if (e.type === 'nonconformance.raised') {
          op.nonconformances.push({ ...from(e), checkId: str(p.checkId), characteristic: str(p.characteristic), value: typeof p.value === 'number' ? p.value : null, reason: String(p.reason ?? ''), dispositions: [] });
        } else if (e.type.startsWith('nonconformance.')) {
          // The disposition of the nonconformance it names (raisedSeq), else of the latest one of the same check.
          const open = op.nonconformances.find((nc) => nc.seq === p.raisedSeq)
            ?? [...op.nonconformances].reverse().find((nc) => p.checkId === undefined || nc.checkId === p.checkId);
          open?.dispositions.push({ ...from(e), type: e.type, summary });
        }
    }
  }
  for (const [key, byActor] of operators) {
    const op = operation(key);
    for (const [actor, entry] of byActor) {
      const signOn = entry.workstation ? store.statement(`SELECT event_time FROM events WHERE type = 'operator.signed_on' AND workstation = ? AND actor = ? AND seq < ?
          ORDER BY seq DESC LIMIT 1`).get(entry.workstation, actor, entry.firstSeq) as { event_time: string } | undefined : undefined;
      op.operators.push({ actor, signedOnAt: signOn?.event_time ?? null, actions: [...entry.actions] });
    }
  }
  const ordered = [...operations.values()].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  for (const op of ordered) op.state = states.stateOf(orderId, op.key) ?? (status === 'cancelled' ? 'cancelled' : 'pending');
  const signatures = signaturesFor(store, events);
  for (const s of signatures) {
    if (s.action === 'qualification.override') deviations.push({ ...s, type: 'qualification.override', summary: signatureText(s) });
  }
  deviations.sort((a, b) => a.seq - b.seq);
  const quantity = (order.quantity ?? null) as { value: number; unit: string } | null;
  const last = ordered[ordered.length - 1];
  const checks = ordered.flatMap((op) => op.checks);
  return {
    orderId,
    erpReference: str(order.erpReference),
    plant: str(order.plant),
    material: str(order.material),
    materialDescription: str(order.materialDescription),
    quantity,
    revision,
    status,
    scheduledStart: str(order.scheduledStart),
    scheduledEnd: str(order.scheduledEnd),
    receivedAt,
    startedAt: ordered.map((op) => op.startedAt).filter((t): t is string => t !== null).sort()[0] ?? null,
    completedAt,
    operations: ordered,
    deviations,
    signatures,
    summary: {
      unit: quantity?.unit ?? null,
      plannedQuantity: quantity?.value ?? null,
      producedQuantity: last ? last.goodQuantity : 0,
      scrapQuantity: ordered.reduce((sum, op) => sum + op.scrapQuantity, 0),
      reworkQuantity: ordered.reduce((sum, op) => sum + op.reworkQuantity, 0),
      checksPassed: checks.filter((c) => c.passed).length,
      checksFailed: checks.filter((c) => !c.passed).length,
      nonconformances: ordered.reduce((sum, op) => sum + op.nonconformances.length, 0),
      holds: ordered.reduce((sum, op) => sum + op.holds.filter((h) => h.type === 'held').length, 0),
      spcViolations: ordered.reduce((sum, op) => sum + op.spcViolations.length, 0),
      deviations: deviations.length,
      signatures: signatures.length,
      events: events.length,
      firstSeq: events[0].seq,
      lastSeq: events[events.length - 1].seq,
      eventsHash: contentHash(events.map((e) => [e.seq, e.eventId, e.eventTime, e.type, e.orderId, e.operationKey, e.workstation, e.actor, e.payload])),
    },
    generatedAt: context.generatedAt.toISOString(),
    generatedBy: context.generatedBy,
  };
}

const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : String(v));
const qty = (value: number, unit: string | null) => `${value} ${unit ?? ''}`.trim();
const limitsText = (l: RecordCheck['limits']) => (l ? `${l.lower ?? '-inf'} .. ${l.upper ?? 'inf'}${l.nominal !== null ? ` (nominal ${l.nominal})` : ''}${l.unit ? ` ${l.unit}` : ''}` : '-');

async function operationSection(w: PdfWriter, op: RecordOperation): Promise<void> {
  w.heading(`Operation ${op.key}${op.description ? ` - ${op.description}` : ''}`);
  w.fields([
    ['Work center / workstations', `${dash(op.workCenter)} / ${op.workstations.join(', ') || '-'}`],
    ['State', op.state],
    ['Started / ended', `${dash(op.startedAt)} / ${dash(op.completedAt)}`],
    ['Planned', op.plannedQuantity ? qty(op.plannedQuantity.value, op.plannedQuantity.unit) : '-'],
    ['Quantities', `good ${qty(op.goodQuantity, op.unit)}, scrap ${op.scrapQuantity}, rework ${op.reworkQuantity}`],
    ['Scrap reasons', op.scrapReasons.map((r) => `${r.reason} ${r.quantity}`).join(', ') || '-'],
  ]);
  w.line('Operators', { bold: true });
  await w.table([{ title: 'operator', width: 150 }, { title: 'signed on', width: 150 }, { title: 'did', width: 469.89 }],
    op.operators.map((o) => [o.actor, dash(o.signedOnAt), o.actions.join(', ')]));
  w.line('Checks', { bold: true });
  await w.table([{ title: 'seq', width: 40 }, { title: 'time', width: 110 }, { title: 'who', width: 80 }, { title: 'check', width: 160 }, { title: 'value', width: 70 },
    { title: 'limits', width: 230 }, { title: 'result', width: 79.89 }],
  op.checks.map((c) => [String(c.seq), c.eventTime, dash(c.actor), `${c.checkId} ${c.characteristic} (${c.type})`, dash(c.value), limitsText(c.limits), c.passed ? 'pass' : 'FAIL']));
  w.line('Nonconformances, holds and releases, SPC violations', { bold: true });
  const events = [
    ...op.nonconformances.flatMap((nc) => [{ seq: nc.seq, time: nc.eventTime, who: nc.actor, what: `nonconformance ${dash(nc.checkId)}: ${nc.reason}` },
      ...nc.dispositions.map((d) => ({ seq: d.seq, time: d.eventTime, who: d.actor, what: `disposition: ${d.summary}` }))]),
    ...op.holds.map((h) => ({ seq: h.seq, time: h.eventTime, who: h.actor, what: `${h.type}: ${h.reason}` })),
    ...op.spcViolations.map((v) => ({ seq: v.seq, time: v.eventTime, who: v.actor, what: v.summary })),
  ].sort((a, b) => a.seq - b.seq);
  await w.table([{ title: 'seq', width: 40 }, { title: 'time', width: 110 }, { title: 'who', width: 90 }, { title: 'what', width: 529.89 }],
    events.map((e) => [String(e.seq), e.time, dash(e.who), e.what]));
  w.line('Lots consumed and produced', { bold: true });
  await w.table([{ title: 'seq', width: 40 }, { title: 'time', width: 110 }, { title: 'who', width: 90 }, { title: 'movement', width: 70 }, { title: 'material', width: 120 },
    { title: 'lot / serials', width: 220 }, { title: 'quantity', width: 119.89 }], [
    ...op.consumed.map((c) => [String(c.seq), c.eventTime, dash(c.actor), c.backflush ? 'consumed (backflush)' : 'consumed', dash(c.material), dash(c.lot ?? c.serial), qty(c.quantity, c.unit)]),
    ...op.produced.map((p) => [String(p.seq), p.eventTime, dash(p.actor), 'produced', dash(p.material), dash(p.lot ?? (p.serials.join(' ') || null)), qty(p.quantity, p.unit)]),
  ]);
}

/** The batch record as one PDF: header, each operation, deviations, signatures, closing summary. */
export function batchRecordPdf(record: BatchRecord): Promise<Buffer> {
  const s = record.summary;
  return renderPdf({
    title: `Batch record of order ${record.orderId}`,
    author: record.generatedBy,
    createdAt: new Date(record.generatedAt),
    lines: [`Generated at ${record.generatedAt} by ${record.generatedBy}, from events ${dash(s.firstSeq)} to ${dash(s.lastSeq)} of the event log`],
  }, async (w) => {
    w.heading('Order');
    w.fields([
      ['Order / ERP reference', `${record.orderId} / ${dash(record.erpReference)}`],
      ['Material', `${dash(record.material)}${record.materialDescription ? ` - ${record.materialDescription}` : ''}`],
      ['Quantity', record.quantity ? qty(record.quantity.value, record.quantity.unit) : '-'],
      ['Plant / revision', `${dash(record.plant)} / ${dash(record.revision)}`],
      ['Scheduled', `${dash(record.scheduledStart)} to ${dash(record.scheduledEnd)}`],
      ['Received / started / completed', `${dash(record.receivedAt)} / ${dash(record.startedAt)} / ${dash(record.completedAt)}`],
      ['Status', record.status],
    ]);
    for (const op of record.operations) await operationSection(w, op);
    w.heading('Deviations');
    await w.table([{ title: 'seq', width: 40 }, { title: 'time', width: 110 }, { title: 'who', width: 90 }, { title: 'kind', width: 110 }, { title: 'what', width: 419.89 }],
      record.deviations.map((d) => [String(d.seq), d.eventTime, dash(d.actor), d.type, d.summary]));
    w.heading('Signatures');
    await w.table([{ title: 'signed at', width: 110 }, { title: 'printed name', width: 130 }, { title: 'user', width: 80 }, { title: 'meaning', width: 70 },
      { title: 'action', width: 120 }, { title: 'bound to event', width: 259.89 }],
    record.signatures.map((g) => [g.signedAt, g.printedName, g.userId, g.meaning, g.action, `#${g.signedSeq} ${dash(g.signedType)} ${g.signedEventId}`]));
    w.heading('Summary');
    w.fields([
      ['Planned / produced', `${dash(s.plannedQuantity)} / ${qty(s.producedQuantity, s.unit)}`],
      ['Scrap / rework (all operations)', `${s.scrapQuantity} / ${s.reworkQuantity}`],
      ['Checks passed / failed', `${s.checksPassed} / ${s.checksFailed}`],
      ['Nonconformances / holds / SPC violations', `${s.nonconformances} / ${s.holds} / ${s.spcViolations}`],
      ['Deviations / signatures', `${s.deviations} / ${s.signatures}`],
      ['Events', `${s.events} (seq ${dash(s.firstSeq)} to ${dash(s.lastSeq)}), sha256 ${s.eventsHash}`],
    ]);
  });
}
