// mes-dispatch with a site database (npm run test:site): line B's node reads line A's progress on
// the same order from site_operations and its queue shows the operation ready, then starts it.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const siteDbNode = require('../../dist/nodes/mes-site-db/mes-site-db.js');
const dispatchNode = require('../../dist/nodes/mes-dispatch/mes-dispatch.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { submitOrder } = require('../../dist/lib/orders');
const { SiteForwarder, migrateSite } = require('../../dist/lib/site');
const { tempDbFile } = require('../support/store');
const { startPostgres } = require('../support/postgres');
const { createDispatch, plantConfig } = require('../support/dispatch');
const { validOrder } = require('../support/orders');
const { translated } = require('../support/messages-catalog');
const { until } = require('../support/messages');
const site = require('../support/site');

helper.init(require.resolve('node-red'));

const at = { x: 100, y: 100 };
const ORDER = validOrder({ components: [], operations: validOrder().operations.map((op) => ({ ...op, qualityChecks: [], allowedWorkstations: undefined })) });
const linePlant = (line) => ({ ...plantConfig(), workstations: plantConfig().workstations.filter((ws) => ws.line === line) });

describe('mes-dispatch reading other lines from the site database', function () {
  this.timeout(60000);
  let pg;
  let pool;
  let database;
  const stores = [];
  before(async () => {
    pg = await startPostgres();
    database = (await pg.createDatabase('site_dispatch')).database;
    pool = pg.pool({ database });
    await migrateSite(pool);
  });
  after(async () => {
    await helper.unload();
    for (const s of stores) s.close();
    await pool?.end();
    pg?.destroy();
  });

  it("shows 0020 not ready while line A's 0010 has no good output at the site, then ready, and starts it", async () => {
    // Line A, driven directly: 0010 started, forwarded.
    const storeA = site.openLine();
    stores.push(storeA);
    const a = createDispatch(storeA, { plant: linePlant('L1') });
    await a.submit(ORDER);
    await a.release();
    await a.run('sign-on');
    await a.run('start');
    const forwardA = new SiteForwarder(storeA, pool, { site: 'PLANT-1010', area: 'MACHINING', line: 'L1' });
    while (await forwardA.forwardBatch() > 0);

    // Line B in Node-RED, with the order in its store.
    const fileB = tempDbFile();
    const storeB = MesStore.open(fileB, { components: ALL_COMPONENTS });
    await storeB.transact((s) => submitOrder(s, ORDER, 'erp'));
    storeB.close();
    await helper.load([storeNode, plantNode, siteDbNode, translated(dispatchNode), catchNode], [
      { id: 'tab', type: 'tab' },
      { id: 'store', type: 'mes-store', path: fileB, durability: 'full' },
      { id: 'plant', type: 'mes-plant', ...linePlant('L2') },
      { id: 'sitedb', type: 'mes-site-db', version: 1, host: '127.0.0.1', port: pg.port, database, user: 'postgres', tls: false, poolSize: 2 },
      { id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', siteDb: 'sitedb', siteRefreshSeconds: 0.2, overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [['events'], ['snapshots'], ['replies']] },
      { id: 'events', type: 'helper', z: 'tab', ...at },
      { id: 'snapshots', type: 'helper', z: 'tab', ...at },
      { id: 'replies', type: 'helper', z: 'tab', ...at },
    ]);
    const snapshots = helper.getNode('snapshots');
    const queued = (msg) => msg.topic === 'WS-A1' && msg.payload.queue.length === 1;
    const notReady = await until(snapshots, (msg) => queued(msg) && msg.payload.queue[0].ready === false);
    assert.equal(notReady.payload.queue[0].operationKey, '0020');

    await a.run('report', { goodQuantity: 12 });
    while (await forwardA.forwardBatch() > 0);
    await until(snapshots, (msg) => queued(msg) && msg.payload.queue[0].ready === true);

    const dispatch = helper.getNode('dispatch');
    const replies = helper.getNode('replies');
    const command = (topic, payload) => ({ topic, payload: { commandId: `b-${topic}`, eventTime: new Date().toISOString(), workstation: 'WS-A1', operator: 'op-carl', ...payload } });
    let reply = until(replies, () => true);
    dispatch.receive(command('sign-on'));
    await reply;
    reply = until(replies, () => true);
    dispatch.receive(command('start', { orderId: 'PO-1000', operationKey: '0020' }));
    assert.equal((await reply).payload.state, 'running');
  });
});
