import { appendSigned, requireSigning, type Signing } from '../compliance/signed-actions';
import type { Signatures } from '../compliance/signature-types';
import { routingFlow } from '../routing';
import type { MesStore, StoredEvent } from '../store';
import { contentHash } from '../util/canonical-json';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../util/errors';
import type { CancelRequest } from './validate';
import { DEFAULT_PRIORITY, NOT_STARTED_STATES, type OperationState, type OrderStatus, type ProductionOrder, type Unit } from './types';

export type SubmitStatus = 'created' | 'updated' | 'unchanged';

export interface SubmitOutcome {
  status: SubmitStatus;
  orderId: string;
  revision: number;
  /** The event this submission appended; none when the order was unchanged. */
  event?: StoredEvent;
}

export interface CancelOutcome {
  status: 'cancelled' | 'unchanged';
  orderId: string;
  event?: StoredEvent;
  /** The `signature.recorded` bound to `event`, when the cancellation was signed. */
  signature?: StoredEvent;
}

interface OrderRow {
  order_id: string;
  erp_reference: string | null;
  plant: string;
  material: string;
  quantity: number;
  unit: Unit;
  priority: number;
  scheduled_start: string;
  scheduled_end: string;
  status: OrderStatus;
  revision: number;
  content_hash: string;
  document: string;
  created_at: string;
  updated_at: string;
}

/** A row of the core `operations` table. */
export interface OperationRow {
  order_id: string;
  operation_key: string;
  sequence: number;
  work_center: string;
  planned_quantity: number;
  unit: Unit;
  state: OperationState;
  good_quantity: number;
  scrap_quantity: number;
  rework_quantity: number;
  workstation: string | null;
  started_at: string | null;
  completed_at: string | null;
}

const isStarted = (op: OperationRow) => !NOT_STARTED_STATES.includes(op.state);
const hasActuals = (op: OperationRow) => isStarted(op) || op.good_quantity > 0 || op.scrap_quantity > 0 || op.rework_quantity > 0;

function findOrder(store: MesStore, orderId: string): OrderRow | undefined {
  return store.statement('SELECT * FROM orders WHERE order_id = ?').get(orderId) as OrderRow | undefined;
}

function operationsOf(store: MesStore, orderId: string): OperationRow[] {
  return store.statement('SELECT * FROM operations WHERE order_id = ? ORDER BY sequence').all(orderId) as OperationRow[];
}

/** Good units of the order's last operation: what the order has produced so far. */
function producedQuantity(operations: OperationRow[]): number {
  return operations.length === 0 ? 0 : operations[operations.length - 1].good_quantity;
}

/**
 * What an order change would contradict on the floor. An order may change while it runs, but not
 * below what has been made, and not by dropping or re-homing work that has actuals.
 */
function conflictsWithActuals(store: MesStore, order: ProductionOrder, existing: OrderRow, operations: OperationRow[]): FieldError[] {
  const conflicts: FieldError[] = [...removedComponentsWithActuals(store, order, JSON.parse(existing.document) as ProductionOrder)];
  const produced = producedQuantity(operations);
  if (produced > 0 && order.quantity.unit !== existing.unit) {
    conflicts.push({ field: 'quantity.unit', rule: 'unitChangedAfterActuals', message: `cannot change from ${existing.unit} to ${order.quantity.unit}: ${produced} ${existing.unit} already produced` });
  } else if (order.quantity.value < produced) {
    conflicts.push({ field: 'quantity.value', rule: 'belowProduced', message: `${order.quantity.value} is below the ${produced} ${existing.unit} already produced` });
  }
  const incoming = new Map(order.operations.map((op, index) => [op.key, { op, index }]));
  for (const current of operations.filter(hasActuals)) {
    const next = incoming.get(current.operation_key);
    if (!next) {
      conflicts.push({ field: 'operations', rule: 'operationHasActuals', message: `operation '${current.operation_key}' is ${current.state} with ${current.good_quantity} good and ${current.scrap_quantity} scrap recorded; it cannot be removed` });
      continue;
    }
    const at = `operations[${next.index}]`;
    if (next.op.workCenter !== current.work_center) {
      conflicts.push({ field: `${at}.workCenter`, rule: 'operationHasActuals', message: `operation '${current.operation_key}' has actuals at work center ${current.work_center}; it cannot move to ${next.op.workCenter}` });
    }
    if (next.op.plannedQuantity.value < current.good_quantity) {
      conflicts.push({ field: `${at}.plannedQuantity.value`, rule: 'belowReported', message: `${next.op.plannedQuantity.value} is below the ${current.good_quantity} good already reported for operation '${current.operation_key}'` });
    }
  }
  return conflicts;
}

/** Component lines (a material at an operation) the change drops although material was already consumed for them. */
function removedComponentsWithActuals(store: MesStore, order: ProductionOrder, previous: ProductionOrder): FieldError[] {
  const line = (c: { operationKey: string; material: string }) => `${c.operationKey}\u0000${c.material}`;
  const kept = new Set((order.components ?? []).map(line));
  const consumed = store.statement(`SELECT 1 FROM events WHERE order_id = ? AND type = 'material.consumed' AND operation_key = ?
    AND json_extract(payload, '$.material') = ? LIMIT 1`);
  return (previous.components ?? [])
    .filter((c) => !kept.has(line(c)) && consumed.get(order.orderId, c.operationKey, c.material) !== undefined)
    .map((c) => ({ field: 'components', rule: 'componentHasActuals', message: `component ${c.material} of operation '${c.operationKey}' has consumption recorded; it cannot be removed` }));
}

function writeOrderRow(store: MesStore, order: ProductionOrder, hash: string, revision: number, status: OrderStatus, eventSeq: number, createdAt: string): void {
  const now = store.nowIso();
  store.statement(`INSERT INTO orders (order_id, erp_reference, plant, material, quantity, unit, priority,
      scheduled_start, scheduled_end, status, revision, content_hash, document, created_at, updated_at, last_event_seq)
    VALUES (@orderId, @erpReference, @plant, @material, @quantity, @unit, @priority, @start, @end, @status, @revision, @hash, @document, @createdAt, @now, @seq)
    ON CONFLICT(order_id) DO UPDATE SET erp_reference = excluded.erp_reference, plant = excluded.plant,
      material = excluded.material, quantity = excluded.quantity, unit = excluded.unit, priority = excluded.priority,
      scheduled_start = excluded.scheduled_start, scheduled_end = excluded.scheduled_end, status = excluded.status,
      revision = excluded.revision, content_hash = excluded.content_hash, document = excluded.document,
      updated_at = excluded.updated_at, last_event_seq = excluded.last_event_seq`).run({
    orderId: order.orderId,
    erpReference: order.erpReference ?? null,
    plant: order.plant,
    material: order.material,
    quantity: order.quantity.value,
    unit: order.quantity.unit,
    priority: order.priority ?? DEFAULT_PRIORITY,
    start: order.scheduledStart,
    end: order.scheduledEnd,
    status,
    revision,
    hash,
    document: JSON.stringify(order),
    createdAt,
    now,
    seq: eventSeq,
  });
}

/** Inserts new operations, updates kept ones (their actuals stay), drops those without actuals. */
function writeOperations(store: MesStore, order: ProductionOrder, current: OperationRow[]): void {
  const upsert = store.statement(`INSERT INTO operations (order_id, operation_key, sequence, work_center, planned_quantity, unit, state)
    VALUES (?, ?, ?, ?, ?, ?, 'pending')
    ON CONFLICT(order_id, operation_key) DO UPDATE SET sequence = excluded.sequence, work_center = excluded.work_center,
      planned_quantity = excluded.planned_quantity, unit = excluded.unit`);
  const remove = store.statement('DELETE FROM operations WHERE order_id = ? AND operation_key = ?');
  const keep = new Set(order.operations.map((op) => op.key));
  for (const op of current) {
    if (!keep.has(op.operation_key)) remove.run(order.orderId, op.operation_key);
  }
  for (const op of order.operations) {
    upsert.run(order.orderId, op.key, op.sequence, op.workCenter, op.plannedQuantity.value, op.plannedQuantity.unit);
  }
}

/** Top-level fields and operation keys that differ, so consumers of `order.updated` can see what moved. */
function describeChanges(previous: ProductionOrder, next: ProductionOrder): { fields: string[]; operationsAdded: string[]; operationsRemoved: string[]; operationsChanged: string[] } {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  const fields = [...keys].filter((k) => k !== 'operations' && contentHash((previous as never)[k] ?? null) !== contentHash((next as never)[k] ?? null)).sort();
  const before = new Map(previous.operations.map((op) => [op.key, contentHash(op)]));
  const after = new Map(next.operations.map((op) => [op.key, contentHash(op)]));
  return {
    fields,
    operationsAdded: [...after.keys()].filter((k) => !before.has(k)),
    operationsRemoved: [...before.keys()].filter((k) => !after.has(k)),
    operationsChanged: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)),
  };
}

/**
 * Create or replace an order; idempotent on orderId. Must run inside `MesStore.transact`.
 * Same content → unchanged, no event. Changed content → `order.updated` unless it contradicts
 * actuals or the order is closed (ConflictError, nothing changed).
 */
export function submitOrder(store: MesStore, order: ProductionOrder, actor: string): SubmitOutcome {
  const hash = contentHash(order);
  const existing = findOrder(store, order.orderId);
  if (!existing) {
    const event = store.appendEvent({ type: 'order.received', orderId: order.orderId, actor, payload: { revision: 1, order } });
    writeOrderRow(store, order, hash, 1, 'released', event.seq, event.recordedTime);
    writeOperations(store, order, []);
    return { status: 'created', orderId: order.orderId, revision: 1, event };
  }
  if (existing.content_hash === hash) {
    return { status: 'unchanged', orderId: order.orderId, revision: existing.revision };
  }
  if (existing.status === 'completed' || existing.status === 'cancelled') {
    throw new ConflictError([{ field: 'orderId', rule: 'orderClosed', message: `order ${order.orderId} is ${existing.status} and can no longer change` }]);
  }
  const operations = operationsOf(store, order.orderId);
  const conflicts = conflictsWithActuals(store, order, existing, operations);
  if (conflicts.length > 0) throw new ConflictError(conflicts);
  const revision = existing.revision + 1;
  const previous = JSON.parse(existing.document) as ProductionOrder;
  const event = store.appendEvent({
    type: 'order.updated', orderId: order.orderId, actor,
    payload: { revision, order, changes: describeChanges(previous, order) },
  });
  writeOrderRow(store, order, hash, revision, existing.status, event.seq, existing.created_at);
  writeOperations(store, order, operations);
  return { status: 'updated', orderId: order.orderId, revision, event };
}

export interface CancelAuthority {
  /** The caller holds supervisor rights, required to force the cancellation of a running order. */
  supervisor: boolean;
  /** The plant's signature rules: forcing a running order's cancellation may need one (order.force-cancel). */
  signatures?: Signatures;
  /** The request's signature, verified before the transaction (verifySent). */
  signing?: Signing;
}

/**
 * Cancel an order; a running one only when a supervisor forces it, with a signature where the
 * plant requires one for order.force-cancel. A signature sent with any cancellation is bound to
 * its `order.cancelled`. Must run inside `MesStore.transact`.
 */
export function cancelOrder(store: MesStore, orderId: string, request: CancelRequest, actor: string, authority: CancelAuthority): CancelOutcome {
  if (request.signature !== undefined && !authority.signing) {
    throw new ValidationError([{ field: 'signature', rule: 'verified', message: 'the cancellation\'s signature was not verified: verify it (verifySent) before the transaction' }], 'cancel request');
  }
  const existing = findOrder(store, orderId);
  if (!existing) throw new NotFoundError(`order ${orderId} does not exist`);
  if (existing.status === 'cancelled') return { status: 'unchanged', orderId };
  if (existing.status === 'completed') {
    throw new ConflictError([{ field: 'orderId', rule: 'orderCompleted', message: `order ${orderId} is completed and cannot be cancelled` }]);
  }
  const operations = operationsOf(store, orderId);
  const started = operations.filter((op) => isStarted(op) && op.state !== 'cancelled');
  const running = existing.status === 'in_progress' || started.length > 0;
  if (running && !request.force) {
    throw new ConflictError([{ field: 'orderId', rule: 'orderRunning', message: `order ${orderId} is running (${started.map((op) => `${op.operation_key} ${op.state}`).join(', ') || existing.status}); only a supervisor can force its cancellation` }]);
  }
  if (running && !authority.supervisor) {
    throw new ConflictError([{ field: 'force', rule: 'supervisorRequired', message: `order ${orderId} is running; forcing its cancellation needs the supervisor token` }]);
  }
  if (running) requireSigning(authority.signatures, 'order.force-cancel', authority.signing, `forcing the cancellation of running order ${orderId}`, 'cancel request');
  const cancelledOperations = operations.filter((op) => op.state !== 'completed').map((op) => op.operation_key);
  const [event, signature] = appendSigned(store, {
    type: 'order.cancelled', orderId, actor,
    payload: { reason: request.reason, forced: running, operationsCancelled: cancelledOperations },
  }, authority.signing);
  const now = store.nowIso();
  store.statement('UPDATE orders SET status = ?, updated_at = ?, last_event_seq = ? WHERE order_id = ?').run('cancelled', now, event.seq, orderId);
  store.statement("UPDATE operations SET state = 'cancelled' WHERE order_id = ? AND state <> 'completed'").run(orderId);
  return { status: 'cancelled', orderId, event, signature };
}

export interface OperationProgress {
  key: string;
  sequence: number;
  workCenter: string;
  state: OperationState;
  workstation: string | null;
  plannedQuantity: { value: number; unit: Unit };
  goodQuantity: number;
  scrapQuantity: number;
  reworkQuantity: number;
  /** Units delivered to the operation: the previous operation's good output (the first: its planned quantity). */
  inputQuantity: number;
  /** Units at the operation not yet reported good or scrap; 0 once it is completed or cancelled. */
  wip: number;
  startedAt: string | null;
  completedAt: string | null;
}

export interface OrderProgress {
  orderId: string;
  erpReference: string | null;
  status: OrderStatus;
  revision: number;
  plant: string;
  material: string;
  quantity: { value: number; unit: Unit };
  produced: { value: number; unit: Unit };
  /** produced / ordered, 0..1 (can exceed 1 on overrun). */
  progress: number;
  priority: number;
  scheduledStart: string;
  scheduledEnd: string;
  createdAt: string;
  updatedAt: string;
  operations: OperationProgress[];
}

/** Status and progress of one order as the GET endpoint reports it. */
export function getOrderProgress(store: MesStore, orderId: string): OrderProgress {
  const order = findOrder(store, orderId);
  if (!order) throw new NotFoundError(`order ${orderId} does not exist`);
  const operations = operationsOf(store, orderId);
  const produced = producedQuantity(operations);
  const flow = routingFlow(operations);
  return {
    orderId: order.order_id,
    erpReference: order.erp_reference,
    status: order.status,
    revision: order.revision,
    plant: order.plant,
    material: order.material,
    quantity: { value: order.quantity, unit: order.unit },
    produced: { value: produced, unit: order.unit },
    progress: order.quantity > 0 ? produced / order.quantity : 0,
    priority: order.priority,
    scheduledStart: order.scheduled_start,
    scheduledEnd: order.scheduled_end,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    operations: operations.map((op, i) => ({
      key: op.operation_key,
      sequence: op.sequence,
      workCenter: op.work_center,
      state: op.state,
      workstation: op.workstation,
      plannedQuantity: { value: op.planned_quantity, unit: op.unit },
      goodQuantity: op.good_quantity,
      scrapQuantity: op.scrap_quantity,
      reworkQuantity: op.rework_quantity,
      inputQuantity: flow[i].inputQuantity,
      wip: flow[i].wip,
      startedAt: op.started_at,
      completedAt: op.completed_at,
    })),
  };
}

/** The order document as the ERP sent it (latest revision), for dispatch and mappers. */
export function getOrderDocument(store: MesStore, orderId: string): ProductionOrder | undefined {
  const row = findOrder(store, orderId);
  return row ? (JSON.parse(row.document) as ProductionOrder) : undefined;
}
