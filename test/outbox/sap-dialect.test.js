// SAP: quantities at the scale of ProdnOrdConf2 / ProdnOrdConfMatlDocItm (Edm.Decimal 13,3)
// with the rounding difference carried, and backflush by exactly one of MES and SAP.
const assert = require('node:assert/strict');
const { carriedIncrement, decimalLiteral, roundNano, toNano } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { SapSystem } = require('../support/sap-sim');
const { deliverAll } = require('../support/erp-runs');
const { writeOrderDay, scenarioOrder, at } = require('../support/erp-scenario');
const { addOrder } = require('../support/actuals');

const literal = (value) => decimalLiteral(toNano(value), 13, 3, 'Q');

describe('SAP quantities: three decimals, the rounding difference carried', function () {
  this.timeout(30000);
  let store;

  beforeEach(() => {
    store = openTempStore();
  });

  afterEach(() => store.close());

  it('rounds half away from zero to a plain decimal literal, never an exponent', () => {
    assert.equal(literal(0.116666667), '0.117');
    assert.equal(literal(1e-7), '0');
    assert.equal(literal(2.0005), '2.001');
    assert.equal(literal(-2.0005), '-2.001');
    assert.equal(literal(12.5), '12.5');
    assert.equal(literal(9999999999.999), '9999999999.999');
    assert.throws(() => literal(12345678901), /Q: .*Edm.Decimal\(13,3\).*\[rule: precision\]/);
  });

  it('posts, over any number of postings, exactly the cumulative actual rounded', () => {
    let actual = 0;
    let sent = 0;
    for (let i = 0; i < 30; i++) {
      const posted = carriedIncrement(actual, toNano(0.116666667), 3);
      assert.equal(posted % 1e6, 0, 'three decimals at most');
      sent += posted;
      actual += toNano(0.116666667);
      assert.equal(sent, roundNano(actual, 3));
    }
    assert.equal(decimalLiteral(sent, 13, 3, 'Q'), '3.5');
  });

  it('through the outbox SAP receives the rounded totals: yield as reported, each backflushed material as consumed', async () => {
    await writeOrderDay(store, 'PO-1');
    const sap = new SapSystem();
    const { requests } = await deliverAll(store, { dialect: 'sap', dialectOptions: { storageLocation: '0001' }, erp: sap });
    const yieldOf = (op, field) => requests.filter((r) => r.topic === 'quantity.reported' && r.body.OrderOperation === op).reduce((sum, r) => sum + Number(r.body[field]), 0);
    assert.equal(yieldOf('0010', 'ConfirmationYieldQuantity'), 29);
    assert.equal(yieldOf('0010', 'ConfirmationScrapQuantity'), 1);
    assert.equal(yieldOf('0020', 'ConfirmationYieldQuantity'), 29);
    const issued = sap.postedMovements()['261'];
    // 29 pieces × 7/60 L = 3.383333… L; 29 × 1e-7 kg of DUST rounds to nothing and is not posted.
    assert.equal(issued['OIL-7'].toFixed(3), '3.383');
    assert.equal(issued.DUST, undefined);
    assert.equal(issued['SCREW-M4'], 116);
    assert.equal(issued['RM-BAR'], 12.5);
  });

  it('carries what rounds away until it adds up: ten issues of 0.0001 kg post 0.001 kg once', async () => {
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    for (let i = 0; i < 10; i++) {
      await store.transact((s) => s.appendEvent({ type: 'material.consumed', eventTime: at(`06:0${i}:00`), orderId: 'PO-1', operationKey: '0010', payload: { material: 'DUST', quantity: 0.0001, unit: 'KG', backflush: false } }));
    }
    const sap = new SapSystem();
    const { requests, messages } = await deliverAll(store, { dialect: 'sap', erp: sap });
    assert.deepEqual(requests.map((r) => r.body.to_ProdnOrdConfMatlDocItm.results[0].QuantityInEntryUnit), ['0.001']);
    assert.deepEqual(messages.map((m) => m.state), ['skipped', 'skipped', 'skipped', 'skipped', 'delivered', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('a resend after a crash carries the same quantity: the carry is read from the log, not kept in memory', async () => {
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    for (let i = 0; i < 3; i++) {
      await store.transact((s) => s.appendEvent({ type: 'quantity.reported', eventTime: at(`06:0${i}:00`), orderId: 'PO-1', operationKey: '0010', payload: { unit: 'PCE', goodQuantity: 0.3335, scrapQuantity: 0, reworkQuantity: 0 } }));
    }
    const first = await deliverAll(store, { dialect: 'sap', erp: new SapSystem(), name: 'first' });
    const again = await deliverAll(store, { dialect: 'sap', erp: new SapSystem(), name: 'again' });
    const yields = (run) => run.requests.map((r) => r.body.ConfirmationYieldQuantity);
    assert.deepEqual(yields(first), ['0.334', '0.333', '0.334']);
    assert.deepEqual(yields(again), yields(first));
  });
});

describe('SAP backflush: by the MES or by SAP, never both', function () {
  this.timeout(30000);
  let store;

  beforeEach(async () => {
    store = openTempStore();
    await writeOrderDay(store, 'PO-1');
  });

  afterEach(() => store.close());

  it('mes (default): the MES posts its backflushes and every confirmation without goods movements tells SAP not to move goods', async () => {
    const sap = new SapSystem();
    const { requests } = await deliverAll(store, { dialect: 'sap', erp: sap });
    const itemless = requests.filter((r) => !r.body.to_ProdnOrdConfMatlDocItm);
    assert.ok(itemless.length > 0);
    assert.deepEqual(itemless.filter((r) => r.body.APIConfHasNoGoodsMovements !== true).map((r) => r.topic), []);
    assert.equal(sap.automaticGoodsMovements.length, 0);
    assert.deepEqual(Object.keys(sap.postedMovements()['261']).sort(), ['OIL-7', 'RM-BAR', 'SCREW-M4']);
  });

  it('erp: SAP backflushes at confirmation and the MES posts only the consumption it scanned', async () => {
    const sap = new SapSystem();
    const { requests, messages } = await deliverAll(store, { dialect: 'sap', dialectOptions: { backflush: 'erp' }, erp: sap });
    assert.deepEqual(Object.keys(sap.postedMovements()['261']), ['RM-BAR']);
    assert.ok(sap.automaticGoodsMovements.length > 0);
    assert.ok(requests.filter((r) => !r.body.to_ProdnOrdConfMatlDocItm).every((r) => r.body.APIConfHasNoGoodsMovements === false));
    const backflushed = store.db.prepare("SELECT event_id FROM events WHERE type = 'material.consumed' AND json_extract(payload, '$.backflush') = 1").all().map((r) => r.event_id);
    assert.ok(backflushed.length > 0);
    assert.ok(messages.filter((m) => backflushed.includes(m.event_id)).every((m) => m.state === 'skipped'));
  });
});
