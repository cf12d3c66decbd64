// SPC test helpers: a line running one operation whose variable check feeds the SPC monitor, and
// a small in-test Signatures (bcryptjs against a hash) standing in for lib/compliance/signatures.
const { createHash } = require('node:crypto');
const bcrypt = require('bcryptjs');
const { ValidationError } = require('../../dist/lib/util');
const { SpcMonitor, parseCharacteristics } = require('../../dist/lib/spc');
const { validOrder } = require('./orders');
const { createDispatch } = require('./dispatch');

/**
 * A test Signatures: checks the password against a bcrypt hash, appends `signature.recorded` bound
 * to the signed event by its seq and content hash. Not the product's implementation.
 */
function testSignatures(users = { 'sup-bo': { password: 'correct horse', printedName: 'Bo Supervisor', roles: ['supervisor'] } }) {
  const hashes = Object.fromEntries(Object.entries(users).map(([id, u]) => [id, bcrypt.hashSync(u.password, 4)]));
  return {
    required: () => true,
    async verify(store, action, input) {
      const fail = (field, rule, message) => { throw new ValidationError([{ field, rule, message }], 'signature'); };
      if (!input || typeof input !== 'object') fail('signature', 'required', 'is required');
      if (typeof input.userId !== 'string' || !hashes[input.userId]) fail('signature.userId', 'unknownUser', 'is not a known user');
      if (typeof input.password !== 'string' || !(await bcrypt.compare(input.password, hashes[input.userId]))) fail('signature.password', 'wrongPassword', 'does not match');
      if (!['performed', 'reviewed', 'approved'].includes(input.meaning)) fail('signature.meaning', 'enum', 'must be performed, reviewed or approved');
      const user = users[input.userId];
      return { userId: input.userId, printedName: user.printedName, roles: user.roles, meaning: input.meaning, verifiedAt: store.nowIso() };
    },
    bind(store, action, signer, signed) {
      const contentHash = createHash('sha256').update(JSON.stringify([signed.eventId, signed.type, signed.payload])).digest('hex');
      return store.appendEvent({
        type: 'signature.recorded', actor: signer.userId, orderId: signed.orderId, operationKey: signed.operationKey, workstation: signed.workstation,
        payload: { action, userId: signer.userId, printedName: signer.printedName, meaning: signer.meaning, signedAt: signer.verifiedAt, signedSeq: signed.seq, signedEventId: signed.eventId, contentHash, seal: 'test' },
      });
    },
  };
}

const goodSignature = { userId: 'sup-bo', password: 'correct horse', meaning: 'approved' };

/** An order whose first operation has one variable check `QC-X` of `characteristic` with the given spec. */
function spcOrder(characteristic, spec) {
  const order = validOrder();
  order.operations[0].qualityChecks = [{ id: 'QC-X', characteristic, type: 'variable', frequency: { kind: 'every-n', n: 10 }, ...spec }];
  order.operations[1].qualityChecks = [];
  return order;
}

/**
 * A line with operation PO-1000/0010 running at WS-T1 and a monitor over its store; `measure`
 * records values as operator check commands through dispatch, `poll` runs the monitor to the end
 * of the log (each page in its own transaction, as the node does).
 */
async function spcLine(store, { characteristic = 'diameter', spec, config, pageSize }) {
  const d = createDispatch(store);
  await d.submit(spcOrder(characteristic, spec));
  await d.release();
  await d.run('sign-on');
  await d.run('start');
  const characteristics = parseCharacteristics([{ characteristic, ...config }]);
  const line = {
    d,
    monitor: new SpcMonitor({ characteristics, holds: d.dispatcher, pageSize }),
    async measure(values) {
      const outcomes = [];
      for (const value of values) outcomes.push(await d.run('check', { checkId: 'QC-X', value }));
      return outcomes;
    },
    async poll(monitor = line.monitor) {
      const all = { events: [], violations: [] };
      for (;;) {
        const outcome = await store.transact((s) => monitor.poll(s));
        all.events.push(...outcome.events);
        all.violations.push(...outcome.violations);
        if (!outcome.more) return all;
      }
    },
  };
  return line;
}

/** Appends a `check.recorded` event the way dispatch writes it (for rule patterns that need no operation). */
function appendCheck(store, characteristic, value, { workstation = 'WS-T1', seconds = 0, spec = { lower: null, upper: null, nominal: null, unit: null } } = {}) {
  return store.transact((s) => s.appendEvent({
    type: 'check.recorded', eventTime: new Date(Date.parse('2026-11-25T08:00:00Z') + seconds * 1000).toISOString(),
    orderId: 'PO-1000', operationKey: '0010', workstation, actor: 'op-anna',
    payload: { commandId: `c-${seconds}`, checkId: 'QC-X', characteristic, type: 'variable', value, passed: true, limits: spec },
  }));
}

module.exports = { testSignatures, goodSignature, spcOrder, spcLine, appendCheck };
