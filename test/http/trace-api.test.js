// The trace API through a real Node-RED runtime running the shipped flows (npm start's script),
// over real HTTP: what a quality engineer's tool or a recall spreadsheet sees.
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { startRuntime } = require('../support/runtime');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { buildTwoLevelGenealogy } = require('../genealogy/fixtures');

const TOKEN = 'trace-test-token';

describe('trace API over HTTP (shipped flow, real runtime)', function () {
  this.timeout(60000);
  let runtime;
  let reportedEventId;

  const get = (p, token = TOKEN) => fetch(`${runtime.url}/mes/v1/trace${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    // The database is filled before the start, as a plant's would be; one good-quantity report
    // is waiting for backflush, which the node must pick up from the log on its own.
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-trace-'));
    const store = MesStore.open(path.join(userDir, 'mes', 'mes.db'), { components: ALL_COMPONENTS });
    try {
      await buildTwoLevelGenealogy(store);
      const reported = await store.transact((s) => s.appendEvent({
        type: 'quantity.reported', orderId: 'PO-SUB', operationKey: '0020', workstation: 'WS-3', actor: 'op:cy',
        payload: { commandId: 'c1', shift: 'A', unit: 'PCE', goodQuantity: 100, scrapQuantity: 0, reworkQuantity: 0 },
      }));
      reportedEventId = reported.eventId;
    } finally {
      store.close();
    }
    runtime = await startRuntime({ userDir, env: { MES_API_TOKEN: TOKEN } });
  });
  after(async () => runtime && runtime.stop());

  it('refuses a missing or wrong token with 401', async () => {
    const missing = await get('/backward/FG-1', null);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate'), /Bearer/);
    assert.equal((await get('/backward/FG-1', 'guess')).status, 401);
  });

  it('traces backward as JSON: every input on every level', async () => {
    const res = await get('/backward/FG-1');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/json/);
    const body = await res.json();
    assert.deepEqual(body.lots.map((l) => l.lot).sort(), ['RM-L1', 'RM-L2', 'SUB-100-20261125-0001', 'SUB-A', 'SUB-A1', 'SUB-A2', 'SUB-X']);
    const rm = body.links.find((l) => l.from.id === 'RM-L1');
    assert.deepEqual([rm.level, rm.quantity, rm.unit, rm.orderId, rm.operationKey, rm.workstation, rm.actor], [3, 10, 'KG', 'PO-SUB', '0010', 'WS-1', 'op:ann']);
  });

  it('traces forward as CSV up to the finished lot', async () => {
    const res = await get('/forward/RM-L2?format=csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/csv/);
    assert.match(res.headers.get('content-disposition'), /trace-forward-RM-L2\.csv/);
    const lines = (await res.text()).trim().split('\r\n');
    assert.match(lines[0], /^level,relation,from_kind,from/);
    assert.ok(lines.some((line) => /,produced,order,PO-FG,,lot,FG-1,FG-100,120,PCE,/.test(line)));
  });

  it('reports a recall', async () => {
    const body = await (await get('/recall/SUB-X')).json();
    assert.deepEqual(body.finished.map((l) => l.lot), ['FG-1']);
    assert.deepEqual(body.orders.map((o) => o.orderId), ['PO-FG']);
  });

  it('answers an unknown lot with 404 and a bad format with 400, and keeps running', async () => {
    const unknown = await get('/backward/NOPE');
    assert.equal(unknown.status, 404);
    assert.deepEqual((await unknown.json()).errors.map((e) => e.rule), ['unknownLot']);
    const bad = await get('/backward/FG-1?format=xml');
    assert.equal(bad.status, 400);
    assert.equal((await get('/backward/FG-1')).status, 200);
  });

  it('backflushes a report that was waiting in the log when the runtime started', async () => {
    let screws;
    for (let attempt = 0; attempt < 100 && !screws; attempt += 1) {
      const body = await (await get('/backward/SUB-A')).json();
      screws = body.links.find((l) => l.from.id === 'SCREW-M4');
      if (!screws) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(screws, 'backflush consumption appears in the trace');
    assert.deepEqual([screws.from.kind, screws.quantity, screws.unit, screws.backflush, screws.workstation], ['material', 400, 'PCE', true, 'WS-3']);
    await runtime.stop();
    const store = MesStore.open(path.join(runtime.userDir, 'mes', 'mes.db'), { components: ALL_COMPONENTS });
    try {
      const consumed = store.readEvents(0, 1000, ['material.consumed']).filter((e) => e.payload.backflush);
      assert.deepEqual(consumed.map((e) => e.payload.sourceEventId), [reportedEventId]);
    } finally {
      store.close();
    }
  });
});
