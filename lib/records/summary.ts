import type { StoredEvent } from '../store';

/** A payload read loosely: the log holds every release's payloads, so no field is taken for granted. */
type Payload = Record<string, unknown>;

const text = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const signed = (value: number): string => (value < 0 ? `${value}` : `+${value}`);

/** The state an operation is in after an event, and the one it left; read from the log alone. */
export class OperationStates {
  private readonly states = new Map<string, { state: string; beforePause: string; started: boolean }>();

  /** The state the events so far left an operation in. */
  stateOf(orderId: string, operationKey: string): string | undefined {
    return this.states.get(`${orderId}\u0000${operationKey}`)?.state;
  }

  /** `from → to` for an event that changes an operation's state, else undefined. */
  transition(event: StoredEvent): { from: string | undefined; to: string } | undefined {
    if (!event.orderId || !event.operationKey) return undefined;
    const key = `${event.orderId}\u0000${event.operationKey}`;
    const known = this.states.get(key);
    const current = known ?? { state: '', beforePause: 'running', started: false };
    const p = event.payload as Payload;
    let to: string | undefined;
    switch (event.type) {
      case 'operation.queued': to = 'queued'; break;
      case 'operation.started': to = p.setup === true ? 'setup' : 'running'; current.started = true; break;
      case 'operation.paused': current.beforePause = current.state || 'running'; to = 'paused'; break;
      case 'operation.resumed': to = current.beforePause; break;
      case 'operation.held': to = 'held'; break;
      // As dispatch does it: a started operation comes back paused, one not started returns to the queue.
      case 'operation.released': to = current.started ? 'paused' : 'queued'; break;
      case 'operation.completed': if (p.final === true) to = 'completed'; break;
      default: break;
    }
    if (to === undefined) return undefined;
    const from = current.state || undefined;
    current.state = to;
    this.states.set(key, current);
    return { from, to };
  }
}

function quantities(p: Payload, sign: (n: number) => string): string {
  const unit = text(p.unit);
  const parts = [`good ${sign(num(p.goodQuantity))} ${unit}`.trim()];
  if (num(p.scrapQuantity) !== 0 || p.scrapReason) parts.push(`scrap ${sign(num(p.scrapQuantity))}${p.scrapReason ? ` (reason ${text(p.scrapReason)})` : ''}`);
  if (num(p.reworkQuantity) !== 0) parts.push(`rework ${sign(num(p.reworkQuantity))}`);
  return parts.join(', ');
}

function limitsOf(limits: unknown): string {
  if (!limits || typeof limits !== 'object') return '';
  const l = limits as Payload;
  const unit = l.unit ? ` ${text(l.unit)}` : '';
  return ` (limits ${l.lower ?? '-inf'}..${l.upper ?? 'inf'}${unit}${l.nominal !== null && l.nominal !== undefined ? `, nominal ${text(l.nominal)}` : ''})`;
}

/** The fields of a `signature.recorded` payload (SignatureRecord) that a record shows. */
export interface SignatureFields {
  printedName: string;
  userId: string;
  meaning: string;
  action: string;
  signedAt: string;
  signedSeq: number;
  signedEventId: string;
}

export function signatureFields(payload: unknown): SignatureFields {
  const p = (payload ?? {}) as Payload;
  return {
    printedName: text(p.printedName), userId: text(p.userId), meaning: text(p.meaning), action: text(p.action),
    signedAt: text(p.signedAt), signedSeq: Number(p.signedSeq), signedEventId: text(p.signedEventId),
  };
}

/** What a signature says, in one line: who, what meaning, when, and the event it is bound to. */
export function signatureText(s: SignatureFields): string {
  return `${s.printedName} (${s.userId}) signed "${s.meaning}" for ${s.action} at ${s.signedAt}, bound to event #${s.signedSeq}`;
}

type Describe = (p: Payload, e: StoredEvent) => string;

const DESCRIBE: Record<string, Describe> = {
  'order.received': (p) => {
    const o = (p.order ?? {}) as Payload;
    const q = (o.quantity ?? {}) as Payload;
    return `order received, revision ${text(p.revision)}: ${text(o.material)} ${text(q.value)} ${text(q.unit)}, ${Array.isArray(o.operations) ? o.operations.length : 0} operations`;
  },
  'order.updated': (p) => {
    const c = (p.changes ?? {}) as Payload;
    const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(' ') : '');
    const parts = [list(c.fields) && `fields ${list(c.fields)}`, list(c.operationsAdded) && `operations added ${list(c.operationsAdded)}`,
      list(c.operationsRemoved) && `removed ${list(c.operationsRemoved)}`, list(c.operationsChanged) && `changed ${list(c.operationsChanged)}`].filter(Boolean);
    return `order updated to revision ${text(p.revision)}${parts.length ? `: ${parts.join('; ')}` : ''}`;
  },
  'order.cancelled': (p) => `order cancelled${p.forced ? ' (forced)' : ''}: ${text(p.reason)}`,
  'order.completed': (p) => `order completed: good ${num(p.goodQuantity)} ${text(p.unit)}, scrap ${num(p.scrapQuantity)}`,
  'operation.queued': (p) => `queued at ${text(p.workCenter)} for ${Array.isArray(p.workstations) ? p.workstations.join(', ') : ''}`,
  'operation.started': (p) => (p.setup === true ? 'setup started' : 'started'),
  'operation.paused': (p) => `paused${p.reasonCode ? ` (reason ${text(p.reasonCode)})` : ''}`,
  'operation.resumed': () => 'resumed',
  'operation.held': (p) => `held: ${text(p.reason)}`,
  'operation.released': (p) => `released: ${text(p.reason)}`,
  'operation.completed': (p) => `${p.final === true ? 'completed' : 'partially confirmed'}, totals ${quantities(p, String)}`,
  'operation.resequenced': (p) => (p.position === null ? 'back to priority order' : `moved to queue position ${text(p.position)}`),
  'quantity.reported': (p) => `${quantities(p, signed)}${p.source === 'machine' ? ` (machine counts ${text(p.from)} to ${text(p.to)})` : ''}`,
  'quantity.unassigned': (p) => `machine counts without a running operation: good ${num(p.good)}, reject ${num(p.reject)}`,
  'quantity.refused': (p) => `machine counts refused (${text(p.rule)}): good ${num(p.good)}, reject ${num(p.reject)}: ${text(p.message)}`,
  'counter.reset': (p) => `${text(p.counter)} counter reset from ${text(p.previousReading)} to ${text(p.reading)}, ${num(p.counted)} counted since`,
  'check.recorded': (p) => `check ${text(p.checkId)} ${text(p.characteristic)}${p.value !== undefined ? ` = ${text(p.value)}` : ''}${limitsOf(p.limits)}: ${p.passed === true ? 'pass' : 'FAIL'}`,
  'nonconformance.raised': (p) => `nonconformance on ${text(p.checkId)} ${text(p.characteristic)}: ${text(p.reason)}`,
  'nonconformance.disposed': (p) => `nonconformance on ${text(p.checkId)} ${text(p.characteristic)} disposed: ${text(p.disposition)}: ${text(p.reason)}`,
  'operator.signed_on': () => 'operator signed on',
  'operator.signed_off': () => 'operator signed off',
  'material.consumed': (p) => `consumed ${num(p.quantity)} ${text(p.unit)} ${text(p.material)}${p.lot ? ` lot ${text(p.lot)}` : ''}${p.serial ? ` serial ${text(p.serial)}` : ''}${p.backflush === true ? ' (backflush)' : ''}`,
  'material.produced': (p) => `produced ${num(p.quantity)} ${text(p.unit)} ${text(p.material)}${p.lot ? ` lot ${text(p.lot)}` : ''}${Array.isArray(p.serials) ? ` serials ${p.serials.join(' ')}` : ''}`,
  'lot.blocked': (p) => `lot ${text(p.lot ?? p.serial)} blocked: ${text(p.reason)}`,
  'lot.released': (p) => `lot ${text(p.lot ?? p.serial)} released: ${text(p.reason)}`,
  'oee.downtime.classified': (p) => `downtime ${text(p.downtimeId)} classified as ${text(p.reason)}`,
  'outbox.discarded': (p) => `quarantined actual ${text(p.eventId)} discarded: ${text(p.reason)}`,
  'spc.violation': (p) => `SPC violation: rule ${text(p.rule)}${p.description ? ` (${text(p.description)})` : ''}${p.characteristic ? ` on ${text(p.characteristic)}` : ''}${p.chart ? `, ${text(p.chart)} chart` : ''}${Array.isArray(p.points) ? `, subgroups ${p.points.map((point: { subgroup?: unknown }) => text(point?.subgroup ?? point)).join(' ')}` : ''}`,
  'signature.recorded': (p) => signatureText(signatureFields(p)),
};

/** Fields every dispatch event carries that say nothing on their own. */
const NOISE = new Set(['commandId', 'shift']);
const MAX_GENERIC = 300;

/** Any other type: its payload's fields, shortened. */
function generic(p: Payload): string {
  const fields = Object.entries(p).filter(([k]) => !NOISE.has(k)).map(([k, v]) => `${k} ${text(v)}`).join(', ');
  return fields.length > MAX_GENERIC ? `${fields.slice(0, MAX_GENERIC)}…` : fields;
}

/**
 * A readable line of what an event changed, e.g. "good +12 PCE, scrap +1 (reason S01)" or
 * "state running → held: held: gauge broken". `states` carries each operation's state across the
 * events of one report, so the change of state can be named.
 */
export function summarise(event: StoredEvent, states: OperationStates): string {
  const payload = (event.payload && typeof event.payload === 'object' ? event.payload : {}) as Payload;
  const describe = DESCRIBE[event.type];
  const what = describe ? describe(payload, event) : generic(payload);
  const change = states.transition(event);
  return change ? `state ${change.from ?? '?'} → ${change.to}; ${what}` : what;
}
