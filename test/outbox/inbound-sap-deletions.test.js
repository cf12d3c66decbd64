// SAP marks a deleted operation with OperationIsDeleted ('X', Edm.String MaxLength 1) and a
// deleted component with MatlCompIsMarkedForDeletion (Edm.Boolean). They must not reach the floor:
// the inbound mapper leaves them out, so the intake drops them, or refuses the update with 409
// when the floor already has actuals on them.
const assert = require('node:assert/strict');
const { fromSapProductionOrder } = require('../../dist/lib/erp');
const { handleOrderApi } = require('../../dist/lib/orders');
const { openTempStore } = require('../support/store');
const { sapProductionOrder } = require('../support/erp-documents');
const { odataEntityProblems, SAP_PRODUCTION_ORDER } = require('../support/erp-conformance');

const config = { token: 'erp-secret', supervisorToken: 'supervisor-secret', maxBodyBytes: 64 * 1024 };

function sapOrder({ deleteOperation, deleteComponent } = {}) {
  const order = sapProductionOrder();
  const operations = order.to_ProductionOrderOperation.results.map((op) => (op.ManufacturingOrderOperation === deleteOperation && op.ManufacturingOrderSequence === '0' ? { ...op, OperationIsDeleted: 'X' } : { ...op, OperationIsDeleted: '' }));
  const components = order.to_ProductionOrderComponent.results.map((c) => ({ ...c, MatlCompIsMarkedForDeletion: c.Material === deleteComponent }));
  return { ...order, to_ProductionOrderOperation: { results: operations }, to_ProductionOrderComponent: { results: components } };
}

describe('inbound SAP: deleted operations and components', () => {
  let store;
  beforeEach(() => { store = openTempStore(); });
  afterEach(() => store.close());

  const submit = (sap) => handleOrderApi(store, {
    method: 'POST', path: '/mes/v1/orders', params: {},
    headers: { authorization: 'Bearer erp-secret', 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(fromSapProductionOrder(sap))),
  }, config);

  it('the documents are what SAP sends (API_PRODUCTION_ORDER_2_SRV $metadata)', () => {
    assert.deepEqual(odataEntityProblems(SAP_PRODUCTION_ORDER, 'A_ProductionOrder_2', sapOrder({ deleteOperation: '0020', deleteComponent: 'SCREW-M4' })), []);
  });

  it('leaves out an operation flagged deleted and a component marked for deletion', () => {
    const canonical = fromSapProductionOrder(sapOrder({ deleteOperation: '0020', deleteComponent: 'SCREW-M4' }));
    assert.deepEqual(canonical.operations.map((op) => op.key), ['0010']);
    assert.deepEqual(canonical.components.map((c) => c.material), ['RM-BAR']);
    // Every operation deleted: nothing left to make, refused as a bad document (400), naming the rule.
    const allDeleted = sapOrder();
    allDeleted.to_ProductionOrderOperation.results = allDeleted.to_ProductionOrderOperation.results.map((op) => ({ ...op, OperationIsDeleted: 'X' }));
    assert.throws(() => fromSapProductionOrder(allDeleted), (err) => err.errors.some((e) => e.field === 'to_ProductionOrderOperation' && e.rule === 'minItems'));
  });

  it('an update that deletes an operation without actuals drops it on the floor', async () => {
    assert.equal((await submit(sapOrder())).response.statusCode, 201);
    const result = await submit(sapOrder({ deleteOperation: '0020', deleteComponent: 'SCREW-M4' }));
    assert.equal(result.response.statusCode, 200, JSON.stringify(result.response.body));
    assert.deepEqual(store.db.prepare("SELECT operation_key FROM operations WHERE order_id = '1000123'").all().map((r) => r.operation_key), ['0010']);
  });

  it('an update that deletes an operation with actuals is refused with 409, nothing changed', async () => {
    await submit(sapOrder());
    store.db.prepare("UPDATE operations SET state = 'running', good_quantity = 3 WHERE order_id = '1000123' AND operation_key = '0020'").run();
    const before = store.lastSeq();
    const result = await submit(sapOrder({ deleteOperation: '0020', deleteComponent: 'SCREW-M4' }));
    assert.equal(result.response.statusCode, 409);
    assert.ok(result.response.body.conflicts.some((c) => c.field === 'operations' && c.rule === 'operationHasActuals'));
    assert.equal(store.lastSeq(), before);
  });

  it('an update that deletes a component already consumed is refused with 409 naming it', async () => {
    await submit(sapOrder());
    await store.transact((s) => s.appendEvent({ type: 'material.consumed', orderId: '1000123', operationKey: '0010', payload: { material: 'RM-BAR', lot: 'B-77', quantity: 2, unit: 'KG', backflush: false } }));
    const before = store.lastSeq();
    const result = await submit(sapOrder({ deleteComponent: 'RM-BAR' }));
    assert.equal(result.response.statusCode, 409, JSON.stringify(result.response.body));
    assert.deepEqual(result.response.body.conflicts, [{ field: 'components', rule: 'componentHasActuals', message: "component RM-BAR of operation '0010' has consumption recorded; it cannot be removed" }]);
    assert.equal(store.lastSeq(), before);
    // A component nothing was consumed for may go.
    assert.equal((await submit(sapOrder({ deleteComponent: 'SCREW-M4' }))).response.statusCode, 200);
  });
});
