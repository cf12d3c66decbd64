const assert = require('node:assert/strict');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { createDispatch, refusedWith, plantConfig } = require('../support/dispatch');
const { ValidationError } = require('../../dist/lib/util');
const { expiringQualifications, qualificationsOf } = require('../../dist/lib/compliance');
const { OperatorTerminal } = require('../../dist/lib/dashboard/terminal');
const { sealOf, SEAL_PROPERTY } = require('../../dist/lib/dashboard/client-seal');

const T0 = Date.parse('2026-11-25T07:00:00Z');
const at = (minutes) => new Date(T0 + minutes * 60000).toISOString();
const DAY = 86400000;

/** WC-TURN needs `lathe` (plant model); the routing's operation 0010 adds `cnc-program`. */
function skillPlant() {
  return { ...plantConfig(), workCenterSkills: [{ workCenter: 'WC-TURN', skill: 'lathe' }] };
}

function skillOrder(routingSkills = ['cnc-program']) {
  const order = validOrder();
  order.operations[0].qualityChecks = [];
  order.operations[0].requiredSkills = routingSkills;
  return order;
}

/**
 * A stand-in for lib/compliance/signatures.ts that keeps the contract of signature-types.ts:
 * verify checks user id and password and throws a ValidationError naming the field; bind appends
 * the signature event right after the signed one.
 */
function fakeSignatures(users = { 'sup-bo': { password: 'right', printedName: 'Bo Supervisor' } }) {
  const verified = [];
  return {
    verified,
    required: (action) => action === 'qualification.override',
    async verify(store, action, input, performer) {
      const user = input && users[input.userId];
      if (!user) throw new ValidationError([{ field: 'signature.userId', rule: 'unknownUser', message: 'no such user' }], 'signature');
      if (input.password !== user.password) throw new ValidationError([{ field: 'signature.password', rule: 'password', message: 'wrong password' }], 'signature');
      verified.push({ action, userId: input.userId, performer });
      return { userId: input.userId, printedName: user.printedName, roles: ['supervisor'], meaning: input.meaning, verifiedAt: new Date().toISOString() };
    },
    bind(store, action, signer, signed) {
      return store.appendEvent({
        type: 'signature.recorded', eventTime: signed.eventTime, orderId: signed.orderId, operationKey: signed.operationKey,
        workstation: signed.workstation, actor: signer.userId,
        payload: { action, userId: signer.userId, printedName: signer.printedName, meaning: signer.meaning, signedSeq: signed.seq, signedEventId: signed.eventId },
      });
    },
  };
}

describe('operator qualifications', () => {
  let store;
  let d;
  let signatures;
  beforeEach(() => {
    store = openTempStore({ now: () => new Date(T0) });
    signatures = fakeSignatures();
    d = createDispatch(store, { plant: skillPlant(), signatures });
  });
  afterEach(() => store.close());

  const grant = (skill, expiresAt, operator = 'op-anna', type = 'qualification.grant') => d.run(type, { supervisor: 'sup-bo', operator, skill, expiresAt, eventTime: at(0) });
  const rows = () => store.db.prepare('SELECT operator, skill, expires_at FROM qualifications ORDER BY operator, skill').all();
  const queued = async (order = skillOrder()) => {
    await d.submit(order);
    await d.release();
  };

  describe('granted, renewed and revoked by a supervisor', () => {
    it('records each change as an event with the supervisor as actor', async () => {
      const granted = await grant('lathe', '2027-01-31T00:00:00+01:00');
      assert.equal(granted.events[0].type, 'qualification.granted');
      assert.equal(granted.events[0].actor, 'sup-bo');
      assert.deepEqual(granted.events[0].payload, { commandId: granted.commandId, operator: 'op-anna', skill: 'lathe', expiresAt: '2027-01-30T23:00:00.000Z' });
      const renewed = await grant('lathe', '2028-01-31T00:00:00Z', 'op-anna', 'qualification.renew');
      assert.equal(renewed.events[0].type, 'qualification.granted');
      assert.equal(renewed.events[0].payload.renewal, true);
      assert.equal(renewed.events[0].payload.previousExpiresAt, '2027-01-30T23:00:00.000Z');
      assert.deepEqual(rows(), [{ operator: 'op-anna', skill: 'lathe', expires_at: '2028-01-31T00:00:00.000Z' }]);
      const revoked = await d.run('qualification.revoke', { supervisor: 'sup-cy', operator: 'op-anna', skill: 'lathe', reason: 'failed re-assessment' });
      assert.equal(revoked.events[0].type, 'qualification.revoked');
      assert.equal(revoked.events[0].actor, 'sup-cy');
      assert.equal(revoked.events[0].payload.reason, 'failed re-assessment');
      assert.deepEqual(rows(), []);
    });

    it('answers a repeated command id again without a second event', async () => {
      const body = d.command('qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2027-01-31T00:00:00Z' });
      await d.run('qualification.grant', body);
      const seq = store.lastSeq();
      assert.equal((await d.run('qualification.grant', body)).duplicate, true);
      assert.equal(store.lastSeq(), seq);
    });
  });

  describe('bad input changes nothing', () => {
    const cases = [
      ['a grant without a skill', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', expiresAt: '2027-01-31T00:00:00Z' }, 'skill', 'required'],
      ['a skill that is no identifier', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe work', expiresAt: '2027-01-31T00:00:00Z' }, 'skill', 'pattern'],
      ['an impossible date', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2027-02-30T00:00:00Z' }, 'expiresAt', 'format'],
      ['a date without time', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '31.01.2027' }, 'expiresAt', 'format'],
      ['an expiry before the grant', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2026-11-01T00:00:00Z' }, 'expiresAt', 'afterEventTime'],
      ['no supervisor', 'qualification.grant', { operator: 'op-anna', skill: 'lathe', expiresAt: '2027-01-31T00:00:00Z' }, 'supervisor', 'required'],
      ['an unknown field', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2027-01-31T00:00:00Z', level: 3 }, 'level', 'additionalProperties'],
      ['a revoke without reason', 'qualification.revoke', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe' }, 'reason', 'required'],
      ['a revoke for an unknown operator', 'qualification.revoke', { supervisor: 'sup-bo', operator: 'op-nobody', skill: 'lathe', reason: 'x' }, 'operator', 'unknownOperator'],
      ['a renewal of a skill not held', 'qualification.renew', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'welding', expiresAt: '2027-06-30T00:00:00Z' }, 'skill', 'notGranted'],
      ['a second grant of a held skill', 'qualification.grant', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: '2027-06-30T00:00:00Z' }, 'skill', 'alreadyGranted'],
    ];
    for (const [what, type, payload, field, rule] of cases) {
      it(`refuses ${what}: ${field} / ${rule}`, async () => {
        await grant('lathe', '2027-01-31T00:00:00Z');
        const before = { seq: store.lastSeq(), rows: rows() };
        const err = await refusedWith(d.run(type, { eventTime: at(1), ...payload }), rule);
        assert.equal((err.errors || err.conflicts)[0].field, field);
        assert.deepEqual({ seq: store.lastSeq(), rows: rows() }, before);
      });
    }
  });

  describe('sign-on checks the work center\'s skills', () => {
    it('refuses an operator without them, naming the skill', async () => {
      const before = store.lastSeq();
      const err = await refusedWith(d.run('sign-on'), 'qualified');
      assert.equal(err.conflicts[0].field, 'operator');
      assert.match(err.conflicts[0].message, /'lathe' \(work center: not held\)/);
      assert.equal(store.lastSeq(), before);
      assert.deepEqual(d.snapshot('WS-T1').operators, []);
    });

    it('accepts them at a workstation whose work centers need nothing', async () => {
      await d.run('sign-on', { workstation: 'WS-A1' });
      assert.deepEqual(d.snapshot('WS-A1').operators, ['op-anna']);
    });

    it('leaves the routing\'s skills to start', async () => {
      await queued();
      await grant('lathe', '2027-01-31T00:00:00Z');
      await d.run('sign-on');
      const err = await refusedWith(d.run('start'), 'qualified');
      assert.match(err.conflicts[0].message, /'cnc-program' \(routing: not held\)/);
      assert.doesNotMatch(err.conflicts[0].message, /lathe/);
    });
  });

  describe('start checks the operation\'s skills at the command\'s event time', () => {
    beforeEach(async () => {
      await queued();
      await grant('lathe', '2027-01-31T00:00:00Z');
    });

    it('accepts a valid qualification', async () => {
      await grant('cnc-program', '2027-01-31T00:00:00Z');
      await d.run('sign-on');
      assert.equal((await d.run('start')).state, 'running');
    });

    it('refuses an expired one, naming the skill and its expiry; nothing changes', async () => {
      await grant('cnc-program', at(120));
      await d.run('sign-on', { eventTime: at(10) });
      const before = store.lastSeq();
      const err = await refusedWith(d.run('start', { eventTime: at(180) }), 'qualified');
      assert.match(err.conflicts[0].message, new RegExp(`'cnc-program' \\(routing: expired ${at(120)}\\)`));
      assert.equal(store.lastSeq(), before);
      assert.equal(store.db.prepare("SELECT state FROM operations WHERE operation_key = '0010'").get().state, 'queued');
    });

    it('counts the expiry instant itself as expired, the millisecond before as valid', async () => {
      const expiry = at(120);
      await grant('cnc-program', expiry);
      await d.run('sign-on', { eventTime: at(10) });
      await refusedWith(d.run('start', { eventTime: expiry }), 'qualified');
      const justBefore = new Date(Date.parse(expiry) - 1).toISOString();
      assert.equal((await d.run('start', { eventTime: justBefore })).state, 'running');
    });

    it('refuses a revoked one', async () => {
      await grant('cnc-program', '2027-01-31T00:00:00Z');
      await d.run('qualification.revoke', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'cnc-program', reason: 'retraining' });
      await d.run('sign-on');
      await refusedWith(d.run('start'), 'qualified');
    });

    it('refuses an operator whose work center skill expired after sign-on', async () => {
      await grant('cnc-program', '2027-01-31T00:00:00Z');
      await d.run('qualification.renew', { supervisor: 'sup-bo', operator: 'op-anna', skill: 'lathe', expiresAt: at(60), eventTime: at(1) });
      await d.run('sign-on', { eventTime: at(5) });
      const err = await refusedWith(d.run('start', { eventTime: at(61) }), 'qualified');
      assert.match(err.conflicts[0].message, /'lathe' \(work center: expired/);
    });
  });

  describe('a supervisor\'s signed override', () => {
    beforeEach(async () => {
      await queued();
      await grant('lathe', '2027-01-31T00:00:00Z');
      await d.run('sign-on');
    });
    const override = (signature = { userId: 'sup-bo', password: 'right', meaning: 'approved' }, supervisor = 'sup-bo') => ({ supervisor, reason: 'trainee under supervision', signature });

    it('starts the operation, records the override and binds the signature to operation.started', async () => {
      const outcome = await d.runPrepared('start', { override: override() });
      assert.equal(outcome.state, 'running');
      const [started, signature] = outcome.events;
      assert.equal(started.type, 'operation.started');
      assert.equal(started.actor, 'op-anna');
      assert.deepEqual(started.payload.qualificationOverride, {
        supervisor: 'sup-bo', reason: 'trainee under supervision', signedBy: 'Bo Supervisor', meaning: 'approved',
        missingSkills: [{ skill: 'cnc-program', source: 'routing', expiredAt: null }],
      });
      assert.equal(signature.type, 'signature.recorded');
      assert.equal(signature.payload.action, 'qualification.override');
      assert.equal(signature.payload.signedSeq, started.seq);
      assert.deepEqual(signatures.verified, [{ action: 'qualification.override', userId: 'sup-bo', performer: 'op-anna' }]);
      assert.doesNotMatch(JSON.stringify(store.db.prepare('SELECT * FROM events').all()), /right/, 'the password is stored nowhere');
      assert.doesNotMatch(JSON.stringify(store.db.prepare('SELECT * FROM dispatch_commands').all()), /right/);
    });

    for (const [what, make, field, rule] of [
      ['without a signature', () => ({ supervisor: 'sup-bo', reason: 'x' }), 'override.signature', 'required'],
      ['with a wrong password', () => override({ userId: 'sup-bo', password: 'wrong', meaning: 'approved' }), 'signature.password', 'password'],
      ['signed by someone else than its supervisor', () => override(undefined, 'sup-cy'), 'override.signature.userId', 'signerIsSupervisor'],
    ]) {
      it(`is refused ${what}: ${field} / ${rule}; nothing changes`, async () => {
        const before = store.lastSeq();
        const err = await refusedWith(d.runPrepared('start', { override: make() }), rule);
        assert.equal((err.errors || err.conflicts)[0].field, field);
        assert.equal(store.lastSeq(), before);
        assert.equal(store.db.prepare("SELECT state FROM operations WHERE operation_key = '0010'").get().state, 'queued');
      });
    }

    it('is refused where no skill is missing, so a signature never stands for nothing', async () => {
      await grant('cnc-program', '2027-01-31T00:00:00Z');
      await refusedWith(d.runPrepared('start', { override: override() }), 'overrideNotNeeded');
    });

    it('is refused by a dispatcher without a signature service', async () => {
      const plain = createDispatch(store, { plant: skillPlant() });
      await refusedWith(plain.runPrepared('start', { ...plain.command('start', { override: override() }), commandId: 'plain-start' }), 'signaturesUnavailable');
    });
  });

  describe('soon-expiring qualifications', () => {
    beforeEach(async () => {
      await grant('lathe', new Date(T0 + 10 * DAY).toISOString());
      await grant('cnc-program', new Date(T0 + 45 * DAY).toISOString());
      await grant('lathe', new Date(T0 + 30 * DAY).toISOString(), 'op-ben');
      await grant('welding', new Date(T0 + 2 * DAY).toISOString(), 'op-ben');
    });

    it('lists those still valid that expire within N days (default 30), soonest first', () => {
      const all = expiringQualifications(store, at(0));
      assert.deepEqual(all.map((q) => [q.operator, q.skill, q.daysLeft]), [['op-ben', 'welding', 2], ['op-anna', 'lathe', 10], ['op-ben', 'lathe', 30]]);
      assert.deepEqual(expiringQualifications(store, at(0), 5).map((q) => q.skill), ['welding']);
      assert.deepEqual(expiringQualifications(store, new Date(T0 + 3 * DAY).toISOString(), 30, 'op-ben').map((q) => q.skill), ['lathe'], 'an expired one is no longer "soon"');
      assert.equal(qualificationsOf(store, 'op-ben').length, 2);
    });

    it('shows the signed-on operator\'s on the workstation snapshot', async () => {
      await d.run('sign-on');
      const snapshot = d.snapshot('WS-T1');
      assert.deepEqual(snapshot.expiringQualifications.map((q) => [q.operator, q.skill]), [['op-anna', 'lathe']]);
      assert.deepEqual(d.snapshot('WS-T2').expiringQualifications, []);
    });

    it('puts them on the operator page beside the signed-on operator', async () => {
      await d.run('sign-on');
      const terminal = new OperatorTerminal({
        allowBadges: false, ownErrorSource: 'terminal', workstations: () => d.dispatcher.plant.workstations,
        now: () => new Date(T0), newCommandId: () => 'page-cmd',
      });
      const client = { socketId: 'socket-1', socketIp: '127.0.0.1', user: { userId: 'op-anna', username: 'op-anna' } };
      client[SEAL_PROPERTY] = sealOf({ socketId: 'socket-1', socketIp: '127.0.0.1', userId: 'op-anna' });
      terminal.receive({ topic: '$pageview', payload: { page: { path: '/operator' }, query: { workstation: 'WS-T1' } }, _client: client });
      const shown = terminal.receive({ topic: 'WS-T1', payload: d.snapshot('WS-T1') }).messages.filter((m) => m.output === 'operators');
      assert.deepEqual(shown.map((m) => m.msg.payload), ['op-anna (lathe expires 2026-12-05, 10 days)']);
    });

    it('honours the configured notice days', async () => {
      const wide = createDispatch(store, { plant: skillPlant(), qualificationNoticeDays: 60 });
      await wide.run('sign-on', { ...wide.command('sign-on'), commandId: 'wide-sign-on' });
      assert.deepEqual(wide.snapshot('WS-T1').expiringQualifications.map((q) => q.skill), ['lathe', 'cnc-program']);
    });
  });
});

describe('the operator page and supervisor answers', () => {
  it('leaves alone dispatch\'s answers to qualification commands and the expiring list, which share its reply output', () => {
    const terminal = new OperatorTerminal({ allowBadges: false, ownErrorSource: 'terminal', workstations: () => new Map() });
    const reply = terminal.receive({ topic: 'qualification.grant', payload: { commandId: 'c1', command: 'qualification.grant', duplicate: false, events: [] } });
    assert.deepEqual(reply, { messages: [] });
    const list = terminal.receive({ topic: 'qualifications.expiring', payload: { at: '2026-11-25T07:00:00Z', withinDays: 30, qualifications: [] } });
    assert.deepEqual(list, { messages: [] });
    assert.equal(terminal.receive({ topic: 'qualification.grant', payload: {} }).refusal.errors[0].rule, 'enum', 'a stray msg of that topic is still refused');
  });
});
