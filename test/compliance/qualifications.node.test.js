// Managing qualifications without code: commands on mes-dispatch, refusals at Catch nodes.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const dispatchNode = require('../../dist/nodes/mes-dispatch/mes-dispatch.js');
const { tempDbFile } = require('../support/store');
const { plantConfig } = require('../support/dispatch');
const { until } = require('../support/messages');

helper.init(require.resolve('node-red'));

const at = { x: 100, y: 100 };
const plant = { ...plantConfig(), version: 3, shifts: [], workCenterSkills: [{ workCenter: 'WC-TURN', skill: 'lathe' }] };

function flowFor(file, noticeDays) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full' },
    { id: 'plant', type: 'mes-plant', ...plant },
    {
      id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', overrunPercent: 0, releaseIntervalSeconds: 0,
      qualificationNoticeDays: noticeDays, ...at, wires: [['events'], ['snapshots'], ['replies']],
    },
    { id: 'events', type: 'helper', z: 'tab', ...at },
    { id: 'snapshots', type: 'helper', z: 'tab', ...at },
    { id: 'replies', type: 'helper', z: 'tab', ...at },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, ...at, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', ...at },
  ];
}

// Event times near now: the expiry notice is counted from the store's clock.
const now = Date.now();
let seq = 0;
function command(topic, payload) {
  seq += 1;
  return { topic, payload: { commandId: `q-node-${seq}`, eventTime: new Date(now + seq).toISOString(), ...payload } };
}

describe('mes-dispatch node: operator qualifications', function () {
  this.timeout(20000);
  const catchNode = require('@node-red/nodes/core/common/25-catch.js');
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  });

  async function load(noticeDays = 30) {
    await helper.load([storeNode, plantNode, dispatchNode, catchNode], flowFor(tempDbFile(), noticeDays));
    return ['dispatch', 'events', 'snapshots', 'replies', 'caught'].reduce((nodes, id) => ({ ...nodes, [id]: helper.getNode(id) }), {});
  }

  it('refuses an unqualified sign-on at Catch, then accepts it once a supervisor granted the skill', async () => {
    const n = await load();
    let caught = until(n.caught, () => true);
    n.dispatch.receive(command('sign-on', { workstation: 'WS-T1', operator: 'op-anna' }));
    let err = await caught;
    assert.match(err.error.message, /operator op-anna is not qualified to sign on at workstation WS-T1: missing skill 'lathe'.*\[rule: qualified\]/);

    const granted = until(n.events, (m) => m.topic === 'qualification.granted');
    const reply = until(n.replies, (m) => m.payload.command === 'qualification.grant');
    const expiresAt = new Date(now + 5.5 * 86400000).toISOString();
    n.dispatch.receive(command('qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt }));
    assert.equal((await granted).payload.actor, 'sup-bo');
    assert.equal((await reply).payload.events[0].payload.expiresAt, expiresAt);

    const snapshot = until(n.snapshots, (m) => m.topic === 'WS-T1' && m.payload.operators.length > 0);
    n.dispatch.receive(command('sign-on', { workstation: 'WS-T1', operator: 'op-anna' }));
    assert.deepEqual((await snapshot).payload.expiringQualifications.map((q) => [q.operator, q.skill, q.daysLeft]), [['op-anna', 'lathe', 5]]);

    const list = until(n.replies, (m) => m.topic === 'qualifications.expiring');
    n.dispatch.receive({ topic: 'qualifications.expiring', payload: { withinDays: 7 } });
    assert.deepEqual((await list).payload.qualifications.map((q) => q.skill), ['lathe']);

    caught = until(n.caught, () => true);
    n.dispatch.receive({ topic: 'qualifications.expiring', payload: { withinDays: 0 } });
    err = await caught;
    assert.match(err.error.message, /withinDays: .*\[rule: dayCount\]/);
  });

  it('a malformed grant reaches Catch naming field and rule, and the node keeps running', async () => {
    const n = await load();
    const caught = until(n.caught, () => true);
    n.dispatch.receive(command('qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: 'next year' }));
    assert.match((await caught).error.message, /expiresAt: .*\[rule: format\]/);
    const reply = until(n.replies, (m) => m.payload.command === 'qualification.grant');
    n.dispatch.receive(command('qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: new Date(now + 86400000 * 90).toISOString() }));
    assert.equal((await reply).payload.duplicate, false);
  });
});
