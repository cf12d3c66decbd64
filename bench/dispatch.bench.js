// Operator commands per second through mes-dispatch (durable: one WAL fsync per
// group commit), beside a core change node passing the same msgs through, in the same run.
// Each command is a `report` of 1 good unit on a running operation; it is validated, decided in
// a store transaction, written as a quantity.reported event, and answered with snapshots.
// A second dispatch node, on its own store, counts the machine at WS-1 (automatic counting): the
// same commands there first look for a pending batch of machine counts to close. A third, with a
// Complete node (it would cost the command paths a msg each), takes machine counter signals
// (absolute, +1 each, finished when durable): the counting rate.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const { percentile, formatRate, ms } = require('./support');
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { submitOrder } = require('../dist/lib/orders');

helper.init(require.resolve('node-red'));

const COMMANDS = 6000;
const ROUNDS = 3;
const WINDOW = 200; // commands in flight at once, like many workstations sending together
const LATENCY_SAMPLES = 300;
const at = { x: 100, y: 100 };

const plant = {
  site: 'BENCH', timeZone: 'UTC', shifts: [{ name: 'early', start: '06:00' }],
  workstations: [{ id: 'WS-1', area: 'A', line: 'L', workCenters: ['WC-1'] }, { id: 'WS-2', area: 'A', line: 'L', workCenters: ['WC-2'] }],
};
const countingPlant = { ...plant, workstations: plant.workstations.map((ws) => (ws.id === 'WS-1' ? { ...ws, counting: 'automatic' } : ws)) };

const order = {
  orderId: 'BENCH-1', plant: 'BENCH', material: 'FG', quantity: { value: 1000000, unit: 'PCE' },
  scheduledStart: '2026-11-25T06:00:00Z', scheduledEnd: '2026-11-30T06:00:00Z',
  operations: [
    { key: '0010', sequence: 10, workCenter: 'WC-1', plannedQuantity: { value: 1000000, unit: 'PCE' } },
    { key: '0020', sequence: 20, workCenter: 'WC-2', plannedQuantity: { value: 1000000, unit: 'PCE' } },
  ],
};

let counter = 0;
function command(topic, extra = {}) {
  counter += 1;
  return {
    topic,
    payload: {
      commandId: `b-${counter}`, eventTime: new Date(Date.parse('2026-11-25T07:00:00Z') + counter).toISOString(),
      workstation: 'WS-1', operator: 'op', ...(topic === 'sign-on' ? {} : { orderId: 'BENCH-1', operationKey: '0010' }), ...extra,
    },
  };
}

/** Sends `count` msgs from `make`, keeping `window` in flight; resolves with elapsed ms and per-msg latencies. */
function drive(node, sink, count, window, make) {
  return new Promise((resolve, reject) => {
    const started = new Map();
    const latencies = [];
    let sent = 0;
    let received = 0;
    const t0 = process.hrtime.bigint();
    const sendOne = () => {
      const msg = make();
      msg.benchId = sent;
      started.set(sent, process.hrtime.bigint());
      sent += 1;
      node.receive(msg);
    };
    sink.on('input', (msg) => {
      latencies.push(Number(process.hrtime.bigint() - started.get(msg.benchId)) / 1e6);
      received += 1;
      if (received === count) resolve({ elapsedMs: Number(process.hrtime.bigint() - t0) / 1e6, latencies });
      else if (sent < count) sendOne();
    });
    node.on('call:error', (call) => reject(call.args[0]));
    for (let i = 0; i < Math.min(window, count); i++) sendOne();
  });
}

let reading = 0;
/** The next reading of WS-1's absolute good counter, 100 ms after the last (after the operation's start). */
function counterSignal() {
  reading += 1;
  return { topic: 'signal', payload: { workstation: 'WS-1', time: Date.parse('2026-11-25T08:00:00Z') + reading * 100, good: reading, reject: 0 } };
}

async function seededStore(dir, name) {
  const file = path.join(dir, name);
  const seedStore = MesStore.open(file, { components: ALL_COMPONENTS });
  await seedStore.transact((s) => submitOrder(s, order, 'bench'));
  seedStore.close();
  return file;
}

async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-dispatch-'));
  const file = await seededStore(dir, 'mes.db');
  const countingFile = await seededStore(dir, 'mes-counting.db');
  const signalsFile = await seededStore(dir, 'mes-signals.db');
  // Every path in one runtime: the dispatch nodes and a change node, each wired to a sink; a
  // Complete node tells when a signal is finished (durable), as signals get no reply.
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full' },
    { id: 'plant', type: 'mes-plant', ...plant },
    { id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [[], ['snapshots'], ['replies']] },
    { id: 'snapshots', type: 'helper', z: 'tab', ...at },
    { id: 'replies', type: 'helper', z: 'tab', ...at },
    { id: 'counting-store', type: 'mes-store', path: countingFile, durability: 'full' },
    { id: 'counting-plant', type: 'mes-plant', ...countingPlant },
    { id: 'counting', type: 'mes-dispatch', z: 'tab', store: 'counting-store', plant: 'counting-plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [[], ['snapshots'], ['counting-replies']] },
    { id: 'counting-replies', type: 'helper', z: 'tab', ...at },
    { id: 'signals-store', type: 'mes-store', path: signalsFile, durability: 'full' },
    { id: 'signals', type: 'mes-dispatch', z: 'tab', store: 'signals-store', plant: 'counting-plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [[], ['snapshots'], ['signals-replies']] },
    { id: 'signals-replies', type: 'helper', z: 'tab', ...at },
    { id: 'signal-done', type: 'complete', z: 'tab', scope: ['signals'], ...at, wires: [['signals-done']] },
    { id: 'signals-done', type: 'helper', z: 'tab', ...at },
    { id: 'change', type: 'change', z: 'tab', rules: [{ t: 'set', p: 'payload.accepted', pt: 'msg', to: 'true', tot: 'bool' }], ...at, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab', ...at },
  ];
  const nodes = ['mes-store', 'mes-plant', 'mes-dispatch'].map((n) => require(`../dist/nodes/${n}/${n}.js`));
  nodes.push(require('@node-red/nodes/core/function/15-change.js'), require('@node-red/nodes/core/common/24-complete.js'));
  await new Promise((resolve) => helper.startServer(resolve));
  // The helper wraps Node's log/status/send in recording spies; the runtime is measured without them.
  const prototype = helper._NodePrototype;
  const originals = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'].map((m) => [m, prototype[m]]);
  const results = { dispatch: [], passthrough: [], counting: [], signals: [] };
  try {
    await helper.load(nodes, flow);
    for (const [method, original] of originals) prototype[method] = original;
    const dispatch = helper.getNode('dispatch');
    const replies = helper.getNode('replies');
    const counting = helper.getNode('counting');
    const countingReplies = helper.getNode('counting-replies');
    const signals = helper.getNode('signals');
    const signalsReplies = helper.getNode('signals-replies');
    const signalsDone = helper.getNode('signals-done');
    const change = helper.getNode('change');
    const out = helper.getNode('out');
    const once = async (node, sink, msg) => {
      const reply = new Promise((resolve) => sink.once('input', resolve));
      node.receive(msg);
      await reply;
    };
    // The nodes queue the pending order when they start, before this first command commits.
    for (const [node, sink] of [[dispatch, replies], [counting, countingReplies], [signals, signalsReplies]]) {
      await once(node, sink, command('sign-on'));
      await once(node, sink, command('start'));
    }
    const report = () => command('report', { goodQuantity: 1 });
    const measure = async (node, sink, count, window, make = report) => {
      const result = await drive(node, sink, count, window, make);
      sink.removeAllListeners('input');
      return result;
    };
    results.passthroughSingle = await measure(change, out, LATENCY_SAMPLES, 1);
    results.dispatchSingle = await measure(dispatch, replies, LATENCY_SAMPLES, 1);
    results.countingSingle = await measure(counting, countingReplies, LATENCY_SAMPLES, 1);
    results.signalsSingle = await measure(signals, signalsDone, LATENCY_SAMPLES, 1, counterSignal);
    // Alternating rounds, so that drift in machine load hits every path alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      results.passthrough.push(await measure(change, out, COMMANDS / ROUNDS, WINDOW));
      results.dispatch.push(await measure(dispatch, replies, COMMANDS / ROUNDS, WINDOW));
      results.counting.push(await measure(counting, countingReplies, COMMANDS / ROUNDS, WINDOW));
      results.signals.push(await measure(signals, signalsDone, COMMANDS / ROUNDS, WINDOW, counterSignal));
    }
  } finally {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  }
  const totals = (dbFile) => {
    const check = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    const good = check.db.prepare("SELECT good_quantity FROM operations WHERE operation_key = '0010'").get().good_quantity;
    const reported = check.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'quantity.reported'").get().n;
    const pending = check.db.prepare("SELECT good FROM dispatch_counters WHERE workstation = 'WS-1'").get()?.good ?? 0;
    check.close();
    return { good, reported, pending };
  };
  const { good, reported } = totals(file);
  const counted = totals(signalsFile);
  const rate = (rounds) => (COMMANDS / rounds.reduce((sum, r) => sum + r.elapsedMs, 0)) * 1000;
  const row = (name, rounds, single) => console.log(`${name.padEnd(26)} ${formatRate(rate(rounds)).padStart(10)}   window ${WINDOW} p99 ${ms(percentile(rounds.flatMap((r) => r.latencies), 99)).padStart(10)}   one at a time p50 ${ms(percentile(single.latencies, 50))}, p99 ${ms(percentile(single.latencies, 99))}`);
  console.log(`${COMMANDS} report commands in ${ROUNDS} alternating rounds, ${WINDOW} in flight; ${LATENCY_SAMPLES} one at a time for latency; durable (an fsync of the WAL per group commit, answered after it)`);
  row('change node passthrough', results.passthrough, results.passthroughSingle);
  row('mes-dispatch (durable)', results.dispatch, results.dispatchSingle);
  row('  same, machine counting', results.counting, results.countingSingle);
  row('  counter signals', results.signals, results.signalsSingle);
  console.log(`dispatch / passthrough: ${(rate(results.dispatch) / rate(results.passthrough)).toFixed(2)}; with machine counting / without: ${(rate(results.counting) / rate(results.dispatch)).toFixed(2)}; signals / passthrough: ${(rate(results.signals) / rate(results.passthrough)).toFixed(2)}`);
  console.log(`check: ${reported} quantity.reported events, good quantity ${good} (expected ${COMMANDS + LATENCY_SAMPLES})`);
  // The first signal is the counter's baseline; the batch still open is pending.
  console.log(`check, signals: good quantity ${counted.good} + ${counted.pending} pending (expected ${reading - 1}: the first reading is the baseline)`);
}

module.exports = { run };
if (require.main === module) run().catch((err) => { console.error(err); process.exit(1); });
