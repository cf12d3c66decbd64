const assert = require('node:assert/strict');
const { ErpOutbox } = require('../../dist/lib/outbox');
const { dialectNamed } = require('../../dist/lib/erp');
const { openTempStore } = require('../support/store');
const { startMockErp } = require('../support/mock-erp');
const { httpTransport } = require('../support/transport');
const { addOrder, reportQuantities, keysPerOrder } = require('../support/actuals');

const FAST = { baseMs: 20, maxMs: 200 };

describe('ERP outbox delivery', function () {
  this.timeout(60000);
  let store;
  let erp;
  const outboxes = [];

  /** Requests each outbox handed to its transport, as the http request node would get them. */
  const sent = new Map();

  function newOutbox(options = {}) {
    const transport = httpTransport(() => outbox);
    const requests = [];
    const outbox = new ErpOutbox(store, {
      name: 'erp', dialect: dialectNamed('canonical'), baseUrl: erp.url, concurrency: 4, backoff: FAST,
      pollIntervalMs: 50, send: (request) => { requests.push(request); transport(request); }, ...options,
    });
    sent.set(outbox, requests);
    outboxes.push(outbox);
    return outbox;
  }

  function messages() {
    return store.db.prepare('SELECT * FROM outbox_messages ORDER BY seq').all();
  }

  beforeEach(async () => {
    store = openTempStore();
    erp = await startMockErp();
  });

  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    store.close();
    await erp.stop();
  });

  it('delivers every actual once, in log order per order, keyed by its event id in a header', async () => {
    await addOrder(store, 'PO-1');
    await addOrder(store, 'PO-2');
    const events = await reportQuantities(store, ['PO-1', 'PO-2'], 40);
    newOutbox().start();
    await erp.waitFor(() => erp.acknowledged.size === 40);
    assert.deepEqual([...erp.acknowledged.values()].filter((n) => n !== 1), []);
    for (const [orderId, keys] of keysPerOrder(events, erp.deliveredKeys())) {
      assert.deepEqual(keys, events.filter((e) => e.orderId === orderId).map((e) => e.eventId), `order of ${orderId}`);
    }
    const first = erp.requests[0];
    assert.equal(first.body.actualId, first.key);
    assert.equal(first.body.erpReference, '1000001');
    await erp.waitFor(() => messages().every((m) => m.state === 'delivered'));
  });

  it('keeps 1,000 actuals while the ERP is down and delivers each once, in order per order, when it is back', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => `PO-${i + 1}`);
    for (const id of orders) await addOrder(store, id);
    await erp.down();
    const outbox = newOutbox();
    outbox.start();
    const events = await reportQuantities(store, orders, 1000);
    // It has tried, found the ERP unreachable, and holds every actual.
    await erp.waitFor(() => outbox.metrics().erpReachable === false && outbox.metrics().queueDepth === 1000);
    assert.ok(sent.get(outbox).length > 0);
    assert.equal(outbox.metrics().delivered, 0);
    await erp.up();
    await erp.waitFor(() => erp.acknowledged.size === 1000, 40000);
    assert.deepEqual([...erp.acknowledged.values()].filter((n) => n !== 1), [], 'each actual acknowledged once');
    const perOrder = keysPerOrder(events, erp.deliveredKeys());
    for (const id of orders) {
      assert.deepEqual(perOrder.get(id), events.filter((e) => e.orderId === id).map((e) => e.eventId), `order of ${id}`);
    }
    await erp.waitFor(() => outbox.metrics().queueDepth === 0 && outbox.metrics().erpReachable === true);
  });

  it('retries 500 and 429 with the same key, waiting at least as long as Retry-After asks', async () => {
    await addOrder(store, 'PO-1');
    const [event] = await reportQuantities(store, ['PO-1'], 1);
    erp.set('429', { retryAfter: '1' });
    newOutbox().start();
    await erp.waitFor(() => erp.requests.length >= 1);
    erp.set('500');
    await erp.waitFor(() => erp.requests.length >= 2);
    erp.set('up');
    await erp.waitFor(() => erp.acknowledged.size === 1);
    assert.ok(erp.requests.every((r) => r.key === event.eventId));
    assert.ok(erp.requests[1].at - erp.requests[0].at >= 900, 'the retry after 429 waited for Retry-After');
    await erp.waitFor(() => messages()[0].state === 'delivered');
    const [message] = messages();
    assert.ok(message.attempts >= 3);
  });

  it('quarantines a refused actual with the ERP answer, holds back its order, and delivers it again on retry', async () => {
    await addOrder(store, 'PO-1');
    await addOrder(store, 'PO-2');
    const events = await reportQuantities(store, ['PO-1', 'PO-2'], 6);
    const refused = events[0];
    erp.override = (r) => (r.key === refused.eventId && !erp.allowRefused ? 400 : undefined);
    const outbox = newOutbox();
    outbox.start();
    await erp.waitFor(() => erp.acknowledged.size === 3);
    const po1 = events.filter((e) => e.orderId === 'PO-1').map((e) => e.eventId);
    assert.ok(po1.every((k) => !erp.acknowledged.has(k)), 'later actuals of the refused order wait');
    const quarantined = messages().find((m) => m.event_id === refused.eventId);
    assert.equal(quarantined.state, 'quarantined');
    assert.equal(quarantined.last_status, '400');
    assert.match(quarantined.response, /CO\/055/);
    assert.equal(outbox.metrics().quarantined, 1);
    assert.equal(store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'outbox.quarantined'").get().n, 1);

    erp.allowRefused = true;
    assert.equal(await outbox.retry({ eventId: refused.eventId }, 'planner-1'), 1);
    await erp.waitFor(() => erp.acknowledged.size === 6);
    assert.deepEqual(keysPerOrder(events, erp.deliveredKeys()).get('PO-1'), po1);
    const audit = store.db.prepare("SELECT actor, payload FROM events WHERE type = 'outbox.retried'").get();
    assert.equal(audit.actor, 'planner-1');
  });

  it('discards a quarantined actual with the reason and who decided, and lets its order flow again', async () => {
    await addOrder(store, 'PO-1');
    const events = await reportQuantities(store, ['PO-1'], 3);
    erp.override = (r) => (r.key === events[0].eventId ? 400 : undefined);
    const outbox = newOutbox();
    outbox.start();
    await erp.waitFor(() => erp.requests.length === 1);
    await erp.waitFor(() => outbox.metrics().quarantined === 1);
    await assert.rejects(outbox.discard(events[1].eventId, 'x', 'planner-1').then(() => outbox.discard(events[1].eventId, 'x', 'planner-1')), /already discarded/);
    await outbox.discard(events[0].eventId, 'booked by hand in CO11N', 'planner-1');
    await erp.waitFor(() => erp.acknowledged.size === 1);
    assert.deepEqual(erp.deliveredKeys(), [events[2].eventId]);
    const discarded = messages().find((m) => m.event_id === events[0].eventId);
    assert.equal(discarded.state, 'discarded');
    assert.equal(discarded.resolved_by, 'planner-1');
    assert.equal(discarded.reason, 'booked by hand in CO11N');
    const audit = store.db.prepare("SELECT actor, payload FROM events WHERE type = 'outbox.discarded' ORDER BY seq").all();
    assert.equal(audit.length, 2);
    assert.equal(JSON.parse(audit[1].payload).reason, 'booked by hand in CO11N');
    assert.equal(outbox.metrics().queueDepth, 0);
  });

  it('stays paused across a restart until resumed', async () => {
    await addOrder(store, 'PO-1');
    const first = newOutbox();
    first.start();
    await first.setPaused(true, 'planner-1', 'ERP maintenance');
    await reportQuantities(store, ['PO-1'], 3);
    await first.stop();
    const second = newOutbox();
    second.start();
    // The store commits units of work in the order they were submitted, and start() submits the
    // copy of the log at once: when this empty unit has committed, the outbox has the actuals and
    // has passed the point where it sends (synchronously, right after that copy commits).
    await store.transact(() => {});
    assert.deepEqual(sent.get(second), []);
    assert.equal(second.metrics().inFlight, 0);
    assert.equal(second.metrics().paused, true);
    assert.equal(second.metrics().queueDepth, 3);
    await second.setPaused(false, 'planner-1');
    await erp.waitFor(() => erp.acknowledged.size === 3);
  });

  it('resends what was in flight when stopped, with the same key, and loses nothing', async () => {
    await addOrder(store, 'PO-1');
    await addOrder(store, 'PO-2');
    const events = await reportQuantities(store, ['PO-1', 'PO-2'], 20);
    erp.set('slow', { delayMs: 100 });
    const first = newOutbox();
    first.start();
    await erp.waitFor(() => erp.requests.length >= 4);
    await first.stop();
    erp.set('up', { delayMs: 0 });
    newOutbox().start();
    await erp.waitFor(() => erp.acknowledged.size === 20);
    const known = new Set(events.map((e) => e.eventId));
    assert.ok(erp.requests.every((r) => known.has(r.key)), 'no request without a known key');
    for (const [orderId, keys] of keysPerOrder(events, erp.deliveredKeys())) {
      assert.deepEqual(keys, events.filter((e) => e.orderId === orderId).map((e) => e.eventId));
    }
  });

  it('marks actuals that the dialect does not book as skipped without blocking the order', async () => {
    const order = await addOrder(store, 'PO-1');
    await store.transact((s) => s.appendEvent({ type: 'operation.started', orderId: 'PO-1', operationKey: '0010', payload: { commandId: 'c1', shift: 'A', material: order.material, setup: false } }));
    await reportQuantities(store, ['PO-1'], 2);
    newOutbox({ dialect: dialectNamed('sap') }).start();
    await erp.waitFor(() => erp.acknowledged.size === 2);
    assert.deepEqual(messages().map((m) => m.state), ['skipped', 'delivered', 'delivered']);
    assert.equal(erp.requests[0].path, '/ProdnOrdConf2');
    assert.equal(erp.requests[0].body.ExternalSystemConfirmation, erp.requests[0].key);
  });

  it('fetches an SAP CSRF token when the gateway asks for one, and sends it with the session cookie', async () => {
    await erp.stop();
    erp = await startMockErp(0, { csrf: true });
    await addOrder(store, 'PO-1');
    const events = await reportQuantities(store, ['PO-1'], 3);
    newOutbox({ dialect: dialectNamed('sap') }).start();
    await erp.waitFor(() => erp.acknowledged.size === 3);
    assert.equal(erp.csrfFetches, 1);
    assert.equal(erp.requests[0].status, 403, 'the first try had no token');
    assert.deepEqual(erp.deliveredKeys(), events.map((e) => e.eventId));
    assert.ok(erp.requests.filter((r) => r.status === 201).every((r) => r.headers['x-csrf-token'] === 'token-1'));
    erp.csrfToken = 'expired';
    const more = await reportQuantities(store, ['PO-1'], 1);
    await erp.waitFor(() => erp.acknowledged.size === 4);
    assert.equal(erp.csrfFetches, 2, `an expired token is fetched again: ${erp.requests.map((r) => r.status + ':' + r.headers['x-csrf-token']).join(' ')}`);
    assert.deepEqual(erp.deliveredKeys().slice(-1), [more[0].eventId]);
    await erp.waitFor(() => messages().every((m) => m.state === 'delivered'));
  });

  it('confirms to SAP what the real dispatch core records: yield with scrap reason, then the final confirmation', async () => {
    const { createDispatch } = require('../support/dispatch');
    const { validOrder } = require('../support/orders');
    const order = validOrder();
    for (const op of order.operations) op.qualityChecks = [];
    const d = createDispatch(store);
    await d.submit(order);
    await d.release();
    await d.run('sign-on');
    await d.run('start');
    await d.run('report', { goodQuantity: 40, scrapQuantity: 2, scrapReason: 'CHIP' });
    await d.run('complete', { final: true });
    newOutbox({ dialect: dialectNamed('sap') }).start();
    await erp.waitFor(() => erp.acknowledged.size === 2);
    const [yieldConf, finalConf] = erp.requests.map((r) => r.body);
    assert.deepEqual([yieldConf.OrderID, yieldConf.OrderOperation, yieldConf.ConfirmationYieldQuantity, yieldConf.ConfirmationScrapQuantity, yieldConf.VarianceReasonCode, yieldConf.FinalConfirmationType],
      ['1000123', '0010', '40', '2', 'CHIP', '']);
    assert.deepEqual([finalConf.OrderOperation, finalConf.FinalConfirmationType, finalConf.IsFinalConfirmation], ['0010', 'X', true]);
    await erp.waitFor(() => messages().every((m) => m.state !== 'pending'));
    assert.deepEqual(messages().map((m) => [m.event_type, m.state]),
      [['operation.started', 'skipped'], ['quantity.reported', 'delivered'], ['operation.completed', 'delivered']]);
  });

  it('refuses a second outbox of the same name on one database', async () => {
    newOutbox().start();
    assert.throws(() => newOutbox().start(), /already running/);
  });
});
