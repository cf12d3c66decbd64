// Orders and lots for genealogy tests: a two-level product (RM-BAR → SUB-100 → FG-100).
const { validOrder } = require('../support/orders');
const { submitOrder } = require('../../dist/lib/orders');
const { applyCommand } = require('../../dist/lib/genealogy');

const op = (key, unit = 'PCE') => ({ key, sequence: Number(key), workCenter: 'WC-1', plannedQuantity: { value: 100, unit } });

/** PO-SUB makes SUB-100 from RM-BAR (lot-controlled) and screws (backflushed); PO-FG makes FG-100 from SUB-100. */
function twoLevelOrders() {
  return [
    validOrder({
      orderId: 'PO-SUB', material: 'SUB-100', operations: [op('0010'), op('0020')],
      components: [
        { material: 'RM-BAR', quantity: { value: 25, unit: 'KG' }, operationKey: '0010', lotControlled: true },
        { material: 'SCREW-M4', quantity: { value: 400, unit: 'PCE' }, operationKey: '0020', backflush: true },
      ],
    }),
    validOrder({
      orderId: 'PO-FG', material: 'FG-100', operations: [op('0010')],
      components: [{ material: 'SUB-100', quantity: { value: 100, unit: 'PCE' }, operationKey: '0010', lotControlled: true }],
    }),
  ];
}

async function submitOrders(store, orders) {
  for (const order of orders) await store.transact((s) => submitOrder(s, order, 'erp'));
}

function run(store, command, options) {
  return store.transact((s) => applyCommand(s, command, options));
}

const T = (h, m = 0) => `2026-11-25T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`;

/**
 * RM-L1, RM-L2 → PO-SUB → SUB-A; SUB-A split into SUB-A1 (60) and SUB-A2 (40); SUB-A2 merged with
 * the bought lot SUB-X into SUB-M; PO-FG consumes SUB-A1 and SUB-M and makes FG-1.
 */
async function buildTwoLevelGenealogy(store) {
  await submitOrders(store, twoLevelOrders());
  await run(store, { action: 'receive', lot: 'RM-L1', material: 'RM-BAR', quantity: 50, unit: 'KG', eventTime: T(5) });
  await run(store, { action: 'receive', lot: 'RM-L2', material: 'RM-BAR', quantity: 30, unit: 'KG', eventTime: T(5) });
  await run(store, { action: 'consume', orderId: 'PO-SUB', operationKey: '0010', lot: 'RM-L1', quantity: 10, unit: 'KG', workstation: 'WS-1', actor: 'op:ann', eventTime: T(6) });
  await run(store, { action: 'consume', orderId: 'PO-SUB', operationKey: '0010', lot: 'RM-L2', quantity: 5, unit: 'KG', workstation: 'WS-2', actor: 'op:ben', eventTime: T(6, 30) });
  await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', lot: 'SUB-A', quantity: 100, workstation: 'WS-3', actor: 'op:cy', eventTime: T(7) });
  await run(store, { action: 'split', lot: 'SUB-A', parts: [{ lot: 'SUB-A1', quantity: 60 }, { lot: 'SUB-A2', quantity: 40 }], actor: 'wh:dan', eventTime: T(8) });
  await run(store, { action: 'receive', lot: 'SUB-X', material: 'SUB-100', quantity: 20, unit: 'PCE', eventTime: T(8) });
  await run(store, { action: 'merge', sources: [{ lot: 'SUB-A2' }, { lot: 'SUB-X' }], actor: 'wh:dan', eventTime: T(9) });
  await run(store, { action: 'consume', orderId: 'PO-FG', operationKey: '0010', lot: 'SUB-A1', quantity: 60, unit: 'PCE', workstation: 'WS-9', actor: 'op:eve', eventTime: T(10) });
  await run(store, { action: 'consume', orderId: 'PO-FG', operationKey: '0010', lot: 'SUB-100-20261125-0001', quantity: 60, unit: 'PCE', workstation: 'WS-9', actor: 'op:eve', eventTime: T(11) });
  await run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', lot: 'FG-1', quantity: 120, workstation: 'WS-9', actor: 'op:eve', eventTime: T(12) });
}

function eventCount(store) {
  return store.lastSeq();
}

module.exports = { twoLevelOrders, submitOrders, run, eventCount, op, buildTwoLevelGenealogy, T };
