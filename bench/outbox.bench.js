// ERP outbox: actuals per second delivered through Node-RED's http request node to a local mock
// ERP, side by side with a bare http request loop (same node, same concurrency, same body size,
// no outbox) in the same run; then peak memory of a process draining a large backlog
// (OUTBOX_BENCH_BACKLOG, default 1,000,000 actuals) from SQLite.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const httpRequestNode = require('@node-red/nodes/core/network/21-httprequest.js');
const functionNode = require('@node-red/nodes/core/function/10-function.js');
const storeNode = require('../dist/nodes/mes-store/mes-store.js');
const outboxNode = require('../dist/nodes/mes-erp-outbox/mes-erp-outbox.js');
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { startMockErp } = require('../test/support/mock-erp');
const { formatRate, mb } = require('./support');

const THROUGHPUT_ACTUALS = Number(process.env.OUTBOX_BENCH_N || 5000);
const BACKLOG = Number(process.env.OUTBOX_BENCH_BACKLOG || 1000000);
const CONCURRENCY = 8;
const ORDERS = 100;

function tempDb() {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-outbox-')), 'mes.db');
}

/** Appends `count` yield reports over ORDERS orders, 10,000 per transaction. */
async function fillLog(dbFile, count) {
  const store = MesStore.open(dbFile, { components: ALL_COMPONENTS, durability: 'normal' });
  const start = Date.parse('2026-11-25T06:00:00Z');
  for (let done = 0; done < count;) {
    const n = Math.min(10000, count - done);
    await store.transact((s) => {
      for (let i = done; i < done + n; i++) {
        s.appendEvent({
          type: 'quantity.reported', eventTime: new Date(start + i * 100).toISOString(), orderId: `PO-${i % ORDERS}`, operationKey: '0010', workstation: 'WS-T1', actor: 'op-7',
          payload: { commandId: `cmd-${i}`, shift: 'A', unit: 'PCE', goodQuantity: 1, scrapQuantity: 0, reworkQuantity: 0 },
        });
      }
    });
    done += n;
  }
  store.close();
}

async function timeUntil(erp, count) {
  const started = process.hrtime.bigint();
  await erp.waitFor(() => erp.acknowledgedCount >= count, 600000);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function outboxRun(erp, dbFile) {
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'db', type: 'mes-store', path: dbFile, durability: 'full' },
    { id: 'outbox', type: 'mes-erp-outbox', z: 'tab', store: 'db', outboxName: 'bench', dialect: 'canonical', url: erp.url, concurrency: CONCURRENCY, backoffBaseSeconds: 1, backoffMaxSeconds: 30, requestTimeoutSeconds: 30, wires: [['request'], []] },
    { id: 'request', type: 'http request', z: 'tab', method: 'use', ret: 'txt', url: '', wires: [['outbox']] },
  ];
  const timing = timeUntil(erp, THROUGHPUT_ACTUALS);
  await helper.load([storeNode, outboxNode, httpRequestNode], flow);
  const seconds = await timing;
  await helper.unload();
  return THROUGHPUT_ACTUALS / seconds;
}

async function bareLoopRun(erp, sampleBody) {
  // The same http request node fed by a function node keeping CONCURRENCY requests open.
  const loop = `
    const total = ${THROUGHPUT_ACTUALS};
    let sent = context.get('sent') || 0;
    const out = [];
    const wanted = msg.topic === 'start' ? ${CONCURRENCY} : 1;
    for (let i = 0; i < wanted && sent < total; i++, sent++) {
      out.push({ method: 'POST', url: ${JSON.stringify(`${erp.url}/actuals`)}, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'bare-' + sent }, payload: ${JSON.stringify(sampleBody)} });
    }
    context.set('sent', sent);
    return [out];`;
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'loop', type: 'function', z: 'tab', func: loop, outputs: 1, wires: [['request']] },
    { id: 'request', type: 'http request', z: 'tab', method: 'use', ret: 'txt', url: '', wires: [['loop']] },
  ];
  await helper.load([functionNode, httpRequestNode], flow);
  const timing = timeUntil(erp, THROUGHPUT_ACTUALS);
  helper.getNode('loop').receive({ topic: 'start' });
  const seconds = await timing;
  await helper.unload();
  return THROUGHPUT_ACTUALS / seconds;
}

function drainInChild(dbFile, url, expected) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'outbox-drain.js'), dbFile, url, String(expected)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`drain exited with ${code}`))));
  });
}

async function run() {
  helper.init(require.resolve('node-red'));
  const erp = await startMockErp(0, { record: false });
  try {
    const dbFile = tempDb();
    await fillLog(dbFile, THROUGHPUT_ACTUALS);
    const sampleStore = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    const { toCanonicalActual } = require('../dist/lib/erp');
    const sampleBody = toCanonicalActual(sampleStore.readEvents(0, 1)[0], undefined);
    sampleStore.close();

    const bare = await bareLoopRun(erp, sampleBody);
    erp.acknowledgedCount = 0;
    const outbox = await outboxRun(erp, dbFile);
    console.log(`delivery of ${THROUGHPUT_ACTUALS.toLocaleString('en-US')} actuals over ${ORDERS} orders, concurrency ${CONCURRENCY}, through the http request node:`);
    console.log(`  bare http request loop : ${formatRate(bare)}`);
    console.log(`  mes-erp-outbox         : ${formatRate(outbox)}  (${(outbox / bare).toFixed(2)} × the bare loop; goal ≥ 0.8 ×)`);

    const backlogDb = tempDb();
    const filling = Date.now();
    await fillLog(backlogDb, BACKLOG);
    console.log(`backlog of ${BACKLOG.toLocaleString('en-US')} actuals written in ${((Date.now() - filling) / 1000).toFixed(1)} s; draining it in a separate process…`);
    erp.acknowledgedCount = 0;
    const drain = await drainInChild(backlogDb, erp.url, BACKLOG);
    console.log(`  drained in ${drain.seconds.toFixed(1)} s (${formatRate(drain.delivered / drain.seconds)})`);
    console.log(`  peak RSS ${mb(drain.peakRss)}, peak heap ${mb(drain.peakHeap)} (goal < 300 MB)`);
    fs.rmSync(path.dirname(backlogDb), { recursive: true, force: true });
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  } finally {
    await erp.stop();
  }
}

module.exports = { run };
