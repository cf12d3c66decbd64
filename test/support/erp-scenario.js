// One order's day on the floor, written into a store the way dispatch and genealogy write it
// (dispatch events appended as dispatch does, lots through genealogy's commands, backflush by
// genealogy's own cursor), so ERP tests see every ERP-relevant event type with realistic data:
// backflushed quantities with 9 decimals, one that rounds to nothing, a partial completion, a
// default lot number longer than SAP's batch, serials, an order completion and a cancellation.
const { applyCommand, runBackflush } = require('../../dist/lib/genealogy');
const { addOrder } = require('./actuals');
const { validOrder } = require('./orders');
const { ErpNextSite } = require('./erpnext-sim');

const DAY = '2026-11-25';

/** 60 pieces over two operations; OIL-7 backflushes 7 L per 60 pieces (0.116666667 L a piece), DUST 1e-7 KG a piece. */
function scenarioOrder(orderId) {
  const order = validOrder({ orderId, quantity: { value: 60, unit: 'PCE' } });
  delete order.erpReference; // addOrder numbers it per order
  for (const op of order.operations) {
    op.plannedQuantity = { value: 60, unit: 'PCE' };
    delete op.qualityChecks;
  }
  order.components = [
    { material: 'RM-BAR', quantity: { value: 15, unit: 'KG' }, operationKey: '0010', lotControlled: true },
    { material: 'OIL-7', quantity: { value: 7, unit: 'L' }, operationKey: '0010', backflush: true },
    { material: 'DUST', quantity: { value: 0.000006, unit: 'KG' }, operationKey: '0010', backflush: true },
    { material: 'SCREW-M4', quantity: { value: 240, unit: 'PCE' }, operationKey: '0020', backflush: true },
  ];
  return order;
}

function at(hhmmss) {
  return `${DAY}T${hhmmss}.000Z`;
}

async function dispatchEvent(store, type, orderId, operationKey, time, payload) {
  return store.transact((s) => s.appendEvent({ type, eventTime: at(time), orderId, operationKey, workstation: operationKey === '0010' ? 'WS-T1' : 'WS-A1', actor: 'op-7', payload: { shift: `${DAY}/A`, ...payload } }));
}

async function genealogy(store, command) {
  return store.transact((s) => applyCommand(s, command));
}

/**
 * Writes the day; returns what it wrote that the tests look at. The good quantities of the
 * operations total 29; the partial completion of 0010 reports 22 of them.
 */
async function writeOrderDay(store, orderId = 'PO-1') {
  const order = await addOrder(store, orderId, scenarioOrder(orderId));
  await genealogy(store, { action: 'receive', material: 'RM-BAR', lot: 'B-77', quantity: 30, unit: 'KG', eventTime: at('05:50:00') });
  await dispatchEvent(store, 'operation.started', orderId, '0010', '06:00:00', { commandId: 'c1', material: 'FG-100', setup: false });
  await genealogy(store, { action: 'consume', orderId, operationKey: '0010', lot: 'B-77', quantity: 12.5, unit: 'KG', eventTime: at('06:01:00') });
  const reports = [[20, 1, 'R01'], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0]];
  let minute = 10;
  for (const [good, scrap, reason] of reports.slice(0, 3)) {
    await dispatchEvent(store, 'quantity.reported', orderId, '0010', `06:${minute++}:00`, { commandId: `q${minute}`, unit: 'PCE', goodQuantity: good, scrapQuantity: scrap, scrapReason: reason, reworkQuantity: 0 });
  }
  await runBackflush(store);
  await dispatchEvent(store, 'operation.completed', orderId, '0010', '06:30:00', { commandId: 'c2', final: false, unit: 'PCE', goodQuantity: 22, scrapQuantity: 1, reworkQuantity: 0 });
  for (const [good, scrap] of reports.slice(3)) {
    await dispatchEvent(store, 'quantity.reported', orderId, '0010', `06:${minute++}:00`, { commandId: `q${minute}`, unit: 'PCE', goodQuantity: good, scrapQuantity: scrap, reworkQuantity: 0 });
  }
  await runBackflush(store);
  await dispatchEvent(store, 'operation.completed', orderId, '0010', '07:00:00', { commandId: 'c3', final: true, unit: 'PCE', goodQuantity: 29, scrapQuantity: 1, reworkQuantity: 0 });
  await dispatchEvent(store, 'operation.started', orderId, '0020', '07:05:00', { commandId: 'c4', material: 'FG-100', setup: false });
  await dispatchEvent(store, 'quantity.reported', orderId, '0020', '07:40:00', { commandId: 'c5', unit: 'PCE', goodQuantity: 29, scrapQuantity: 0, reworkQuantity: 0 });
  await runBackflush(store);
  await dispatchEvent(store, 'operation.completed', orderId, '0020', '07:50:00', { commandId: 'c6', final: true, unit: 'PCE', goodQuantity: 29, scrapQuantity: 0, reworkQuantity: 0 });
  const lot = await genealogy(store, { action: 'produce', orderId, operationKey: '0020', quantity: 27, unit: 'PCE', eventTime: at('07:55:00') });
  const serials = await genealogy(store, { action: 'produce', orderId, operationKey: '0020', serialCount: 2, unit: 'PCE', eventTime: at('07:56:00') });
  await store.transact((s) => s.appendEvent({ type: 'order.completed', eventTime: at('08:00:00'), orderId, actor: 'op-7', payload: { unit: 'PCE', goodQuantity: 29, scrapQuantity: 1 } }));
  return { order, lot: lot.lots[0].lot, serials: serials.lots.map((l) => l.lot) };
}

/** A second order, cancelled before it started. */
async function writeCancelledOrder(store, orderId = 'PO-2') {
  await addOrder(store, orderId, scenarioOrder(orderId));
  await store.transact((s) => s.appendEvent({ type: 'order.cancelled', eventTime: at('09:00:00'), orderId, actor: 'planner-1', payload: { reason: 'customer withdrew', forced: false, operationsCancelled: ['0010', '0020'] } }));
}

/** The ERPNext side of the scenario: Work Order 1000001 (PO-1) of 60 with Job Cards 0010 and 0020, company MES Demo. */
function scenarioSite(settings = {}) {
  return new ErpNextSite({ company: 'MES Demo', ...settings }).addWorkOrder({
    name: '1000001', qty: 60, operations: [{ jobCard: '0010', operation: 'Turning' }, { jobCard: '0020', operation: 'Assembly' }],
  });
}

module.exports = { writeOrderDay, writeCancelledOrder, scenarioOrder, scenarioSite, at };
