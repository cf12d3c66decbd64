import { getOrderDocument } from '../orders/intake';
import type { ComponentSpec, ProductionOrder, Unit } from '../orders/types';
import type { MesStore, StoredEvent } from '../store';
import { contentHash } from '../util/canonical-json';
import { ConflictError, ValidationError, type FieldError } from '../util/errors';
import { Graph, lotInfo, type NodeRow } from './graph';
import { DEFAULT_LOT_PATTERN, DEFAULT_SERIAL_PATTERN, nextNumber } from './numbering';
import type {
  BlockCommand, CommandOutcome, ConsumeCommand, GenealogyCommand, LotInfo, MergeCommand, ProduceCommand, ReceiveCommand, SplitCommand,
} from './types';
import { convertQuantity, isCountUnit, roundQuantity, type MaterialConversion } from './units';

export interface GenealogyOptions {
  conversions?: MaterialConversion[];
  lotPattern?: string;
  serialPattern?: string;
}

/** Tolerance for comparing quantities after unit conversion. */
const EPSILON = 1e-9;

/**
 * A broken rule; the rule's name is part of the message too, because a Catch node sees only
 * the error's message.
 */
function broken(field: string, rule: string, message: string): FieldError {
  return { field, rule, message: `${message} [${rule}]` };
}

function invalid(field: string, rule: string, message: string, subject: string): ValidationError {
  return new ValidationError([broken(field, rule, message)], subject);
}

function conflict(field: string, rule: string, message: string): ConflictError {
  return new ConflictError([broken(field, rule, message)]);
}

interface OperationRow {
  state: string;
  unit: Unit;
  status: string;
}

/** The order and operation a command books to: both must exist in the core tables, the order must be open. */
function orderOperation(s: MesStore, orderId: string, operationKey: string, subject: string): { order: ProductionOrder; operation: OperationRow } {
  const order = getOrderDocument(s, orderId);
  if (!order) throw invalid('orderId', 'unknownOrder', `order ${orderId} does not exist`, subject);
  const operation = s.statement(`SELECT op.state, op.unit, o.status FROM operations op JOIN orders o ON o.order_id = op.order_id
    WHERE op.order_id = ? AND op.operation_key = ?`).get(orderId, operationKey) as OperationRow | undefined;
  if (!operation) {
    throw invalid('operationKey', 'unknownOperation', `order ${orderId} has no operation '${operationKey}' (it has ${order.operations.map((o) => o.key).join(', ')})`, subject);
  }
  if (operation.status === 'cancelled' || operation.status === 'completed') {
    throw conflict('orderId', 'orderClosed', `order ${orderId} is ${operation.status}; nothing more can be booked to it`);
  }
  return { order, operation };
}

function knownItem(graph: Graph, key: string, field: string, subject: string): NodeRow {
  const item = graph.findItem(key);
  if (!item) throw invalid(field, 'unknownLot', `lot or serial ${key} is not known to the MES (receive or produce it first)`, subject);
  return item;
}

function refuseBlocked(item: NodeRow, field: string): void {
  if (item.status === 'blocked') {
    throw conflict(field, 'lotBlocked', `${item.kind} ${item.key} is blocked by ${item.blocked_by} since ${item.blocked_at}: ${item.block_reason}`);
  }
}

function inUnit(value: number, from: Unit, to: Unit, material: string, options: GenealogyOptions, field: string, subject: string): number {
  const converted = convertQuantity(value, from, to, material, options.conversions);
  if (converted === undefined) {
    throw invalid(field, 'unitNotConvertible', `${value} ${from} of ${material} cannot be converted to ${to}; define a conversion for the material`, subject);
  }
  return converted;
}

function refuseOverdraw(item: NodeRow, wanted: number, field: string): void {
  if (wanted > item.on_hand + EPSILON * Math.max(1, item.on_hand)) {
    throw conflict(field, 'exceedsLotQuantity', `${item.kind} ${item.key} holds ${item.on_hand} ${item.unit}; ${wanted} ${item.unit} is more than that`);
  }
}

function refuseCycle(graph: Graph, input: NodeRow, output: number, outputName: string, field: string): void {
  if (graph.reaches(output, input.id)) {
    throw conflict(field, 'cycle', `${input.kind} ${input.key} descends from ${outputName}; consuming it there would make it an input of itself`);
  }
}

function eventTimeOf(s: MesStore, command: { eventTime?: string }): string {
  return command.eventTime ?? s.nowIso();
}

function outcome(action: GenealogyCommand['action'], graph: Graph, keys: string[], events: StoredEvent[]): CommandOutcome {
  const lots = keys.map((key) => lotInfo(graph.findItem(key) as NodeRow));
  return { action, status: events.length > 0 ? 'recorded' : 'unchanged', lots, events };
}

interface Consumption {
  orderId: string;
  operationKey: string;
  material: string;
  item?: NodeRow;
  /** In the component's unit: what the ERP's goods issue books. */
  quantity: number;
  unit: Unit;
  /** In the lot's unit: what leaves the lot. */
  lotQuantity?: number;
  target: number;
  workstation?: string | null;
  actor?: string | null;
  eventTime: string;
  backflush: boolean;
  sourceEventId?: string;
}

/** Writes a validated consumption: its event, its link and the lot's new stock, together. */
function recordConsumption(s: MesStore, graph: Graph, c: Consumption): StoredEvent {
  const payload: Record<string, unknown> = { material: c.material };
  if (c.item) payload[c.item.kind] = c.item.key;
  Object.assign(payload, { quantity: c.quantity, unit: c.unit, backflush: c.backflush });
  if (c.sourceEventId) payload.sourceEventId = c.sourceEventId;
  const event = s.appendEvent({
    type: 'material.consumed', eventTime: c.eventTime, orderId: c.orderId, operationKey: c.operationKey,
    workstation: c.workstation, actor: c.actor, payload,
  });
  graph.link({
    from: c.item ? c.item.id : graph.nodeOf('material', c.material), to: c.target, relation: 'consumed',
    quantity: c.lotQuantity ?? c.quantity, unit: c.item ? (c.item.unit as Unit) : c.unit,
    orderId: c.orderId, operationKey: c.operationKey, workstation: c.workstation, actor: c.actor,
    eventTime: c.eventTime, eventSeq: event.seq, backflush: c.backflush,
  });
  if (c.item && c.lotQuantity !== undefined) {
    graph.setStock(c.item.id, c.item.quantity, Math.max(0, roundQuantity(c.item.on_hand - c.lotQuantity)));
  }
  return event;
}

/** The order's component line for a material at an operation, or the rule it breaks. */
function componentOf(order: ProductionOrder, material: string, operationKey: string, subject: string): ComponentSpec {
  const lines = (order.components ?? []).filter((c) => c.material === material);
  if (lines.length === 0) {
    const known = (order.components ?? []).map((c) => c.material);
    throw invalid('material', 'wrongMaterial', `material ${material} is not a component of order ${order.orderId} (components: ${known.join(', ') || 'none'})`, subject);
  }
  const line = lines.find((c) => c.operationKey === operationKey);
  if (!line) {
    throw invalid('operationKey', 'wrongOperation', `material ${material} is a component of operation ${lines.map((c) => c.operationKey).join(', ')} of order ${order.orderId}, not of '${operationKey}'`, subject);
  }
  return line;
}

export function consume(s: MesStore, command: ConsumeCommand, options: GenealogyOptions = {}): CommandOutcome {
  const subject = 'consumption';
  const graph = new Graph(s);
  const { order } = orderOperation(s, command.orderId, command.operationKey, subject);
  const itemKey = command.serial ?? command.lot;
  const itemField = command.serial ? 'serial' : 'lot';
  if (command.serial && command.lot) throw invalid('serial', 'lotOrSerial', 'name a lot or a serial, not both', subject);
  const item = itemKey ? knownItem(graph, itemKey, itemField, subject) : undefined;
  if (command.serial && item && item.kind !== 'serial') throw invalid('serial', 'notASerial', `${item.key} is a lot, not a serial`, subject);
  const material = command.material ?? item?.material;
  if (!material) throw invalid('material', 'required', 'is required when no lot or serial is given', subject);
  if (item && item.material !== material) {
    throw invalid(itemField, 'wrongMaterial', `${item.kind} ${item.key} holds material ${item.material}, not ${material}`, subject);
  }
  const component = componentOf(order, material, command.operationKey, subject);
  if (component.lotControlled && !item) {
    throw invalid('lot', 'lotRequired', `material ${material} is lot-controlled: scan or type its lot or serial`, subject);
  }
  const quantity = inUnit(command.quantity, command.unit, component.quantity.unit, material, options, 'unit', subject);
  let lotQuantity: number | undefined;
  let target = graph.nodeOf('order', command.orderId);
  if (item) {
    refuseBlocked(item, itemField);
    lotQuantity = inUnit(command.quantity, command.unit, item.unit as Unit, material, options, 'unit', subject);
    refuseOverdraw(item, lotQuantity, 'quantity');
    let targetName = `order ${command.orderId}`;
    if (command.into) {
      const output = knownItem(graph, command.into, 'into', subject);
      if (output.order_id !== command.orderId || output.origin !== 'produced') {
        throw invalid('into', 'intoOtherOrder', `${output.kind} ${output.key} was not produced by order ${command.orderId}`, subject);
      }
      target = output.id;
      targetName = `${output.kind} ${output.key}`;
    }
    refuseCycle(graph, item, target, targetName, itemField);
  } else if (command.into) {
    throw invalid('into', 'lotRequired', 'into needs the lot or serial of the input', subject);
  }
  const event = recordConsumption(s, graph, {
    orderId: command.orderId, operationKey: command.operationKey, material, item, quantity, unit: component.quantity.unit,
    lotQuantity, target, workstation: command.workstation, actor: command.actor, eventTime: eventTimeOf(s, command), backflush: false,
  });
  return outcome('consume', graph, item ? [item.key] : [], [event]);
}

function numbered(s: MesStore, graph: Graph, pattern: string, ctx: { material: string; orderId?: string | null; operationKey?: string | null; workstation?: string | null; eventTime: string }, taken: Set<string>): string {
  const id = nextNumber(s, pattern, ctx, (candidate) => taken.has(candidate) || graph.findItem(candidate) !== undefined);
  taken.add(id);
  return id;
}

export function produce(s: MesStore, command: ProduceCommand, options: GenealogyOptions = {}): CommandOutcome {
  const subject = 'production';
  const graph = new Graph(s);
  const { order, operation } = orderOperation(s, command.orderId, command.operationKey, subject);
  const material = command.material ?? order.material;
  const eventTime = eventTimeOf(s, command);
  const ctx = { material, orderId: command.orderId, operationKey: command.operationKey, workstation: command.workstation, eventTime };
  const orderNode = graph.nodeOf('order', command.orderId);
  const common = { orderId: command.orderId, operationKey: command.operationKey, workstation: command.workstation, actor: command.actor, eventTime };
  const isSerial = command.serials !== undefined || command.serialCount !== undefined;
  if (isSerial) {
    if (command.lot) throw invalid('lot', 'lotOrSerials', 'produce a lot or serials, not both', subject);
    if (command.serials && command.serialCount !== undefined) throw invalid('serialCount', 'serialsOrCount', 'give serials or serialCount, not both', subject);
    const unit = command.unit ?? 'PCE';
    if (!isCountUnit(unit)) throw invalid('unit', 'countUnit', `serials are counted in pieces, not ${unit}`, subject);
    const taken = new Set<string>();
    let serials: string[];
    if (command.serials) {
      serials = command.serials;
      serials.forEach((serial, index) => {
        if (taken.has(serial)) throw invalid(`serials[${index}]`, 'duplicateSerial', `serial ${serial} appears twice in the command`, subject);
        taken.add(serial);
        const existing = graph.findItem(serial);
        if (existing) {
          throw conflict(`serials[${index}]`, 'serialProducedTwice', `${existing.kind} ${serial} already exists (${existing.origin} by ${existing.order_id ?? 'receipt'} at ${existing.event_time})`);
        }
      });
    } else {
      serials = Array.from({ length: command.serialCount as number }, () => numbered(s, graph, options.serialPattern ?? DEFAULT_SERIAL_PATTERN, ctx, taken));
    }
    if (command.quantity !== undefined && command.quantity !== serials.length) {
      throw invalid('quantity', 'serialQuantity', `${serials.length} serials are ${serials.length} ${unit}, not ${command.quantity}`, subject);
    }
    const event = s.appendEvent({
      type: 'material.produced', ...common,
      payload: { material, serials, quantity: serials.length, unit },
    });
    for (const serial of serials) {
      const row = graph.insertItem({ kind: 'serial', key: serial, material, unit, quantity: 1, origin: 'produced', ...common, eventSeq: event.seq });
      graph.link({ from: orderNode, to: row.id, relation: 'produced', quantity: 1, unit, ...common, eventSeq: event.seq });
    }
    return outcome('produce', graph, serials, [event]);
  }
  if (command.quantity === undefined) throw invalid('quantity', 'required', 'is required to produce a lot', subject);
  const unit = command.unit ?? operation.unit;
  const lot = command.lot ?? numbered(s, graph, options.lotPattern ?? DEFAULT_LOT_PATTERN, ctx, new Set());
  const existing = graph.findItem(lot);
  if (existing) {
    // More of the same output of the same order goes into the same lot; anything else is a clash.
    if (existing.kind !== 'lot' || existing.origin !== 'produced' || existing.order_id !== command.orderId || existing.material !== material) {
      throw conflict('lot', existing.kind === 'serial' ? 'serialProducedTwice' : 'lotExists', `${existing.kind} ${lot} already exists (${existing.origin}, material ${existing.material}, order ${existing.order_id ?? 'none'})`);
    }
    refuseBlocked(existing, 'lot');
    if (graph.reaches(existing.id, orderNode)) {
      throw conflict('lot', 'cycle', `lot ${lot} is already an input of order ${command.orderId}; it cannot also be its output`);
    }
  }
  const added = existing ? inUnit(command.quantity, unit, existing.unit as Unit, material, options, 'unit', subject) : command.quantity;
  const event = s.appendEvent({
    type: 'material.produced', ...common,
    payload: { material, lot, quantity: command.quantity, unit },
  });
  let row: NodeRow;
  if (existing) {
    graph.setStock(existing.id, roundQuantity(existing.quantity + added), roundQuantity(existing.on_hand + added));
    row = existing;
  } else {
    row = graph.insertItem({ kind: 'lot', key: lot, material, unit, quantity: command.quantity, origin: 'produced', ...common, eventSeq: event.seq });
  }
  graph.link({ from: orderNode, to: row.id, relation: 'produced', quantity: added, unit: row.unit as Unit, ...common, eventSeq: event.seq });
  return outcome('produce', graph, [lot], [event]);
}

/** A lot or serial that comes from outside the plant's production: supplier, other plant, stock. */
export function receive(s: MesStore, command: ReceiveCommand): CommandOutcome {
  const subject = 'receipt';
  const graph = new Graph(s);
  if (command.lot && command.serial) throw invalid('serial', 'lotOrSerial', 'name a lot or a serial, not both', subject);
  const key = command.serial ?? command.lot;
  if (!key) throw invalid('lot', 'required', 'a lot or a serial is required', subject);
  const kind = command.serial ? 'serial' as const : 'lot' as const;
  if (kind === 'serial' && (command.quantity !== 1 || !isCountUnit(command.unit))) {
    throw invalid('quantity', 'serialQuantity', 'a serial is exactly 1 piece', subject);
  }
  const existing = graph.findItem(key);
  if (existing) throw conflict(kind, kind === 'serial' ? 'serialProducedTwice' : 'lotExists', `${existing.kind} ${key} already exists (${existing.origin}, material ${existing.material})`);
  const eventTime = eventTimeOf(s, command);
  const payload: Record<string, unknown> = { material: command.material, [kind]: key, quantity: command.quantity, unit: command.unit };
  if (command.supplier) payload.supplier = command.supplier;
  const event = s.appendEvent({ type: 'lot.received', eventTime, workstation: command.workstation, actor: command.actor, payload });
  graph.insertItem({
    kind, key, material: command.material, unit: command.unit, quantity: command.quantity, origin: 'received',
    workstation: command.workstation, actor: command.actor, eventTime, eventSeq: event.seq,
  });
  return outcome('receive', graph, [key], [event]);
}

export function split(s: MesStore, command: SplitCommand, options: GenealogyOptions = {}): CommandOutcome {
  const subject = 'split';
  const graph = new Graph(s);
  const parent = knownItem(graph, command.lot, 'lot', subject);
  if (parent.kind !== 'lot') throw invalid('lot', 'serialNotSplittable', `${parent.key} is a serial; a serial cannot be split`, subject);
  refuseBlocked(parent, 'lot');
  const material = parent.material as string;
  const unit = parent.unit as Unit;
  const eventTime = eventTimeOf(s, command);
  const taken = new Set<string>();
  const parts = command.parts.map((part, index) => {
    const quantity = inUnit(part.quantity, command.unit ?? unit, unit, material, options, 'unit', subject);
    if (part.lot) {
      if (taken.has(part.lot) || part.lot === parent.key) throw invalid(`parts[${index}].lot`, 'duplicateLot', `lot ${part.lot} is named twice`, subject);
      const existing = graph.findItem(part.lot);
      if (existing) throw conflict(`parts[${index}].lot`, 'lotExists', `${existing.kind} ${part.lot} already exists`);
      taken.add(part.lot);
    }
    return { lot: part.lot, quantity };
  });
  const total = roundQuantity(parts.reduce((sum, p) => sum + p.quantity, 0));
  refuseOverdraw(parent, total, 'parts');
  for (const part of parts) {
    part.lot ??= numbered(s, graph, options.lotPattern ?? DEFAULT_LOT_PATTERN, { material, orderId: parent.order_id, operationKey: parent.operation_key, workstation: command.workstation, eventTime }, taken);
  }
  const event = s.appendEvent({
    type: 'lot.split', eventTime, orderId: parent.order_id, workstation: command.workstation, actor: command.actor,
    payload: { lot: parent.key, material, unit, parts: parts.map((p) => ({ lot: p.lot, quantity: p.quantity })) },
  });
  for (const part of parts) {
    const child = graph.insertItem({
      kind: 'lot', key: part.lot as string, material, unit, quantity: part.quantity, origin: 'split',
      orderId: parent.order_id, operationKey: parent.operation_key, workstation: command.workstation, actor: command.actor, eventTime, eventSeq: event.seq,
    });
    graph.link({ from: parent.id, to: child.id, relation: 'split', quantity: part.quantity, unit, workstation: command.workstation, actor: command.actor, eventTime, eventSeq: event.seq });
  }
  graph.setStock(parent.id, parent.quantity, Math.max(0, roundQuantity(parent.on_hand - total)));
  return outcome('split', graph, [parent.key, ...parts.map((p) => p.lot as string)], [event]);
}

export function merge(s: MesStore, command: MergeCommand, options: GenealogyOptions = {}): CommandOutcome {
  const subject = 'merge';
  const graph = new Graph(s);
  const target = command.into ? knownItem(graph, command.into, 'into', subject) : undefined;
  if (!target && command.sources.length < 2) throw invalid('sources', 'minItems', 'merging into a new lot needs at least two sources', subject);
  const first = knownItem(graph, command.sources[0].lot, 'sources[0].lot', subject);
  const material = (target ?? first).material as string;
  const unit = (target ?? first).unit as Unit;
  const seen = new Set<string>();
  const sources = command.sources.map((source, index) => {
    const field = `sources[${index}].lot`;
    const item = knownItem(graph, source.lot, field, subject);
    if (seen.has(item.key) || item.key === target?.key) throw invalid(field, 'duplicateLot', `lot ${item.key} is named twice`, subject);
    seen.add(item.key);
    if (item.kind !== 'lot') throw invalid(field, 'serialNotMergeable', `${item.key} is a serial; serials cannot be merged`, subject);
    if (item.material !== material) throw invalid(field, 'wrongMaterial', `lot ${item.key} holds ${item.material}; the merge is of ${material}`, subject);
    refuseBlocked(item, field);
    const own = source.quantity === undefined ? item.on_hand : inUnit(source.quantity, command.unit ?? (item.unit as Unit), item.unit as Unit, material, options, 'unit', subject);
    refuseOverdraw(item, own, `sources[${index}].quantity`);
    if (!(own > 0)) throw conflict(`sources[${index}].quantity`, 'exceedsLotQuantity', `lot ${item.key} is empty`);
    return { item, own, inTarget: inUnit(own, item.unit as Unit, unit, material, options, 'unit', subject) };
  });
  if (target) {
    if (target.kind !== 'lot') throw invalid('into', 'serialNotMergeable', `${target.key} is a serial; serials cannot be merged`, subject);
    refuseBlocked(target, 'into');
    sources.forEach((source, index) => refuseCycle(graph, source.item, target.id, `lot ${target.key}`, `sources[${index}].lot`));
  }
  const eventTime = eventTimeOf(s, command);
  const total = roundQuantity(sources.reduce((sum, src) => sum + src.inTarget, 0));
  const lot = target?.key ?? numbered(s, graph, options.lotPattern ?? DEFAULT_LOT_PATTERN, { material, workstation: command.workstation, eventTime }, new Set());
  const event = s.appendEvent({
    type: 'lot.merged', eventTime, workstation: command.workstation, actor: command.actor,
    payload: { lot, material, unit, quantity: total, sources: sources.map((src) => ({ lot: src.item.key, quantity: src.own, unit: src.item.unit })) },
  });
  const merged = target ?? graph.insertItem({
    kind: 'lot', key: lot, material, unit, quantity: 0, origin: 'merged', workstation: command.workstation, actor: command.actor, eventTime, eventSeq: event.seq,
  });
  graph.setStock(merged.id, roundQuantity(merged.quantity + total), roundQuantity(merged.on_hand + total));
  for (const src of sources) {
    graph.link({ from: src.item.id, to: merged.id, relation: 'merged', quantity: src.own, unit: src.item.unit as Unit, workstation: command.workstation, actor: command.actor, eventTime, eventSeq: event.seq });
    graph.setStock(src.item.id, src.item.quantity, Math.max(0, roundQuantity(src.item.on_hand - src.own)));
  }
  return outcome('merge', graph, [lot, ...sources.map((src) => src.item.key)], [event]);
}

/** Quality hold: a blocked lot cannot be consumed, split or merged until it is released. */
export function setBlocked(s: MesStore, command: BlockCommand): CommandOutcome {
  const graph = new Graph(s);
  const item = knownItem(graph, command.lot, 'lot', command.action === 'block' ? 'block' : 'release');
  const blocking = command.action === 'block';
  if ((item.status === 'blocked') === blocking) return outcome(command.action, graph, [item.key], []);
  const eventTime = eventTimeOf(s, command);
  const event = s.appendEvent({
    type: blocking ? 'lot.blocked' : 'lot.released', eventTime, orderId: item.order_id, workstation: command.workstation, actor: command.actor,
    payload: { [item.kind]: item.key, material: item.material, reason: command.reason },
  });
  graph.setBlock(item.id, blocking, command.actor, command.reason, eventTime);
  return outcome(command.action, graph, [item.key], [event]);
}

/** Runs one command; must run inside `MesStore.transact` so its event commits with its state. */
export function applyCommand(s: MesStore, command: GenealogyCommand, options: GenealogyOptions = {}): CommandOutcome {
  switch (command.action) {
    case 'consume': return consume(s, command, options);
    case 'produce': return produce(s, command, options);
    case 'receive': return receive(s, command);
    case 'split': return split(s, command, options);
    case 'merge': return merge(s, command, options);
    case 'block':
    case 'release': return setBlocked(s, command);
  }
}

/** The answer to a command with an id: the first one's, for a repeat (`duplicate`, nothing appended). */
export interface IdentifiedOutcome {
  duplicate: boolean;
  outcome: CommandOutcome;
}

/**
 * Runs a command that carries an id, once: a repeat of the same id and command gets the stored
 * answer and appends nothing; the same id with another command is refused. `identity` is what a
 * repeat must match (by default the command; over HTTP the body as sent). Inside `transact`.
 */
export function applyCommandOnce(s: MesStore, commandId: string, command: GenealogyCommand, options: GenealogyOptions = {}, identity: unknown = command): IdentifiedOutcome {
  const fingerprint = contentHash(identity);
  const seen = s.statement('SELECT fingerprint, result FROM genealogy_commands WHERE command_id = ?').get(commandId) as { fingerprint: string; result: string } | undefined;
  if (seen) {
    if (seen.fingerprint !== fingerprint) throw conflict('commandId', 'commandIdReused', `command id ${commandId} was already used for a different command`);
    return { duplicate: true, outcome: JSON.parse(seen.result) as CommandOutcome };
  }
  const outcome = applyCommand(s, command, options);
  s.statement('INSERT INTO genealogy_commands (command_id, fingerprint, result, recorded_at) VALUES (?, ?, ?, ?)').run(commandId, fingerprint, JSON.stringify(outcome), s.nowIso());
  return { duplicate: false, outcome };
}

export { recordConsumption, type Consumption };
export type { LotInfo };
