// Deploys the running flows with changes, through the admin API as the editor does, and adds a
// test tab that taps link outs of the shipped flows (to MQTT topics mes-test/<name>) and lets a
// test send into their link ins over HTTP (POST /mes-test/<name>).
const assert = require('node:assert/strict');
const { adminUrl } = require('./runtime');

async function getFlows(runtime) {
  const res = await fetch(`${adminUrl(runtime)}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
  assert.equal(res.status, 200);
  return res.json();
}

async function deploy(runtime, flows, rev) {
  const before = (runtime.output().match(/Started flows/g) || []).length;
  const res = await fetch(`${adminUrl(runtime)}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify({ flows, rev }),
  }).catch((err) => {
    // Say what the runtime was doing when the deploy failed (exited? still starting?).
    err.message += ` (runtime exit code ${runtime.child?.exitCode}, signal ${runtime.child?.signalCode})\n${runtime.output().slice(-4000)}`;
    throw err;
  });
  assert.equal(res.status, 200, await res.text());
  const deadline = Date.now() + 30000;
  while ((runtime.output().match(/Started flows/g) || []).length <= before) {
    if (Date.now() > deadline) throw new Error(`the deployed flows did not start\n${runtime.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * @param {object} options
 * @param {(flows: object[]) => void} [options.change] edits the flows in place (the plant model, say)
 * @param {string[]} [options.taps] ids of link out nodes whose messages go to MQTT mes-test/<id>
 * @param {string[]} [options.inlets] ids of link in nodes that POST /mes-test/<id> feeds
 */
async function deployWith(runtime, { change, taps = [], inlets = [] }) {
  const { flows, rev } = await getFlows(runtime);
  change?.(flows);
  const byId = (id) => flows.find((n) => n.id === id);
  const tab = { id: 'mes-test-tab', type: 'tab', label: 'test taps', info: 'added by the tests' };
  const added = [tab];
  taps.forEach((id, i) => {
    const out = byId(id);
    const tapId = `mes-test-tap-${i}`;
    out.links.push(tapId);
    added.push({ id: tapId, type: 'link in', z: tab.id, links: [id], x: 100, y: 40 + i * 60, wires: [[`mes-test-mqtt-${i}`]] });
    added.push({ id: `mes-test-mqtt-${i}`, type: 'mqtt out', z: tab.id, topic: `mes-test/${id}`, qos: '1', retain: 'false', broker: 'mqtt-broker-plant', x: 300, y: 40 + i * 60, wires: [] });
  });
  inlets.forEach((id, i) => {
    const into = byId(id);
    const outId = `mes-test-inlet-${i}`;
    into.links.push(outId);
    added.push({ id: `mes-test-http-${i}`, type: 'http in', z: tab.id, url: `/mes-test/${id}`, method: 'post', upload: false, skipBodyParsing: false, swaggerDoc: '', x: 100, y: 400 + i * 60, wires: [[`mes-test-unwrap-${i}`, `mes-test-answer-${i}`]] });
    added.push({ id: `mes-test-unwrap-${i}`, type: 'change', z: tab.id, rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'payload.topic', tot: 'msg' }, { t: 'set', p: 'payload', pt: 'msg', to: 'payload.payload', tot: 'msg' }, { t: 'delete', p: 'req', pt: 'msg' }, { t: 'delete', p: 'res', pt: 'msg' }], x: 200, y: 400 + i * 60, wires: [[outId]] });
    added.push({ id: outId, type: 'link out', z: tab.id, mode: 'link', links: [id], x: 300, y: 400 + i * 60 });
    added.push({ id: `mes-test-answer-${i}`, type: 'http response', z: tab.id, statusCode: '202', headers: {}, x: 300, y: 430 + i * 60, wires: [] });
  });
  await deploy(runtime, [...flows, ...added], rev);
  return {
    /** Sends a message ({topic, payload, ...}) into the link in `id`. */
    async send(id, msg) {
      const res = await fetch(`${runtime.url}/mes-test/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg) });
      assert.equal(res.status, 202);
    },
  };
}

/** The shipped plant model's node in a flow list. */
const plantOf = (flows) => flows.find((n) => n.type === 'mes-plant');

module.exports = { getFlows, deploy, deployWith, plantOf };

/** A shift calendar with no gaps and no breaks, so that OEE has planned time whenever a test runs. */
const ALWAYS_PLANNED_SHIFTS = [{ name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' }];

/**
 * An MQTT client on the test broker that keeps what the taps and the unified namespace publish:
 * `machines()` the latest machine-table row per workstation, `oee()` the latest OEE snapshot per
 * workstation (and `line <id>`), `events(type, workstation)` the MES events of that topic.
 */
async function plantFeed(brokerUrl, line = 'demo-site/assembly/line-1') {
  const mqtt = require('mqtt');
  const client = mqtt.connect(brokerUrl, { reconnectPeriod: 500 });
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
  const received = [];
  const machines = {};
  const oee = {};
  client.on('message', (topic, body) => {
    const value = JSON.parse(body.toString());
    received.push({ topic, body: value });
    if (topic === 'mes-test/link-out-machine-table') for (const row of value) machines[row.workstation] = row;
    if (topic === 'mes-test/link-out-oee-snapshots') oee[value.scope === 'line' ? `line ${value.line}` : value.workstation] = value;
  });
  await client.subscribeAsync([`${line}/#`, 'demo-site/site/#', 'mes-test/#'], { qos: 1 });
  return {
    received,
    machines: () => machines,
    oee: () => oee,
    events: (type, workstation) => received.filter((m) => m.topic === (workstation ? `${line}/${workstation}/${type}` : `demo-site/site/${type}`)).map((m) => m.body),
    stop: () => client.endAsync(),
  };
}

module.exports.ALWAYS_PLANNED_SHIFTS = ALWAYS_PLANNED_SHIFTS;
module.exports.plantFeed = plantFeed;
