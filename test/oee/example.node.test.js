// The example flow users import from the editor loads and runs: its inject nodes' signals reach
// the OEE node and produce a snapshot.
const assert = require('node:assert/strict');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const injectNode = require('@node-red/nodes/core/common/20-inject.js');
const debugNode = require('@node-red/nodes/core/common/21-debug.js');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const commentNode = require('@node-red/nodes/core/common/90-comment.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const oeeNode = require('../../dist/nodes/mes-oee/mes-oee.js');
const { tempDbFile } = require('../support/store');

helper.init(require.resolve('node-red'));

describe('examples/mes-oee.json', () => {
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  afterEach(async () => { await helper.unload(); });

  it('loads with only core nodes and ours, and its signals give a snapshot', async () => {
    const flow = require(path.join(__dirname, '..', '..', 'examples', 'mes-oee.json')).map((n) => ({ ...n, z: n.type === 'mes-store' ? undefined : 'tab' }));
    flow.find((n) => n.type === 'mes-store').path = tempDbFile();
    flow.find((n) => n.type === 'mes-oee').wires[2].push('replies');
    await helper.load([injectNode, debugNode, catchNode, commentNode, storeNode, oeeNode], [{ id: 'tab', type: 'tab' }, ...flow, { id: 'replies', type: 'helper', z: 'tab' }]);
    assert.equal(flow.filter((n) => n.type === 'mes-store').length, 1, 'one config node');
    const oee = helper.getNode('ex-oee');
    helper.getNode('ex-oee-run').receive({});
    // The inject node evaluates its JSONata payload asynchronously: ask until the signal is in.
    let payload;
    for (let attempt = 0; attempt < 50 && !payload?.workstations['WS-1']; attempt++) {
      const reply = new Promise((resolve) => helper.getNode('replies').once('input', resolve));
      oee.receive({ topic: 'oee/snapshot', payload: {} });
      ({ payload } = await reply);
    }
    assert.equal(payload.workstations['WS-1'].state.state, 'running');
    assert.equal(payload.line.line, 'LINE-1');
  });
});
