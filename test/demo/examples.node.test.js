// The two demo examples as a user imports them (examples/mes-demo-*.json), in demo mode, with
// their debug nodes replaced by sinks: clicking their inject nodes does what their comments say.
const assert = require('node:assert/strict');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const injectNode = require('@node-red/nodes/core/common/20-inject.js');
const commentNode = require('@node-red/nodes/core/common/90-comment.js');
const httpInNode = require('@node-red/nodes/core/network/21-httpin.js');
const httpRequestNode = require('@node-red/nodes/core/network/21-httprequest.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const intakeNode = require('../../dist/nodes/mes-order-intake/mes-order-intake.js');
const erpNode = require('../../dist/nodes/mes-demo-erp/mes-demo-erp.js');
const ordersNode = require('../../dist/nodes/mes-demo-orders/mes-demo-orders.js');
const { tempDbFile } = require('../support/store');
const { createProbe } = require('./fixtures');

helper.init(require.resolve('node-red'));

/** The example on one tab, debug nodes as sinks, config nodes (no wires) off the tab. */
function example(name) {
  const nodes = require(path.join(__dirname, '..', '..', 'examples', name));
  return [{ id: 'tab', type: 'tab', label: name }, ...nodes.map((n) => ({
    ...n,
    ...(Array.isArray(n.wires) ? { z: 'tab' } : {}),
    ...(n.type === 'debug' ? { type: 'demo-sink' } : {}),
  }))];
}

describe('demo examples', () => {
  const probe = createProbe();
  let port;
  before(async () => {
    port = await probe.listen();
  });
  after(() => probe.close());
  beforeEach(() => probe.reset());
  afterEach(async () => {
    await helper.unload();
    helper.settings({ mesMode: undefined, uiPort: undefined });
  });

  it('examples/mes-demo-erp.json: switch down and up, 201 in between', async () => {
    helper.settings({ mesMode: 'demo' });
    await helper.load([probe.module, catchNode, commentNode, injectNode, erpNode], example('mes-demo-erp.json'));
    await probe.next('ex-demo-erp-state', (m) => m.payload === true);
    helper.getNode('ex-demo-erp-down').receive({});
    await probe.next('ex-demo-erp-state', (m) => m.payload === false);
    assert.equal((await fetch(`http://127.0.0.1:${port}/mock-erp/api/actuals`, { method: 'POST' })).status, 503);
    helper.getNode('ex-demo-erp-up').receive({});
    await probe.next('ex-demo-erp-state', (m) => m.payload === true, 2);
    assert.equal((await fetch(`http://127.0.0.1:${port}/mock-erp/api/actuals`, { method: 'POST' })).status, 201);
  });

  it('examples/mes-demo-orders.json with the order intake: a click releases an order and delivers its lot', async () => {
    helper.settings({ mesMode: 'demo', uiPort: port });
    const intake = [
      { id: 'store', type: 'mes-store', path: tempDbFile(), durability: 'full' },
      { id: 'api', type: 'http in', z: 'tab', url: '/mes/v1/orders', method: 'post', upload: false, skipBodyParsing: true, swaggerDoc: '', x: 1, y: 1, wires: [['intake']] },
      { id: 'intake', type: 'mes-order-intake', z: 'tab', store: 'store', maxBodyBytes: 1048576, x: 1, y: 1, wires: [[], ['reply']] },
      { id: 'reply', type: 'http response', z: 'tab', statusCode: '', headers: {}, x: 1, y: 1, wires: [] },
    ];
    await helper.load([probe.module, catchNode, commentNode, injectNode, httpInNode, httpRequestNode, storeNode, plantNode, intakeNode, ordersNode], [...example('mes-demo-orders.json'), ...intake], {
      'ex-demo-orders': { token: 'example-token' },
      intake: { token: 'example-token' },
    });
    helper.getNode('ex-demo-orders-now').receive({});
    const lot = await probe.next('ex-demo-orders-lot');
    assert.match(lot.payload.lot, /^RM-BAR-DEMO-\d{14}$/);
    assert.deepEqual(probe.messages('ex-demo-orders-errors'), []);
  });
});
