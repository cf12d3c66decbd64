// Writes ERP-relevant events straight into the event log, the way dispatch and genealogy do
// (docs/events.md), so outbox tests do not depend on those parts.
const { submitOrder } = require('../../dist/lib/orders');
const { validOrder } = require('./orders');

async function addOrder(store, orderId, overrides = {}) {
  const order = validOrder({ orderId, erpReference: `10${orderId.replace(/\D/g, '').padStart(5, '0')}`, ...overrides });
  await store.transact(() => submitOrder(store, order, 'erp'));
  return order;
}

/** Appends `count` quantity.reported events round-robin over `orderIds`; returns them in log order. */
async function reportQuantities(store, orderIds, count, start = Date.parse('2026-11-25T06:00:00Z')) {
  const events = [];
  const batch = [];
  for (let i = 0; i < count; i++) {
    const orderId = orderIds[i % orderIds.length];
    batch.push(store.transact((s) => s.appendEvent({
      type: 'quantity.reported',
      eventTime: new Date(start + i * 1000).toISOString(),
      orderId,
      operationKey: '0010',
      workstation: 'WS-T1',
      actor: 'op-7',
      payload: { commandId: `cmd-${i}`, shift: 'A', unit: 'PCE', goodQuantity: 1 + (i % 3), scrapQuantity: i % 5 === 0 ? 1 : 0, scrapReason: i % 5 === 0 ? 'R01' : undefined, reworkQuantity: 0 },
    })));
    if (batch.length === 200) events.push(...await Promise.all(batch.splice(0)));
  }
  events.push(...await Promise.all(batch));
  return events;
}

/** Groups the mock ERP's acknowledged keys per order (from the event list) to check the order per order. */
function keysPerOrder(events, keys) {
  const orderOf = new Map(events.map((e) => [e.eventId, e.orderId]));
  const perOrder = new Map();
  for (const key of keys) {
    const orderId = orderOf.get(key);
    if (!perOrder.has(orderId)) perOrder.set(orderId, []);
    perOrder.get(orderId).push(key);
  }
  return perOrder;
}

module.exports = { addOrder, reportQuantities, keysPerOrder };
