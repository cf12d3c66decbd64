// The node in a Node-RED runtime (node-red-node-test-helper): messages shaped as an `http in`
// node makes them, replies on output 2, events on output 1, refusals through Catch. The full
// HTTP path through the shipped flow is covered by test/http/.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const intakeNode = require('../../dist/nodes/mes-order-intake/mes-order-intake.js');
const { openStoreCount, MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { tempDbFile } = require('../support/store');
const { validOrder } = require('../support/orders');

helper.init(require.resolve('node-red'));

// Flow nodes need x/y: Node-RED takes a node without a position for a config node.
function flow(dbFile) {
  return [
    { id: 'tab', type: 'tab', label: 'orders' },
    { id: 'store', type: 'mes-store', path: dbFile, durability: 'full' },
    { id: 'intake', type: 'mes-order-intake', z: 'tab', store: 'store', maxBodyBytes: 65536, x: 1, y: 1, wires: [['events'], ['reply']] },
    { id: 'events', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'reply', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'catch', type: 'catch', z: 'tab', scope: ['intake'], x: 1, y: 1, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', x: 1, y: 1 },
  ];
}

function httpMsg({ method = 'POST', path = '/mes/v1/orders', orderId, token = 'node-test-token', body }) {
  return {
    req: { method, path, params: orderId ? { orderId } : {}, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
    res: {},
    payload: body === undefined ? {} : Buffer.from(JSON.stringify(body)),
  };
}

const next = (node) => new Promise((resolve) => node.once('input', resolve));

describe('mes-order-intake node', () => {
  let dbFile;
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  beforeEach(() => {
    dbFile = tempDbFile();
    process.env.MES_TEST_TOKEN = 'node-test-token';
  });
  afterEach(async () => {
    await helper.unload();
    delete process.env.MES_TEST_TOKEN;
  });

  const load = () => helper.load([catchNode, storeNode, intakeNode], flow(dbFile), { intake: { token: '${MES_TEST_TOKEN}' } });

  it('replies 201 on output 2 and emits order.received on output 1 after the commit', async () => {
    await load();
    const reply = next(helper.getNode('reply'));
    const event = next(helper.getNode('events'));
    helper.getNode('intake').receive(httpMsg({ body: validOrder() }));
    const replyMsg = await reply;
    assert.equal(replyMsg.statusCode, 201);
    assert.equal(replyMsg.payload.status, 'created');
    assert.ok(replyMsg.req && replyMsg.res, 'keeps msg.req/res for the http response node');
    const eventMsg = await event;
    assert.equal(eventMsg.topic, 'order.received');
    assert.equal(eventMsg.payload.orderId, 'PO-1000');
    const check = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    try {
      assert.equal(check.eventsOfOrder('PO-1000').length, 1, 'the event is in the database when it is on the wire');
    } finally {
      check.close();
    }
  });

  it('reports refused input to Catch nodes, answers it, and keeps running', async () => {
    await load();
    const caught = next(helper.getNode('caught'));
    const reply = next(helper.getNode('reply'));
    helper.getNode('intake').receive(httpMsg({ body: validOrder({ quantity: { value: -1, unit: 'PCE' } }) }));
    const bad = await reply;
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.payload.errors.map((e) => [e.field, e.rule]), [['quantity.value', 'exclusiveMinimum']]);
    const errorMsg = await caught;
    assert.match(errorMsg.error.message, /quantity\.value: must be > 0/);
    assert.equal(errorMsg.error.source.id, 'intake');
    const goodReply = next(helper.getNode('reply'));
    helper.getNode('intake').receive(httpMsg({ body: validOrder() }));
    assert.equal((await goodReply).statusCode, 201);
  });

  it('reads the token from the environment variable named in its credentials', async () => {
    await load();
    let reply = next(helper.getNode('reply'));
    helper.getNode('intake').receive(httpMsg({ method: 'GET', path: '/mes/v1/orders/PO-1000', orderId: 'PO-1000', token: '${MES_TEST_TOKEN}' }));
    assert.equal((await reply).statusCode, 401);
    reply = next(helper.getNode('reply'));
    helper.getNode('intake').receive(httpMsg({ method: 'GET', path: '/mes/v1/orders/PO-1000', orderId: 'PO-1000' }));
    assert.equal((await reply).statusCode, 404);
  });

  it('refuses a message that does not come from http in, through Catch', async () => {
    await load();
    const caught = next(helper.getNode('caught'));
    helper.getNode('intake').receive({ payload: validOrder() });
    assert.match((await caught).error.message, /expects a request from an http in node|errors\.notHttp/);
  });

  it('finishes a message in flight before it closes, then closes the shared database; reopens on redeploy', async () => {
    await load();
    assert.equal(openStoreCount(), 1);
    helper.getNode('intake').receive(httpMsg({ body: validOrder() }));
    await helper.unload();
    assert.equal(openStoreCount(), 0);
    await load();
    const reply = next(helper.getNode('reply'));
    helper.getNode('intake').receive(httpMsg({ method: 'GET', path: '/mes/v1/orders/PO-1000', orderId: 'PO-1000' }));
    assert.equal((await reply).statusCode, 200, 'the order accepted just before the redeploy was kept');
  });
});
