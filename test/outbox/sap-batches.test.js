// SAP batches are at most 10 characters; the MES's default lot numbers have 20. Each lot gets one
// SAP batch, recorded in genealogy before anything is sent, unique and leading back to the lot.
const assert = require('node:assert/strict');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { applyCommand, erpBatchOf, lotOfErpBatch } = require('../../dist/lib/genealogy');
const { sapBatchPatternProblem, parseDialectOptions, DIALECTS } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { SapSystem } = require('../support/sap-sim');
const { deliverAll } = require('../support/erp-runs');
const { writeOrderDay, scenarioOrder, at } = require('../support/erp-scenario');
const { addOrder } = require('../support/actuals');

function batchesOf(requests) {
  return requests.filter((r) => r.body.to_ProdnOrdConfMatlDocItm).map((r) => r.body.to_ProdnOrdConfMatlDocItm.results[0])
    .map((item) => `${item.GoodsMovementType} ${item.Material} ${item.Batch ?? '-'}`);
}

describe('SAP batches of MES lots', function () {
  this.timeout(30000);
  let store;

  beforeEach(() => {
    store = openTempStore();
  });

  afterEach(() => {
    if (store.isOpen) store.close();
  });

  it('gives a produced lot with a 20-character number a 10-character batch, recorded in genealogy, and keeps received batches as SAP has them', async () => {
    const { lot } = await writeOrderDay(store, 'PO-1');
    assert.equal(lot, 'FG-100-20261125-0001');
    const { requests } = await deliverAll(store, { dialect: 'sap', erp: new SapSystem() });
    const receipts = batchesOf(requests).filter((b) => b.startsWith('101'));
    assert.deepEqual(receipts, ['101 FG-100 2611250001', '101 FG-100 -']);
    assert.ok(batchesOf(requests).includes('261 RM-BAR B-77'));
    assert.equal(erpBatchOf(store, 'sap', lot), '2611250001');
    assert.equal(lotOfErpBatch(store, 'sap', '2611250001'), lot);
    assert.equal(lotOfErpBatch(store, 'sap', 'B-77'), 'B-77');
  });

  it('is durable: the batch is in the database before the first send and survives a restart, and every later posting of the lot names it', async () => {
    const { file } = store;
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    await store.transact((s) => applyCommand(s, { action: 'produce', orderId: 'PO-1', operationKey: '0020', quantity: 10, unit: 'PCE', eventTime: at('07:00:00') }));
    const sap = new SapSystem();
    let sentBatch;
    sap.handle = ((handle) => (method, path, body) => {
      sentBatch = body.to_ProdnOrdConfMatlDocItm.results[0].Batch;
      assert.equal(erpBatchOf(store, 'sap', 'FG-100-20261125-0001'), sentBatch, 'recorded before the request left');
      return handle.call(sap, method, path, body);
    })(sap.handle);
    await deliverAll(store, { dialect: 'sap', erp: sap });
    store.close();
    store = MesStore.open(file, { components: ALL_COMPONENTS });
    assert.equal(erpBatchOf(store, 'sap', 'FG-100-20261125-0001'), sentBatch);
    // More of the same output goes into the same lot, and so into the same batch.
    await store.transact((s) => applyCommand(s, { action: 'produce', orderId: 'PO-1', operationKey: '0020', lot: 'FG-100-20261125-0001', quantity: 5, unit: 'PCE', eventTime: at('07:30:00') }));
    const { requests } = await deliverAll(store, { dialect: 'sap', erp: new SapSystem(), name: 'after-restart' });
    assert.deepEqual([...new Set(batchesOf(requests))], [`101 FG-100 ${sentBatch}`]);
  });

  it('numbers lots in log order, one batch per lot, and a lot split off another shares its batch', async () => {
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    await addOrder(store, 'PO-2', scenarioOrder('PO-2'));
    const produce = (orderId, time) => store.transact((s) => applyCommand(s, { action: 'produce', orderId, operationKey: '0020', quantity: 10, unit: 'PCE', eventTime: at(time) }));
    const a = (await produce('PO-2', '07:00:00')).lots[0].lot;
    const b = (await produce('PO-1', '07:01:00')).lots[0].lot;
    await deliverAll(store, { dialect: 'sap', erp: new SapSystem() });
    assert.deepEqual([erpBatchOf(store, 'sap', a), erpBatchOf(store, 'sap', b)], ['2611250001', '2611250002']);
    const split = await store.transact((s) => applyCommand(s, { action: 'split', lot: a, parts: [{ quantity: 4 }], eventTime: at('08:00:00') }));
    const part = split.lots[1].lot;
    const order = scenarioOrder('PO-3');
    order.components.push({ material: 'FG-100', quantity: { value: 4, unit: 'PCE' }, operationKey: '0010' });
    await addOrder(store, 'PO-3', order);
    await store.transact((s) => applyCommand(s, { action: 'consume', orderId: 'PO-3', operationKey: '0010', lot: part, quantity: 4, unit: 'PCE', eventTime: at('08:10:00') }));
    const { requests } = await deliverAll(store, { dialect: 'sap', erp: new SapSystem(), name: 'split' });
    assert.deepEqual(batchesOf(requests).filter((x) => x.startsWith('261')), ['261 FG-100 2611250001']);
    assert.equal(lotOfErpBatch(store, 'sap', '2611250001'), a, 'the batch still leads to the lot that owns it');
  });

  it('quarantines the goods movement of a received lot that no SAP batch can name, with the reason', async () => {
    const order = scenarioOrder('PO-1');
    await addOrder(store, 'PO-1', order);
    await store.transact((s) => applyCommand(s, { action: 'receive', material: 'RM-BAR', lot: 'supplier-lot-000123', quantity: 30, unit: 'KG', eventTime: at('05:00:00') }));
    await store.transact((s) => applyCommand(s, { action: 'consume', orderId: 'PO-1', operationKey: '0010', lot: 'supplier-lot-000123', quantity: 3, unit: 'KG', eventTime: at('06:00:00') }));
    const { requests, messages } = await deliverAll(store, { dialect: 'sap', erp: new SapSystem() });
    assert.equal(requests.length, 0);
    assert.equal(messages[0].state, 'quarantined');
    assert.equal(messages[0].last_status, 'mapping');
    assert.match(messages[0].response, /Batch: lot 'supplier-lot-000123' has no SAP batch.*\[rule: sapBatch\]/);
  });

  it('an actual queued before lots had SAP batches is quarantined once, and a retry assigns the batch and sends it', async () => {
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    await store.transact((s) => applyCommand(s, { action: 'produce', orderId: 'PO-1', operationKey: '0020', quantity: 10, unit: 'PCE', eventTime: at('07:00:00') }));
    const before = await deliverAll(store, { dialect: { ...DIALECTS.sap, prepare: undefined }, erp: new SapSystem() });
    assert.equal(before.messages[0].state, 'quarantined');
    const after = await deliverAll(store, { dialect: 'sap', erp: new SapSystem(), retry: 'PO-1' });
    assert.deepEqual(batchesOf(after.requests), ['101 FG-100 2611250001']);
  });

  it('takes a pattern only if its numbers fit SAP batches, naming the field and the rule', () => {
    assert.equal(sapBatchPatternProblem('{yy}{MM}{dd}{seq:4}'), undefined);
    assert.equal(sapBatchPatternProblem('A{yy}{MM}{dd}{seq:3}'), undefined);
    assert.match(sapBatchPatternProblem('{yy}{MM}{dd}{seq:5}'), /makes 11 characters; SAP batches have at most 10/);
    assert.match(sapBatchPatternProblem('{material}{seq:4}'), /no fixed length/);
    assert.match(sapBatchPatternProblem('b{seq:4}'), /upper-case/);
    assert.throws(() => parseDialectOptions({ sapBatchPattern: '{yyyy}{MM}{dd}{seq:4}' }), (err) => err.errors[0].field === 'sapBatchPattern' && err.errors[0].rule === 'pattern');
  });
});
