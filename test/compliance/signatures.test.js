const assert = require('node:assert/strict');
const bcrypt = require('bcryptjs');
const { openTempStore } = require('../support/store');
const { ValidationError } = require('../../dist/lib/util');
const {
  createSignatures, checkSignature, addAccount, setPassword, listAccounts, adminAuthAccounts, contentHashOf, SIGNED_ACTIONS,
} = require('../../dist/lib/compliance');

const ROUNDS = 4;
const SUPERVISOR = { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' };
const OPERATOR = { userId: 'op-ann', printedName: 'Ann Operator', roles: ['operator'], password: 'operator pass' };
const sign = (over = {}) => ({ userId: 'sup-bo', password: 'correct horse', meaning: 'approved', ...over });

/** Rejects with a ValidationError whose one error names `field` and `rule`. */
async function refused(promise, field, rule) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ValidationError, err.message);
    assert.ok(err.errors.some((e) => e.field === field && e.rule === rule), JSON.stringify(err.errors));
    return true;
  });
}

/** Appends one event and binds a signature to it, in one transaction. */
function signEvent(store, signatures, signer, type = 'hold.released') {
  return store.transact((s) => {
    const event = s.appendEvent({ type, orderId: 'PO-1', operationKey: 'PO-1/0010', workstation: 'WS-1', actor: 'sup-bo', payload: { reason: 'checked' } });
    const signature = signatures.bind(s, 'hold.release', signer, event);
    return { event, signature };
  });
}

describe('electronic signatures', function () {
  let store;
  let clock;
  let signatures;

  beforeEach(async function () {
    store = openTempStore();
    clock = new Date('2026-12-03T08:00:00Z');
    signatures = createSignatures({ actions: ['hold.release', 'actual.discard'], twoPerson: ['actual.discard'], maxFailures: 3, lockoutMinutes: 10, now: () => clock });
    await addAccount(store, SUPERVISOR, ROUNDS);
    await addAccount(store, OPERATOR, ROUNDS);
  });
  afterEach(function () { store.close(); });

  it('says which actions need a signature, as configured', function () {
    assert.deepEqual(SIGNED_ACTIONS.filter((a) => signatures.required(a)), ['hold.release', 'actual.discard']);
    assert.throws(() => createSignatures({ actions: ['hold.releese'] }), /unknown action 'hold.releese'/);
  });

  it('keeps only a bcrypt hash of the password, never the password', function () {
    const row = store.db.prepare('SELECT password_hash FROM signature_accounts WHERE user_id = ?').get('sup-bo');
    assert.ok(bcrypt.compareSync('correct horse', row.password_hash));
    const everything = JSON.stringify(store.db.prepare('SELECT * FROM events').all()) + JSON.stringify(store.db.prepare('SELECT * FROM signature_accounts').all());
    assert.ok(!everything.includes('correct horse'));
    assert.deepEqual(listAccounts(store).map((a) => [a.userId, a.printedName, a.roles]), [['op-ann', 'Ann Operator', ['operator']], ['sup-bo', 'Bo Supervisor', ['supervisor']]]);
  });

  it('verifies the two components and the meaning, and records printed name, time and meaning bound to the signed event', async function () {
    const signer = await signatures.verify(store, 'hold.release', sign());
    assert.deepEqual({ ...signer, roles: [...signer.roles] }, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], meaning: 'approved', verifiedAt: '2026-12-03T08:00:00.000Z' });
    const { event, signature } = await signEvent(store, signatures, signer);
    assert.equal(signature.seq, event.seq + 1);
    assert.equal(signature.type, 'signature.recorded');
    assert.equal(signature.actor, 'sup-bo');
    const p = signature.payload;
    assert.deepEqual({ ...p, seal: undefined }, {
      action: 'hold.release', userId: 'sup-bo', printedName: 'Bo Supervisor', meaning: 'approved', signedAt: '2026-12-03T08:00:00.000Z',
      signedSeq: event.seq, signedEventId: event.eventId, contentHash: contentHashOf(event), seal: undefined,
    });
    assert.match(p.seal, /^[0-9a-f]{64}$/);
    assert.deepEqual(checkSignature(store, signature.seq), { valid: true, record: p });
  });

  it('a signature copied onto another record fails the check', async function () {
    const signer = await signatures.verify(store, 'hold.release', sign());
    const { signature } = await signEvent(store, signatures, signer);
    const other = await store.transact((s) => s.appendEvent({ type: 'hold.released', orderId: 'PO-2', actor: 'sup-bo', payload: { reason: 'checked' } }));
    // The payload as it is, after another event.
    const copied = await store.transact((s) => s.appendEvent({ type: 'signature.recorded', actor: 'sup-bo', payload: signature.payload }));
    assert.equal(checkSignature(store, copied.seq).valid, true, 'still names the first event, so it proves only that one');
    // Pointed at the other event: its content does not hash the same.
    const moved = await store.transact((s) => s.appendEvent({ type: 'signature.recorded', actor: 'sup-bo', payload: { ...signature.payload, signedSeq: other.seq, signedEventId: other.eventId } }));
    assert.match(checkSignature(store, moved.seq).reason, /contentHash/);
    // With the other event's hash too: the seal was made for the first one.
    const rehashed = await store.transact((s) => s.appendEvent({
      type: 'signature.recorded', actor: 'sup-bo', payload: { ...signature.payload, signedSeq: other.seq, signedEventId: other.eventId, contentHash: contentHashOf(other) },
    }));
    assert.match(checkSignature(store, rehashed.seq).reason, /seal/);
    assert.match(checkSignature(store, other.seq).reason, /no signature.recorded/);
  });

  it('another store\'s key does not seal this store\'s signatures', async function () {
    const signer = await signatures.verify(store, 'hold.release', sign());
    const { signature } = await signEvent(store, signatures, signer);
    const second = openTempStore();
    try {
      const [a] = store.db.prepare('SELECT key FROM signature_key').all();
      const [b] = second.db.prepare('SELECT key FROM signature_key').all();
      assert.notEqual(a.key, b.key);
      store.db.prepare('UPDATE signature_key SET key = ?').run(b.key);
      assert.match(checkSignature(store, signature.seq).reason, /seal/);
    } finally { second.close(); }
  });

  it('bad signature input names the field and the rule and logs nothing', async function () {
    const before = store.lastSeq();
    await refused(signatures.verify(store, 'hold.release', undefined), 'signature', 'required');
    await refused(signatures.verify(store, 'hold.release', 'sup-bo:correct horse'), 'signature', 'required');
    await refused(signatures.verify(store, 'hold.release', sign({ userId: '' })), 'signature.userId', 'required');
    await refused(signatures.verify(store, 'hold.release', sign({ password: undefined })), 'signature.password', 'required');
    await refused(signatures.verify(store, 'hold.release', sign({ meaning: 'agreed' })), 'signature.meaning', 'enum');
    await refused(signatures.verify(store, 'hold.release', sign({ pin: '1234' })), 'signature.pin', 'additionalProperties');
    assert.equal(store.lastSeq(), before);
  });

  it('a wrong password or unknown user is refused and logged as signature.failed without the password', async function () {
    await refused(signatures.verify(store, 'hold.release', sign({ password: 'wrong horse' })), 'signature.password', 'wrongPassword');
    await refused(signatures.verify(store, 'hold.release', sign({ userId: 'nobody' })), 'signature.userId', 'unknownUser');
    const failed = store.readEvents(0, 100, ['signature.failed']);
    assert.deepEqual(failed.map((e) => [e.actor, e.payload.rule, e.payload.failures, e.payload.action]), [['sup-bo', 'wrongPassword', 1, 'hold.release'], ['nobody', 'unknownUser', 1, 'hold.release']]);
    assert.ok(!JSON.stringify(failed).includes('wrong horse'));
  });

  it('locks a user out after the configured failures in a row, until the lock-out runs out or a new password is set', async function () {
    await refused(signatures.verify(store, 'hold.release', sign({ password: 'wrong 1' })), 'signature.password', 'wrongPassword');
    await signatures.verify(store, 'hold.release', sign());
    // A success clears the count: three more failures are needed.
    for (let i = 0; i < 3; i += 1) await refused(signatures.verify(store, 'hold.release', sign({ password: `wrong ${i}` })), 'signature.password', 'wrongPassword');
    const last = store.readEvents(0, 100, ['signature.failed']).at(-1);
    assert.deepEqual([last.payload.failures, last.payload.lockedUntil], [3, '2026-12-03T08:10:00.000Z']);
    // The right password does not help while locked out, and the refusal says until when.
    await assert.rejects(signatures.verify(store, 'hold.release', sign()), (err) => err.errors[0].rule === 'lockedOut' && err.errors[0].field === 'signature.userId' && /2026-12-03T08:10:00.000Z/.test(err.message));
    assert.equal(listAccounts(store).find((a) => a.userId === 'sup-bo').lockedUntil, '2026-12-03T08:10:00.000Z');
    const attempt = store.readEvents(0, 100, ['signature.failed']).at(-1);
    assert.deepEqual([attempt.actor, attempt.payload.rule, attempt.payload.lockedUntil], ['sup-bo', 'lockedOut', '2026-12-03T08:10:00.000Z'], 'an attempt while locked out is logged, the lock-out not extended');
    clock = new Date('2026-12-03T08:10:01Z');
    await signatures.verify(store, 'hold.release', sign());
    for (let i = 0; i < 3; i += 1) await refused(signatures.verify(store, 'hold.release', sign({ password: `wrong ${i}` })), 'signature.password', 'wrongPassword');
    await refused(signatures.verify(store, 'hold.release', sign()), 'signature.userId', 'lockedOut');
    await setPassword(store, 'sup-bo', 'a new password', ROUNDS);
    await refused(signatures.verify(store, 'hold.release', sign()), 'signature.password', 'wrongPassword');
    await signatures.verify(store, 'hold.release', sign({ password: 'a new password' }));
  });

  it('a supervisor action needs a signer with the supervisor role', async function () {
    await refused(signatures.verify(store, 'hold.release', { userId: 'op-ann', password: 'operator pass', meaning: 'performed' }), 'signature.userId', 'signerRole');
  });

  it('two-person rule: the signer of a configured action must not be its performer', async function () {
    await refused(signatures.verify(store, 'actual.discard', sign(), 'sup-bo'), 'signature.userId', 'twoPersonRule');
    await signatures.verify(store, 'actual.discard', sign(), 'op-ann');
    // hold.release is not a two-person action here.
    await signatures.verify(store, 'hold.release', sign(), 'sup-bo');
  });

  it('accounts: bad input names the field, a user id is unique, a new password needs an account', async function () {
    await assert.rejects(addAccount(store, { userId: ' x', printedName: '', roles: [], password: 'short' }, ROUNDS), (err) => {
      assert.deepEqual(err.errors.map((e) => [e.field, e.rule]), [['userId', 'pattern'], ['printedName', 'required'], ['roles', 'required'], ['password', 'minLength']]);
      return true;
    });
    await assert.rejects(addAccount(store, SUPERVISOR, ROUNDS), (err) => err.errors[0].rule === 'unique');
    await assert.rejects(setPassword(store, 'nobody', 'long enough', ROUNDS), (err) => err.errors[0].rule === 'unknownUser');
    assert.deepEqual(store.readEvents(0, 100, ['signature.account.added']).map((e) => e.payload.userId), ['sup-bo', 'op-ann']);
  });

  it('takes accounts from the Node-RED admin users: full permissions sign as supervisor', async function () {
    const fromAdmin = createSignatures({
      actions: ['hold.release'],
      accounts: adminAuthAccounts([{ username: 'admin', password: bcrypt.hashSync('admin pass', ROUNDS), permissions: '*' }, { username: 'viewer', password: bcrypt.hashSync('viewer pass', ROUNDS), permissions: 'read' }]),
    });
    const signer = await fromAdmin.verify(store, 'hold.release', { userId: 'admin', password: 'admin pass', meaning: 'approved' });
    assert.equal(signer.printedName, 'admin');
    await refused(fromAdmin.verify(store, 'hold.release', { userId: 'viewer', password: 'viewer pass', meaning: 'approved' }), 'signature.userId', 'signerRole');
    await refused(fromAdmin.verify(store, 'hold.release', { userId: 'sup-bo', password: 'correct horse', meaning: 'approved' }), 'signature.userId', 'unknownUser');
  });
});
