// The mes-spc node in a runtime: it reads the checks dispatch recorded, freezes limits, reports and
// holds on violations, answers charts, takes signed limit changes, and sends bad input to Catch.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const spcNode = require('../../dist/nodes/mes-spc/mes-spc.js');
const { openTempStore, tempDbFile } = require('../support/store');
const { plantConfig } = require('../support/dispatch');
const { spcLine, testSignatures, goodSignature } = require('../support/spc');
const { until } = require('../support/messages');

helper.init(require.resolve('node-red'));

const at = { x: 100, y: 100 };
const CHARACTERISTICS = [{ characteristic: 'diameter', subgroupSize: 1, baselineSubgroups: 4, reaction: 'hold' }];
// individuals centre 40, σ 0.01; 40.04 is 4σ above the centre, inside the specification 40 ± 0.05
const VALUES = [39.99436, 40.00564, 39.99436, 40.00564, 40.012, 40.04];

/** A stand-in `mes-signatures` config node: the contract's `.signatures`, checked with bcryptjs in the test. */
function fakeSignaturesNode(RED) {
  function FakeSignatures(config) {
    RED.nodes.createNode(this, config);
    this.signatures = testSignatures();
  }
  RED.nodes.registerType('mes-signatures', FakeSignatures);
}

function flowFor(file, extra = {}) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full' },
    { id: 'plant', type: 'mes-plant', ...plantConfig() },
    { id: 'sig', type: 'mes-signatures' },
    { id: 'spc', type: 'mes-spc', z: 'tab', version: 1, store: 'store', plant: 'plant', characteristics: CHARACTERISTICS, pollIntervalSeconds: 1, chartPoints: 50, ...at, wires: [['events'], ['charts'], ['replies']], ...extra },
    { id: 'events', type: 'helper', z: 'tab', ...at },
    { id: 'charts', type: 'helper', z: 'tab', ...at },
    { id: 'replies', type: 'helper', z: 'tab', ...at },
    { id: 'catcher', type: 'catch', z: 'tab', scope: ['spc'], uncaught: false, ...at, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', ...at },
  ];
}

async function recordChecks(file) {
  const store = openTempStore({ file });
  const line = await spcLine(store, { spec: { nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm' }, config: CHARACTERISTICS[0] });
  await line.measure(VALUES);
  store.close();
}

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const modules = [storeNode, plantNode, spcNode, catchNode, fakeSignaturesNode];

describe('mes-spc node', () => {
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  afterEach(() => helper.unload());

  it('reads the recorded checks at start: limits frozen, the violation sent and the operation held once, across a restart', async () => {
    const file = tempDbFile();
    await recordChecks(file);
    await helper.load(modules, flowFor(file));
    const held = until(helper.getNode('events'), (m) => m.topic === 'operation.held');
    const violation = until(helper.getNode('events'), (m) => m.topic === 'spc.violation');
    const chart = until(helper.getNode('charts'), (m) => m.payload.status === 'frozen' && m.payload.points.length === 6);
    const [v, h, c] = await Promise.all([violation, held, chart]);
    assert.equal(v.payload.payload.rule, 1);
    assert.equal(v.payload.payload.chart, 'x');
    assert.equal(h.payload.actor, 'spc');
    assert.deepEqual(c.payload.points[5].violations, [{ rule: 1, chart: 'x' }]);
    assert.equal(Number(c.payload.limits.center.toFixed(6)), 40);
    await helper.unload();
    // a second start finds nothing new: no second violation, no second hold
    await helper.load(modules, flowFor(file));
    const events = [];
    helper.getNode('events').on('input', (m) => events.push(m));
    helper.getNode('spc').receive({ topic: 'refresh' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(events, []);
    const store = openTempStore({ file });
    try {
      assert.equal(store.readEvents(0, 1000, ['spc.violation']).length, 1);
      assert.equal(store.readEvents(0, 1000, ['operation.held']).length, 1);
    } finally {
      store.close();
    }
  });

  it('answers spc.chart with points, centre line, limits, flags and capability; spc.violations with the newest', async () => {
    const file = tempDbFile();
    await recordChecks(file);
    await helper.load(modules, flowFor(file));
    await until(helper.getNode('events'), (m) => m.topic === 'spc.violation');
    const answer = until(helper.getNode('charts'), (m) => m.answer === 1);
    helper.getNode('spc').receive({ topic: 'spc.chart', answer: 1, payload: { characteristic: 'diameter', workstation: 'WS-T1' } });
    const { payload } = await answer;
    assert.equal(payload.chart, 'I-MR');
    assert.ok(payload.limits.ucl > payload.limits.center && payload.limits.center > payload.limits.lcl);
    assert.equal(payload.points.length, 6);
    assert.equal(typeof payload.capability.cpk, 'number');
    const all = until(helper.getNode('charts'), (m) => m.answer === 2);
    helper.getNode('spc').receive({ topic: 'spc.chart', answer: 2 });
    assert.equal((await all).payload.streams.length, 1);
    const list = until(helper.getNode('charts'), (m) => m.answer === 3);
    helper.getNode('spc').receive({ topic: 'spc.violations', answer: 3 });
    const [first] = (await list).payload.violations;
    assert.deepEqual([first.rule, first.chart, first.held, first.workstation], [1, 'x', true, 'WS-T1']);
  });

  it('bad input and an unsigned change reach Catch naming field and rule; the node keeps running', async () => {
    const file = tempDbFile();
    await recordChecks(file);
    await helper.load(modules, flowFor(file, { signatures: '' }));
    await until(helper.getNode('events'), (m) => m.topic === 'spc.violation');
    const caught = [];
    helper.getNode('caught').on('input', (m) => caught.push(m));
    const change = { commandId: 'lc-1', characteristic: 'diameter', workstation: 'WS-T1', supervisor: 'sup-bo', reason: 'r', baseline: { fromSubgroup: 1, toSubgroup: 4 }, signature: goodSignature };
    helper.getNode('spc').receive({ topic: 'spc.limits.change', payload: change });
    helper.getNode('spc').receive({ topic: 'spc.limits.change', payload: { ...change, reason: undefined } });
    helper.getNode('spc').receive({ topic: 'spc.chart', payload: { characteristic: 'length', workstation: 'WS-T1' } });
    helper.getNode('spc').receive({ topic: 'order.received' });
    await until(helper.getNode('caught'), () => caught.length === 4);
    const texts = caught.map((m) => m.error.message).join('\n');
    for (const expected of [/signature.*signaturesUnavailable/, /reason: is required/, /characteristic: .*unknownStream/, /topic: .*enum/]) assert.match(texts, expected);
    // another node's event is no request: ignored, not an error
    helper.getNode('spc').receive({ topic: 'operation.started', payload: { eventId: 'e-1', type: 'operation.started', seq: 1 } });
    const alive = until(helper.getNode('charts'), (m) => m.answer === 'alive');
    helper.getNode('spc').receive({ topic: 'spc.chart', answer: 'alive', payload: { characteristic: 'diameter', workstation: 'WS-T1' } });
    assert.equal((await alive).payload.limits.version, 1);
    assert.equal(caught.length, 4);
  });

  it('takes a change signed through the mes-signatures config node: new limits, the signature bound, a reply', async () => {
    const file = tempDbFile();
    await recordChecks(file);
    await helper.load(modules, flowFor(file, { signatures: 'sig' }));
    await until(helper.getNode('events'), (m) => m.topic === 'spc.violation');
    const reply = until(helper.getNode('replies'), () => true);
    helper.getNode('spc').receive({ topic: 'spc.limits.change', payload: { commandId: 'lc-2', characteristic: 'diameter', workstation: 'WS-T1', supervisor: 'sup-bo', reason: 'after repair', baseline: { fromSubgroup: 2, toSubgroup: 5 }, signature: goodSignature } });
    const { payload } = await reply;
    assert.equal(payload.limits.version, 2);
    assert.deepEqual(payload.events.map((e) => e.type), ['spc.limits.changed', 'signature.recorded']);
  });

  it('refuses a second mes-spc on the same store naming the rule; the first keeps running', async () => {
    const file = tempDbFile();
    await recordChecks(file);
    const flow = flowFor(file);
    flow.push({ ...flow.find((n) => n.id === 'spc'), id: 'spc-2', wires: [[], [], []] });
    await helper.load(modules, flow);
    const errors = helper.log().args.map((a) => a[0]).filter((e) => e.level === helper.log().ERROR && e.type === 'mes-spc').map((e) => String(e.msg));
    assert.ok(errors.some((m) => /store: .*\[rule: unique\]/.test(m)), errors.join('\n'));
    await until(helper.getNode('events'), (m) => m.topic === 'spc.violation');
  });

  it('refuses a configuration of a newer release naming the field, and a bad characteristic naming the entry', async () => {
    const errors = () => helper.log().args.map((a) => a[0]).filter((e) => e.level === helper.log().ERROR && e.type === 'mes-spc').map((e) => String(e.msg));
    await helper.load(modules, flowFor(tempDbFile(), { version: 99 }));
    assert.ok(errors().some((m) => /version.*supportedVersion/.test(m)), errors().join('\n'));
    await helper.unload();
    await helper.load(modules, flowFor(tempDbFile(), { characteristics: [{ characteristic: 'd', subgroupSize: 0, baselineSubgroups: 4 }] }));
    assert.ok(errors().some((m) => /characteristics\[0\]\.subgroupSize/.test(m)), errors().join('\n'));
  });
});
