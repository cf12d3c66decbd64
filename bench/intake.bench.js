// Orders accepted per second through the shipped HTTP flow (http in → mes-order-intake →
// http response, durable commits), side by side with a bare http in → http response echo on the
// same Node-RED, driven by the same load generator in the same run.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startRuntime } = require('../test/support/runtime');
const { validOrder } = require('../test/support/orders');
const { percentile, formatRate, ms } = require('./support');

const TOKEN = 'bench-token';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY) || 32;
const SECONDS = Number(process.env.BENCH_SECONDS) || 9;
const ROUNDS = 3;

function echoTab() {
  return [
    { id: 'bench-tab', type: 'tab', label: 'Bench echo' },
    { id: 'bench-echo-in', type: 'http in', z: 'bench-tab', url: '/bench/echo', method: 'post', upload: false, skipBodyParsing: false, x: 100, y: 100, wires: [['bench-echo-out']] },
    { id: 'bench-echo-out', type: 'http response', z: 'bench-tab', statusCode: '', headers: {}, x: 300, y: 100, wires: [] },
  ];
}

function post(agent, port, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, port, host: '127.0.0.1', path: urlPath, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${TOKEN}` },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed-loop load: CONCURRENCY clients, each sending the next request when the last one answered. */
async function load(port, urlPath, makeBody, expectStatus, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  let failures = 0;
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const body = makeBody(n++);
      const t0 = process.hrtime.bigint();
      const status = await post(agent, port, urlPath, body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (status !== expectStatus) failures += 1;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { latencies, elapsed, failures };
}

function combine(rounds) {
  const latencies = rounds.flatMap((r) => r.latencies);
  const elapsed = rounds.reduce((sum, r) => sum + r.elapsed, 0);
  return {
    rate: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
  };
}

async function run() {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-intake-'));
  const flowFile = path.join(userDir, 'bench-flows.json');
  const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'flows', 'flows.json'), 'utf8'));
  fs.writeFileSync(flowFile, JSON.stringify([...shipped, ...echoTab()]));
  const runtime = await startRuntime({ userDir, env: { MES_API_TOKEN: TOKEN, MES_FLOW_FILE: flowFile, MES_PLC_SIM: 'off' } });
  try {
    const template = JSON.stringify(validOrder({ orderId: '__ID__' }));
    const orderBody = (prefix) => (i) => template.replace('__ID__', `${prefix}-${i}`);
    // Warm-up of both paths (JIT, SQLite page cache), not counted.
    await load(runtime.port, '/bench/echo', orderBody('W'), 200, 1);
    await load(runtime.port, '/mes/v1/orders', orderBody('W'), 201, 1);
    // Alternating rounds, so that drift in machine load hits both paths alike.
    const echoRounds = [];
    const intakeRounds = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      echoRounds.push(await load(runtime.port, '/bench/echo', orderBody(`E${round}`), 200, SECONDS / ROUNDS));
      intakeRounds.push(await load(runtime.port, '/mes/v1/orders', orderBody(`B${round}`), 201, SECONDS / ROUNDS));
    }
    const echo = combine(echoRounds);
    const intake = combine(intakeRounds);
    console.log(`order intake benchmark: ${CONCURRENCY} concurrent keep-alive clients, ${SECONDS} s each in ${ROUNDS} alternating rounds, order body ${Buffer.byteLength(template)} bytes, durable (an fsync of the WAL per group commit, answered after it)`);
    console.log('| path | requests | rate | p50 | p99 | unexpected status |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(`| http in → http response (echo) | ${echo.count} | ${formatRate(echo.rate)} | ${ms(echo.p50)} | ${ms(echo.p99)} | ${echo.failures} |`);
    console.log(`| http in → mes-order-intake → http response (new orders, durable) | ${intake.count} | ${formatRate(intake.rate)} | ${ms(intake.p50)} | ${ms(intake.p99)} | ${intake.failures} |`);
    console.log(`intake / echo rate ratio: ${(intake.rate / echo.rate).toFixed(2)} (goal ≥ 0.50)`);
  } finally {
    await runtime.stop();
  }
}

module.exports = { run };
