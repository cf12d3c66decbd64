const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const httpRequestNode = require('@node-red/nodes/core/network/21-httprequest.js');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const outboxNode = require('../../dist/nodes/mes-erp-outbox/mes-erp-outbox.js');
const orderInNode = require('../../dist/nodes/mes-erp-order-in/mes-erp-order-in.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { startMockErp } = require('../support/mock-erp');
const { addOrder, reportQuantities } = require('../support/actuals');
const { sapProductionOrder } = require('../support/erp-documents');

helper.init(require.resolve('node-red'));

function flow(dbFile, url, extra = {}) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'db', type: 'mes-store', path: dbFile, durability: 'full' },
    { id: 'outbox', type: 'mes-erp-outbox', z: 'tab', store: 'db', outboxName: 'erp', dialect: 'sap', url, concurrency: 2, backoffBaseSeconds: 0.02, backoffMaxSeconds: 0.2, requestTimeoutSeconds: 5, wires: [['request'], ['metrics']], ...extra },
    { id: 'request', type: 'http request', z: 'tab', method: 'use', ret: 'txt', url: '', wires: [['outbox']] },
    { id: 'metrics', type: 'helper', z: 'tab' },
    { id: 'catch-errors', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

describe('mes-erp-outbox node', function () {
  this.timeout(30000);
  let erp;
  let dbFile;

  beforeEach(async () => {
    erp = await startMockErp();
    dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-outbox-node-')), 'mes.db');
  });

  afterEach(async () => {
    await helper.unload();
    await erp.stop();
  });

  async function seed(count) {
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    try {
      await addOrder(store, 'PO-1');
      return await reportQuantities(store, ['PO-1'], count);
    } finally {
      store.close();
    }
  }

  it('sends SAP confirmations through the http request node and reports metrics', async () => {
    const events = await seed(3);
    await helper.load([storeNode, outboxNode, httpRequestNode, catchNode], flow(dbFile, erp.url));
    await erp.waitFor(() => erp.acknowledged.size === 3);
    assert.deepEqual(erp.deliveredKeys(), events.map((e) => e.eventId));
    const body = erp.requests[0].body;
    assert.equal(body.OrderID, '1000001');
    assert.equal(body.OrderOperation, '0010');
    assert.equal(body.ExternalSystemConfirmation, events[0].eventId);
    const metrics = helper.getNode('metrics');
    await new Promise((resolve, reject) => {
      metrics.on('input', (msg) => {
        try {
          if (msg.topic === 'metrics' && msg.payload.queueDepth === 0 && msg.payload.erpReachable === true) resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
  });

  it('gets the SAP CSRF token and session cookie through the http request node', async () => {
    await erp.stop();
    erp = await startMockErp(0, { csrf: true });
    const events = await seed(2);
    await helper.load([storeNode, outboxNode, httpRequestNode, catchNode], flow(dbFile, erp.url));
    await erp.waitFor(() => erp.acknowledged.size === 2);
    assert.equal(erp.csrfFetches, 1);
    assert.deepEqual(erp.deliveredKeys(), events.map((e) => e.eventId));
  });

  it('takes pause, resume, retry and discard commands, and reports bad ones to Catch nodes', async () => {
    const events = await seed(2);
    erp.override = (r) => (r.key === events[0].eventId ? 400 : undefined);
    await helper.load([storeNode, outboxNode, httpRequestNode, catchNode], flow(dbFile, erp.url));
    const outbox = helper.getNode('outbox');
    const metrics = helper.getNode('metrics');
    const caught = helper.getNode('caught');
    await erp.waitFor(() => erp.requests.length === 1);
    const reply = (topic) => new Promise((resolve) => {
      const listener = (msg) => {
        if (msg.topic === topic) {
          metrics.removeListener('input', listener);
          resolve(msg);
        }
      };
      metrics.on('input', listener);
    });
    let answer = reply('outbox.pause');
    outbox.receive({ topic: 'pause', payload: { actor: 'planner-1', reason: 'month end' } });
    assert.equal((await answer).payload.metrics.paused, true);
    const error = new Promise((resolve) => caught.on('input', resolve));
    outbox.receive({ topic: 'discard', payload: { eventId: events[0].eventId } });
    const bad = await error;
    assert.match(bad.error.message, /reason.*is required|actor.*is required/);
    answer = reply('outbox.discard');
    outbox.receive({ topic: 'discard', payload: { eventId: events[0].eventId, reason: 'posted by hand', actor: 'planner-1' } });
    assert.equal((await answer).payload.discarded, events[0].eventId);
    answer = reply('outbox.resume');
    outbox.receive({ topic: 'resume', payload: { actor: 'planner-1' } });
    await answer;
    await erp.waitFor(() => erp.acknowledged.size === 1);
    assert.deepEqual(erp.deliveredKeys(), [events[1].eventId]);
  });

  it('takes every MES event as a wake-up, event types with _ and - too, without a refusal', async () => {
    await helper.load([storeNode, outboxNode, httpRequestNode, catchNode], flow(dbFile, erp.url));
    const outbox = helper.getNode('outbox');
    const caught = [];
    // A bad command before and after the events: the outbox takes its input in order, so once the
    // refusal of the last is in, every event between has been taken, and any refusal of one would be too.
    const last = new Promise((resolve) => helper.getNode('caught').on('input', (msg) => {
      caught.push(msg.topic);
      if (msg.topic === 'bad-after') resolve();
    }));
    outbox.receive({ topic: 'bad-before', payload: {} });
    for (const topic of ['operator.signed_on', 'quantity.counter-reset', 'order.received']) outbox.receive({ topic, payload: { type: topic } });
    outbox.receive({ topic: 'bad-after', payload: {} });
    await last;
    assert.deepEqual(caught, ['bad-before', 'bad-after']);
  });
});

describe('mes-erp-order-in node', function () {
  afterEach(() => helper.unload());

  const orderInFlow = (dialect) => [
    { id: 'tab', type: 'tab' },
    { id: 'in', type: 'mes-erp-order-in', z: 'tab', dialect, wires: [['order'], ['reply']] },
    { id: 'order', type: 'helper', z: 'tab' },
    { id: 'reply', type: 'helper', z: 'tab' },
  ];

  it('turns an SAP production order into the canonical order and keeps msg.req for the intake', (done) => {
    helper.load([orderInNode], orderInFlow('sap'), () => {
      helper.getNode('order').on('input', (msg) => {
        try {
          assert.equal(msg.payload.orderId, '1000123');
          assert.equal(msg.payload.operations.length, 2);
          assert.deepEqual(msg.req, { method: 'POST' });
          done();
        } catch (err) {
          done(err);
        }
      });
      helper.getNode('in').receive({ payload: JSON.stringify({ d: sapProductionOrder() }), req: { method: 'POST' } });
    });
  });

  it('answers an incomplete document with a 400 field list on the reply output', (done) => {
    helper.load([orderInNode], orderInFlow('b2mml'), () => {
      helper.getNode('reply').on('input', (msg) => {
        try {
          assert.equal(msg.statusCode, 400);
          assert.equal(msg.payload.errors[0].rule, 'rootElement');
          done();
        } catch (err) {
          done(err);
        }
      });
      helper.getNode('in').receive({ payload: '<ProductionSchedule xmlns="http://www.mesa.org/xml/B2MML"/>' });
    });
  });
});

describe('ERP outbox example flows', function () {
  this.timeout(20000);
  afterEach(() => helper.unload());
  const debugNode = require('@node-red/nodes/core/common/21-debug.js');
  const injectNode = require('@node-red/nodes/core/common/20-inject.js');
  const commentNode = require('@node-red/nodes/core/common/90-comment.js');

  for (const dialect of ['sap', 'erpnext', 'b2mml']) {
    it(`examples/mes-erp-outbox-${dialect}.json deploys with only core nodes and ours`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-example-'));
      const flow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', `mes-erp-outbox-${dialect}.json`), 'utf8'))
        .map((n) => (n.type === 'mes-store' ? { ...n, path: path.join(dir, 'mes.db') } : n.z === '' ? { ...n, z: 'tab' } : n));
      await helper.load([storeNode, outboxNode, httpRequestNode, debugNode, injectNode, commentNode], [{ id: 'tab', type: 'tab' }, ...flow]);
      const outbox = helper.getNode(`${dialect}-outbox`);
      assert.ok(outbox, 'the outbox node started');
      assert.equal(outbox.type, 'mes-erp-outbox');
    });
  }
});

describe('ERP order in front of the order intake (examples/mes-erp-order-in.json)', function () {
  this.timeout(20000);
  const commentNode = require('@node-red/nodes/core/common/90-comment.js');
  const intakeNode = require('../../dist/nodes/mes-order-intake/mes-order-intake.js');
  const { b2mmlOperationsSchedule } = require('../support/erp-documents');
  let dbFile;

  afterEach(() => helper.unload());

  // The example's http in / http response are replaced by the messages they make and a helper node.
  async function load(dialect) {
    dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-order-in-')), 'mes.db');
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'mes-erp-order-in.json'), 'utf8'))
      .filter((n) => n.type !== 'http in')
      .map((n) => (n.type === 'mes-store' ? { ...n, path: dbFile }
        : n.type === 'http response' ? { id: n.id, type: 'helper', z: 'tab' }
          : n.type === 'mes-erp-order-in' ? { ...n, dialect, z: 'tab' } : { ...n, z: 'tab' }));
    await helper.load([storeNode, orderInNode, intakeNode, commentNode], [{ id: 'tab', type: 'tab' }, ...flow], { 'oi-intake': { token: 'example-token' } });
  }

  function post(body, contentType) {
    const reply = new Promise((resolve) => helper.getNode('oi-reply').once('input', resolve));
    const payload = Buffer.from(body);
    helper.getNode('oi-map').receive({
      req: { method: 'POST', path: '/mes/v1/sap/orders', params: {}, headers: { authorization: 'Bearer example-token', 'content-type': contentType, 'content-length': String(payload.length) } },
      res: {},
      payload,
    });
    return reply;
  }

  it('creates the order from an SAP A_ProductionOrder_2 as http in delivers it', async () => {
    await load('sap');
    const res = await post(JSON.stringify({ d: sapProductionOrder() }), 'application/json');
    assert.equal(res.statusCode, 201, JSON.stringify(res.payload));
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    try {
      const [received] = store.eventsOfOrder('1000123');
      assert.equal(received.type, 'order.received');
      assert.equal(received.payload.order.operations.length, 2);
    } finally {
      store.close();
    }
  });

  it('creates the order from a B2MML OperationsSchedule, and answers an incomplete one with 400', async () => {
    await load('b2mml');
    const ok = await post(b2mmlOperationsSchedule(), 'application/xml');
    assert.equal(ok.statusCode, 201, JSON.stringify(ok.payload));
    const bad = await post(b2mmlOperationsSchedule().replace(/<EndTime>[^<]*<\/EndTime>/, ''), 'application/xml');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.payload.errors.map((e) => e.field), ['OperationsSchedule.OperationsRequest.EndTime']);
  });
});
