// The real signature service where it is wired: dispatch's qualification override, hold release and
// nonconformance disposition, and the mes-signatures config node.
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

/** A store with two supervisors and an operator who can sign (bcrypt cost 4 for speed). */
async function storeWithSigners() {
  const store = openTempStore({ now: () => new Date(T0) });
  await addAccount(store, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' }, 4);
  await addAccount(store, { userId: 'qa-cy', printedName: 'Cy Quality', roles: ['supervisor'], password: 'battery staple' }, 4);
  await addAccount(store, { userId: 'op-dee', printedName: 'Dee Operator', roles: ['operator'], password: 'dee secret' }, 4);
  return store;
}

describe('signatures wired into dispatch: releasing a hold (hold.release)', () => {
  let store;
  const setup = async (config) => {
    store = await storeWithSigners();
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

describe('disposing of a nonconformance (nonconformance.dispose)', () => {
  let store;
  const setup = async (config) => {
    store = await storeWithSigners();
    const d = createDispatch(store, { plant: plantConfig(), signatures: config && createSignatures(config) });
    await d.submit(validOrder());
    await d.release();
    await d.run('sign-on');
    await d.run('start');
    await d.run('report', { goodQuantity: 10 });
    await d.run('check', { checkId: 'QC-D', value: 40.2 });
    return d;
  };
  const state = () => store.db.prepare("SELECT state FROM operations WHERE order_id = 'PO-1000' AND operation_key = '0010'").get().state;
  const count = (type) => store.readEvents(0, 10000, [type]).length;
  const sign = (userId, password, meaning = 'approved') => ({ userId, password, meaning });
  const dispose = (extra = {}) => ({ checkId: 'QC-D', disposition: 'rework', reason: 'turn again to size', ...extra });
  afterEach(() => store.close());

  it('records the disposition with a verified signature bound to it; then the hold can be released', async () => {
    const d = await setup({ actions: ['nonconformance.dispose'] });
    const raised = store.readEvents(0, 1000, ['nonconformance.raised'])[0];
    const outcome = await d.runPrepared('dispose', dispose({ signature: sign('sup-bo', 'correct horse') }));
    const [disposed, signature] = outcome.events;
    assert.equal(disposed.type, 'nonconformance.disposed');
    assert.equal(disposed.actor, 'sup-bo');
    assert.deepEqual(
      [disposed.payload.checkId, disposed.payload.characteristic, disposed.payload.disposition, disposed.payload.reason, disposed.payload.raisedSeq, disposed.payload.signedBy, disposed.payload.meaning],
      ['QC-D', 'diameter', 'rework', 'turn again to size', raised.seq, 'Bo Supervisor', 'approved'],
    );
    assert.deepEqual([signature.type, signature.payload.action, signature.payload.signedSeq], ['signature.recorded', 'nonconformance.dispose', disposed.seq]);
    assert.equal(checkSignature(store, signature.seq).valid, true);
    assert.equal(state(), 'held', 'a disposition decides about the material; the release is its own action');
    assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM events').all()).includes('correct horse'));
    assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM dispatch_commands').all()).includes('correct horse'));
    await d.runPrepared('release', { reason: 'reworked' });
    assert.equal(state(), 'paused');
  });

  it('refuses bad input naming field and rule, and changes nothing', async () => {
    const d = await setup({ actions: ['nonconformance.dispose'] });
    const before = store.readEvents(0, 10000).length;
    const refused = async (payload, field, rule) => assert.rejects(d.runPrepared('dispose', payload),
      (err) => [...(err.errors ?? []), ...(err.conflicts ?? [])].some((e) => e.field === field && e.rule === rule) || assert.fail(`${field}/${rule}: ${err.message}`));
    await refused(dispose(), 'signature', 'required');
    await refused(dispose({ signature: sign('sup-bo', 'wrong') }), 'signature.password', 'wrongPassword');
    await refused(dispose({ signature: sign('op-dee', 'dee secret') }), 'signature.userId', 'signerRole');
    await refused(dispose({ signature: { ...sign('sup-bo', 'correct horse'), pin: 1 } }), 'signature.pin', 'additionalProperties');
    await refused(dispose({ disposition: 'bin it', signature: sign('sup-bo', 'correct horse') }), 'disposition', 'enum');
    await refused(dispose({ reason: '  ', signature: sign('sup-bo', 'correct horse') }), 'reason', 'pattern');
    await refused({ checkId: 'QC-D', disposition: 'scrap', signature: sign('sup-bo', 'correct horse') }, 'reason', 'required');
    await refused(dispose({ checkId: 'QC-V', signature: sign('sup-bo', 'correct horse') }), 'checkId', 'noOpenNonconformance');
    await refused(dispose({ operationKey: '0020', signature: sign('sup-bo', 'correct horse') }), 'checkId', 'noOpenNonconformance');
    await refused(dispose({ operationKey: '9999', signature: sign('sup-bo', 'correct horse') }), 'operationKey', 'unknownOperation');
    await refused(dispose({ signature: 'sup-bo' }), 'signature', 'type');
    // Only the wrong password is a failed signing attempt (the operator's is a role refusal); it is logged.
    const failures = store.readEvents(0, 10000, ['signature.failed']);
    assert.deepEqual(failures.map((e) => e.payload.rule), ['wrongPassword']);
    assert.equal(store.readEvents(0, 10000).length, before + failures.length);
    assert.equal(count('nonconformance.disposed'), 0);
    await refusedRelease(d);
    assert.equal(state(), 'held');
  });

  it('one disposition per nonconformance: a second is refused; a repeat of the command id is answered as before', async () => {
    const d = await setup(undefined);
    const first = await d.runPrepared('dispose', dispose({ commandId: 'nc-1', eventTime: '2026-11-25T08:00:00Z', supervisor: 'sup-bo', orderId: 'PO-1000', operationKey: '0010' }));
    const again = await d.runPrepared('dispose', dispose({ commandId: 'nc-1', eventTime: '2026-11-25T08:00:00Z', supervisor: 'sup-bo', orderId: 'PO-1000', operationKey: '0010' }));
    assert.equal(again.duplicate, true);
    assert.equal(again.events[0].seq, first.events[0].seq);
    await assert.rejects(d.runPrepared('dispose', dispose({ disposition: 'scrap' })), (err) => err.conflicts.some((e) => e.rule === 'noOpenNonconformance'));
    assert.equal(count('nonconformance.disposed'), 1);
  });

  it('with the two-person rule the signer is not the disposing supervisor', async () => {
    const d = await setup({ actions: ['nonconformance.dispose'], twoPerson: ['nonconformance.dispose'] });
    await assert.rejects(d.runPrepared('dispose', dispose({ signature: sign('sup-bo', 'correct horse') })), (err) => err.errors.some((e) => e.rule === 'twoPersonRule'));
    const outcome = await d.runPrepared('dispose', dispose({ signature: sign('qa-cy', 'battery staple', 'reviewed') }));
    assert.deepEqual([outcome.events[0].actor, outcome.events[1].payload.userId, outcome.events[1].payload.meaning], ['sup-bo', 'qa-cy', 'reviewed']);
  });

  it('without a signature service a disposition needs none; one sent anyway is refused, not dropped', async () => {
    const d = await setup(undefined);
    await assert.rejects(d.runPrepared('dispose', dispose({ signature: sign('sup-bo', 'correct horse') })), (err) => err.conflicts.some((e) => e.field === 'signature' && e.rule === 'signaturesUnavailable'));
    assert.equal(count('nonconformance.disposed'), 0);
    const outcome = await d.runPrepared('dispose', dispose({ disposition: 'use-as-is' }));
    assert.deepEqual(outcome.events.map((e) => e.type), ['nonconformance.disposed']);
  });
});

/** A hold with an open nonconformance stays held: the release is refused naming the rule. */
async function refusedRelease(d) {
  await assert.rejects(d.runPrepared('release', { reason: 'try' }), (err) => err.conflicts.some((e) => e.field === 'operationKey' && e.rule === 'nonconformanceOpen'));
}

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
