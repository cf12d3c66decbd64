// mes-demo-erp in a Node-RED runtime (node-red-node-test-helper), over real HTTP: in demo mode
// it records actuals by idempotency key, answers 503 while switched down, asks other machines
// for the token, and takes its routes away on redeploy; outside demo mode it has no route.
const assert = require('node:assert/strict');
const os = require('node:os');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const erpNode = require('../../dist/nodes/mes-demo-erp/mes-demo-erp.js');
const { createProbe } = require('./fixtures');

helper.init(require.resolve('node-red'));

const flow = (extra = {}) => [
  { id: 'tab', type: 'tab', label: 'demo' },
  { id: 'erp', type: 'mes-demo-erp', z: 'tab', version: 1, basePath: '/mock-erp', maxBodyBytes: 1048576, x: 1, y: 1, wires: [['state']], ...extra },
  { id: 'state', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
  { id: 'catch', type: 'catch', z: 'tab', scope: ['erp'], x: 1, y: 1, wires: [['caught']] },
  { id: 'caught', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
];

/** A non-loopback address of this machine: a request to it comes from it, not from 127.0.0.1. */
const outsideAddress = Object.values(os.networkInterfaces()).flat().find((i) => !i.internal && i.family === 'IPv4')?.address;

describe('mes-demo-erp node', () => {
  const probe = createProbe();
  let port;
  const url = (path, host = '127.0.0.1') => `http://${host}:${port}${path}`;
  const postJson = (path, body, headers = {}, host) => fetch(url(path, host), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const load = (extra, credentials = {}) => helper.load([probe.module, catchNode, erpNode], flow(extra), credentials);

  before(async () => {
    port = await probe.listen('0.0.0.0');
  });
  after(() => probe.close());
  beforeEach(() => {
    probe.reset();
    helper.settings({ mesMode: 'demo' });
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({ mesMode: undefined });
  });

  it('in demo mode: 201 from loopback, duplicates by key, the list, and its state at start', async () => {
    await load();
    assert.deepEqual((await probe.next('state')).payload, true, 'announces up at start');
    const first = await postJson('/mock-erp/api/actuals', { qty: 1 }, { 'Idempotency-Key': 'evt-1' });
    assert.equal(first.status, 201);
    assert.deepEqual(await first.json(), { accepted: true, duplicate: false });
    const resend = await postJson('/mock-erp/api/actuals', { qty: 1 }, { 'X-Idempotency-Key': 'evt-1' });
    assert.deepEqual(await resend.json(), { accepted: true, duplicate: true });
    await postJson('/mock-erp/api/confirmations', { idempotencyKey: 'evt-2' });
    const list = await (await fetch(url('/mock-erp/received'))).json();
    assert.equal(list.up, true);
    assert.equal(list.count, 3);
    assert.deepEqual(list.received.map((r) => [r.key, r.path, r.duplicate]), [['evt-1', '/mock-erp/api/actuals', false], ['evt-1', '/mock-erp/api/actuals', true], ['evt-2', '/mock-erp/api/confirmations', false]]);
    const bad = await fetch(url('/mock-erp/api/actuals'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).errors[0].rule, 'json', 'a JSON error is answered as JSON, not an HTML page');
  });

  it('switched down from the dashboard: 503 with Retry-After, state out; back up over HTTP', async () => {
    await load();
    await probe.next('state');
    helper.getNode('erp').receive({ payload: false });
    assert.deepEqual(await probe.next('state', (m) => m.payload === false), { topic: 'erp-state', payload: false, _msgid: probe.messages('state')[1]._msgid });
    const refused = await postJson('/mock-erp/api/actuals', { qty: 1 }, { 'Idempotency-Key': 'evt-9' });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    helper.getNode('erp').receive({ payload: false });
    const up = await postJson('/mock-erp/state', { up: true });
    assert.deepEqual(await up.json(), { up: true });
    await probe.next('state', (m) => m.payload === true, 2);
    assert.deepEqual(probe.messages('state').map((m) => m.payload), [true, false, true], 'a switch to the same state sends nothing');
    assert.equal((await postJson('/mock-erp/api/actuals', { qty: 1 }, { 'Idempotency-Key': 'evt-9' })).status, 201);
    assert.equal((await (await fetch(url('/mock-erp/received'))).json()).count, 1, 'nothing was recorded while down');
  });

  it('refuses a switch that is not a boolean to Catch, naming field and rule', async () => {
    await load();
    helper.getNode('erp').receive({ payload: 'off' });
    const caught = await probe.next('caught');
    assert.match(caught.error.message, /payload: .*\[rule: upDown\]/);
  });

  it('asks a request from another machine for the bearer token', async function () {
    if (!outsideAddress) this.skip();
    process.env.MES_DEMO_TEST_TOKEN = 'demo-secret';
    try {
      await load({}, { erp: { token: '${MES_DEMO_TEST_TOKEN}' } });
      const none = await postJson('/mock-erp/api/actuals', { qty: 1 }, {}, outsideAddress);
      assert.equal(none.status, 401);
      assert.equal((await none.json()).errors[0].rule, 'bearerToken');
      assert.equal((await fetch(url('/mock-erp/received', outsideAddress), { headers: { authorization: 'Bearer wrong' } })).status, 401);
      const ok = await postJson('/mock-erp/api/actuals', { qty: 1 }, { authorization: 'Bearer demo-secret' }, outsideAddress);
      assert.equal(ok.status, 201);
      assert.equal((await postJson('/mock-erp/api/actuals', { qty: 1 })).status, 201, 'loopback needs no token');
    } finally {
      delete process.env.MES_DEMO_TEST_TOKEN;
    }
  });

  it('without a token refuses every request from another machine', async function () {
    if (!outsideAddress) this.skip();
    await load();
    const refused = await fetch(url('/mock-erp/received', outsideAddress));
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).errors[0].rule, 'loopbackOrToken');
  });

  it('does not start with a broken configuration: says which field and rule, serves nothing', async () => {
    for (const [extra, pattern] of [[{ basePath: '/erp/:id' }, /basePath: .*\[rule: path\]/], [{ version: 2 }, /version: .*\[rule: supportedVersion\]/]]) {
      await load(extra);
      const erp = helper.getNode('erp');
      assert.equal(erp.status.lastCall.args[0].fill, 'red');
      assert.match(erp.error.getCalls().find((call) => call.thisValue === erp).args[0], pattern);
      assert.equal((await postJson('/mock-erp/api/actuals', { qty: 1 })).status, 404);
      await helper.unload();
    }
  });

  it('takes its routes away on redeploy, so the new node answers alone', async () => {
    await load();
    await postJson('/mock-erp/api/actuals', { qty: 1 });
    await helper.setFlows(flow({ name: 'changed' }), 'nodes');
    await postJson('/mock-erp/api/actuals', { qty: 2 });
    const list = await (await fetch(url('/mock-erp/received'))).json();
    assert.deepEqual(list.received.map((r) => r.body), [{ qty: 2 }], 'answered by the redeployed node');
    const routes = probe.app._router.stack.filter((layer) => layer.route && layer.route.path.startsWith('/mock-erp'));
    assert.equal(routes.length, 3);
  });

  it('outside demo mode has no route and drops input with a warning (the same flow in demo mode answers)', async () => {
    await load();
    assert.equal((await postJson('/mock-erp/api/actuals', { qty: 1 })).status, 201, 'demo mode: the route exists');
    await helper.unload();
    probe.reset();
    for (const mesMode of [undefined, 'plant']) {
      helper.settings({ mesMode });
      await load();
      assert.equal((await postJson('/mock-erp/api/actuals', { qty: 1 })).status, 404, `mesMode ${mesMode}`);
      assert.equal((await fetch(url('/mock-erp/received'))).status, 404);
      const erp = helper.getNode('erp');
      const warned = new Promise((resolve) => erp.once('call:warn', resolve));
      erp.receive({ payload: false });
      assert.equal((await warned).args[0], 'mes-demo-erp.warnings.dropped');
      assert.equal(erp.status.lastCall.args[0].text, 'mes-demo-erp.status.off');
      assert.equal(erp.status.lastCall.args[0].fill, 'grey');
      // The helper spies on the Node prototype: this node's sends are those with it as `this`.
      assert.deepEqual(erp.send.getCalls().filter((call) => call.thisValue === erp), [], 'no state at start and none for the input');
      await helper.unload();
    }
  });
});
