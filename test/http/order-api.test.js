// The order API through a real Node-RED runtime running the shipped flows (npm start's script),
// over real HTTP: what the ERP sees.
const assert = require('node:assert/strict');
const { startRuntime } = require('../support/runtime');
const { validOrder } = require('../support/orders');

const TOKEN = 'http-test-token';
const SUPERVISOR = 'http-test-supervisor';

describe('order API over HTTP (shipped flow, real runtime)', function () {
  this.timeout(60000);
  let runtime;

  const api = (path, { method = 'GET', body, token = TOKEN, headers = {} } = {}) => fetch(`${runtime.url}/mes/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

  before(async () => {
    runtime = await startRuntime({ env: { MES_API_TOKEN: TOKEN, MES_SUPERVISOR_TOKEN: SUPERVISOR } });
  });
  after(async () => runtime && runtime.stop());

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const missing = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-AUTH' }), token: null });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate'), /Bearer/);
    const wrong = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-AUTH' }), token: 'guess' });
    assert.equal(wrong.status, 401);
    assert.equal((await api('/orders/PO-AUTH')).status, 404);
  });

  it('creates, confirms idempotently, reports and cancels an order', async () => {
    const created = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-H1' }) });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/mes/v1/orders/PO-H1');
    assert.equal((await created.json()).status, 'created');

    const again = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-H1' }) });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).status, 'unchanged');

    const status = await api('/orders/PO-H1');
    assert.equal(status.status, 200);
    assert.match(status.headers.get('content-type'), /application\/json/);
    const body = await status.json();
    assert.equal(body.status, 'released');
    assert.equal(body.operations.length, 2);

    const cancelled = await api('/orders/PO-H1/cancel', { method: 'POST', body: { reason: 'planning change' } });
    assert.equal(cancelled.status, 200);
    assert.equal((await (await api('/orders/PO-H1')).json()).status, 'cancelled');
  });

  it('answers malformed bodies with 400 and a JSON error list, and keeps running', async () => {
    const cases = [
      [{ body: '{"orderId": ' }, '', 'json'],
      [{ body: JSON.stringify(validOrder()), headers: { 'content-type': 'text/plain' } }, 'Content-Type', 'contentType'],
      [{ body: validOrder({ orderId: 'PO-H2', quantity: { value: 0, unit: 'PCE' } }) }, 'quantity.value', 'exclusiveMinimum'],
      [{ body: JSON.stringify(validOrder({ orderId: 'PO-H2' })).replace('{', '{"__proto__":{"x":1},') }, '__proto__', 'additionalProperties'],
    ];
    for (const [request, field, rule] of cases) {
      const res = await api('/orders', { method: 'POST', ...request });
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type'), /application\/json/);
      const { errors } = await res.json();
      assert.ok(errors.some((e) => e.field === field && e.rule === rule), JSON.stringify(errors));
    }
    assert.equal((await api('/orders/PO-H2')).status, 404, 'nothing was stored');
    assert.equal((await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-H2' }) })).status, 201);
  });

  it('answers a body over the configured size with 413', async () => {
    const res = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-BIG', materialDescription: 'x'.repeat(2 * 1024 * 1024) }) });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).errors[0].rule, 'maxBodyBytes');
  });

  it('accepts the supervisor token from MES_SUPERVISOR_TOKEN as well', async () => {
    await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-H3' }) });
    const res = await api('/orders/PO-H3/cancel', { method: 'POST', body: { reason: 'x', force: true }, token: SUPERVISOR, headers: { 'x-mes-actor': 'sv-anna' } });
    assert.equal(res.status, 200);
  });

  describe('nothing accepted is lost', () => {
    it('keeps orders across a restart', async () => {
      const created = await api('/orders', { method: 'POST', body: validOrder({ orderId: 'PO-RESTART' }) });
      assert.equal(created.status, 201, await created.text());
      await runtime.stop();
      runtime = await startRuntime({ userDir: runtime.userDir, env: { MES_API_TOKEN: TOKEN } });
      const res = await api('/orders/PO-RESTART');
      assert.equal(res.status, 200);
    });

    it('keeps every order acknowledged before a kill -9', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `PO-KILL-${i}`);
      const replies = await Promise.all(ids.map((orderId) => api('/orders', { method: 'POST', body: validOrder({ orderId }) })));
      assert.deepEqual(replies.map((r) => r.status), ids.map(() => 201));
      await runtime.kill();
      runtime = await startRuntime({ userDir: runtime.userDir, env: { MES_API_TOKEN: TOKEN } });
      for (const orderId of ids) {
        assert.equal((await api(`/orders/${orderId}`)).status, 200, orderId);
      }
    });
  });
});
