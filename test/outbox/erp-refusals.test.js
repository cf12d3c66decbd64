// The outbox against mock ERPs that can say no (test/support/mock-erp.js with a dialect): over
// HTTP, SAP and ERPNext refuse what they would refuse, with their own error bodies; the refused
// actual is quarantined with the ERP's message, the rest of the plant goes on, and an outage of
// such an ERP still ends with every actual delivered once.
const assert = require('node:assert/strict');
const { ErpOutbox } = require('../../dist/lib/outbox');
const { dialectNamed } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { startMockErp } = require('../support/mock-erp');
const { httpTransport } = require('../support/transport');
const { addOrder, reportQuantities } = require('../support/actuals');
const { writeOrderDay, scenarioOrder, scenarioSite, at } = require('../support/erp-scenario');

const FAST = { baseMs: 20, maxMs: 200 };

describe('ERP refusals and outages against mock ERPs that enforce the published definitions', function () {
  this.timeout(60000);
  let store;
  let erp;
  let outbox;

  function start(dialect, dialectOptions = {}) {
    outbox = new ErpOutbox(store, { name: 'erp', dialect: dialectNamed(dialect), dialectOptions, baseUrl: erp.url, concurrency: 4, backoff: FAST, pollIntervalMs: 50, send: httpTransport(() => outbox) });
    outbox.start();
    return outbox;
  }

  const message = (eventId) => store.db.prepare('SELECT * FROM outbox_messages WHERE event_id = ?').get(eventId);

  beforeEach(() => {
    store = openTempStore();
  });

  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    store.close();
    await erp.stop();
  });

  it('SAP refuses an order with 400: its actual is quarantined with SAP\'s message, other orders flow, a retry after the fix delivers it', async () => {
    erp = await startMockErp(0, { dialect: 'sap' });
    await addOrder(store, 'PO-1');
    await addOrder(store, 'PO-2');
    const events = await reportQuantities(store, ['PO-1', 'PO-2'], 6);
    erp.erp.refusedOrders.set('1000001', 'Order 1000001 is technically completed; no confirmation possible');
    start('sap');
    await erp.waitFor(() => erp.acknowledged.size === 3);
    const refused = events.find((e) => e.orderId === 'PO-1');
    await erp.waitFor(() => message(refused.eventId).state === 'quarantined');
    const row = message(refused.eventId);
    assert.equal(row.last_status, '400');
    assert.equal(row.last_error, 'CO/055: Order 1000001 is technically completed; no confirmation possible');
    assert.deepEqual(JSON.parse(row.response).error.message, { lang: 'en', value: 'Order 1000001 is technically completed; no confirmation possible' });
    const [quarantined] = store.eventsOfOrder('PO-1').filter((e) => e.type === 'outbox.quarantined');
    assert.equal(quarantined.payload.message, row.last_error);
    assert.equal(outbox.metrics().lastError.message, row.last_error);
    erp.erp.refusedOrders.clear();
    await outbox.retry({ orderId: 'PO-1' }, 'planner-1');
    await erp.waitFor(() => erp.acknowledged.size === 6);
    assert.deepEqual([...erp.acknowledged.values()].filter((n) => n !== 1), []);
  });

  it('SAP down, then back: every actual of a real order day is delivered once and every request passed SAP\'s $metadata checks', async () => {
    erp = await startMockErp(0, { dialect: 'sap' });
    await writeOrderDay(store, 'PO-1');
    await erp.down();
    start('sap', { storageLocation: '0001' });
    await new Promise((resolve) => {
      const check = () => (outbox.metrics().erpReachable === false ? resolve() : setTimeout(check, 20));
      check();
    });
    await erp.up();
    const count = (state) => store.db.prepare('SELECT COUNT(*) AS n FROM outbox_messages WHERE state = ?').get(state).n;
    await erp.waitFor(() => count('delivered') > 0 && count('pending') === 0);
    assert.equal(count('quarantined'), 0);
    assert.deepEqual(erp.requests.filter((r) => r.status === 400).map((r) => r.answer.error.message.value), []);
    assert.deepEqual([...erp.acknowledged.values()].filter((n) => n !== 1), []);
    assert.equal(erp.erp.confirmations.length, erp.acknowledged.size);
  });

  it('ERPNext answers 417 with its exception: the Manufacture entry is quarantined with ERPNext\'s message', async () => {
    erp = await startMockErp(0, { erp: scenarioSite() });
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    const produced = await store.transact((s) => s.appendEvent({ type: 'material.produced', eventTime: at('06:20:00'), orderId: 'PO-1', operationKey: '0020', payload: { material: 'FG-100', lot: 'L1', quantity: 5, unit: 'PCE' } }));
    start('erpnext', { company: 'Another Company' });
    await erp.waitFor(() => message(produced.eventId)?.state === 'quarantined');
    const row = message(produced.eventId);
    assert.equal(row.last_status, '417');
    assert.equal(row.last_error, 'LinkValidationError: Could not find Company: Another Company');
    assert.equal(JSON.parse(row.response).exc_type, 'LinkValidationError');
  });
});
