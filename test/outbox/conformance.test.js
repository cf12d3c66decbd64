// Every request the SAP and ERPNext dialects make for a realistic day of an order (every
// ERP-relevant event type) checked against the ERPs' published field definitions
// (test/fixtures/erp-definitions), and against what the ERP then makes of the whole sequence.
const assert = require('node:assert/strict');
const { DIALECTS, toCanonicalActual, ERP_EVENT_TYPES } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { sapRequestProblems, erpnextRequestProblems, odataEntityProblems, SAP_PRODUCTION_ORDER, SAP_CONFIRMATION } = require('../support/erp-conformance');
const { SapSystem } = require('../support/sap-sim');
const { deliverAll } = require('../support/erp-runs');
const { writeOrderDay, writeCancelledOrder, scenarioSite } = require('../support/erp-scenario');
const { sapProductionOrder } = require('../support/erp-documents');
const { validOrder } = require('../support/orders');

const ERPNEXT_OPTIONS = { company: 'MES Demo', sourceWarehouse: 'Stores - MES', targetWarehouse: 'Finished Goods - MES' };

describe('conformance with the published definitions', function () {
  this.timeout(30000);
  let store;

  beforeEach(async () => {
    store = openTempStore();
    await writeOrderDay(store, 'PO-1');
    await writeCancelledOrder(store, 'PO-2');
  });

  afterEach(() => store.close());

  it('the scenario holds every ERP-relevant event type', () => {
    const types = new Set(store.db.prepare('SELECT DISTINCT type FROM events').all().map((r) => r.type));
    assert.deepEqual(ERP_EVENT_TYPES.filter((t) => !types.has(t)), []);
  });

  for (const backflush of ['mes', 'erp']) {
    it(`SAP: every ProdnOrdConf2 fits API_PROD_ORDER_CONFIRMATION_2_SRV's $metadata (backflush by ${backflush})`, async () => {
      const sap = new SapSystem();
      const { requests, messages } = await deliverAll(store, { dialect: 'sap', dialectOptions: { storageLocation: '0001', backflush }, erp: sap });
      assert.ok(requests.length >= 10, `${requests.length} requests`);
      for (const request of requests) assert.deepEqual(sapRequestProblems(request), [], `${request.topic} ${JSON.stringify(request.body)}`);
      assert.deepEqual(messages.filter((m) => m.state === 'quarantined'), []);
      assert.ok(requests.some((r) => r.body.to_ProdnOrdConfMatlDocItm), 'goods movements were sent');
    });
  }

  it('ERPNext: every Job Card and Stock Entry fits the doctypes, and the site accepts the whole sequence', async () => {
    const site = scenarioSite({ enforceTimeLogs: true });
    const { requests, messages } = await deliverAll(store, { dialect: 'erpnext', dialectOptions: ERPNEXT_OPTIONS, erp: site });
    for (const request of requests) assert.deepEqual(erpnextRequestProblems(request), [], `${request.topic} ${JSON.stringify(request.body)}`);
    assert.deepEqual(messages.filter((m) => m.state === 'quarantined').map((m) => `${m.event_type}: ${m.response}`), []);
    assert.deepEqual([...new Set(requests.map((r) => `${r.method} ${r.path}`))].sort(),
      ['POST /api/resource/Stock%20Entry', 'PUT /api/resource/Job%20Card/0010', 'PUT /api/resource/Job%20Card/0020']);
  });

  it('the definition checks refuse what the ERPs refuse: a decimal with too many places or in exponent form, a long batch, an unknown field, a missing company', () => {
    const conf = { OrderID: '1000001', OrderOperation: '0010', Sequence: '0', ExternalSystemConfirmation: '00000000-0000-4000-8000-000000000001' };
    const rules = (body) => sapRequestProblems({ method: 'POST', path: '/ProdnOrdConf2', body }).map((p) => p.rule);
    assert.deepEqual(rules({ ...conf, ConfirmationYieldQuantity: '0.116666667' }), ['scale']);
    assert.deepEqual(rules({ ...conf, ConfirmationYieldQuantity: '1e-7' }), ['format']);
    assert.deepEqual(rules({ ...conf, to_ProdnOrdConfMatlDocItm: { results: [{ Material: 'FG-100', Plant: '1010', GoodsMovementType: '101', EntryUnit: 'PC', QuantityInEntryUnit: '1', Batch: 'FG-100-20261125-0001' }] } }), ['maxLength']);
    assert.deepEqual(rules({ ...conf, Status: 'Pause' }), ['unknownProperty']);
    assert.deepEqual(rules({ OrderID: '1000001' }), ['required', 'required', 'required']);
    const entry = { doctype: 'Stock Entry', stock_entry_type: 'Manufacture', purpose: 'Manufacture', items: [{ item_code: 'FG-100', qty: 1, uom: 'PCE' }] };
    assert.deepEqual(erpnextRequestProblems({ method: 'POST', path: '/api/resource/Stock%20Entry', body: entry }).map((p) => p.rule), ['link', 'mandatory']);
    assert.deepEqual(erpnextRequestProblems({ method: 'PUT', path: '/api/resource/Job%20Card/0010', body: { status: 'Pause' } }).map((p) => p.rule), ['readOnly']);
  });

  it('inbound: the SAP production order the tests feed the MES fits API_PRODUCTION_ORDER_2_SRV', () => {
    const order = sapProductionOrder({ to_ProductionOrderOperation: { results: [...sapProductionOrder().to_ProductionOrderOperation.results, { ManufacturingOrder: '1000123', ManufacturingOrderSequence: '0', ManufacturingOrderOperation: '0030', OperationIsDeleted: 'X', WorkCenter: 'WC-PACK' }] } });
    assert.deepEqual(odataEntityProblems(SAP_PRODUCTION_ORDER, 'A_ProductionOrder_2', order), []);
  });

  it('SAP: the mapper refuses (quarantine, status mapping) a quantity beyond Edm.Decimal(13,3) instead of sending it', () => {
    const order = validOrder();
    const actual = toCanonicalActual({
      seq: 1, eventId: '00000000-0000-4000-8000-000000000001', eventTime: '2026-11-25T09:00:00Z', recordedTime: '2026-11-25T09:00:00Z', type: 'quantity.reported',
      orderId: order.orderId, operationKey: '0010', payload: { unit: 'PCE', goodQuantity: 12345678901, scrapQuantity: 0, reworkQuantity: 0 },
    }, order);
    assert.throws(() => DIALECTS.sap.map(actual, { order, options: {}, goodsIssuesBefore: () => [] }), /ConfirmationYieldQuantity: .*Edm.Decimal\(13,3\).*precision/);
    assert.equal(SAP_CONFIRMATION.entities.ProdnOrdConf2.properties.ConfirmationYieldQuantity.scale, 3);
  });
});
