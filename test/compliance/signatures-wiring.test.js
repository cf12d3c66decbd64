// The real signature service where it is wired: dispatch's qualification override, and the mes-signatures config node.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { createDispatch, plantConfig } = require('../support/dispatch');
const { createSignatures, addAccount, checkSignature } = require('../../dist/lib/compliance');
const signaturesNode = require('../../dist/nodes/mes-signatures/mes-signatures.js');

helper.init(require.resolve('node-red'));
const T0 = Date.parse('2026-11-25T07:00:00Z');

describe('signatures wired into dispatch: a qualification override', () => {
  let store;
  let d;
  beforeEach(async () => {
    store = openTempStore({ now: () => new Date(T0) });
    await addAccount(store, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' }, 4);
    const signatures = createSignatures({ actions: ['qualification.override'], twoPerson: ['qualification.override'] });
    d = createDispatch(store, { plant: { ...plantConfig(), workCenterSkills: [{ workCenter: 'WC-TURN', skill: 'lathe' }] }, signatures });
    const order = validOrder();
    order.operations[0].qualityChecks = [];
    order.operations[0].requiredSkills = ['cnc-program'];
    await d.submit(order);
    await d.release();
    await d.run('qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2027-01-31T00:00:00Z', eventTime: new Date(T0).toISOString() });
    await d.run('sign-on');
  });
  afterEach(() => store.close());

  it('starts an unqualified operator with a verified signature that the check proves', async () => {
    const outcome = await d.runPrepared('start', { override: { supervisor: 'sup-bo', reason: 'trainee', signature: { userId: 'sup-bo', password: 'correct horse', meaning: 'approved' } } });
    const [started, signature] = outcome.events;
    assert.equal(signature.payload.signedSeq, started.seq);
    assert.equal(checkSignature(store, signature.seq).valid, true);
    assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM events').all()).includes('correct horse'));
  });

  it('a wrong password starts nothing and is logged', async () => {
    const before = store.readEvents(0, 1000, ['operation.started']).length;
    await assert.rejects(d.runPrepared('start', { override: { supervisor: 'sup-bo', reason: 'trainee', signature: { userId: 'sup-bo', password: 'wrong', meaning: 'approved' } } }),
      (err) => err.errors.some((e) => e.field === 'signature.password' && e.rule === 'wrongPassword'));
    assert.equal(store.readEvents(0, 1000, ['operation.started']).length, before);
    assert.equal(store.readEvents(0, 1000, ['signature.failed']).length, 1);
  });
});

describe('signatures wired into dispatch: releasing a hold (hold.release)', () => {
  let store;
  const setup = async (config) => {
    store = openTempStore({ now: () => new Date(T0) });
    await addAccount(store, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' }, 4);
    await addAccount(store, { userId: 'qa-cy', printedName: 'Cy Quality', roles: ['supervisor'], password: 'battery staple' }, 4);
    await addAccount(store, { userId: 'op-dee', printedName: 'Dee Operator', roles: ['operator'], password: 'dee secret' }, 4);
    const d = createDispatch(store, { plant: plantConfig(), signatures: config && createSignatures(config) });
    const order = validOrder();
    order.operations[0].qualityChecks = [];
    await d.submit(order);
    await d.release();
    await d.run('hold', { reason: 'tool check' });
    return d;
  };
  const held = () => store.db.prepare("SELECT state FROM operations WHERE order_id = 'PO-1000' AND operation_key = '0010'").get().state;
  const sign = (userId, password, meaning = 'approved') => ({ userId, password, meaning });
  afterEach(() => store.close());

  it('releases with a verified signature bound to operation.released, the password nowhere', async () => {
    const d = await setup({ actions: ['hold.release'] });
    const outcome = await d.runPrepared('release', { reason: 'tool measured', signature: sign('sup-bo', 'correct horse') });
    const [released, signature] = outcome.events;
    assert.equal(released.type, 'operation.released');
    assert.deepEqual([released.payload.signedBy, released.payload.meaning], ['Bo Supervisor', 'approved']);
    assert.deepEqual([signature.type, signature.payload.action, signature.payload.signedSeq], ['signature.recorded', 'hold.release', released.seq]);
    assert.equal(checkSignature(store, signature.seq).valid, true);
    assert.equal(held(), 'queued');
    assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM events').all()).includes('correct horse'));
    assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM dispatch_commands').all()).includes('correct horse'), 'nor in the idempotency record');
  });

  it('refuses a release without a signature, with a wrong password or by an operator, naming field and rule, and keeps it held', async () => {
    const d = await setup({ actions: ['hold.release'] });
    const before = store.readEvents(0, 1000, ['operation.released']).length;
    const refused = async (payload, field, rule) => assert.rejects(d.runPrepared('release', payload), (err) => err.errors.some((e) => e.field === field && e.rule === rule));
    await refused({}, 'signature', 'required');
    await refused({ signature: sign('sup-bo', 'wrong') }, 'signature.password', 'wrongPassword');
    await refused({ signature: sign('op-dee', 'dee secret') }, 'signature.userId', 'signerRole');
    await refused({ signature: { userId: 'sup-bo', password: 'correct horse', meaning: 'because' } }, 'signature.meaning', 'enum');
    await refused({ signature: 'sup-bo' }, 'signature', 'type');
    assert.equal(store.readEvents(0, 1000, ['operation.released']).length, before);
    assert.equal(held(), 'held');
  });

  it('with the two-person rule the signer is not the releasing supervisor', async () => {
    const d = await setup({ actions: ['hold.release'], twoPerson: ['hold.release'] });
    await assert.rejects(d.runPrepared('release', { signature: sign('sup-bo', 'correct horse') }), (err) => err.errors.some((e) => e.rule === 'twoPersonRule'));
    assert.equal(held(), 'held');
    const outcome = await d.runPrepared('release', { signature: sign('qa-cy', 'battery staple', 'reviewed') });
    assert.equal(outcome.events[1].payload.userId, 'qa-cy');
    assert.equal(outcome.events[0].actor, 'sup-bo');
  });

  it('where no signature is configured a release needs none; one sent without a service is refused, not dropped', async () => {
    const d = await setup(undefined);
    await assert.rejects(d.runPrepared('release', { signature: sign('sup-bo', 'correct horse') }), (err) => err.conflicts.some((e) => e.field === 'signature' && e.rule === 'signaturesUnavailable'));
    assert.equal(held(), 'held');
    const outcome = await d.runPrepared('release', {});
    assert.deepEqual(outcome.events.map((e) => e.type), ['operation.released']);
  });
});

describe('mes-signatures config node', () => {
  afterEach(() => helper.unload());

  it('exposes the configured Signatures service as .signatures', async () => {
    await helper.load(signaturesNode, [{ id: 'sig', type: 'mes-signatures', actions: ['hold.release', 'spc.limits.change'], twoPerson: ['spc.limits.change'], maxFailures: 3, lockoutMinutes: 5, accountSource: 'store' }]);
    const { signatures } = helper.getNode('sig');
    assert.equal(signatures.required('hold.release'), true);
    assert.equal(signatures.required('actual.discard'), false);
    assert.deepEqual([signatures.maxFailures, signatures.lockoutMinutes, [...signatures.twoPerson]], [3, 5, ['spc.limits.change']]);
    assert.equal(typeof signatures.verify, 'function');
    assert.equal(typeof signatures.bind, 'function');
  });
});
