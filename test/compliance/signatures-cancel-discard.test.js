// Electronic signatures on two more actions (#18): forcing the cancellation of a running order
// (order.force-cancel, through the order API) and discarding a quarantined actual (actual.discard,
// through the ERP outbox: its msg commands and the shop-floor API's port), with the real service.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const signaturesNode = require('../../dist/nodes/mes-signatures/mes-signatures.js');
const intakeNode = require('../../dist/nodes/mes-order-intake/mes-order-intake.js');
const outboxNode = require('../../dist/nodes/mes-erp-outbox/mes-erp-outbox.js');
const { openTempStore, tempDbFile } = require('../support/store');
const { validOrder } = require('../support/orders');
const { createDispatch } = require('../support/dispatch');
const { addOrder, reportQuantities } = require('../support/actuals');
const { quarantineActuals } = require('../support/quarantine');
const { createSignatures, addAccount, checkSignature } = require('../../dist/lib/compliance');
const { handleOrderApi } = require('../../dist/lib/orders');
const { ErpOutbox } = require('../../dist/lib/outbox');
const { dialectNamed } = require('../../dist/lib/erp');
const { LINE_HANDLERS } = require('../../dist/lib/api');
const { failure } = require('../../dist/lib/util/http');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { findServices } = require('../../dist/nodes/shared/services');

helper.init(require.resolve('node-red'));
const T0 = Date.parse('2026-11-25T07:00:00Z');
const ERP = 'erp-secret';
const SUPERVISOR = 'supervisor-secret';
const sign = (userId, password, meaning = 'approved') => ({ userId, password, meaning });

async function addAccounts(store) {
  await addAccount(store, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' }, 4);
  await addAccount(store, { userId: 'qa-cy', printedName: 'Cy Quality', roles: ['supervisor'], password: 'battery staple' }, 4);
  await addAccount(store, { userId: 'op-dee', printedName: 'Dee Operator', roles: ['operator'], password: 'dee secret' }, 4);
}

/** Nothing the store keeps (events, dispatch's and the outbox's records) holds the passwords. */
function assertNoPassword(store) {
  for (const table of ['events', 'dispatch_commands', 'outbox_messages']) {
    const rows = JSON.stringify(store.db.prepare(`SELECT * FROM ${table}`).all());
    for (const password of ['correct horse', 'battery staple', 'wrong password']) assert.ok(!rows.includes(password), `${table} holds a password`);
  }
}

const fieldsAndRules = (result) => result.response.body.errors.map((e) => [e.field, e.rule]);

describe('signatures wired into order intake: forcing the cancellation of a running order (order.force-cancel)', () => {
  let store;
  let config;
  const setup = async (signatureConfig) => {
    store = openTempStore({ now: () => new Date(T0) });
    await addAccounts(store);
    config = { token: ERP, supervisorToken: SUPERVISOR, maxBodyBytes: 64 * 1024, signatures: signatureConfig && createSignatures(signatureConfig) };
    const d = createDispatch(store);
    const order = validOrder();
    order.operations[0].qualityChecks = [];
    await d.submit(order);
    await d.submit(validOrder({ orderId: 'PO-2000' }));
    await d.release();
    await d.run('sign-on');
    await d.run('start');
  };
  afterEach(() => store.close());

  const cancel = (orderId, body, { token = SUPERVISOR, actor } = {}) => handleOrderApi(store, {
    method: 'POST', path: `/mes/v1/orders/${orderId}/cancel`, params: { orderId },
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(actor ? { 'x-mes-actor': actor } : {}) },
    body: JSON.stringify(body),
  }, config);
  const status = (orderId = 'PO-1000') => store.db.prepare('SELECT status FROM orders WHERE order_id = ?').get(orderId).status;
  const cancellations = () => store.readEvents(0, 1000, ['order.cancelled']).length;

  it('cancels with a verified signature: signedBy and meaning in order.cancelled, signature.recorded right after it, the password nowhere', async () => {
    await setup({ actions: ['order.force-cancel'] });
    assert.equal(status(), 'in_progress');
    const result = await cancel('PO-1000', { reason: 'tool broke', force: true, actor: 'sv-anna', signature: sign('sup-bo', 'correct horse') });
    assert.equal(result.response.statusCode, 200, JSON.stringify(result.response.body));
    const { event, signature } = result;
    assert.equal(event.type, 'order.cancelled');
    assert.equal(event.payload.forced, true);
    assert.deepEqual([event.payload.signedBy, event.payload.meaning], ['Bo Supervisor', 'approved']);
    assert.equal(signature.seq, event.seq + 1);
    assert.deepEqual([signature.type, signature.payload.action, signature.payload.signedSeq, signature.actor], ['signature.recorded', 'order.force-cancel', event.seq, 'sup-bo']);
    assert.equal(checkSignature(store, signature.seq).valid, true);
    assert.equal(status(), 'cancelled');
    assert.ok(!JSON.stringify(result.response.body).includes('correct horse'));
    assertNoPassword(store);
  });

  it('refuses a forced cancellation without the required signature or with a wrong password, and the order keeps running', async () => {
    await setup({ actions: ['order.force-cancel'] });
    const missing = await cancel('PO-1000', { reason: 'stop', force: true });
    assert.equal(missing.response.statusCode, 400);
    assert.deepEqual(fieldsAndRules(missing), [['signature', 'required']]);
    const wrong = await cancel('PO-1000', { reason: 'stop', force: true, signature: sign('sup-bo', 'wrong password') });
    assert.equal(wrong.response.statusCode, 400);
    assert.deepEqual(fieldsAndRules(wrong), [['signature.password', 'wrongPassword']]);
    const [failed] = store.readEvents(0, 1000, ['signature.failed']);
    assert.deepEqual([failed.payload.action, failed.payload.userId, failed.payload.rule], ['order.force-cancel', 'sup-bo', 'wrongPassword']);
    const operator = await cancel('PO-1000', { reason: 'stop', force: true, signature: sign('op-dee', 'dee secret') });
    assert.deepEqual(fieldsAndRules(operator), [['signature.userId', 'signerRole']]);
    assert.equal(status(), 'in_progress');
    assert.equal(cancellations(), 0);
    assert.equal(store.db.prepare("SELECT state FROM operations WHERE order_id = 'PO-1000' AND operation_key = '0010'").get().state, 'running');
    assertNoPassword(store);
  });

  it('with the two-person rule the signer is not the person who asks (actor, or X-MES-Actor)', async () => {
    await setup({ actions: ['order.force-cancel'], twoPerson: ['order.force-cancel'] });
    const byBody = await cancel('PO-1000', { reason: 'stop', force: true, actor: 'sup-bo', signature: sign('sup-bo', 'correct horse') });
    assert.deepEqual(fieldsAndRules(byBody), [['signature.userId', 'twoPersonRule']]);
    const byHeader = await cancel('PO-1000', { reason: 'stop', force: true, signature: sign('sup-bo', 'correct horse') }, { actor: 'sup-bo' });
    assert.deepEqual(fieldsAndRules(byHeader), [['signature.userId', 'twoPersonRule']]);
    assert.equal(status(), 'in_progress');
    const second = await cancel('PO-1000', { reason: 'stop', force: true, signature: sign('qa-cy', 'battery staple', 'reviewed') }, { actor: 'sup-bo' });
    assert.equal(second.response.statusCode, 200);
    assert.deepEqual([second.event.actor, second.signature.actor, second.event.payload.meaning], ['supervisor:sup-bo', 'qa-cy', 'reviewed']);
  });

  it('needs no signature where the plant does not require one, nor to cancel an order that has not started', async () => {
    await setup({ actions: ['hold.release'] });
    const forced = await cancel('PO-1000', { reason: 'stop', force: true });
    assert.equal(forced.response.statusCode, 200);
    assert.equal(forced.signature, undefined);
    assert.equal(forced.event.payload.signedBy, undefined);
    store.close();
    await setup({ actions: ['order.force-cancel'] });
    const notRunning = await cancel('PO-2000', { reason: 'customer withdrew' }, { token: ERP });
    assert.equal(notRunning.response.statusCode, 200);
    assert.deepEqual(notRunning.event.payload, { reason: 'customer withdrew', forced: false, operationsCancelled: ['0010', '0020'] });
  });

  it('binds a signature sent with a cancellation that needs none, rather than dropping it', async () => {
    await setup({ actions: [] });
    const result = await cancel('PO-2000', { reason: 'customer withdrew', signature: sign('sup-bo', 'correct horse', 'performed') }, { token: ERP });
    assert.equal(result.response.statusCode, 200);
    assert.equal(result.event.payload.meaning, 'performed');
    assert.equal(checkSignature(store, result.signature.seq).valid, true);
  });

  it('refuses a signature sent where no signature service is configured (signaturesUnavailable), and the order keeps running', async () => {
    await setup(undefined);
    const result = await cancel('PO-1000', { reason: 'stop', force: true, signature: sign('sup-bo', 'correct horse') });
    assert.equal(result.response.statusCode, 409);
    assert.deepEqual(result.response.body.conflicts.map((e) => [e.field, e.rule]), [['signature', 'signaturesUnavailable']]);
    assert.equal(status(), 'in_progress');
    assert.equal(store.readEvents(0, 1000, ['signature.failed', 'signature.recorded', 'order.cancelled']).length, 0);
  });

  it('refuses malformed signatures by field and rule before any check, changing and logging nothing', async () => {
    await setup({ actions: ['order.force-cancel'] });
    const before = store.lastSeq();
    const cases = [
      [{ ...sign('sup-bo', 'correct horse'), pin: '1234' }, 'signature.pin', 'additionalProperties'],
      [sign('sup-bo', 'correct horse', 'because'), 'signature.meaning', 'enum'],
      [{ userId: 'sup-bo', meaning: 'approved' }, 'signature.password', 'required'],
      [{ userId: '', password: 'correct horse', meaning: 'approved' }, 'signature.userId', 'minLength'],
      ['sup-bo', 'signature', 'type'],
    ];
    for (const [signature, field, rule] of cases) {
      const result = await cancel('PO-1000', { reason: 'stop', force: true, signature });
      assert.equal(result.response.statusCode, 400, JSON.stringify(signature));
      assert.ok(fieldsAndRules(result).some(([f, r]) => f === field && r === rule), `${JSON.stringify(signature)} → ${JSON.stringify(fieldsAndRules(result))}`);
    }
    assert.equal(store.lastSeq(), before);
    assert.equal(status(), 'in_progress');
  });
});

describe('signatures wired into the ERP outbox: discarding a quarantined actual (actual.discard)', () => {
  let store;
  let outbox;
  let eventId;
  const setup = async (signatureConfig) => {
    store = openTempStore({ now: () => new Date(T0) });
    await addAccounts(store);
    await addOrder(store, 'PO-1');
    await reportQuantities(store, ['PO-1'], 1);
    [{ eventId }] = await quarantineActuals(store);
    outbox = new ErpOutbox(store, {
      name: 'erp', dialect: dialectNamed('canonical'), baseUrl: 'http://erp.invalid', send: () => undefined,
      signatures: signatureConfig && createSignatures(signatureConfig),
    });
    outbox.start();
  };
  afterEach(async () => {
    await outbox.stop();
    store.close();
  });
  const quarantined = () => outbox.quarantine().map((m) => m.eventId);
  const refused = (promise, field, rule) => assert.rejects(promise, (err) => (err.errors || err.conflicts).some((e) => e.field === field && e.rule === rule));

  it('discards with a verified signature bound to outbox.discarded, recording signer and meaning, the password nowhere', async () => {
    await setup({ actions: ['actual.discard'] });
    await outbox.discard(eventId, 'booked by hand in the ERP', 'sup-bo', sign('sup-bo', 'correct horse'));
    const [discarded, signature] = store.readEvents(0, 1000, ['outbox.discarded', 'signature.recorded']);
    assert.deepEqual([discarded.payload.eventId, discarded.payload.signedBy, discarded.payload.meaning, discarded.actor], [eventId, 'Bo Supervisor', 'approved', 'sup-bo']);
    assert.equal(signature.seq, discarded.seq + 1);
    assert.deepEqual([signature.payload.action, signature.payload.signedSeq], ['actual.discard', discarded.seq]);
    assert.equal(checkSignature(store, signature.seq).valid, true);
    assert.deepEqual(quarantined(), []);
    assert.equal(outbox.metrics().quarantined, 0);
    assertNoPassword(store);
  });

  it('refuses a discard without the required signature or with a wrong password, and the actual stays quarantined', async () => {
    await setup({ actions: ['actual.discard'] });
    await refused(outbox.discard(eventId, 'x', 'sup-bo'), 'signature', 'required');
    await refused(outbox.discard(eventId, 'x', 'sup-bo', sign('sup-bo', 'wrong password')), 'signature.password', 'wrongPassword');
    await refused(outbox.discard(eventId, 'x', 'sup-bo', sign('ghost', 'correct horse')), 'signature.userId', 'unknownUser');
    assert.deepEqual(store.readEvents(0, 1000, ['signature.failed']).map((e) => [e.payload.action, e.payload.rule]), [['actual.discard', 'wrongPassword'], ['actual.discard', 'unknownUser']]);
    assert.deepEqual(quarantined(), [eventId]);
    assert.equal(outbox.metrics().quarantined, 1);
    assert.equal(store.readEvents(0, 1000, ['outbox.discarded']).length, 0);
    assertNoPassword(store);
  });

  it('with the two-person rule the signer is not the supervisor who discards', async () => {
    await setup({ actions: ['actual.discard'], twoPerson: ['actual.discard'] });
    await refused(outbox.discard(eventId, 'x', 'sup-bo', sign('sup-bo', 'correct horse')), 'signature.userId', 'twoPersonRule');
    assert.deepEqual(quarantined(), [eventId]);
    await outbox.discard(eventId, 'x', 'sup-bo', sign('qa-cy', 'battery staple', 'reviewed'));
    const [signature] = store.readEvents(0, 1000, ['signature.recorded']);
    assert.deepEqual([signature.actor, signature.payload.meaning], ['qa-cy', 'reviewed']);
  });

  it('needs no signature where the plant does not require one; one sent without a service is refused, not dropped', async () => {
    await setup(undefined);
    await refused(outbox.discard(eventId, 'x', 'sup-bo', sign('sup-bo', 'correct horse')), 'signature', 'signaturesUnavailable');
    assert.deepEqual(quarantined(), [eventId]);
    await outbox.discard(eventId, 'booked by hand', 'sup-bo');
    const [discarded] = store.readEvents(0, 1000, ['outbox.discarded']);
    assert.equal(discarded.payload.signedBy, undefined);
    assert.equal(store.readEvents(0, 1000, ['signature.recorded']).length, 0);
  });
});

describe('signatures in the nodes: mes-order-intake and mes-erp-outbox with a mes-signatures node', function () {
  this.timeout(30000);
  let dbFile;
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  beforeEach(() => { dbFile = tempDbFile(); });
  afterEach(() => helper.unload());

  const withStore = async (work) => {
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    try {
      return await work(store);
    } finally {
      store.close();
    }
  };
  const next = (node, topic) => new Promise((resolve) => {
    const listener = (msg) => {
      if (topic !== undefined && msg.topic !== topic) return;
      node.removeListener('input', listener);
      resolve(msg);
    };
    node.on('input', listener);
  });
  const signatures = (actions) => ({ id: 'sig', type: 'mes-signatures', version: 1, actions, twoPerson: [], maxFailures: 5, lockoutMinutes: 15, accountSource: 'store' });
  const common = (extra) => [
    { id: 'tab', type: 'tab' },
    { id: 'db', type: 'mes-store', path: dbFile, durability: 'full' },
    { id: 'events', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'reply', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'catch', type: 'catch', z: 'tab', scope: null, uncaught: false, x: 1, y: 1, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', x: 1, y: 1 },
    ...extra,
  ];

  describe('mes-order-intake', () => {
    const intake = (extra = {}) => ({ id: 'intake', type: 'mes-order-intake', z: 'tab', version: 1, store: 'db', maxBodyBytes: 65536, x: 1, y: 1, wires: [['events'], ['reply']], ...extra });
    const cancelMsg = (body) => ({
      req: { method: 'POST', path: '/mes/v1/orders/PO-1000/cancel', params: { orderId: 'PO-1000' }, headers: { authorization: `Bearer ${SUPERVISOR}`, 'content-type': 'application/json' } },
      res: {},
      payload: Buffer.from(JSON.stringify(body)),
    });
    const runningOrder = () => withStore(async (store) => {
      await addAccounts(store);
      const d = createDispatch(store);
      await d.submit(validOrder());
      await d.release();
      await d.run('sign-on');
      await d.run('start');
    });
    const credentials = { intake: { token: ERP, supervisorToken: SUPERVISOR } };

    it('sends order.cancelled and then its signature.recorded after a signed forced cancellation', async () => {
      await runningOrder();
      await helper.load([catchNode, storeNode, signaturesNode, intakeNode], common([signatures(['order.force-cancel']), intake({ signatures: 'sig' })]), credentials);
      const events = helper.getNode('events');
      const received = [];
      const both = new Promise((resolve) => events.on('input', (msg) => { received.push(msg); if (received.length === 2) resolve(); }));
      const reply = next(helper.getNode('reply'));
      helper.getNode('intake').receive(cancelMsg({ reason: 'tool broke', force: true, signature: sign('sup-bo', 'correct horse') }));
      assert.equal((await reply).statusCode, 200);
      await both;
      assert.deepEqual(received.map((m) => m.topic), ['order.cancelled', 'signature.recorded']);
      assert.equal(received[1].payload.payload.signedSeq, received[0].payload.seq);
      await withStore((store) => assert.equal(checkSignature(store, received[1].payload.seq).valid, true));
    });

    it('refuses a signature without a signatures node (409 signaturesUnavailable) through Catch, without the password, and keeps running', async () => {
      await runningOrder();
      await helper.load([catchNode, storeNode, intakeNode], common([intake()]), credentials);
      const caught = next(helper.getNode('caught'));
      const reply = next(helper.getNode('reply'));
      helper.getNode('intake').receive(cancelMsg({ reason: 'stop', force: true, signature: sign('sup-bo', 'correct horse') }));
      const answer = await reply;
      assert.equal(answer.statusCode, 409);
      assert.equal(answer.payload.conflicts[0].rule, 'signaturesUnavailable');
      const error = await caught;
      assert.match(error.error.message, /signaturesUnavailable/);
      assert.ok(!JSON.stringify(error).includes('correct horse'));
      const again = next(helper.getNode('reply'));
      helper.getNode('intake').receive(cancelMsg({ reason: 'stop', force: true }));
      assert.equal((await again).statusCode, 200, 'still running: an unsigned forced cancellation goes through');
    });

    it('stops with a clear error when its signatures node does not exist', async () => {
      await helper.load([catchNode, storeNode, intakeNode], common([intake({ signatures: 'missing' })]), credentials);
      const reply = next(helper.getNode('caught'));
      helper.getNode('intake').receive(cancelMsg({ reason: 'stop' }));
      assert.match((await reply).error.message, /noSignatures/);
    });
  });

  describe('mes-erp-outbox', () => {
    const outbox = (extra = {}) => ({
      id: 'outbox', type: 'mes-erp-outbox', z: 'tab', version: 2, store: 'db', outboxName: 'erp', dialect: 'canonical', url: 'http://erp.invalid', concurrency: 1,
      backoffBaseSeconds: 1, backoffMaxSeconds: 1, requestTimeoutSeconds: 5, x: 1, y: 1, wires: [['events'], ['reply']], ...extra,
    });
    const quarantine = () => withStore(async (store) => {
      await addAccounts(store);
      await addOrder(store, 'PO-1');
      await reportQuantities(store, ['PO-1'], 1);
      const [message] = await quarantineActuals(store);
      return message.eventId;
    });
    const stillQuarantined = (eventId) => withStore((store) => store.db.prepare('SELECT state FROM outbox_messages WHERE event_id = ?').get(eventId).state);

    it('takes a signed discard command (the supervisor page\'s path) and binds the signature; a wrong password reaches Catch without the password', async () => {
      const eventId = await quarantine();
      await helper.load([catchNode, storeNode, signaturesNode, outboxNode], common([signatures(['actual.discard']), outbox({ signatures: 'sig' })]));
      const node = helper.getNode('outbox');
      const caught = next(helper.getNode('caught'));
      node.receive({ topic: 'discard', payload: { eventId, reason: 'booked by hand', actor: 'sup-bo', signature: sign('sup-bo', 'wrong password') } });
      const error = await caught;
      assert.deepEqual(error.error.message.match(/rule: (\w+)/)[1], 'wrongPassword');
      assert.ok(!JSON.stringify(error).includes('wrong password'), 'the password is not in what Catch nodes see');
      assert.equal(await stillQuarantined(eventId), 'quarantined');
      const missing = next(helper.getNode('caught'));
      node.receive({ topic: 'discard', payload: { eventId, reason: 'booked by hand', actor: 'sup-bo' } });
      assert.match((await missing).error.message, /signature.*\[rule: required\]/);
      const reply = next(helper.getNode('reply'), 'outbox.discard');
      node.receive({ topic: 'discard', payload: { eventId, reason: 'booked by hand', actor: 'sup-bo', signature: sign('sup-bo', 'correct horse') } });
      const answer = await reply;
      assert.equal(answer.payload.discarded, eventId);
      assert.ok(!JSON.stringify(answer).includes('correct horse'));
      await withStore((store) => {
        const [discarded, signature] = store.readEvents(0, 1000, ['outbox.discarded', 'signature.recorded']);
        assert.deepEqual([discarded.payload.signedBy, signature.payload.signedSeq], ['Bo Supervisor', discarded.seq]);
        assert.equal(checkSignature(store, signature.seq).valid, true);
        assertNoPassword(store);
      });
    });

    it('refuses malformed signatures of a discard command and of the shop-floor API\'s discard by field and rule', async () => {
      const eventId = await quarantine();
      await helper.load([catchNode, storeNode, signaturesNode, outboxNode], common([signatures(['actual.discard']), outbox({ signatures: 'sig' })]));
      const caught = next(helper.getNode('caught'));
      helper.getNode('outbox').receive({ topic: 'discard', payload: { eventId, reason: 'x', actor: 'sup-bo', signature: { ...sign('sup-bo', 'correct horse'), extra: 1 } } });
      assert.deepEqual((await caught).error.message.match(/signature\.extra/)[0], 'signature.extra');
      // The port mes-api serves POST /mes/v1/outbox/quarantine/{eventId}/discard with: the same outbox.
      await withStore(async (store) => {
        const ctx = { store, now: () => Date.now(), outboxes: () => findServices('outbox', 'db') };
        const discard = (body) => Promise.resolve(LINE_HANDLERS.discardQuarantined(ctx, { params: { eventId }, query: {}, headers: {}, body, principal: { role: 'supervisor', subject: 'supervisor' } }))
          .then((reply) => reply, (err) => failure(err, 'eventId').response);
        for (const [signature, field, rule] of [
          [sign('sup-bo', 'correct horse', 'liked'), 'signature.meaning', 'enum'],
          [{ ...sign('sup-bo', 'correct horse'), extra: 1 }, 'signature.extra', 'additionalProperties'],
          [sign('sup-bo', 'wrong password'), 'signature.password', 'wrongPassword'],
          [undefined, 'signature', 'required'],
        ]) {
          const answer = await discard({ reason: 'booked by hand', signature });
          assert.equal(answer.statusCode, 400, JSON.stringify(answer.body));
          assert.ok(answer.body.errors.some((e) => e.field === field && e.rule === rule), JSON.stringify(answer.body.errors));
        }
        assert.equal(await stillQuarantined(eventId), 'quarantined');
        const signed = await discard({ reason: 'booked by hand', signature: sign('sup-bo', 'correct horse', 'reviewed') });
        assert.equal(signed.statusCode, 200);
        const [signature] = store.readEvents(0, 1000, ['signature.recorded']);
        assert.deepEqual([signature.payload.action, signature.payload.meaning], ['actual.discard', 'reviewed']);
      });
    });

    it('without a signatures node refuses a signed discard (signaturesUnavailable) and takes an unsigned one', async () => {
      const eventId = await quarantine();
      await helper.load([catchNode, storeNode, outboxNode], common([outbox()]));
      const node = helper.getNode('outbox');
      const caught = next(helper.getNode('caught'));
      node.receive({ topic: 'discard', payload: { eventId, reason: 'x', actor: 'sup-bo', signature: sign('sup-bo', 'correct horse') } });
      assert.match((await caught).error.message, /signaturesUnavailable/);
      assert.equal(await stillQuarantined(eventId), 'quarantined');
      const reply = next(helper.getNode('reply'), 'outbox.discard');
      node.receive({ topic: 'discard', payload: { eventId, reason: 'x', actor: 'sup-bo' } });
      assert.equal((await reply).payload.discarded, eventId);
    });
  });
});
