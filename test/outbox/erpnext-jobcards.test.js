// ERPNext: the sequence of requests replayed through what ERPNext's server code does with them
// (test/support/erpnext-sim.js): time logs, Job Card submission, Work Order operation
// completion, and the Manufacture entries that depend on them.
const assert = require('node:assert/strict');
const { jobCardTimeLogs, toCanonicalActual, DIALECTS } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { MAKE_TIME_LOG } = require('../support/erpnext-sim');
const { deliverAll } = require('../support/erp-runs');
const { writeOrderDay, scenarioOrder, scenarioSite, at } = require('../support/erp-scenario');
const { addOrder } = require('../support/actuals');

const OPTIONS = { company: 'MES Demo', sourceWarehouse: 'Stores - MES', targetWarehouse: 'Finished Goods - MES' };

const site = () => scenarioSite({ enforceTimeLogs: true });

describe('ERPNext Job Cards and Manufacture entries', function () {
  this.timeout(30000);
  let store;

  beforeEach(() => {
    store = openTempStore();
  });

  afterEach(() => store.close());

  it('submits each Job Card at the final completion, so the Work Order operations complete and ERPNext takes the Manufacture entries', async () => {
    await writeOrderDay(store, 'PO-1');
    const erp = site();
    const { messages } = await deliverAll(store, { dialect: 'erpnext', dialectOptions: OPTIONS, erp });
    assert.deepEqual(messages.filter((m) => m.state === 'quarantined').map((m) => m.response), []);
    for (const name of ['0010', '0020']) {
      const card = erp.jobCards.get(name);
      assert.equal(card.docstatus, 1, `Job Card ${name} submitted`);
      assert.equal(card.total_completed_qty, 29);
    }
    assert.deepEqual(erp.workOrders.get('1000001').operations.map((op) => op.completed_qty), [29, 29]);
    assert.equal(erp.stockEntries.length, 2);
    assert.equal(erp.workOrders.get('1000001').produced_qty, 29);
  });

  it('adds a partial and the final completion up: 22 at the partial, 29 in all, in two time logs', async () => {
    await writeOrderDay(store, 'PO-1');
    const erp = site();
    await deliverAll(store, { dialect: 'erpnext', dialectOptions: OPTIONS, erp });
    const card = erp.jobCards.get('0010');
    assert.deepEqual(card.time_logs.map((l) => [l.from_time, l.to_time, l.completed_qty]), [
      ['2026-11-25 06:00:00', '2026-11-25 06:30:00', 22],
      ['2026-11-25 06:30:00', '2026-11-25 07:00:00', 7],
    ]);
    assert.equal(card.total_completed_qty, 29);
    assert.equal(card.process_loss_qty, 31, 'the rest of the 60 to manufacture is process loss, as ERPNext books it');
  });

  it('rebuilds the time logs from the log, so a resend after a crash changes nothing', () => {
    const order = scenarioOrder('PO-1');
    const event = (seq, type, time, payload) => ({ seq, eventId: `00000000-0000-4000-8000-00000000000${seq}`, eventTime: at(time), recordedTime: at(time), type, orderId: 'PO-1', operationKey: '0010', payload });
    const started = toCanonicalActual(event(1, 'operation.started', '06:00:00', {}), order);
    const partial = toCanonicalActual(event(2, 'operation.completed', '06:30:00', { final: false, unit: 'PCE', goodQuantity: 22 }), order);
    const final = toCanonicalActual(event(3, 'operation.completed', '07:00:00', { final: true, unit: 'PCE', goodQuantity: 29 }), order);
    const context = { order, options: OPTIONS, goodsIssuesBefore: () => [], actualsBefore: () => [started, partial] };
    const once = DIALECTS.erpnext.map(final, context);
    const erp = site();
    erp.handle('PUT', once.path, { time_logs: jobCardTimeLogs([started, partial]) });
    assert.equal(erp.handle(once.method, once.path, once.body).status, 200);
    // The same request again, as after a crash between the answer and its commit.
    assert.equal(erp.handle(once.method, once.path, once.body).status, 200);
    assert.equal(erp.jobCards.get('0010').total_completed_qty, 29);
    assert.equal(erp.jobCards.get('0010').time_logs.length, 2);
  });

  it('the requests of make_time_log with a status, never submitted, leave ERPNext with 22 of 29 and refuse the Manufacture entry', () => {
    // What the dialect sent before issue #15, replayed through the same site: the partial
    // completion closes the only open log with the running total, the final finds none.
    const erp = site();
    const log = (args) => erp.handle('POST', MAKE_TIME_LOG, { args, kwargs: args });
    log({ job_card_id: '0010', start_time: '2026-11-25 06:00:00', status: 'Work In Progress' });
    log({ job_card_id: '0010', complete_time: '2026-11-25 06:30:00', completed_qty: 22, status: 'Pause' });
    log({ job_card_id: '0010', complete_time: '2026-11-25 07:00:00', completed_qty: 29, status: 'Complete' });
    assert.equal(erp.jobCards.get('0010').total_completed_qty, 22);
    assert.equal(erp.jobCards.get('0010').docstatus, 0);
    const refused = erp.handle('POST', '/api/resource/Stock%20Entry', {
      doctype: 'Stock Entry', stock_entry_type: 'Manufacture', purpose: 'Manufacture', company: 'MES Demo', work_order: '1000001', from_bom: 1, fg_completed_qty: 29, docstatus: 1,
      items: [{ item_code: 'FG-100', qty: 29, uom: 'Nos', t_warehouse: 'Finished Goods - MES', is_finished_item: 1 }],
    });
    assert.equal(refused.status, 417);
    assert.equal(refused.body.exc_type, 'OperationsNotCompleteError');
  });

  it('sends the company, and MES units as ERPNext UOM names through the unit table', async () => {
    await writeOrderDay(store, 'PO-1');
    const erp = site();
    const { requests } = await deliverAll(store, { dialect: 'erpnext', dialectOptions: { ...OPTIONS, units: { L: 'Litre', KG: 'Kg' } }, erp });
    const entry = requests.find((r) => r.topic === 'material.produced').body;
    assert.equal(entry.company, 'MES Demo');
    assert.deepEqual(entry.items.map((i) => `${i.item_code} ${i.qty} ${i.uom}`), ['RM-BAR 12.5 Kg', 'OIL-7 3.383 Litre', 'SCREW-M4 116 Nos', 'FG-100 27 Nos']);
    const renamed = openTempStore();
    try {
      await writeOrderDay(renamed, 'PO-1');
      const { requests: again } = await deliverAll(renamed, { dialect: 'erpnext', dialectOptions: { ...OPTIONS, units: { PCE: 'Unit' } }, erp: site() });
      assert.equal(again.find((r) => r.topic === 'material.produced').body.items.at(-1).uom, 'Unit');
    } finally {
      renamed.close();
    }
  });

  it('without a company the Manufacture entry is quarantined with that reason; the Job Cards still go', async () => {
    await writeOrderDay(store, 'PO-1');
    const erp = site();
    const { messages } = await deliverAll(store, { dialect: 'erpnext', dialectOptions: { ...OPTIONS, company: undefined }, erp });
    const quarantined = messages.filter((m) => m.state === 'quarantined');
    assert.deepEqual(quarantined.map((m) => m.event_type), ['material.produced']);
    assert.match(quarantined[0].response, /company: the ERPNext company is not set.*\[rule: required\]/);
    assert.equal(erp.jobCards.get('0020').docstatus, 1);
  });

  it('a lot produced before the Job Cards are submitted is refused by ERPNext (OperationsNotCompleteError) and quarantined with its message', async () => {
    await addOrder(store, 'PO-1', scenarioOrder('PO-1'));
    await store.transact((s) => s.appendEvent({ type: 'operation.started', eventTime: at('06:00:00'), orderId: 'PO-1', operationKey: '0010', payload: {} }));
    await store.transact((s) => s.appendEvent({ type: 'material.produced', eventTime: at('06:20:00'), orderId: 'PO-1', operationKey: '0020', payload: { material: 'FG-100', lot: 'L1', quantity: 5, unit: 'PCE' } }));
    const { messages } = await deliverAll(store, { dialect: 'erpnext', dialectOptions: OPTIONS, erp: site() });
    const refused = messages.find((m) => m.event_type === 'material.produced');
    assert.equal(refused.state, 'quarantined');
    assert.equal(refused.last_status, '417');
    const lastError = store.db.prepare('SELECT last_error FROM outbox_messages WHERE event_id = ?').get(refused.event_id).last_error;
    assert.match(lastError, /^OperationsNotCompleteError: Row #1: Operation Turning is not completed for 5 qty of finished goods in Work Order 1000001/);
  });
});
