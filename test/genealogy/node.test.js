const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const genealogyNode = require('../../dist/nodes/mes-genealogy/mes-genealogy.js');
const { acquireStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { tempDbFile } = require('../support/store');
const { twoLevelOrders, submitOrders } = require('./fixtures');

helper.init(require.resolve('node-red'));

// Flow nodes need x/y: Node-RED takes a node without a position for a config node.
function flow(file) {
  return [
    { id: 'tab', type: 'tab', label: 'genealogy' },
    { id: 'db', type: 'mes-store', path: file, durability: 'full' },
    { id: 'gen', type: 'mes-genealogy', z: 'tab', x: 1, y: 1, store: 'db', lotPattern: 'LOT-{seq:3}', serialPattern: 'SN-{seq:3}', conversions: '[{"material":"SCREW-M4","from":"BOX","to":"PCE","factor":100}]', backflush: true, backflushInterval: 0, wires: [['events'], ['results']] },
    { id: 'events', type: 'helper', z: 'tab' },
    { id: 'results', type: 'helper', z: 'tab' },
    { id: 'catch', type: 'catch', z: 'tab', x: 1, y: 1, scope: ['gen'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

/** Sends a msg and resolves with the next msg of the named helper node. */
function next(helperNode) {
  return new Promise((resolve) => helperNode.once('input', resolve));
}

/**
 * A database with `orders`, shared with the nodes under test through the store registry, and a
 * Node-RED test server; both torn down after each test. `ctx.file` and `ctx.lease` are set per test.
 */
function withStoreAndServer(orders) {
  const ctx = {};
  beforeEach(async function () {
    ctx.file = tempDbFile();
    ctx.lease = acquireStore(ctx.file, { components: ALL_COMPONENTS });
    await submitOrders(ctx.lease.store, orders());
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    ctx.lease.release();
    fs.rmSync(path.dirname(ctx.file), { recursive: true, force: true });
  });
  return ctx;
}

describe('mes-genealogy node', function () {
  const ctx = withStoreAndServer(twoLevelOrders);

  const load = () => new Promise((resolve) => helper.load([storeNode, genealogyNode, require('@node-red/nodes/core/common/25-catch.js')], flow(ctx.file), resolve));

  it('records receipt, consumption and numbered production, events on output 1 and results on output 2', async function () {
    await load();
    const gen = helper.getNode('gen');
    const events = helper.getNode('events');
    const results = helper.getNode('results');

    let reply = next(results);
    gen.receive({ payload: { action: 'receive', lot: 'RM-L1', material: 'RM-BAR', quantity: 50, unit: 'KG' } });
    assert.equal((await reply).payload.status, 'recorded');

    const event = next(events);
    reply = next(results);
    gen.receive({ payload: { action: 'consume', orderId: 'PO-SUB', operationKey: '0010', lot: 'RM-L1', quantity: 12, unit: 'KG', actor: 'op:ann' } });
    const consumed = await event;
    assert.equal(consumed.topic, 'material.consumed');
    assert.deepEqual(consumed.payload.payload, { material: 'RM-BAR', lot: 'RM-L1', quantity: 12, unit: 'KG', backflush: false });
    assert.equal((await reply).payload.lots[0].onHand, 38);

    reply = next(results);
    gen.receive({ payload: { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', quantity: 100 } });
    assert.equal((await reply).payload.lots[0].lot, 'LOT-001');

    reply = next(results);
    gen.receive({ payload: { action: 'trace', lot: 'LOT-001', direction: 'backward' } });
    const traced = (await reply).payload;
    assert.ok(traced.links.some((l) => l.from.id === 'RM-L1' && l.quantity === 12));

    reply = next(results);
    gen.receive({ payload: { action: 'recall', lot: 'RM-L1', format: 'csv' } });
    assert.match((await reply).payload, /^role,kind,lot/);
  });

  it('refuses bad input through Catch nodes with the rule named, changes nothing and keeps running', async function () {
    await load();
    const gen = helper.getNode('gen');
    const caught = helper.getNode('caught');
    const results = helper.getNode('results');
    const before = ctx.lease.store.lastSeq();

    const cases = [
      [{ action: 'consume', orderId: 'PO-SUB', operationKey: '0010', lot: 'NOPE', quantity: 1, unit: 'KG' }, 'unknownLot'],
      [{ action: 'consume', orderId: 'PO-SUB', operationKey: '0010', material: 'RM-BAR', quantity: 1, unit: 'KG' }, 'lotRequired'],
      [{ action: 'consume', orderId: 'PO-SUB' }, 'operationKey: is required'],
      ['not an object', 'must be object'],
    ];
    for (const [payload, rule] of cases) {
      const error = next(caught);
      gen.receive({ payload });
      const msg = await error;
      assert.ok(msg.error.message.includes(rule), `${rule} not in ${msg.error.message}`);
    }
    assert.equal(ctx.lease.store.lastSeq(), before);

    const reply = next(results);
    gen.receive({ payload: { action: 'receive', serial: 'SN-BOUGHT', material: 'SUB-100', quantity: 1, unit: 'PCE' } });
    assert.equal((await reply).payload.status, 'recorded');
    const error = next(caught);
    gen.receive({ payload: { action: 'produce', orderId: 'PO-FG', operationKey: '0010', serials: ['SN-BOUGHT'] } });
    assert.match((await error).error.message, /serialProducedTwice/);
  });

  it('backflushes from the event log when a quantity.reported event arrives', async function () {
    await load();
    const gen = helper.getNode('gen');
    const events = helper.getNode('events');
    const reported = await ctx.lease.store.transact((s) => s.appendEvent({
      type: 'quantity.reported', orderId: 'PO-SUB', operationKey: '0020', workstation: 'WS-3', actor: 'op:cy',
      payload: { commandId: 'c1', shift: 'A', unit: 'PCE', goodQuantity: 25, scrapQuantity: 0, reworkQuantity: 0 },
    }));
    const event = next(events);
    gen.receive({ topic: reported.type, payload: reported });
    const consumed = (await event).payload;
    assert.deepEqual(consumed.payload, { material: 'SCREW-M4', quantity: 100, unit: 'PCE', backflush: true, sourceEventId: reported.eventId });
    assert.equal(ctx.lease.store.readEvents(0, 100, ['material.consumed']).length, 1);
  });

  it('reports an invalid configuration to Catch nodes on every message', async function () {
    const bad = flow(ctx.file);
    bad[2].lotPattern = 'no-sequence';
    await new Promise((resolve) => helper.load([storeNode, genealogyNode, require('@node-red/nodes/core/common/25-catch.js')], bad, resolve));
    const error = next(helper.getNode('caught'));
    helper.getNode('gen').receive({ payload: { action: 'trace', lot: 'X', direction: 'forward' } });
    assert.match((await error).error.message, /\{seq\}/);
  });
});

describe('mes-genealogy example flow', function () {
  const ctx = withStoreAndServer(() => [require('../support/orders').validOrder()]);

  it('runs its inject nodes in order: receive, consume, produce, trace, block, recall', async function () {
    const core = (p) => require(`@node-red/nodes/core/${p}`);
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'mes-genealogy.json'), 'utf8'))
      .map((n) => ({ z: 'tab', ...n, ...(n.type === 'mes-store' ? { path: ctx.file } : {}) }));
    const results = { id: 'probe', type: 'helper', z: 'tab', x: 1, y: 1 };
    example.find((n) => n.id === 'ex-gen-switch').wires[1].push('probe');
    await helper.load([storeNode, genealogyNode, core('common/20-inject.js'), core('common/21-debug.js'), core('common/25-catch.js'),
      core('common/90-comment.js'), core('function/10-switch.js'), core('network/21-httpin.js')],
    [{ id: 'tab', type: 'tab', label: 'example' }, ...example, results]);
    const probe = helper.getNode('probe');
    const replies = [];
    for (const id of ['ex-gen-receive', 'ex-gen-consume', 'ex-gen-produce', 'ex-gen-trace', 'ex-gen-block', 'ex-gen-recall']) {
      const reply = next(probe);
      helper.getNode(id).receive({});
      replies.push((await reply).payload);
    }
    assert.equal(replies[1].lots[0].onHand, 40);
    assert.equal(replies[3].lots.length, 1);
    assert.equal(replies[4].lots[0].status, 'blocked');
    assert.deepEqual(replies[5].finished.map((l) => l.material), ['FG-100']);
  });
});
