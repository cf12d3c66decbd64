// The plant application adapts to the plant in the editor: a workstation added to the plant model
// only (deployed through the admin API, as the editor does) is subscribed over OPC UA, gets a
// queue, live OEE and, with automatic counting, its PLC counter becomes the operation's actuals:
// order progress, OEE and the ERP's yield agree. In plant mode without an ERP URL, actuals wait,
// and go exactly once when the URL is set and deployed.
const assert = require('node:assert/strict');
const mqtt = require('mqtt');
const { startRuntime } = require('../support/runtime');
const { startBroker } = require('../support/mqtt-broker');
const { startTestPlc } = require('../support/opcua-plc');
const { MockErp } = require('../support/mock-erp');
const { validOrder } = require('../support/orders');
const { deployWith, getFlows, deploy, plantOf } = require('../support/flows');
const { waitFor } = require('../support/plant');

const TOKEN = 'plant-model-token';
const LINE = 'demo-site/assembly/line-1';
const ALWAYS = [{ name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' }];

/** An order with one operation at the work center of `workstation`. */
function orderAt(orderId, workstation, planned) {
  return {
    ...validOrder({ orderId }),
    quantity: { value: planned, unit: 'PCE' },
    operations: [{ key: '0010', sequence: 10, description: `step at ${workstation}`, workCenter: `WC-${workstation}`, allowedWorkstations: [workstation], plannedQuantity: { value: planned, unit: 'PCE' }, idealCycleTimeSeconds: 2 }],
    components: [],
  };
}

async function postOrder(runtime, order) {
  const res = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(order) });
  assert.equal(res.status, 201, await res.text());
}

/** Operator commands as the operator page sends them, into dispatch. */
function commands(taps, workstation, operator = 'anna') {
  let n = 0;
  return (type, fields = {}) => taps.send('link-in-dispatch', {
    topic: type,
    payload: { commandId: `test-${workstation}-${type}-${++n}-${Date.now()}`, eventTime: new Date().toISOString(), workstation, operator, ...fields },
  });
}

async function mqttFeed(url, topics) {
  const client = mqtt.connect(url, { reconnectPeriod: 500 });
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
  const received = [];
  client.on('message', (topic, body) => received.push({ topic, body: JSON.parse(body.toString()) }));
  for (const t of topics) await client.subscribeAsync(t, { qos: 1 });
  return { client, received };
}

describe('plant model: a fourth workstation added in the editor, driven over OPC UA', function () {
  this.timeout(180000);
  let broker;
  let plc;
  let erp;
  let runtime;
  let feed;
  let taps;

  before(async () => {
    broker = await startBroker();
    plc = await startTestPlc(['WS-10', 'WS-20', 'WS-30', 'WS-40']);
    erp = new MockErp();
    await erp.start();
    feed = await mqttFeed(broker.url, [`${LINE}/#`, 'demo-site/site/#', 'mes-test/#']);
    runtime = await startRuntime({
      env: { MES_MODE: 'plant', MES_API_TOKEN: TOKEN, MES_OPCUA_ENDPOINT: plc.endpoint, MES_MQTT_URL: broker.url, MES_ERP_URL: erp.url },
    });
    taps = await deployWith(runtime, {
      change(flows) {
        const plant = plantOf(flows);
        plant.workstations.push({ id: 'WS-40', name: 'Packing', area: 'assembly', line: 'line-1', workCenters: ['WC-WS-40'], idealCycleTimeSeconds: 2, signalSource: 'opcua', counting: 'automatic' });
        plant.shifts = ALWAYS;
        plant.countBatchUnits = 5;
      },
      taps: ['link-out-oee-snapshots', 'link-out-machine-table'],
      inlets: ['link-in-dispatch'],
    });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    if (feed) await feed.client.endAsync();
    await plc?.stop();
    await erp?.stop();
    await broker?.stop();
  });

  const events = (type, workstation) => feed.received.filter((m) => m.topic === `${LINE}/${workstation}/${type}`).map((m) => m.body);

  it('subscribes the new workstation\'s tags: its state and counters reach the machine table', async () => {
    // The state changes until the MES shows it: the test tap's MQTT client may connect after the first change.
    let flip = 0;
    const row = await waitFor(() => {
      const table = feed.received.filter((m) => m.topic === 'mes-test/link-out-machine-table').map((m) => m.body).pop();
      const seen = table && table.find((r) => r.workstation === 'WS-40' && r.state === 'running');
      if (!seen) plc.set('WS-40', 'state', ++flip % 2 ? 'running' : 'idle');
      return seen;
    }, 'WS-40 in the machine table', 150000);
    assert.equal(row.name, 'Packing');
    assert.equal(row.line, 'line-1');
  });

  it('queues an order at the new workstation', async () => {
    await postOrder(runtime, orderAt('PO-WS40', 'WS-40', 20));
    // Queued at a work center, not yet at a workstation: a site event.
    const queued = await waitFor(() => feed.received.find((m) => m.topic === 'demo-site/site/operation.queued' && m.body.orderId === 'PO-WS40'), 'operation.queued at WC-WS-40');
    assert.equal(queued.body.payload.workCenter, 'WC-WS-40');
  });

  it('turns the PLC counter into reported quantities; order progress, OEE and the ERP\'s yield agree', async () => {
    const command = commands(taps, 'WS-40');
    await command('sign-on');
    await command('start', { orderId: 'PO-WS40', operationKey: '0010' });
    await waitFor(() => events('operation.started', 'WS-40').find((e) => e.orderId === 'PO-WS40'), 'operation.started');
    // 12 good and 1 reject, one cycle at a time, as the PLC counts them.
    for (let good = 1; good <= 12; good++) {
      plc.set('WS-40', 'goodCount', good);
      if (good === 6) plc.set('WS-40', 'rejectCount', 1);
      await new Promise((r) => setTimeout(r, 150)); // one PLC cycle: the OPC UA sampling interval is 250 ms
    }
    const reported = () => events('quantity.reported', 'WS-40').filter((e) => e.orderId === 'PO-WS40');
    await waitFor(() => reported().reduce((sum, e) => sum + (e.payload.goodQuantity || 0), 0) >= 10, 'two batches of 5 reported', 60000).catch((err) => {
      // what the MES did with the counts instead, for whoever reads the failure
      const seen = feed.received.filter((m) => m.topic.startsWith(`${LINE}/WS-40/`)).map((m) => `${m.body.type} ${JSON.stringify(m.body.payload).slice(0, 160)}`);
      err.message += `\nWS-40 events: ${seen.join('\n')}`;
      throw err;
    });
    // The last counts have reached the MES (the machine table comes from the same signals) before the operator completes.
    await waitFor(() => {
      const table = feed.received.filter((m) => m.topic === 'mes-test/link-out-machine-table').map((m) => m.body).pop();
      return table && table.find((r) => r.workstation === 'WS-40' && r.goodCount === 12);
    }, 'the last count in the MES');
    // OEE counts the same units for the operation (its order window ends with the operation).
    const oee = await waitFor(() => feed.received.filter((m) => m.topic === 'mes-test/link-out-oee-snapshots' && m.body.workstation === 'WS-40' && m.body.order && m.body.order.orderId === 'PO-WS40')
      .map((m) => m.body).find((snap) => snap.order.counts.good === 12), 'an OEE snapshot of WS-40 with the 12 units of the order');
    assert.equal(oee.order.counts.reject, 1);
    await command('complete', { orderId: 'PO-WS40', operationKey: '0010', final: true });
    await waitFor(() => events('operation.completed', 'WS-40').find((e) => e.orderId === 'PO-WS40'), 'operation.completed');
    const good = reported().reduce((sum, e) => sum + (e.payload.goodQuantity || 0), 0);
    const scrap = reported().reduce((sum, e) => sum + (e.payload.scrapQuantity || 0), 0);
    assert.equal(good, 12, 'every good unit the PLC counted, the last ones flushed at completion');
    assert.equal(scrap, 1);
    assert.ok(reported().every((e) => e.payload.source === 'machine'));

    const status = await (await fetch(`${runtime.url}/mes/v1/orders/PO-WS40`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    assert.equal(status.operations[0].goodQuantity, 12);

    const yields = await waitFor(() => {
      const bodies = erp.requests.filter((r) => r.status < 300 && r.body && r.body.orderId === 'PO-WS40' && r.body.kind === 'yield');
      return bodies.reduce((sum, r) => sum + r.body.goodQuantity, 0) === 12 && bodies;
    }, 'the ERP to receive a yield of 12');
    assert.ok(yields.length >= 2);
  });
});

describe('plant mode without an ERP URL', function () {
  this.timeout(120000);
  let broker;
  let erp;
  let runtime;
  let taps;
  let feed;

  before(async () => {
    broker = await startBroker();
    erp = new MockErp();
    await erp.start();
    feed = await mqttFeed(broker.url, [`${LINE}/#`, 'demo-site/site/#', 'mes-test/#']);
    runtime = await startRuntime({ env: { MES_MODE: 'plant', MES_API_TOKEN: TOKEN, MES_MQTT_URL: broker.url, MES_ERP_URL: '' } });
    taps = await deployWith(runtime, { taps: ['link-out-outbox-metrics'], inlets: ['link-in-dispatch'] });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    if (feed) await feed.client.endAsync();
    await erp?.stop();
    await broker?.stop();
  });

  it('says so at start and runs no demo part', () => {
    assert.match(runtime.output(), /PLANT MODE/);
    assert.match(runtime.output(), /MES_ERP_URL is not set, so actuals wait/);
    assert.doesNotMatch(runtime.output(), /signing account demo-supervisor/, 'a plant has only the signing accounts it made');
  });

  it('keeps the actuals waiting, then delivers each once when the URL is set and deployed', async () => {
    await postOrder(runtime, orderAt('PO-WAIT', 'WS-20', 5));
    await waitFor(() => feed.received.find((m) => m.topic === 'demo-site/site/operation.queued' && m.body.orderId === 'PO-WAIT'), 'operation.queued');
    const command = commands(taps, 'WS-20');
    await command('sign-on');
    await command('start', { orderId: 'PO-WAIT', operationKey: '0010' });
    await command('report', { orderId: 'PO-WAIT', operationKey: '0010', goodQuantity: 5 });
    await command('complete', { orderId: 'PO-WAIT', operationKey: '0010', final: true });
    const waiting = await waitFor(() => {
      const m = feed.received.filter((r) => r.topic === 'mes-test/link-out-outbox-metrics').map((r) => r.body).pop();
      return m && m.noErp && m.queueDepth >= 2 && m;
    }, 'the outbox to hold the actuals');
    assert.equal(waiting.delivered, 0);
    assert.equal(erp.requests.length, 0, 'nothing reached any ERP');

    const { flows, rev } = await getFlows(runtime);
    flows.find((n) => n.id === 'outbox').url = erp.url;
    await deploy(runtime, flows, rev);
    await waitFor(() => erp.deliveredKeys().length >= waiting.queueDepth, 'every waiting actual delivered');
    const keys = erp.requests.filter((r) => r.status < 300).map((r) => r.key);
    assert.equal(new Set(keys).size, keys.length, 'each actual exactly once');
    assert.ok(keys.length >= waiting.queueDepth);
  });
});

