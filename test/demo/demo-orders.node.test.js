// mes-demo-orders in a Node-RED runtime (node-red-node-test-helper): in demo mode an order built
// from the plant model goes through a real `http request` node to a real order intake and comes
// back as the warehouse's lot delivery; outside demo mode the same flow releases nothing.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const completeNode = require('@node-red/nodes/core/common/24-complete.js');
const httpInNode = require('@node-red/nodes/core/network/21-httpin.js');
const httpRequestNode = require('@node-red/nodes/core/network/21-httprequest.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const intakeNode = require('../../dist/nodes/mes-order-intake/mes-order-intake.js');
const ordersNode = require('../../dist/nodes/mes-demo-orders/mes-demo-orders.js');
const { parseProductionOrder } = require('../../dist/lib/orders');
const { parseGenealogyInput } = require('../../dist/lib/genealogy');
const { tempDbFile } = require('../support/store');
const { plantConfig, createProbe } = require('./fixtures');

helper.init(require.resolve('node-red'));

const TOKEN = 'demo-orders-test-token';

/**
 * `loop`: output 1 goes through an http request node to the order intake on the probe's server
 * and back; otherwise output 1 only reaches the `requests` sink.
 */
function flow({ port, dbFile, loop = false, workstations = 3, demo = {} }) {
  const nodes = [
    { id: 'tab', type: 'tab', label: 'demo' },
    { id: 'plant', type: 'mes-plant', name: 'test plant', ...plantConfig(workstations) },
    { id: 'orders', type: 'mes-demo-orders', z: 'tab', version: 1, plant: 'plant', line: '', material: 'FG-100', quantity: 60, orderApiUrl: loop ? `http://127.0.0.1:${port}/mes/v1/orders` : '', x: 1, y: 1, wires: [loop ? ['requests', 'post'] : ['requests'], ['lots']], ...demo },
    { id: 'requests', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
    { id: 'lots', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
    { id: 'catch', type: 'catch', z: 'tab', scope: ['orders'], x: 1, y: 1, wires: [['caught']] },
    { id: 'caught', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
    { id: 'complete', type: 'complete', z: 'tab', scope: ['orders'], uncaught: false, x: 1, y: 1, wires: [['completed']] },
    { id: 'completed', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
  ];
  if (!loop) return nodes;
  return nodes.concat([
    { id: 'post', type: 'http request', z: 'tab', method: 'use', ret: 'obj', paytoqs: 'ignore', url: '', tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: 1, y: 1, wires: [['orders']] },
    { id: 'store', type: 'mes-store', path: dbFile, durability: 'full' },
    { id: 'api', type: 'http in', z: 'tab', url: '/mes/v1/orders', method: 'post', upload: false, skipBodyParsing: true, swaggerDoc: '', x: 1, y: 1, wires: [['intake']] },
    { id: 'intake', type: 'mes-order-intake', z: 'tab', store: 'store', maxBodyBytes: 1048576, x: 1, y: 1, wires: [['orderEvents'], ['reply']] },
    { id: 'reply', type: 'http response', z: 'tab', statusCode: '', headers: {}, x: 1, y: 1, wires: [] },
    { id: 'orderEvents', type: 'demo-sink', z: 'tab', x: 1, y: 1 },
  ]);
}

describe('mes-demo-orders node', () => {
  const probe = createProbe();
  let port;
  const modules = [probe.module, catchNode, completeNode, httpInNode, httpRequestNode, storeNode, plantNode, intakeNode, ordersNode];
  const load = (options, credentials = { orders: { token: TOKEN }, intake: { token: TOKEN } }) => helper.load(modules, flow({ port, dbFile: tempDbFile(), ...options }), credentials);

  before(async () => {
    port = await probe.listen();
  });
  after(() => probe.close());
  beforeEach(() => {
    probe.reset();
    helper.settings({ mesMode: 'demo', uiPort: 1999 });
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({ mesMode: undefined, uiPort: undefined });
  });

  it('releases an order through the order API and the warehouse delivers its lot', async () => {
    await load({ loop: true });
    helper.getNode('orders').receive({ payload: Date.now() });
    const lot = await probe.next('lots');
    const request = probe.messages('requests')[0];
    const orderId = request.payload.orderId;
    assert.match(orderId, /^DEMO-\d{14}$/);
    assert.deepEqual(lot.topic, 'receive');
    assert.deepEqual(lot.payload, { action: 'receive', lot: `RM-BAR-${orderId}`, material: 'RM-BAR', quantity: 100, unit: 'KG', supplier: 'DEMO-SUPPLIER', actor: 'warehouse' });
    assert.deepEqual(parseGenealogyInput(lot.payload), lot.payload, 'a command mes-genealogy takes');
    const received = await probe.next('orderEvents', (m) => m.topic === 'order.received');
    assert.equal(received.payload.orderId, orderId, 'the intake stored it');
    assert.equal(helper.getNode('orders').status.lastCall.args[0].text, 'mes-demo-orders.status.released');
  });

  it('sends an http request message: POST, the local order API from uiPort, bearer token, a valid order from the plant model', async () => {
    await load({});
    helper.getNode('orders').receive({});
    const msg = await probe.next('requests');
    assert.equal(msg.method, 'POST');
    assert.equal(msg.url, 'http://127.0.0.1:1999/mes/v1/orders');
    assert.deepEqual(msg.headers, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
    assert.deepEqual(parseProductionOrder(msg.payload), msg.payload);
    assert.deepEqual(msg.payload.operations.map((op) => op.allowedWorkstations[0]), ['WS-1', 'WS-2', 'WS-3'], "the plant's first line");
    assert.equal(msg.demoOrder, msg.payload);
  });

  it('routes the next order through a workstation added to the plant model', async () => {
    await load({});
    helper.getNode('orders').receive({});
    assert.equal((await probe.next('requests')).payload.operations.length, 3);
    await helper.setFlows(flow({ port, workstations: 4 }), 'full', { orders: { token: TOKEN } });
    helper.getNode('orders').receive({});
    const next = await probe.next('requests', () => true, 1);
    assert.deepEqual(next.payload.operations.map((op) => [op.key, op.allowedWorkstations[0]]), [['0010', 'WS-1'], ['0020', 'WS-2'], ['0030', 'WS-3'], ['0040', 'WS-4']]);
  });

  it("reports the order API's refusal to Catch, naming the status and its error", async () => {
    await load({ loop: true }, { orders: { token: 'not-the-token' }, intake: { token: TOKEN } });
    helper.getNode('orders').receive({});
    const caught = await probe.next('caught');
    assert.match(caught.error.message, /statusCode: the order API answered 401 to demo order DEMO-\d{14}, not 201 \(unauthorized; Authorization: the bearer token is not valid \[rule: bearerToken\]\) \[rule: created\]$/);
    assert.deepEqual(probe.messages('lots'), []);
  });

  it('reports a line the plant does not have, and a missing token, to Catch', async () => {
    await load({ demo: { line: 'L9' } });
    helper.getNode('orders').receive({});
    assert.match((await probe.next('caught')).error.message, /line: .*\[rule: knownLine\]/);
    await helper.unload();
    probe.reset();
    await load({}, {});
    helper.getNode('orders').receive({});
    assert.match((await probe.next('caught')).error.message, /mes-demo-orders.errors.noToken$/);
    assert.deepEqual(probe.messages('requests'), []);
  });

  it('outside demo mode releases nothing; the same flow in demo mode does', async () => {
    await load({});
    helper.getNode('orders').receive({});
    assert.equal((await probe.next('requests')).method, 'POST', 'demo mode: an order');
    await helper.unload();
    probe.reset();
    for (const mesMode of [undefined, 'plant']) {
      helper.settings({ mesMode });
      await load({});
      const orders = helper.getNode('orders');
      orders.receive({ payload: 1 });
      orders.receive({ payload: 2 });
      // Both messages finished (a Complete node saw them): whatever the node did with them is done.
      await probe.next('completed', (m) => m.payload === 2);
      // The helper spies on the Node prototype: the calls of this node are those with it as `this`.
      const callsOf = (spy) => spy.getCalls().filter((call) => call.thisValue === orders).map((call) => call.args);
      assert.deepEqual(callsOf(orders.send), [], `mesMode ${mesMode}: no order sent`);
      assert.deepEqual(callsOf(orders.warn), [['mes-demo-orders.warnings.dropped']], 'one warning, not one per message');
      assert.deepEqual(orders.status.lastCall.args[0], { fill: 'grey', shape: 'ring', text: 'mes-demo-orders.status.off' });
      await helper.unload();
    }
  });
});
