// Node-RED killed with kill -9 in the middle of delivering, then restarted: nothing may be lost,
// and anything sent twice must carry the same idempotency key (the event id).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime } = require('../support/runtime');
const { startMockErp } = require('../support/mock-erp');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { addOrder, reportQuantities, keysPerOrder } = require('../support/actuals');

function outboxFlow() {
  return [
    { id: 'tab-erp', type: 'tab', label: 'ERP outbox' },
    { id: 'db', type: 'mes-store', path: '${MES_DB}', durability: 'full' },
    { id: 'outbox', type: 'mes-erp-outbox', z: 'tab-erp', store: 'db', outboxName: 'erp', dialect: 'canonical', url: '${MOCK_ERP_URL}', concurrency: 4, backoffBaseSeconds: 0.05, backoffMaxSeconds: 0.5, requestTimeoutSeconds: 10, x: 300, y: 100, wires: [['request'], []] },
    { id: 'request', type: 'http request', z: 'tab-erp', method: 'use', ret: 'txt', url: '', x: 500, y: 100, wires: [['outbox']] },
  ];
}

describe('ERP outbox across kill -9', function () {
  this.timeout(120000);
  let erp;
  let runtime;
  let store;

  afterEach(async () => {
    if (runtime) await runtime.kill();
    store?.close();
    await erp?.stop();
  });

  it('loses nothing and resends only with the same key after Node-RED is killed mid-delivery', async () => {
    erp = await startMockErp();
    erp.set('slow', { delayMs: 30 });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-outbox-crash-'));
    const flowFile = path.join(userDir, 'outbox-flow.json');
    fs.writeFileSync(flowFile, JSON.stringify(outboxFlow(), null, 2));
    const env = { MES_FLOW_FILE: flowFile, MOCK_ERP_URL: erp.url, MES_API_TOKEN: 'crash-test-token' };
    const dbFile = path.join(userDir, 'mes', 'mes.db');

    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    const orders = ['PO-1', 'PO-2', 'PO-3', 'PO-4', 'PO-5', 'PO-6'];
    for (const id of orders) await addOrder(store, id);
    const events = await reportQuantities(store, orders, 300);

    runtime = await startRuntime({ userDir, env });
    await erp.waitFor(() => erp.acknowledged.size >= 60, 60000);
    await runtime.kill();
    const beforeKill = erp.acknowledged.size;
    assert.ok(beforeKill < 300, 'the kill came in the middle of the delivery');

    // Production goes on while Node-RED is down.
    events.push(...await reportQuantities(store, orders, 60, Date.parse('2026-11-25T12:00:00Z')));
    erp.set('up', { delayMs: 0 });
    runtime = await startRuntime({ userDir, env });
    await erp.waitFor(() => erp.acknowledged.size === 360, 60000);

    const known = new Map(events.map((e) => [e.eventId, e]));
    assert.ok(erp.requests.every((r) => known.has(r.key)), 'every request carried the event id of an actual');
    for (const r of erp.requests) assert.equal(r.body.actualId, r.key, 'the body names the same actual as the key');
    const perOrder = keysPerOrder(events, erp.deliveredKeys());
    for (const id of orders) {
      assert.deepEqual(perOrder.get(id), events.filter((e) => e.orderId === id).map((e) => e.eventId), `order of ${id}`);
    }
    const duplicates = [...erp.acknowledged.values()].filter((n) => n > 1).length;
    // Per order at most the request in flight and the one acknowledged but not yet committed.
    assert.ok(duplicates <= 8, `at most two actuals per order in flight at the kill were sent twice (${duplicates})`);
  });
});
