import { getOrderDocument } from '../orders/intake';
import type { Unit } from '../orders/types';
import type { MesStore, StoredEvent } from '../store';
import { recordConsumption } from './commands';
import { Graph } from './graph';
import { convertQuantity, roundQuantity, type MaterialConversion } from './units';

const CURSOR = 'backflush';
export const DEFAULT_BACKFLUSH_BATCH = 500;

interface QuantityReported {
  unit?: Unit;
  goodQuantity?: number;
}

export interface BackflushBatch {
  /** Seq of the last `quantity.reported` event handled; the cursor after this batch. */
  cursor: number;
  /** `quantity.reported` events read in this batch. */
  read: number;
  events: StoredEvent[];
}

export function backflushCursor(s: MesStore): number {
  const row = s.statement('SELECT seq FROM genealogy_cursors WHERE name = ?').get(CURSOR) as { seq: number } | undefined;
  return row?.seq ?? 0;
}

/**
 * One batch of backflush: reads the `quantity.reported` events after the stored cursor, writes a
 * `material.consumed` (backflush: true, sourceEventId) for each backflushed component of the
 * reporting operation, and advances the cursor, all in the caller's transaction. A crash before
 * the commit redoes the batch; after it, the cursor says it is done: each report is backflushed
 * exactly once, whatever happens to Node-RED messages.
 *
 * A component is backflushed when the order marks it `backflush: true` and it is not lot-controlled
 * (a lot-controlled component needs its lot scanned). Its quantity is the component's quantity
 * per planned unit of its operation × the good quantity reported. Corrections (zero or negative
 * good quantity) are not backflushed.
 */
export function backflushBatch(s: MesStore, limit = DEFAULT_BACKFLUSH_BATCH, conversions: MaterialConversion[] = []): BackflushBatch {
  const graph = new Graph(s);
  const after = backflushCursor(s);
  const reports = s.readEvents(after, limit, ['quantity.reported']);
  const events: StoredEvent[] = [];
  for (const report of reports) {
    const payload = report.payload as QuantityReported;
    const good = Number(payload.goodQuantity);
    if (!report.orderId || !report.operationKey || !(good > 0)) continue;
    const order = getOrderDocument(s, report.orderId);
    const operation = order?.operations.find((op) => op.key === report.operationKey);
    if (!order || !operation) continue;
    const reportedUnit = payload.unit ?? operation.plannedQuantity.unit;
    const goodInPlanned = convertQuantity(good, reportedUnit, operation.plannedQuantity.unit, order.material, conversions);
    if (goodInPlanned === undefined) continue;
    for (const component of order.components ?? []) {
      if (!component.backflush || component.lotControlled || component.operationKey !== operation.key) continue;
      const quantity = roundQuantity((component.quantity.value / operation.plannedQuantity.value) * goodInPlanned);
      events.push(recordConsumption(s, graph, {
        orderId: order.orderId, operationKey: operation.key, material: component.material, quantity, unit: component.quantity.unit,
        target: graph.nodeOf('order', order.orderId), workstation: report.workstation, actor: report.actor,
        eventTime: report.eventTime, backflush: true, sourceEventId: report.eventId,
      }));
    }
  }
  const cursor = reports.length > 0 ? reports[reports.length - 1].seq : after;
  if (cursor !== after) {
    s.statement(`INSERT INTO genealogy_cursors (name, seq) VALUES (?, ?)
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq`).run(CURSOR, cursor);
  }
  return { cursor, read: reports.length, events };
}

/** Backflushes everything reported so far, batch by batch, each batch one durable transaction. */
export async function runBackflush(store: MesStore, limit = DEFAULT_BACKFLUSH_BATCH, conversions: MaterialConversion[] = []): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const batch = await store.transact((s) => backflushBatch(s, limit, conversions));
    events.push(...batch.events);
    if (batch.read < limit) return events;
  }
}
