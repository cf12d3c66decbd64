import type { PoolClient } from 'pg';
import type { StoredEvent } from '../store';

/** An event of a line's log as the site holds it: the line's row plus where it happened. */
export interface SiteEvent extends Omit<StoredEvent, 'payload'> {
  site: string;
  area: string | null;
  line: string;
  /** The payload as the line stored it (JSON text). */
  payload: string;
}

type Payload = Record<string, unknown>;
type Project = (client: PoolClient, event: SiteEvent, payload: Payload) => Promise<void>;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const obj = (value: unknown): Payload => (value && typeof value === 'object' ? value as Payload : {});

/** An operation the site may not have seen received (its order came through another line, or before forwarding began). */
const UPSERT_OPERATION_STATE = `INSERT INTO site_operations (order_id, operation_key, line, workstation, state, started_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (order_id, operation_key) DO UPDATE SET line = excluded.line, workstation = COALESCE(excluded.workstation, site_operations.workstation),
    state = excluded.state, started_at = COALESCE(site_operations.started_at, excluded.started_at)`;

async function orderReceived(client: PoolClient, e: SiteEvent, p: Payload): Promise<void> {
  const order = obj(p.order);
  const quantity = obj(order.quantity);
  await client.query(`INSERT INTO site_orders (order_id, site, line, material, quantity, unit, status, received_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $7)
    ON CONFLICT (order_id) DO UPDATE SET line = excluded.line, material = excluded.material, quantity = excluded.quantity,
      unit = excluded.unit, updated_at = excluded.updated_at`,
  [e.orderId, e.site, e.line, str(order.material), num(quantity.value), str(quantity.unit), e.eventTime]);
  const operations = Array.isArray(order.operations) ? order.operations.map(obj) : [];
  for (const op of operations) {
    await client.query(`INSERT INTO site_operations (order_id, operation_key, sequence, work_center, line, state, unit)
      VALUES ($1, $2, $3, $4, $5, 'pending', $6)
      ON CONFLICT (order_id, operation_key) DO UPDATE SET sequence = excluded.sequence, work_center = excluded.work_center, unit = excluded.unit`,
    [e.orderId, str(op.key), num(op.sequence), str(op.workCenter), e.line, str(obj(op.plannedQuantity).unit)]);
  }
}

async function setOrderStatus(client: PoolClient, e: SiteEvent, status: string): Promise<void> {
  await client.query('UPDATE site_orders SET status = $2, updated_at = $3 WHERE order_id = $1', [e.orderId, status, e.eventTime]);
}

async function setOperationState(client: PoolClient, e: SiteEvent, state: string): Promise<void> {
  await client.query(UPSERT_OPERATION_STATE, [e.orderId, e.operationKey, e.line, e.workstation, state, null]);
}

/**
 * What each event type changes in the site's projections. Types not listed change only the
 * site's event log (the audit trail). Each runs in the transaction that inserted the event,
 * and only if the event was new, so a replay changes nothing.
 */
const PROJECTIONS: Record<string, Project> = {
  'order.received': orderReceived,
  'order.updated': orderReceived,
  'order.cancelled': async (client, e, p) => {
    await setOrderStatus(client, e, 'cancelled');
    const keys = Array.isArray(p.operationsCancelled) ? p.operationsCancelled.filter((k): k is string => typeof k === 'string') : [];
    await client.query("UPDATE site_operations SET state = 'cancelled' WHERE order_id = $1 AND operation_key = ANY($2::text[])", [e.orderId, keys]);
  },
  'order.completed': (client, e) => setOrderStatus(client, e, 'completed'),
  'operation.started': async (client, e, p) => {
    await client.query(UPSERT_OPERATION_STATE, [e.orderId, e.operationKey, e.line, e.workstation, p.setup === true ? 'setup' : 'running', e.eventTime]);
    await client.query("UPDATE site_orders SET status = 'in_progress', updated_at = $2 WHERE order_id = $1 AND status = 'received'", [e.orderId, e.eventTime]);
  },
  'operation.paused': (client, e) => setOperationState(client, e, 'paused'),
  'operation.resumed': (client, e) => setOperationState(client, e, 'running'),
  'operation.held': (client, e, p) => client.query(`INSERT INTO site_operations (order_id, operation_key, line, workstation, state, held_reason)
    VALUES ($1, $2, $3, $4, 'held', $5)
    ON CONFLICT (order_id, operation_key) DO UPDATE SET line = excluded.line, workstation = COALESCE(excluded.workstation, site_operations.workstation),
      state = 'held', held_reason = excluded.held_reason`, [e.orderId, e.operationKey, e.line, e.workstation, str(p.reason)]).then(() => undefined),
  // The line's dispatch returns a released operation to its queue if it had not started, else
  // paused at its workstation; started_at tells the site which of the two it was.
  'operation.released': (client, e) => client.query(`INSERT INTO site_operations (order_id, operation_key, line, workstation, state)
    VALUES ($1, $2, $3, $4, 'pending')
    ON CONFLICT (order_id, operation_key) DO UPDATE SET line = excluded.line, workstation = COALESCE(excluded.workstation, site_operations.workstation),
      state = CASE WHEN site_operations.started_at IS NULL THEN 'pending' ELSE 'paused' END, held_reason = NULL`,
  [e.orderId, e.operationKey, e.line, e.workstation]).then(() => undefined),
  // Totals of the operation; a partial confirmation keeps its state, the final one completes it.
  'operation.completed': async (client, e, p) => {
    const final = p.final === true;
    await client.query(`INSERT INTO site_operations (order_id, operation_key, line, workstation, state, unit, good_quantity, scrap_quantity, rework_quantity, completed_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT (order_id, operation_key) DO UPDATE SET line = excluded.line,
        workstation = COALESCE(excluded.workstation, site_operations.workstation), unit = COALESCE(excluded.unit, site_operations.unit),
        state = CASE WHEN $11 THEN 'completed' ELSE site_operations.state END,
        good_quantity = excluded.good_quantity, scrap_quantity = excluded.scrap_quantity, rework_quantity = excluded.rework_quantity,
        completed_at = CASE WHEN $11 THEN excluded.completed_at ELSE site_operations.completed_at END`,
    [e.orderId, e.operationKey, e.line, e.workstation, final ? 'completed' : 'running', str(p.unit),
      num(p.goodQuantity), num(p.scrapQuantity), num(p.reworkQuantity), final ? e.eventTime : null, final]);
  },
  // A workstation's shift summary: times and counts, so that any rollup sums them.
  'oee.shift.closed': async (client, e, p) => {
    const times = obj(p.times);
    const counts = obj(p.counts);
    const losses = obj(p.losses);
    await client.query(`INSERT INTO site_oee_shifts (site, area, line, workstation, shift_id, shift, day, start_time, end_time,
        shift_seconds, break_seconds, planned_stop_seconds, planned_seconds, run_seconds, stop_seconds, ideal_seconds, ideal_good_seconds,
        total_count, good_count, reject_count, counts_without_ideal_time, event_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
      ON CONFLICT (line, workstation, shift_id) DO UPDATE SET shift_seconds = excluded.shift_seconds, break_seconds = excluded.break_seconds,
        planned_stop_seconds = excluded.planned_stop_seconds, planned_seconds = excluded.planned_seconds, run_seconds = excluded.run_seconds,
        stop_seconds = excluded.stop_seconds, ideal_seconds = excluded.ideal_seconds, ideal_good_seconds = excluded.ideal_good_seconds,
        total_count = excluded.total_count, good_count = excluded.good_count, reject_count = excluded.reject_count,
        counts_without_ideal_time = excluded.counts_without_ideal_time, event_id = excluded.event_id`,
    [e.site, e.area, e.line, e.workstation, String(p.shiftId ?? ''), str(p.shift), str(p.day), str(p.start) ?? e.eventTime, str(p.end) ?? e.eventTime,
      num(times.shiftSeconds), num(times.breakSeconds), num(times.plannedStopSeconds), num(times.plannedSeconds), num(times.runSeconds),
      num(times.stopSeconds), num(times.idealSeconds), num(losses.fullyProductiveSeconds),
      num(counts.total), num(counts.good), num(counts.reject), num(counts.withoutIdealTime), e.eventId]);
  },
  'material.consumed': (client, e, p) => {
    const from = p.lot !== undefined ? ['lot', p.lot] : p.serial !== undefined ? ['serial', p.serial] : ['material', p.material];
    return link(client, e, p, 'consumed', [{ from: [String(from[0]), String(from[1])], to: ['order', String(e.orderId)], quantity: num(p.quantity) }]);
  },
  'material.produced': (client, e, p) => {
    const serials = Array.isArray(p.serials) ? p.serials.map(String) : [];
    const outputs: Edge[] = serials.length > 0
      ? serials.map((serial) => ({ from: ['order', String(e.orderId)], to: ['serial', serial], quantity: 1 }))
      : [{ from: ['order', String(e.orderId)], to: ['lot', String(p.lot)], quantity: num(p.quantity) }];
    return link(client, e, p, 'produced', outputs);
  },
  'lot.split': (client, e, p) => {
    const parts = Array.isArray(p.parts) ? p.parts.map(obj) : [];
    return link(client, e, p, 'split', parts.map((part) => ({ from: ['lot', String(p.lot)], to: ['lot', String(part.lot)], quantity: num(part.quantity) })));
  },
  'lot.merged': (client, e, p) => {
    const sources = Array.isArray(p.sources) ? p.sources.map(obj) : [];
    return link(client, e, p, 'merged', sources.map((src) => ({ from: ['lot', String(src.lot)], to: ['lot', String(p.lot)], quantity: num(src.quantity) })));
  },
};

interface Edge {
  from: [string, string];
  to: [string, string];
  quantity: number;
}

async function link(client: PoolClient, e: SiteEvent, p: Payload, relation: string, edges: Edge[]): Promise<void> {
  if (edges.length === 0) return;
  await client.query(`INSERT INTO site_genealogy_links (event_id, relation, from_kind, from_id, to_kind, to_id, material, quantity, unit,
      order_id, operation_key, line, workstation, event_time)
    SELECT $1, $2, x.from_kind, x.from_id, x.to_kind, x.to_id, $3, x.quantity, $4, $5, $6, $7, $8, $9
    FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::float8[]) AS x(from_kind, from_id, to_kind, to_id, quantity)`,
  [e.eventId, relation, str(p.material), str(p.unit), e.orderId, e.operationKey, e.line, e.workstation, e.eventTime,
    edges.map((x) => x.from[0]), edges.map((x) => x.from[1]), edges.map((x) => x.to[0]), edges.map((x) => x.to[1]), edges.map((x) => x.quantity)]);
}

/** Yield increments of one operation, summed over consecutive reports (no other event of its order between them). */
interface Increment {
  orderId: string;
  operationKey: string;
  line: string;
  workstation: string | null;
  unit: string | null;
  good: number;
  scrap: number;
  rework: number;
}

/** Adds the summed increments of a batch's yield reports to their operations, in one statement. */
async function addIncrements(client: PoolClient, increments: Increment[]): Promise<void> {
  if (increments.length === 0) return;
  const column = <K extends keyof Increment>(key: K) => increments.map((i) => i[key]);
  await client.query(`INSERT INTO site_operations (order_id, operation_key, line, workstation, state, unit, good_quantity, scrap_quantity, rework_quantity)
    SELECT order_id, operation_key, line, workstation, 'running', unit, good, scrap, rework
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[])
      AS x(order_id, operation_key, line, workstation, unit, good, scrap, rework)
    ON CONFLICT (order_id, operation_key) DO UPDATE SET line = excluded.line,
      workstation = COALESCE(excluded.workstation, site_operations.workstation), unit = COALESCE(excluded.unit, site_operations.unit),
      good_quantity = site_operations.good_quantity + excluded.good_quantity,
      scrap_quantity = site_operations.scrap_quantity + excluded.scrap_quantity,
      rework_quantity = site_operations.rework_quantity + excluded.rework_quantity`,
  [column('orderId'), column('operationKey'), column('line'), column('workstation'), column('unit'), column('good'), column('scrap'), column('rework')]);
}

/**
 * Applies newly inserted events to the projections, in seq order, inside the caller's
 * transaction. Yield reports (the bulk of a line's log) are summed per operation and written
 * together; the sums of an order are written before any other event of that order is applied,
 * so the result is the same as applying each event in turn.
 */
export async function projectBatch(client: PoolClient, events: SiteEvent[]): Promise<void> {
  const pending = new Map<string, Increment>();
  const flushOrder = async (orderId: string | null) => {
    const ofOrder = [...pending.values()].filter((i) => i.orderId === orderId);
    for (const i of ofOrder) pending.delete(`${i.orderId}\u0000${i.operationKey}`);
    await addIncrements(client, ofOrder);
  };
  for (const event of events) {
    if (event.type === 'quantity.reported') {
      if (!event.orderId || !event.operationKey) continue;
      const p = obj(JSON.parse(event.payload));
      const key = `${event.orderId}\u0000${event.operationKey}`;
      const sum = pending.get(key) ?? { orderId: event.orderId, operationKey: event.operationKey, line: event.line, workstation: null, unit: null, good: 0, scrap: 0, rework: 0 };
      sum.workstation = event.workstation ?? sum.workstation;
      sum.unit = str(p.unit) ?? sum.unit;
      sum.good += num(p.goodQuantity);
      sum.scrap += num(p.scrapQuantity);
      sum.rework += num(p.reworkQuantity);
      pending.set(key, sum);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(PROJECTIONS, event.type)) continue;
    if (pending.size > 0) await flushOrder(event.orderId);
    await PROJECTIONS[event.type](client, event, obj(JSON.parse(event.payload)));
  }
  await addIncrements(client, [...pending.values()]);
}
