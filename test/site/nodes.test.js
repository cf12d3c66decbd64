// The site nodes in Node-RED: mes-site-db shared by a forwarder and a query node (npm run test:site).
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const siteDbNode = require('../../dist/nodes/mes-site-db/mes-site-db.js');
const forwarderNode = require('../../dist/nodes/mes-site-forwarder/mes-site-forwarder.js');
const queryNode = require('../../dist/nodes/mes-site-query/mes-site-query.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { tempDbFile } = require('../support/store');
const { startPostgres, waitFor } = require('../support/postgres');
const site = require('../support/site');
const { translated } = require('../support/messages-catalog');

helper.init(require.resolve('node-red'));

const NODES = [storeNode, plantNode, siteDbNode, translated(forwarderNode), translated(queryNode), catchNode];
const PLANT = {
  version: 2, site: 'plant1',
  workstations: [{ id: 'WS-A1', area: 'assembly', line: 'lineA', workCenters: ['WC-A'] }, { id: 'WS-B1', area: 'packing', line: 'lineB', workCenters: ['WC-B'] }],
};

describe('mes-site-forwarder and mes-site-query nodes (PostgreSQL)', function () {
  this.timeout(60000);
  let pg;
  let database;
  let dbFile;
  let admin;

  before(async () => {
    pg = await startPostgres();
    database = (await pg.createDatabase('site_nodes')).database;
    admin = pg.pool({ database });
  });
  after(async () => {
    await admin?.end();
    pg?.destroy();
  });
  beforeEach(async () => {
    dbFile = tempDbFile();
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    await site.append(store, [
      site.orderReceived('ORD-1', 'GEAR', 10, [{ key: '0010', workCenter: 'WC-A' }]),
      site.operationStarted('ORD-1', '0010', 'WS-A1'),
      site.quantityReported('ORD-1', '0010', 'WS-A1', 7, 1),
    ]);
    store.close();
  });
  afterEach(() => helper.unload());

  function flow(forwarder = {}) {
    return [
      { id: 'tab', type: 'tab' },
      { id: 'store', type: 'mes-store', path: dbFile, durability: 'full' },
      { id: 'plant', type: 'mes-plant', ...PLANT },
      { id: 'sitedb', type: 'mes-site-db', version: 1, host: '127.0.0.1', port: pg.port, database, user: 'postgres', tls: false, poolSize: 2 },
      { id: 'fwd', type: 'mes-site-forwarder', z: 'tab', store: 'store', siteDb: 'sitedb', plant: 'plant', line: 'lineA', batchSize: 500, metricsSeconds: 0.2, wires: [['metrics']], ...forwarder },
      { id: 'metrics', type: 'helper', z: 'tab' },
      { id: 'query', type: 'mes-site-query', z: 'tab', siteDb: 'sitedb', wires: [['answers']] },
      { id: 'answers', type: 'helper', z: 'tab' },
      { id: 'catch-errors', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ];
  }

  function received(nodeId, predicate) {
    return new Promise((resolve) => {
      const node = helper.getNode(nodeId);
      const listener = (msg) => {
        if (predicate(msg)) {
          node.removeListener('input', listener);
          resolve(msg);
        }
      };
      node.on('input', listener);
    });
  }

  const connections = async () => Number((await admin.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'node-red-contrib-mes'")).rows[0].n);

  it('forwards the line, shows its lag, sends metrics, answers site queries, and closes the shared pool on stop', async () => {
    await helper.load(NODES, flow());
    const fwd = helper.getNode('fwd');
    const statuses = [];
    fwd.on('call:status', (call) => statuses.push(call.args[0]));
    const metrics = await received('metrics', (msg) => msg.topic === 'metrics' && msg.payload.eventsBehind === 0);
    assert.deepEqual([metrics.payload.site, metrics.payload.area, metrics.payload.line, metrics.payload.forwardedSeq], ['plant1', 'assembly', 'lineA', 3]);
    await waitFor('the green status', () => statuses.some((s) => s.fill === 'green' && s.text === '0 events · 0 s behind'));

    const answer = received('answers', () => true);
    helper.getNode('query').receive({ topic: 'order', payload: { orderId: 'ORD-1' } });
    const { payload } = await answer;
    assert.deepEqual(payload.operations.map((o) => [o.operationKey, o.line, o.state, o.goodQuantity, o.scrapQuantity]), [['0010', 'lineA', 'running', 7, 1]]);

    // One pool for both nodes, ended when they stop: connections were open, then none are.
    assert.ok(await connections() > 0);
    await helper.unload();
    await waitFor('the pool closed', async () => (await connections()) === 0);
  });

  it('turns red and tells Catch nodes while the site database is down, then drains', async () => {
    await helper.load(NODES, flow());
    const fwd = helper.getNode('fwd');
    await received('metrics', (msg) => msg.payload.eventsBehind === 0);
    const statuses = [];
    fwd.on('call:status', (call) => statuses.push(call.args[0]));
    const caught = received('caught', () => true);
    pg.stop('immediate');
    try {
      const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
      await site.append(store, [site.quantityReported('ORD-1', '0010', 'WS-A1', 2, 0)]);
      store.close();
      fwd.receive({ topic: 'quantity.reported' });
      const error = await caught;
      assert.match(error.error.message, /forwarding to the site database 127\.0\.0\.1:\d+\/site_nodes fails/);
      await waitFor('the red status with the lag', () => statuses.some((s) => s.fill === 'red' && /^site DB down · 1 events · \d+ s behind$/.test(s.text)));
    } finally {
      pg.start();
    }
    await received('metrics', (msg) => msg.payload.eventsBehind === 0 && msg.payload.siteReachable === true);
    const { rows } = await admin.query("SELECT good_quantity FROM site_operations WHERE order_id = 'ORD-1'");
    assert.equal(rows[0].good_quantity, 9);
  });

  it('a bad query reaches Catch with the field and the rule', async () => {
    await helper.load(NODES, flow());
    const caught = received('caught', () => true);
    helper.getNode('query').receive({ topic: 'oee', payload: { level: 'plant', to: '2026-12-02' } });
    const msg = await caught;
    assert.match(msg.error.message, /invalid oee query: level: must be one of line, area, site; from: is required \[rule: enum, required\]/);
  });

  it('refuses a line that the plant model does not have, naming the field', async () => {
    await helper.load(NODES, flow({ line: 'lineZ' }));
    const fwd = helper.getNode('fwd');
    await waitFor('the setup error', () => fwd.error.called);
    assert.match(fwd.error.firstCall.args[0], /^line: 'lineZ' is not a line of the plant model \(lines: lineA, lineB\)/);
  });
});
