// The demo as `npm start` runs it: the simulated PLC line (a real OPC UA server serving the plant
// model's workstations, the same tags published over MQTT), the shipped flows, a real broker.
// Machine signals arrive through OPC UA subscriptions, or over MQTT for workstations whose source
// the plant model sets to MQTT; MES events go to the ISA-95 topics; the mock ERP (demo only)
// records by idempotency key and refuses while switched down.
const assert = require('node:assert/strict');
const { startRuntime, freePort } = require('../support/runtime');
const { startBroker } = require('../support/mqtt-broker');
const { validOrder } = require('../support/orders');
const { waitFor } = require('../support/plant');
const { deployWith, plantOf, plantFeed, ALWAYS_PLANNED_SHIFTS } = require('../support/flows');

const TOKEN = 'plant-integration-token';
const STATIONS = ['WS-10', 'WS-20', 'WS-30'];

function demoLineOrder(orderId) {
  return {
    ...validOrder({ orderId }),
    operations: STATIONS.map((ws, i) => ({
      key: `00${i + 1}0`, sequence: (i + 1) * 10, description: `step at ${ws}`, workCenter: `WC-${ws}`,
      allowedWorkstations: [ws], plannedQuantity: { value: 100, unit: 'PCE' }, idealCycleTimeSeconds: 4,
    })),
    components: [],
  };
}

describe('demo: simulated PLC over OPC UA, broker, shipped flows', function () {
  this.timeout(180000);
  let broker;
  let runtime;
  let feed;

  before(async () => {
    broker = await startBroker();
    feed = await plantFeed(broker.url);
    runtime = await startRuntime({
      env: { MES_API_TOKEN: TOKEN, MES_PLC_SIM: 'on', MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`, MES_MQTT_URL: broker.url, MES_MQTT_BROKER: 'off' },
    });
    await deployWith(runtime, { change: (flows) => { plantOf(flows).shifts = ALWAYS_PLANNED_SHIFTS; }, taps: ['link-out-machine-table', 'link-out-oee-snapshots'] });
  });
  afterEach(function () {
    if (this.currentTest.state === 'failed' && runtime) console.error(runtime.output().slice(-6000));
  });
  after(async () => {
    if (runtime) await runtime.stop();
    await feed?.stop();
    await broker?.stop();
  });

  it('says it runs the demo, with which parts', async () => {
    assert.match(runtime.output(), /DEMO MODE: a simulated PLC line/);
    // The simulator starts beside Node-RED (its first start makes its certificates first).
    await waitFor(() => /Simulated PLC line \(WS-10, WS-20, WS-30\) serving OPC UA/.test(runtime.output()), 'the simulated PLC of the plant model', 60000);
  });

  it('reads every workstation of the plant model through OPC UA subscriptions, with counters that advance', async () => {
    // The OPC UA client retries a refused connection with a backoff of up to 30 s (its
    // connectionStrategy), so a slow machine may see the first session late.
    const first = await waitFor(() => {
      const m = feed.machines();
      return STATIONS.every((ws) => m[ws] && m[ws].state && m[ws].goodCount !== null) && JSON.parse(JSON.stringify(m));
    }, 'machine signals from the OPC UA server', 150000);
    for (const ws of STATIONS) {
      assert.equal(first[ws].source, 'opcua');
      assert.ok(['running', 'stopped', 'faulted'].includes(first[ws].state), `${ws} state ${first[ws].state}`);
      assert.ok(Date.parse(first[ws].updated) > Date.now() - 120000, 'source timestamps are the PLC time of the change');
    }
    const total = (m) => STATIONS.reduce((sum, ws) => sum + m[ws].goodCount + m[ws].rejectCount, 0);
    // A simulated fault lasts 60–240 s: allow for all three workstations down at once for a while.
    await waitFor(() => total(feed.machines()) > total(first), 'the counters to advance', 150000);
  }).timeout(240000);

  it('carries the same tags over MQTT under site/area/line/workstation/plc/tag', async () => {
    const tag = await waitFor(() => feed.received.find((m) => m.topic === 'demo-site/assembly/line-1/WS-20/plc/goodCount'), 'WS-20 goodCount on MQTT');
    assert.equal(typeof tag.body.value, 'number');
    assert.ok(!Number.isNaN(Date.parse(tag.body.timestamp)));
  });

  it('publishes an accepted order on the ISA-95 topic of the site, and its queued operations on their workstations\'', async () => {
    const res = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(demoLineOrder('PO-PLANT-1')) });
    assert.equal(res.status, 201, await res.text());
    const event = await waitFor(() => feed.events('order.received').find((e) => e.orderId === 'PO-PLANT-1'), 'order.received on MQTT');
    assert.equal(event.type, 'order.received');
    // Queued at a work center, not yet at a workstation: site events.
    await waitFor(() => feed.events('operation.queued').filter((e) => e.orderId === 'PO-PLANT-1').length === 3, 'three operation.queued events');
    assert.deepEqual(feed.events('operation.queued').filter((e) => e.orderId === 'PO-PLANT-1').map((e) => e.payload.workCenter).sort(), STATIONS.map((ws) => `WC-${ws}`));
  });

  it('computes live OEE per workstation and line from the PLC signals, in event time', async () => {
    const snaps = await waitFor(() => {
      const o = feed.oee();
      return [...STATIONS, 'line line-1'].every((k) => o[k] && (o[k].shift || o[k].lastHour).availability !== null) && o;
    }, 'OEE snapshots with planned time', 90000);
    for (const [key, snap] of Object.entries(snaps)) {
      const w = snap.shift || snap.lastHour;
      if (w.oee === null) continue;
      assert.ok(Math.abs(w.availability * w.performance * w.quality - w.oee) < 1e-9, `${key}: A × P × Q = OEE`);
    }
    const interval = await waitFor(() => feed.received.find((m) => /\/WS-\d+\/oee\.interval$/.test(m.topic)), 'OEE intervals on MQTT', 90000);
    assert.equal(interval.body.type, 'oee.interval');
    assert.doesNotMatch(runtime.output(), /\[debug:log refused OEE input\]/, 'the OEE node accepted every signal');
  });

  it('runs the mock ERP, which records by idempotency key and refuses with 503 while switched down', async () => {
    const post = (key) => fetch(`${runtime.url}/mock-erp/api/confirmations`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ yield: 5 }) });
    const state = (up) => fetch(`${runtime.url}/mock-erp/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ up }) });
    assert.equal((await state(false)).status, 200);
    const refused = await post('k-1');
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get('retry-after'));
    assert.equal((await state(true)).status, 200);
    assert.equal((await post('k-1')).status, 201);
    assert.equal((await post('k-1')).status, 201);
    const log = await (await fetch(`${runtime.url}/mock-erp/received`)).json();
    assert.deepEqual(log.received.filter((r) => r.key === 'k-1').map((r) => r.duplicate), [false, true]);
  });
});

describe('demo with the workstations\' signal source set to MQTT in the plant model', function () {
  this.timeout(120000);
  let broker;
  let runtime;
  let feed;
  before(async () => {
    broker = await startBroker();
    feed = await plantFeed(broker.url);
    runtime = await startRuntime({ env: { MES_PLC_SIM: 'on', MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`, MES_MQTT_URL: broker.url, MES_MQTT_BROKER: 'off' } });
    await deployWith(runtime, {
      change: (flows) => { for (const ws of plantOf(flows).workstations) ws.signalSource = 'mqtt'; },
      taps: ['link-out-machine-table'],
    });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    await feed?.stop();
    await broker?.stop();
  });

  it('takes the machine signals from the mqtt in node, subscribed from the plant model', async () => {
    const table = await waitFor(() => {
      const m = feed.machines();
      return STATIONS.every((ws) => m[ws] && m[ws].state) && m;
    }, 'machine signals over MQTT', 60000);
    for (const ws of STATIONS) assert.equal(table[ws].source, 'mqtt');
  });
});
