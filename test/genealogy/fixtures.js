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

function eventCount(store) {
  return store.lastSeq();
}

module.exports = { twoLevelOrders, submitOrders, run, eventCount, op };
