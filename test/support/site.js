// Line stores and the events they log, for the site tests: payloads as the MES parts write them
// (docs/events.md), appended through the store's own group commit.
const { openTempStore } = require('./store');
const { computeMetrics, emptyTotals } = require('../../dist/lib/oee');

function openLine() {
  return openTempStore();
}

function append(store, inputs) {
  return store.transact((s) => inputs.map((input) => s.appendEvent(input)));
}

function orderReceived(orderId, material, quantity, operations) {
  return {
    type: 'order.received', orderId,
    payload: {
      revision: 1,
      order: {
        orderId, plant: 'P1', material, quantity: { value: quantity, unit: 'PCE' },
        operations: operations.map((op, i) => ({ key: op.key, sequence: (i + 1) * 10, workCenter: op.workCenter, plannedQuantity: { value: quantity, unit: 'PCE' } })),
      },
    },
  };
}

function operationStarted(orderId, operationKey, workstation) {
  return { type: 'operation.started', orderId, operationKey, workstation, actor: 'op1', payload: { commandId: `start-${orderId}-${operationKey}`, shift: '2026-12-01/early', material: 'M', setup: false } };
}

function quantityReported(orderId, operationKey, workstation, good, scrap) {
  return { type: 'quantity.reported', orderId, operationKey, workstation, actor: 'op1', payload: { commandId: `q-${Math.random()}`, shift: '2026-12-01/early', unit: 'PCE', goodQuantity: good, scrapQuantity: scrap, reworkQuantity: 0 } };
}

function operationCompleted(orderId, operationKey, workstation, good, scrap) {
  return { type: 'operation.completed', orderId, operationKey, workstation, actor: 'op1', payload: { commandId: `c-${orderId}`, shift: '2026-12-01/early', final: true, unit: 'PCE', goodQuantity: good, scrapQuantity: scrap, reworkQuantity: 0 } };
}

/**
 * A workstation's shift summary, made the way the OEE part makes it: from times (ms) and counts,
 * through its own computeMetrics, so the payload has exactly the shape OEE writes.
 */
function shiftClosed(line, workstation, shiftId, start, end, totals) {
  const t = { ...emptyTotals(), ...totals };
  const metrics = computeMetrics(t);
  return {
    type: 'oee.shift.closed', eventTime: end, workstation,
    payload: { line, shiftId, shift: shiftId.split('/')[1], day: shiftId.split('/')[0], start, end, ...metrics },
  };
}

/** A filler event (an operator signing on) for volume. */
function signedOn(workstation, i) {
  return { type: 'operator.signed_on', workstation, actor: `op${i}`, payload: { commandId: `sign-${i}`, shift: '2026-12-01/early' } };
}

module.exports = { openLine, append, orderReceived, operationStarted, quantityReported, operationCompleted, shiftClosed, signedOn };
