const assert = require('node:assert/strict');
const { handleOrderApi } = require('../../dist/lib/orders');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');

const ERP = 'erp-secret';
const SUPERVISOR = 'supervisor-secret';
const config = { token: ERP, supervisorToken: SUPERVISOR, maxBodyBytes: 64 * 1024 };

function post(order, { token = ERP, headers = {} } = {}) {
  return {
    method: 'POST', path: '/mes/v1/orders', params: {},
    headers: { authorization: token ? `Bearer ${token}` : undefined, 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(order)),
  };
}
const get = (orderId, token = ERP) => ({ method: 'GET', path: `/mes/v1/orders/${orderId}`, params: { orderId }, headers: { authorization: `Bearer ${token}` }, body: {} });
const cancel = (orderId, body, token = ERP) => ({
  method: 'POST', path: `/mes/v1/orders/${orderId}/cancel`, params: { orderId },
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

/** Simulates what dispatch records when an operation runs: state and good/scrap quantities. */
function recordActuals(store, orderId, key, { state = 'running', good = 0, scrap = 0 } = {}) {
  store.db.prepare('UPDATE operations SET state = ?, good_quantity = ?, scrap_quantity = ? WHERE order_id = ? AND operation_key = ?').run(state, good, scrap, orderId, key);
  store.db.prepare("UPDATE orders SET status = 'in_progress' WHERE order_id = ?").run(orderId);
}

describe('order intake', () => {
  let store;
  beforeEach(() => { store = openTempStore(); });
  afterEach(() => store.close());
  const call = (req) => handleOrderApi(store, req, config);

  describe('authentication', () => {
    it('answers 401 with a Bearer challenge for a missing token and stores nothing', async () => {
      const result = await call(post(validOrder(), { token: null }));
      assert.equal(result.response.statusCode, 401);
      assert.match(result.response.headers['WWW-Authenticate'], /^Bearer/);
      assert.equal(store.lastSeq(), 0);
    });

    it('answers 401 for a wrong token, even one that shares a prefix, and stores nothing', async () => {
      for (const token of ['wrong', `${ERP}x`, ERP.slice(0, -1)]) {
        const result = await call(post(validOrder(), { token }));
        assert.equal(result.response.statusCode, 401, token);
      }
      assert.equal(store.lastSeq(), 0);
    });

    it('checks the token before anything else: an unauthenticated malformed body gets 401, not 400', async () => {
      const result = await call({ ...post(validOrder(), { token: 'wrong' }), body: '{broken' });
      assert.equal(result.response.statusCode, 401);
    });

    it('refuses everything with 503 when no token is configured', async () => {
      const result = await handleOrderApi(store, post(validOrder()), { maxBodyBytes: 1000 });
      assert.equal(result.response.statusCode, 503);
      assert.match(result.response.body.errors[0].message, /MES_API_TOKEN/);
      assert.equal(store.lastSeq(), 0);
    });
  });

  it('answers 413 for a body over the configured size and stores nothing', async () => {
    const order = validOrder({ materialDescription: 'x'.repeat(3000) });
    const result = await handleOrderApi(store, post(order), { ...config, maxBodyBytes: 2048 });
    assert.equal(result.response.statusCode, 413);
    assert.equal(result.response.body.errors[0].rule, 'maxBodyBytes');
    assert.equal(store.lastSeq(), 0);
  });

  it('creates an order: 201, Location, one order.received event with who sent it, status released', async () => {
    const result = await call(post(validOrder(), { headers: { 'x-mes-actor': 'sap-prd-100' } }));
    assert.equal(result.response.statusCode, 201);
    assert.equal(result.response.headers.Location, '/mes/v1/orders/PO-1000');
    assert.deepEqual(result.response.body, { status: 'created', orderId: 'PO-1000', revision: 1, eventSeq: 1 });
    const events = store.eventsOfOrder('PO-1000');
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'order.received');
    assert.equal(events[0].actor, 'erp:sap-prd-100');
    assert.deepEqual(events[0].payload.order, validOrder());
    assert.deepEqual(result.event, events[0]);
    const status = (await call(get('PO-1000'))).response;
    assert.equal(status.statusCode, 200);
    assert.equal(status.body.status, 'released');
    assert.deepEqual(status.body.operations.map((op) => [op.key, op.state, op.plannedQuantity.value]), [['0010', 'pending', 100], ['0020', 'pending', 100]]);
  });

  it('is idempotent: the same order again (keys in another order) → 200 unchanged, no new event', async () => {
    await call(post(validOrder()));
    const reordered = Object.fromEntries(Object.entries(validOrder()).reverse());
    const result = await call(post(reordered));
    assert.equal(result.response.statusCode, 200);
    assert.equal(result.response.body.status, 'unchanged');
    assert.equal(result.event, undefined);
    assert.equal(store.lastSeq(), 1);
  });

  it('turns a changed order into order.updated with the revision and what changed', async () => {
    await call(post(validOrder()));
    const changed = validOrder({ quantity: { value: 120, unit: 'PCE' }, priority: 5 });
    changed.operations[1].plannedQuantity.value = 120;
    changed.operations.push({ key: '0030', sequence: 30, workCenter: 'WC-PACK', plannedQuantity: { value: 120, unit: 'PCE' } });
    const result = await call(post(changed));
    assert.equal(result.response.statusCode, 200);
    assert.deepEqual(result.response.body, { status: 'updated', orderId: 'PO-1000', revision: 2, eventSeq: 2 });
    assert.equal(result.event.type, 'order.updated');
    assert.deepEqual(result.event.payload.changes, { fields: ['priority', 'quantity'], operationsAdded: ['0030'], operationsRemoved: [], operationsChanged: ['0020'] });
    const status = (await call(get('PO-1000'))).response.body;
    assert.equal(status.revision, 2);
    assert.equal(status.quantity.value, 120);
    assert.deepEqual(status.operations.map((op) => op.key), ['0010', '0020', '0030']);
  });

  it('lets a running order change where it does not contradict actuals, keeping the actuals', async () => {
    await call(post(validOrder()));
    recordActuals(store, 'PO-1000', '0010', { good: 40, scrap: 2 });
    const changed = validOrder({ quantity: { value: 90, unit: 'PCE' } });
    const result = await call(post(changed));
    assert.equal(result.response.statusCode, 200);
    assert.equal(result.response.body.status, 'updated');
    const op = (await call(get('PO-1000'))).response.body.operations[0];
    assert.deepEqual([op.state, op.goodQuantity, op.scrapQuantity], ['running', 40, 2]);
  });

  describe('conflicts with actuals → 409 naming the conflict, nothing changed', () => {
    async function expectConflict(change, field, rule) {
      const before = store.lastSeq();
      const result = await call(post(change));
      assert.equal(result.response.statusCode, 409, JSON.stringify(result.response.body));
      assert.ok(result.response.body.conflicts.some((c) => c.field === field && c.rule === rule), JSON.stringify(result.response.body));
      assert.equal(store.lastSeq(), before);
      assert.equal((await call(get('PO-1000'))).response.body.revision, 1);
    }

    beforeEach(async () => { await call(post(validOrder())); });

    it('a quantity below what is produced', async () => {
      recordActuals(store, 'PO-1000', '0010', { state: 'completed', good: 100 });
      recordActuals(store, 'PO-1000', '0020', { good: 60 });
      await expectConflict(validOrder({ quantity: { value: 50, unit: 'PCE' } }), 'quantity.value', 'belowProduced');
    });

    it('an operation removed that has actuals', async () => {
      recordActuals(store, 'PO-1000', '0020', { good: 3 });
      const change = validOrder();
      change.operations = change.operations.slice(0, 1);
      change.components = change.components.slice(0, 1);
      await expectConflict(change, 'operations', 'operationHasActuals');
    });

    it('a planned quantity below the good quantity reported', async () => {
      recordActuals(store, 'PO-1000', '0010', { good: 80 });
      const change = validOrder();
      change.operations[0].plannedQuantity.value = 70;
      await expectConflict(change, 'operations[0].plannedQuantity.value', 'belowReported');
    });

    it('an operation with actuals moved to another work center', async () => {
      recordActuals(store, 'PO-1000', '0010', { good: 1 });
      const change = validOrder();
      change.operations[0].workCenter = 'WC-OTHER';
      await expectConflict(change, 'operations[0].workCenter', 'operationHasActuals');
    });

    it('any change to a completed order', async () => {
      store.db.prepare("UPDATE orders SET status = 'completed' WHERE order_id = 'PO-1000'").run();
      await expectConflict(validOrder({ priority: 1 }), 'orderId', 'orderClosed');
    });
  });

  describe('cancellation', () => {
    beforeEach(async () => { await call(post(validOrder())); });

    it('cancels an order that has not started: order.cancelled with reason and who, operations cancelled', async () => {
      const result = await call(cancel('PO-1000', { reason: 'customer withdrew', actor: 'planner-3' }));
      assert.equal(result.response.statusCode, 200);
      assert.equal(result.response.body.status, 'cancelled');
      assert.equal(result.event.type, 'order.cancelled');
      assert.equal(result.event.actor, 'erp:planner-3');
      assert.deepEqual(result.event.payload, { reason: 'customer withdrew', forced: false, operationsCancelled: ['0010', '0020'] });
      const status = (await call(get('PO-1000'))).response.body;
      assert.equal(status.status, 'cancelled');
      assert.deepEqual(status.operations.map((op) => op.state), ['cancelled', 'cancelled']);
    });

    it('is idempotent: cancelling again → 200 unchanged, no event; changing it afterwards → 409', async () => {
      await call(cancel('PO-1000', { reason: 'r' }));
      const again = await call(cancel('PO-1000', { reason: 'r' }));
      assert.equal(again.response.body.status, 'unchanged');
      assert.equal(store.lastSeq(), 2);
      assert.equal((await call(post(validOrder({ priority: 3 })))).response.statusCode, 409);
    });

    it('refuses to cancel a running order (409) unless a supervisor forces it', async () => {
      recordActuals(store, 'PO-1000', '0010', { good: 5 });
      const refused = await call(cancel('PO-1000', { reason: 'stop' }));
      assert.equal(refused.response.statusCode, 409);
      assert.equal(refused.response.body.conflicts[0].rule, 'orderRunning');
      const notSupervisor = await call(cancel('PO-1000', { reason: 'stop', force: true }));
      assert.equal(notSupervisor.response.statusCode, 409);
      assert.equal(notSupervisor.response.body.conflicts[0].rule, 'supervisorRequired');
      assert.equal(store.lastSeq(), 1);
      const forced = await call(cancel('PO-1000', { reason: 'tool broke', force: true, actor: 'sv-anna' }, SUPERVISOR));
      assert.equal(forced.response.statusCode, 200);
      assert.equal(forced.event.actor, 'supervisor:sv-anna');
      assert.equal(forced.event.payload.forced, true);
    });

    it('requires a reason', async () => {
      const result = await call(cancel('PO-1000', {}));
      assert.equal(result.response.statusCode, 400);
      assert.deepEqual(result.response.body.errors.map((e) => [e.field, e.rule]), [['reason', 'required']]);
    });

    it('answers 404 for an unknown order', async () => {
      assert.equal((await call(cancel('PO-404', { reason: 'x' }))).response.statusCode, 404);
    });
  });

  it('answers 404 for the status of an unknown order and 400 for a malformed order id', async () => {
    assert.equal((await call(get('PO-404'))).response.statusCode, 404);
    assert.equal((await call(get('bad id!'))).response.statusCode, 400);
  });

  it('answers 405 for a method the API does not have', async () => {
    const result = await call({ method: 'DELETE', path: '/mes/v1/orders/PO-1', params: { orderId: 'PO-1' }, headers: { authorization: `Bearer ${ERP}` }, body: '' });
    assert.equal(result.response.statusCode, 405);
  });

  it('accepts an already parsed body (from a mapper node in front of the intake)', async () => {
    const result = await call({ ...post(validOrder()), body: validOrder() });
    assert.equal(result.response.statusCode, 201);
  });
});
