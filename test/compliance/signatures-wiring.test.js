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
