const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const dispatchNode = require('../../dist/nodes/mes-dispatch/mes-dispatch.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { submitOrder } = require('../../dist/lib/orders');
const { tempDbFile } = require('../support/store');
const { validOrder } = require('../support/orders');
const Database = require('better-sqlite3');
const { plantConfig, countingPlant } = require('../support/dispatch');
const { until } = require('../support/messages');

helper.init(require.resolve('node-red'));

function plainOrder(overrides = {}) {
  const order = validOrder(overrides);
  order.operations.forEach((op) => { op.qualityChecks = []; });
  return order;
}

/** Writes orders straight into the database before the flow starts, as intake would have. */
async function seed(file, orders) {
  const store = MesStore.open(file, { components: ALL_COMPONENTS });
  for (const order of orders) await store.transact((s) => submitOrder(s, order, 'erp'));
  store.close();
}

// Flow nodes need x and y: Node-RED 4 treats a node without them as a config node.
const at = { x: 100, y: 100 };

function flowFor(file, plant = plantConfig()) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full' },
    { id: 'plant', type: 'mes-plant', ...plant },
    { id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [['events'], ['snapshots'], ['replies']] },
    { id: 'events', type: 'helper', z: 'tab', ...at },
    { id: 'snapshots', type: 'helper', z: 'tab', ...at },
    { id: 'replies', type: 'helper', z: 'tab', ...at },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, ...at, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', ...at },
    { id: 'completer', type: 'complete', z: 'tab', scope: ['dispatch'], ...at, wires: [['completed']] },
    { id: 'completed', type: 'helper', z: 'tab', ...at },
  ];
}

/** Collects what arrives at a helper node. */
function collect(node) {
  const msgs = [];
  node.on('input', (msg) => msgs.push(msg));
  return msgs;
}

/** Resolves with the next msg at a helper node. */
const next = (node) => new Promise((resolve) => node.once('input', resolve));

/**
 * Resolves once a snapshot of each of `workstations` has come. A release sends its events first,
 * then the snapshots of the workstations it touched (all of them for a refresh).
 */
function snapshotsOf(node, workstations) {
  const missing = new Set(workstations);
  return until(node, (msg) => missing.delete(msg.topic) && missing.size === 0);
}
const ALL_WORKSTATIONS = ['WS-T1', 'WS-T2', 'WS-T3', 'WS-A1'];

let seq = 0;
function command(topic, payload = {}) {
  seq += 1;
  return {
    topic,
    payload: {
      commandId: `node-cmd-${seq}`, eventTime: new Date(Date.parse('2026-11-25T07:00:00Z') + seq * 1000).toISOString(),
      workstation: 'WS-T1', operator: 'op-anna', ...(topic === 'sign-on' ? {} : { orderId: 'PO-1000', operationKey: '0010' }), ...payload,
    },
  };
}

describe('mes-dispatch node', function () {
  this.timeout(20000);
  const catchNode = require('@node-red/nodes/core/common/25-catch.js');
  const completeNode = require('@node-red/nodes/core/common/24-complete.js');
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  });

  async function load(file, plant) {
    await helper.load([storeNode, plantNode, dispatchNode, catchNode, completeNode], flowFor(file, plant));
    return {
      dispatch: helper.getNode('dispatch'),
      events: helper.getNode('events'),
      snapshots: helper.getNode('snapshots'),
      replies: helper.getNode('replies'),
      caught: helper.getNode('caught'),
      completed: helper.getNode('completed'),
    };
  }

  /**
   * Loads the flow over a store holding one order (PO-EARLY, queued at WS-T2 and WS-A1 only) and
   * resolves once the node's release at start has queued it: orders seeded after that are
   * released only by what the test sends.
   */
  async function loadStarted(file) {
    const early = plainOrder({ orderId: 'PO-EARLY' });
    early.operations[0].allowedWorkstations = ['WS-T2'];
    await seed(file, [early]);
    const nodes = await load(file);
    const queued = collect(nodes.events);
    await snapshotsOf(nodes.snapshots, ['WS-T2', 'WS-A1']);
    assert.deepEqual(queued.map((m) => [m.topic, m.payload.orderId]), [['operation.queued', 'PO-EARLY'], ['operation.queued', 'PO-EARLY']]);
    return nodes;
  }

  it('queues the pending operations it finds in the store when it starts', async () => {
    const file = tempDbFile();
    await seed(file, [plainOrder()]);
    const flow = load(file);
    const nodes = await flow;
    const queued = [];
    await new Promise((resolve) => nodes.events.on('input', (msg) => { queued.push(msg); if (queued.length === 2) resolve(); }));
    assert.deepEqual(queued.map((m) => m.topic), ['operation.queued', 'operation.queued']);
    assert.equal(queued[0].payload.orderId, 'PO-1000');
  });

  it('an order.received msg releases the new order; commands flow to events, snapshots and replies', async () => {
    const file = tempDbFile();
    const nodes = await loadStarted(file);
    await seed(file, [plainOrder()]);
    const snapshot = until(nodes.snapshots, (m) => m.topic === 'WS-T1' && m.payload.queue.length > 0);
    nodes.dispatch.receive({ topic: 'order.received', payload: { orderId: 'PO-1000' } });
    const snap = await snapshot;
    assert.equal(snap.payload.queue[0].orderId, 'PO-1000');

    const events = collect(nodes.events);
    let reply = next(nodes.replies);
    nodes.dispatch.receive(command('sign-on'));
    await reply;
    reply = next(nodes.replies);
    // Snapshots follow the commits, one per workstation per batch of commands.
    const snapAfterStart = until(nodes.snapshots, (m) => m.payload.current.length > 0);
    nodes.dispatch.receive(command('start'));
    const started = await reply;
    assert.equal(started.payload.state, 'running');
    assert.equal(started.payload.workInstructions.length, 2);
    const current = (await snapAfterStart).payload;
    assert.equal(current.workstation, 'WS-T1');
    assert.equal(current.current[0].operationKey, '0010');
    assert.deepEqual(events.map((m) => m.topic), ['operator.signed_on', 'operation.started']);
    assert.equal(events[1].payload.payload.material, 'FG-100');
  });

  it("an order event releases only that order's operations; a refresh releases every pending one", async () => {
    const file = tempDbFile();
    const nodes = await loadStarted(file);
    const queued = collect(nodes.events);
    await seed(file, [plainOrder({ orderId: 'PO-A' }), plainOrder({ orderId: 'PO-B' })]);
    const released = (topic, payload, workstations) => {
      const snapshots = snapshotsOf(nodes.snapshots, workstations);
      nodes.dispatch.receive({ topic, payload });
      return snapshots;
    };
    await released('order.received', { orderId: 'PO-B' }, ['WS-T1', 'WS-T2', 'WS-A1']);
    assert.deepEqual([...new Set(queued.map((m) => m.payload.orderId))], ['PO-B'], 'PO-A stays pending: its event has not come');
    await released('refresh', {}, ALL_WORKSTATIONS);
    assert.deepEqual([...new Set(queued.map((m) => m.payload.orderId))], ['PO-B', 'PO-A'], 'a refresh releases it');
  });

  it('warns once for a work center the plant model does not have, not once per operation', async () => {
    const file = tempDbFile();
    const nodes = await loadStarted(file);
    const foreign = (orderId) => {
      const order = plainOrder({ orderId });
      order.operations.forEach((op) => { op.workCenter = 'WC-OTHER-LINE'; });
      return order;
    };
    await seed(file, [foreign('PO-X1'), foreign('PO-X2'), foreign('PO-X3')]);
    const warnings = [];
    const warn = nodes.dispatch.warn.bind(nodes.dispatch);
    nodes.dispatch.warn = (text) => { warnings.push(String(text)); warn(text); };
    for (const orderId of ['PO-X1', 'PO-X2', 'PO-X3']) {
      const snapshot = snapshotsOf(nodes.snapshots, ALL_WORKSTATIONS);
      nodes.dispatch.receive({ topic: 'refresh', payload: { orderId } });
      await snapshot;
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /unknownWorkCenter|WC-OTHER-LINE/); // the test runtime shows message keys
  });

  it('bad input reaches the Catch node with the rule, changes nothing, and the node keeps running', async () => {
    const file = tempDbFile();
    await seed(file, [plainOrder()]);
    const nodes = await load(file);
    const events = collect(nodes.events);
    const replies = collect(nodes.replies);
    let caught = next(nodes.caught);
    nodes.dispatch.receive(command('start', { workstation: 'WS-NOPE' }));
    let err = await caught;
    assert.match(err.error.message, /workstation: workstation 'WS-NOPE' is not in the plant model \[rule: unknownWorkstation\]/);
    caught = next(nodes.caught);
    nodes.dispatch.receive(command('report', { goodQuantity: -3 }));
    err = await caught;
    assert.match(err.error.message, /goodQuantity: must be >= 0 \[rule: minimum\]/);
    caught = next(nodes.caught);
    nodes.dispatch.receive({ topic: 'launch', payload: {} });
    err = await caught;
    assert.match(err.error.message, /topic: 'launch' is not a dispatch command/);
    caught = next(nodes.caught);
    nodes.dispatch.receive(command('start', { operator: 'op-ghost' }));
    err = await caught;
    assert.match(err.error.message, /not signed on at workstation WS-T1 \[rule: operatorNotSignedOn\]/);
    const dispose = (disposition) => ({ topic: 'dispose', payload: { commandId: `node-dispose-${disposition}`, eventTime: '2026-11-25T08:00:00Z', orderId: 'PO-1000', operationKey: '0010', supervisor: 'sup-bo', checkId: 'QC-D', disposition, reason: 'x' } });
    caught = next(nodes.caught);
    nodes.dispatch.receive(dispose('bin it'));
    err = await caught;
    assert.match(err.error.message, /disposition: .*\[rule: enum\]/);
    caught = next(nodes.caught);
    nodes.dispatch.receive(dispose('scrap'));
    err = await caught;
    assert.match(err.error.message, /checkId: .*no open nonconformance on check 'QC-D' \[rule: noOpenNonconformance\]/);
    assert.equal(replies.length, 0);
    assert.deepEqual(events.filter((m) => m.topic !== 'operation.queued'), []);

    const reply = next(nodes.replies);
    nodes.dispatch.receive(command('sign-on'));
    assert.equal((await reply).payload.command, 'sign-on');
  });

  it('a repeated command id is answered again without a second event', async () => {
    const file = tempDbFile();
    const nodes = await load(file);
    const events = collect(nodes.events);
    const signOn = command('sign-on');
    const resent = { topic: signOn.topic, payload: { ...signOn.payload } };
    let reply = next(nodes.replies);
    nodes.dispatch.receive(signOn);
    const first = await reply;
    reply = next(nodes.replies);
    nodes.dispatch.receive(resent);
    const second = await reply;
    assert.equal(second.payload.duplicate, true);
    assert.deepEqual(second.payload.events, first.payload.events);
    assert.equal(events.filter((m) => m.topic === 'operator.signed_on').length, 1);
  });

  it('answers a snapshot request for one or all workstations', async () => {
    const nodes = await load(tempDbFile());
    const snaps = collect(nodes.snapshots);
    const done = new Promise((resolve) => nodes.snapshots.on('input', () => { if (snaps.length === 4) resolve(); }));
    nodes.dispatch.receive({ topic: 'snapshot' });
    await done;
    assert.deepEqual(snaps.map((m) => m.topic), ['WS-T1', 'WS-T2', 'WS-T3', 'WS-A1']);
    assert.deepEqual(snaps[3].payload.workCenters, ['WC-ASSY']);
  });

  it('an invalid plant model is reported on deploy and every command is refused with its broken rules', async () => {
    const plant = plantConfig();
    plant.workstations[1].id = 'WS-T1';
    const nodes = await load(tempDbFile(), plant);
    const caught = next(nodes.caught);
    nodes.dispatch.receive(command('sign-on'));
    const err = await caught;
    assert.match(err.error.message, /workstations\[1\]\.id: workstation 'WS-T1' is defined twice/);
  });
  describe('machine counts', () => {
    const T = (seconds) => new Date(Date.parse('2026-11-25T08:00:00Z') + seconds * 1000).toISOString();
    const signal = (payload) => ({ topic: 'signal', payload: { workstation: 'WS-T1', ...payload } });
    /** A read-only look at the database the flow writes. */
    const query = (file, sql) => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(sql).all();
      } finally {
        db.close();
      }
    };

    /** A flow with the order's first operation running at WS-T1. */
    async function running(plant) {
      const file = tempDbFile();
      await seed(file, [plainOrder()]);
      const loading = load(file, plant);
      const nodes = await loading;
      await until(nodes.snapshots, (m) => m.topic === 'WS-T1' && m.payload.queue.length > 0);
      for (const topic of ['sign-on', 'start']) {
        const reply = next(nodes.replies);
        nodes.dispatch.receive(command(topic, { eventTime: T(0) }));
        await reply;
      }
      return { ...nodes, file };
    }

    it("counter signals become the running operation's good and scrap: quantity.reported on output 1, in the store and the snapshot", async () => {
      const nodes = await running(countingPlant('automatic'));
      const reported = until(nodes.events, (m) => m.topic === 'quantity.reported');
      const snapshot = until(nodes.snapshots, (m) => m.topic === 'WS-T1' && m.payload.current[0]?.goodQuantity === 8);
      let finished = 0;
      const bothFinished = until(nodes.completed, (m) => m.topic === 'signal' && ++finished === 2);
      nodes.dispatch.receive(signal({ time: T(1), good: 100, reject: 5, state: 'running' }));
      nodes.dispatch.receive(signal({ time: T(2), good: 108, reject: 7 }));
      const event = (await reported).payload;
      assert.equal(event.actor, 'machine:WS-T1');
      assert.deepEqual([event.payload.source, event.payload.goodQuantity, event.payload.scrapQuantity, event.payload.scrapReason], ['machine', 8, 2, 'machine reject']);
      assert.deepEqual(query(nodes.file, "SELECT good_quantity, scrap_quantity FROM operations WHERE operation_key = '0010'"), [{ good_quantity: 8, scrap_quantity: 2 }]);
      assert.equal((await snapshot).payload.current[0].scrapQuantity, 2);
      await bothFinished; // each signal finishes (done) after its commit
    });

    it("the node's timer closes a quiet machine's batch", async () => {
      const nodes = await running(countingPlant('automatic', {}, { units: 1000, seconds: 0.2 }));
      const reported = until(nodes.events, (m) => m.topic === 'quantity.reported');
      nodes.dispatch.receive(signal({ time: T(1), good: 0, reject: 0 }));
      nodes.dispatch.receive(signal({ time: T(2), good: 3, reject: 0 }));
      assert.equal((await reported).payload.payload.goodQuantity, 3);
    });

    it('signals without counts and counts of a manual workstation finish at once and change nothing; garbled ones reach Catch', async () => {
      const plant = countingPlant('automatic');
      plant.workstations[1].counting = 'manual'; // WS-T2
      const nodes = await running(plant);
      let probes = 0;
      const finished = (msg) => {
        probes += 1;
        const probe = probes;
        const completion = until(nodes.completed, (m) => m.probe === probe);
        nodes.dispatch.receive({ ...msg, probe });
        return completion;
      };
      await finished(signal({ time: T(1), good: 5, reject: 0 }));
      assert.deepEqual(query(nodes.file, 'SELECT workstation, good_reading FROM dispatch_counters'), [{ workstation: 'WS-T1', good_reading: 5 }], 'automatic WS-T1 keeps its counter');
      await finished(signal({ workstation: 'WS-T2', time: T(1), good: 5, reject: 0 }));
      await finished(signal({ time: T(2), state: 'stopped', faultCode: 12 }));
      assert.deepEqual(query(nodes.file, 'SELECT workstation, good_reading FROM dispatch_counters'), [{ workstation: 'WS-T1', good_reading: 5 }], 'manual WS-T2 and a state change stored nothing');

      let caught = next(nodes.caught);
      nodes.dispatch.receive(signal({ time: T(3), good: -1 }));
      assert.match((await caught).error.message, /payload\.good: must be >= 0 \[rule: minimum\]/);
      caught = next(nodes.caught);
      nodes.dispatch.receive(signal({ workstation: 'WS-NOPE', time: T(3), good: 1 }));
      assert.match((await caught).error.message, /payload\.workstation: workstation 'WS-NOPE' is not in the plant model \[rule: unknownWorkstation\]/);
      caught = next(nodes.caught);
      nodes.dispatch.receive(signal({ time: T(3), good: 'many' }));
      assert.match((await caught).error.message, /payload\.good: must be number \[rule: type\]/);
      assert.deepEqual(query(nodes.file, 'SELECT good_reading FROM dispatch_counters'), [{ good_reading: 5 }]);
    });

    it('refused counts reach Catch with the rule and their quantity.refused event; the status turns red', async () => {
      const nodes = await running(countingPlant('automatic', {}, { units: 1, seconds: 30 }));
      const reply = next(nodes.replies);
      nodes.dispatch.receive(command('pause', { eventTime: T(1), reasonCode: 'BREAK' }));
      await reply;
      const caught = next(nodes.caught);
      const refusedEvent = until(nodes.events, (m) => m.topic === 'quantity.refused');
      nodes.dispatch.receive(signal({ time: T(2), good: 0, reject: 0 }));
      nodes.dispatch.receive(signal({ time: T(3), good: 2, reject: 0 }));
      const alert = await caught;
      assert.equal(alert.topic, 'quantity.refused');
      assert.match(alert.error.message, /machine counts of WS-T1 refused: cannot report quantities on operation PO-1000\/0010: it is paused.*\[rule: stateTransition\]/);
      assert.deepEqual([alert.payload.payload.rule, alert.payload.payload.good], ['stateTransition', 2]);
      assert.equal((await refusedEvent).payload.eventId, alert.payload.eventId);
      assert.ok(nodes.dispatch.status.args.some(([s]) => s.fill === 'red' && s.text === 'counts refused: stateTransition'));
      assert.deepEqual(query(nodes.file, "SELECT good_quantity FROM operations WHERE operation_key = '0010'"), [{ good_quantity: 0 }]);
    });
  });
});
