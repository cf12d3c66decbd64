// `npm run bench plant`: start-up time and memory of `npm start` (the whole plant application:
// shipped flows, dashboards, simulated PLC over OPC UA, embedded MQTT broker, demo orders), side
// by side with the same Node-RED runtime running an empty flow file in the same run.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, repoRoot } = require('../test/support/runtime');
const { mb } = require('./support');

const SETTLE_MS = 30000;

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function measure(label, extraEnv, userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-plant-')), settleMs = SETTLE_MS) {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    MES_USER_DIR: userDir,
    MES_DB: path.join(userDir, 'mes', 'mes.db'),
    MES_API_TOKEN: 'bench-token',
    MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
    MES_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
    ...extraEnv,
  };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const sinceStart = () => Number(process.hrtime.bigint() - started) / 1e6;
  const flowsStarted = new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      if (/Started flows/.test(output)) resolve(sinceStart());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${label}: exited ${code}\n${output}`)));
  });
  const flowsMs = await flowsStarted;
  let pageMs = null;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/dashboard/supervisor`).catch(() => null);
    if (res && res.status === 200) { pageMs = sinceStart(); break; }
    if (res && res.status === 404) break; // no dashboard in this flow file
    await new Promise((r) => setTimeout(r, 50));
  }
  const rssAtStart = rssOf(child.pid);
  await new Promise((r) => setTimeout(r, settleMs));
  const rssSettled = rssOf(child.pid);
  const cpuTicks = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuSeconds = (Number(cpuTicks[11]) + Number(cpuTicks[12])) / 100;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return { label, flowsMs, pageMs, rssAtStart, rssSettled, cpuSeconds, db: env.MES_DB };
}

async function run() {
  const emptyFlows = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-empty-')), 'flows.json');
  fs.writeFileSync(emptyFlows, '[]');
  fs.writeFileSync(path.join(path.dirname(emptyFlows), 'flows_cred.json'), '{}');
  // A first start reads every module from disk; warm the file cache so that each measured start
  // pays the same for that.
  const warmUp = await measure('warm-up', { MES_FLOW_FILE: emptyFlows, MES_PLC_SIM: 'off', MES_MQTT_BROKER: 'off' }, undefined, 0);
  fs.rmSync(path.dirname(path.dirname(warmUp.db)), { recursive: true, force: true });
  const baseline = await measure('Node-RED, empty flow file', { MES_FLOW_FILE: emptyFlows, MES_PLC_SIM: 'off', MES_MQTT_BROKER: 'off' });
  const plant = await measure('npm start, first start', {});
  // again on the same user directory: certificates and database exist, as on every later start
  const again = await measure('npm start, later start', {}, path.dirname(path.dirname(plant.db)));
  console.log(`${'runtime'.padEnd(32)} ${'flows started'.padStart(14)} ${'dashboard up'.padStart(13)} ${'RSS at start'.padStart(13)} ${`RSS +${SETTLE_MS / 1000} s`.padStart(11)} ${`CPU s in ${SETTLE_MS / 1000} s+`.padStart(14)}`);
  for (const r of [baseline, plant, again]) {
    console.log(`${r.label.padEnd(32)} ${`${(r.flowsMs / 1000).toFixed(2)} s`.padStart(14)} ${(r.pageMs === null ? '—' : `${(r.pageMs / 1000).toFixed(2)} s`).padStart(13)} ${mb(r.rssAtStart).padStart(13)} ${mb(r.rssSettled).padStart(11)} ${r.cpuSeconds.toFixed(1).padStart(14)}`);
  }
  for (const r of [baseline, plant]) fs.rmSync(path.dirname(path.dirname(r.db)), { recursive: true, force: true });
  fs.rmSync(path.dirname(emptyFlows), { recursive: true, force: true });
  console.log('(times from spawning scripts/start.js; RSS of that one process, which also serves the simulated PLC and the broker; CPU = user+system seconds from spawn to the second RSS reading)');
}

module.exports = { run };
