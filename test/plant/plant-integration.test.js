// The shipped flows against the simulated PLC (a real OPC UA server) and a real MQTT broker (aedes,
// or mosquitto through MES_TEST_MQTT_URL): machine signals arrive through OPC UA subscriptions,
// the same tags over MQTT, MES events are published under ISA-95 topics, and the mock ERP
// switches up and down.
const assert = require('node:assert/strict');
const mqtt = require('mqtt');
const { startRuntime, freePort } = require('../support/runtime');
const { startBroker } = require('../support/mqtt-broker');
const { validOrder } = require('../support/orders');
const { ALWAYS_PLANNED, waitFor, flowContext } = require('../support/plant');

const TOKEN = 'plant-integration-token';
const LINE = 'demo-site/assembly/line-1';


function demoLineOrder(orderId) {
  const base = validOrder({ orderId });
  return {
    ...base,
    operations: ['WS-10', 'WS-20', 'WS-30'].map((ws, i) => ({
      key: `00${i + 1}0`, sequence: (i + 1) * 10, description: `step at ${ws}`, workCenter: `WC-${ws}`,
      allowedWorkstations: [ws], plannedQuantity: { value: 100, unit: 'PCE' }, idealCycleTimeSeconds: 4,
    })),
    components: [],
  };
}

/** The live machine table the flows keep (tab "Machine state"). */
const machineTable = (runtime) => flowContext(runtime, 'plant-tab-machine-state', 'machines');

describe('plant application: OPC UA simulator, MQTT broker, shipped flows', function () {
  this.timeout(120000);
  let broker;
  let runtime;
  let client;
  const received = [];

  before(async () => {
    broker = await startBroker();
    client = mqtt.connect(broker.url, { reconnectPeriod: 500 });
    await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
    await client.subscribeAsync(`${LINE}/#`, { qos: 1 });
    client.on('message', (topic, body) => received.push({ topic, body: JSON.parse(body.toString()) }));
    runtime = await startRuntime({
      env: {
        MES_API_TOKEN: TOKEN,
        MES_PLC_SIM: 'on',
        MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
        MES_MQTT_URL: broker.url,
        MES_MQTT_BROKER: 'off',
        MES_OEE_CALENDAR: ALWAYS_PLANNED,
      },
    });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    if (client) await client.endAsync();
    if (broker) await broker.stop();
  });

  const machines = () => machineTable(runtime);

  it('reads every workstation of the line through OPC UA subscriptions, with counters that advance', async () => {
    const first = await waitFor(async () => {
      const m = await machines();
      return m && ['WS-10', 'WS-20', 'WS-30'].every((ws) => m[ws] && m[ws].state && m[ws].goodCount !== undefined) && m;
    }, 'machine signals from the OPC UA server');
    for (const ws of ['WS-10', 'WS-20', 'WS-30']) {
      assert.equal(first[ws].source, 'opcua');
      assert.ok(['running', 'stopped', 'faulted'].includes(first[ws].state), `${ws} state ${first[ws].state}`);
      assert.equal(first[ws].running, first[ws].state === 'running');
      assert.ok(Date.parse(first[ws].updated) > Date.now() - 60000, 'source timestamps are the PLC time of the change');
    }
    const total = (m) => Object.values(m).reduce((sum, w) => sum + w.goodCount + w.rejectCount, 0);
    // A simulated fault lasts 60–240 s: allow for all three workstations down at once for a while.
    await waitFor(async () => total(await machines()) > total(first), 'the counters to advance', 150000);
  }).timeout(240000);

  it('carries the same tags over MQTT under site/area/line/workstation/plc/tag', async () => {
    const tag = await waitFor(() => received.find((m) => m.topic === `${LINE}/WS-20/plc/goodCount`), 'WS-20 goodCount on MQTT');
    assert.equal(typeof tag.body.value, 'number');
    assert.ok(!Number.isNaN(Date.parse(tag.body.timestamp)));
  });

  it('publishes an accepted order as an MES event on the ISA-95 topic of the line', async () => {
    const res = await fetch(`${runtime.url}/mes/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(demoLineOrder('PO-PLANT-1')),
    });
    assert.equal(res.status, 201, await res.text());
    const event = await waitFor(() => received.find((m) => m.topic === `${LINE}/line/order.received`), 'order.received on MQTT');
    assert.equal(event.body.orderId, 'PO-PLANT-1');
    assert.equal(event.body.type, 'order.received');
  });

  it('queues the order at the workstations and publishes the dispatch events too', async () => {
    const queued = () => received.filter((m) => m.topic === `${LINE}/line/operation.queued` && m.body.orderId === 'PO-PLANT-1');
    await waitFor(() => queued().length === 3, 'three operation.queued events on MQTT');
    assert.deepEqual(queued().map((m) => m.body.payload.workCenter).sort(), ['WC-WS-10', 'WC-WS-20', 'WC-WS-30']);
  });

  it('computes live OEE per workstation and line from the PLC signals, in event time', async () => {
    const rows = await waitFor(async () => {
      const table = await flowContext(runtime, 'plant-tab-oee', 'oeeRows');
      return table && ['WS-10', 'WS-20', 'WS-30', 'line line-1'].every((k) => table[k] && table[k].availability !== null) && table;
    }, 'OEE snapshots with planned time', 60000);
    for (const row of Object.values(rows)) {
      const product = (row.availability / 100) * (row.performance / 100) * (row.quality / 100) * 100;
      assert.ok(Math.abs(product - row.oee) < 0.2, `${row.subject}: A × P × Q = OEE (${product} vs ${row.oee})`);
    }
    const interval = await waitFor(() => received.find((m) => /\/WS-\d+\/oee\.interval$/.test(m.topic)), 'OEE intervals on MQTT', 60000);
    assert.equal(interval.body.type, 'oee.interval');
    assert.doesNotMatch(runtime.output(), /\[debug:log refused OEE input\]/, 'the OEE node accepted every signal');
  });

  it('runs a mock ERP that records by idempotency key and refuses with 503 while switched down', async () => {
    const post = (key) => fetch(`${runtime.url}/mock-erp/api/confirmations`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ yield: 5 }),
    });
    const state = (up) => fetch(`${runtime.url}/mock-erp/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ up }) });
    assert.equal((await state(false)).status, 200);
    const refused = await post('k-1');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    await state(true);
    assert.equal((await post('k-1')).status, 201);
    assert.equal((await post('k-1')).status, 201);
    const log = await (await fetch(`${runtime.url}/mock-erp/received`)).json();
    const mine = log.received.filter((r) => r.key === 'k-1');
    assert.deepEqual(mine.map((r) => r.duplicate), [false, true]);
  });
});

describe('plant application with MES_SIGNAL_SOURCE=mqtt', function () {
  this.timeout(120000);
  let broker;
  let runtime;
  before(async () => {
    broker = await startBroker();
    runtime = await startRuntime({
      env: {
        MES_PLC_SIM: 'on',
        MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
        MES_MQTT_URL: broker.url,
        MES_MQTT_BROKER: 'off',
        MES_SIGNAL_SOURCE: 'mqtt',
      },
    });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    if (broker) await broker.stop();
  });

  it('takes the machine signals from the mqtt in node instead of OPC UA', async () => {
    const table = await waitFor(async () => {
      const m = await machineTable(runtime);
      return m && ['WS-10', 'WS-20', 'WS-30'].every((ws) => m[ws] && m[ws].state) && m;
    }, 'machine signals over MQTT');
    for (const ws of ['WS-10', 'WS-20', 'WS-30']) assert.equal(table[ws].source, 'mqtt');
  });
});
