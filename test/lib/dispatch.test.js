const assert = require('node:assert/strict');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { getOrderProgress } = require('../../dist/lib/orders');
const { createDispatch, refusedWith, plantConfig } = require('../support/dispatch');

const typesOf = (outcome) => outcome.events.map((e) => e.type);
const opRow = (store, key = '0010', orderId = 'PO-1000') => store.db.prepare('SELECT * FROM operations WHERE order_id = ? AND operation_key = ?').get(orderId, key);
const eventCount = (store) => store.lastSeq();

/** An order whose first operation has no checks, so quantity tests are not held up by them. */
function plainOrder(overrides = {}) {
  const order = validOrder(overrides);
  order.operations[0].qualityChecks = [];
  order.operations[1].qualityChecks = [];
  return order;
}

describe('dispatch core', () => {
  let store;
  let d;
  beforeEach(() => {
    store = openTempStore();
    d = createDispatch(store);
  });
  afterEach(() => store.close());

  async function startFirst(order = plainOrder()) {
    await d.submit(order);
    await d.release();
    await d.run('sign-on');
    return d.run('start');
  }

  describe('release into queues', () => {
    it('queues pending operations at their work center\'s workstations, read from the store', async () => {
      await d.submit(validOrder());
      const outcome = await d.release();
      assert.deepEqual(typesOf(outcome), ['operation.queued', 'operation.queued']);
      assert.deepEqual(outcome.events[0].payload, { workCenter: 'WC-TURN', workstations: ['WS-T1', 'WS-T2'] });
      assert.deepEqual(outcome.events[1].payload, { workCenter: 'WC-ASSY', workstations: ['WS-A1'] });
      assert.equal(opRow(store).state, 'queued');
      assert.deepEqual((await d.release()).events, [], 'a second release finds nothing pending');
    });

    it('orders each queue by priority, then due date; allowedWorkstations narrows the queues', async () => {
      await d.submit(validOrder({ orderId: 'PO-LATE', priority: 100, scheduledEnd: '2026-11-27T14:00:00Z' }));
      await d.submit(validOrder({ orderId: 'PO-SOON', priority: 100, scheduledEnd: '2026-11-26T14:00:00Z' }));
      await d.submit(validOrder({ orderId: 'PO-URGENT', priority: 1, scheduledEnd: '2026-11-28T14:00:00Z' }));
      await d.release();
      assert.deepEqual(d.snapshot('WS-T1').queue.map((q) => q.orderId), ['PO-URGENT', 'PO-SOON', 'PO-LATE']);
      assert.deepEqual(d.snapshot('WS-T3').queue, [], 'WS-T3 is in WC-TURN but not allowed by the routing');
      const entry = d.snapshot('WS-A1').queue[0];
      assert.equal(entry.ready, false, '0020 waits for good output of 0010');
      assert.equal(entry.position, 1);
    });

    it('leaves operations of an unknown work center pending and says why', async () => {
      const order = validOrder();
      order.operations[1].workCenter = 'WC-PAINT';
      await d.submit(order);
      const outcome = await d.release();
      assert.equal(outcome.unplaced.length, 1);
      assert.match(outcome.unplaced[0].reason, /WC-PAINT/);
      assert.equal(opRow(store, '0020').state, 'pending');
    });

    it('lets a supervisor re-sequence a queue and return it to priority order', async () => {
      for (const id of ['PO-A', 'PO-B', 'PO-C']) await d.submit(validOrder({ orderId: id }));
      await d.release();
      const moved = await d.run('resequence', { orderId: 'PO-C', workstation: 'WS-T1', position: 1 });
      assert.deepEqual(typesOf(moved), ['operation.resequenced']);
      assert.equal(moved.events[0].actor, 'sup-bo');
      assert.deepEqual(d.snapshot('WS-T1').queue.map((q) => q.orderId), ['PO-C', 'PO-A', 'PO-B']);
      await d.run('resequence', { orderId: 'PO-C', workstation: 'WS-T1', position: null });
      assert.deepEqual(d.snapshot('WS-T1').queue.map((q) => q.orderId), ['PO-A', 'PO-B', 'PO-C']);
    });
  });

  describe('bad input changes nothing', () => {
    beforeEach(async () => {
      await d.submit(plainOrder());
      await d.release();
      await d.run('sign-on');
    });

    async function refusedUnchanged(type, payload, rule) {
      const before = { seq: eventCount(store), op: opRow(store) };
      await refusedWith(d.run(type, payload), rule);
      assert.equal(eventCount(store), before.seq, 'no event');
      assert.deepEqual(opRow(store), before.op, 'operation unchanged');
    }

    it('unknown workstation', () => refusedUnchanged('start', { workstation: 'WS-NOPE' }, 'unknownWorkstation'));
    it('a workstation outside the operation\'s work center', async () => {
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      await refusedUnchanged('start', { workstation: 'WS-A1', operator: 'op-carl' }, 'wrongWorkCenter');
    });
    it('a workstation of the work center that the routing does not allow', async () => {
      await d.run('sign-on', { workstation: 'WS-T3', operator: 'op-carl' });
      await refusedUnchanged('start', { workstation: 'WS-T3', operator: 'op-carl' }, 'workstationNotAllowed');
    });
    it('a command without an operator', () => refusedUnchanged('start', { operator: undefined }, 'required'));
    it('an operator not signed on at the workstation', () => refusedUnchanged('start', { operator: 'op-zed' }, 'operatorNotSignedOn'));
    it('an unknown operation', () => refusedUnchanged('start', { operationKey: '9999' }, 'unknownOperation'));
    it('a malformed event time', () => refusedUnchanged('start', { eventTime: 'yesterday' }, 'format'));
    it('an unknown field (a typo)', () => refusedUnchanged('start', { opertor: 'x' }, 'additionalProperties'));

    it('negative and non-numeric quantities', async () => {
      await d.run('start');
      await refusedUnchanged('report', { goodQuantity: -1 }, 'minimum');
      await refusedUnchanged('report', { goodQuantity: 'ten' }, 'type');
      await refusedUnchanged('report', {}, 'nothingReported');
      await refusedUnchanged('report', { scrapQuantity: 2 }, 'required');
    });

    it('more good than the input available', async () => {
      await d.run('start');
      await d.run('report', { goodQuantity: 90 });
      const err = await refusedWith(d.run('report', { goodQuantity: 10, scrapQuantity: 1, scrapReason: 'CHIP' }), 'exceedsInput');
      assert.match(err.message, /101 PCE good \+ scrap, above the 100 available/);
      assert.equal(opRow(store).good_quantity, 90);
    });

    it('completing a paused or held operation', async () => {
      await d.run('start');
      await d.run('pause', { reasonCode: 'BREAK' });
      await refusedUnchanged('complete', { final: true }, 'stateTransition');
      await d.run('hold', { reason: 'material check' });
      await refusedUnchanged('complete', { final: true }, 'stateTransition');
      await refusedUnchanged('report', { goodQuantity: 1 }, 'stateTransition');
    });

    it('a pause without reason code', async () => {
      await d.run('start');
      await refusedUnchanged('pause', {}, 'required');
    });
  });

  describe('operation state machine', () => {
    it('start: running, order in progress, event with material, ideal cycle time, shift; instructions and due checks', async () => {
      await d.submit(validOrder());
      await d.release();
      await d.run('sign-on');
      const out = await d.run('start', { eventTime: '2026-11-25T13:30:00Z' });
      assert.equal(out.state, 'running');
      const started = out.events[0];
      assert.equal(started.type, 'operation.started');
      assert.deepEqual(started.payload, { commandId: out.commandId, shift: '2026-11-25/early', material: 'FG-100', idealCycleTimeSeconds: 30, setup: false });
      assert.equal(started.actor, 'op-anna');
      assert.equal(started.workstation, 'WS-T1');
      assert.equal(started.eventTime, '2026-11-25T13:30:00Z');
      assert.equal(out.workInstructions.length, 2);
      assert.deepEqual(out.dueChecks.map((c) => c.checkId), ['QC-V'], 'first piece is due, every-10 not yet');
      const row = opRow(store);
      assert.equal(row.workstation, 'WS-T1');
      assert.equal(row.started_at, '2026-11-25T13:30:00Z');
      assert.equal(store.db.prepare('SELECT status FROM orders').get().status, 'in_progress');
      const snap = d.snapshot('WS-T1');
      assert.equal(snap.current[0].operationKey, '0010');
      assert.deepEqual(snap.operators, ['op-anna']);
      assert.deepEqual(snap.queue, []);
      assert.equal(d.snapshot('WS-T2').queue.length, 0, 'a started operation leaves every queue');
    });

    it('setup, then production: two started events, setup true then false', async () => {
      await d.submit(plainOrder());
      await d.release();
      await d.run('sign-on');
      const setup = await d.run('start', { setup: true });
      assert.equal(setup.state, 'setup');
      assert.equal(setup.events[0].payload.setup, true);
      await refusedWith(d.run('report', { goodQuantity: 1 }), 'stateTransition');
      const run = await d.run('start');
      assert.equal(run.state, 'running');
      assert.equal(run.events[0].payload.setup, false);
    });

    it('pause with reason and resume return to the state paused from', async () => {
      await startFirst();
      const paused = await d.run('pause', { reasonCode: 'TOOL' });
      assert.deepEqual(paused.events[0].payload, { commandId: paused.commandId, shift: '2026-11-25/early', reasonCode: 'TOOL' });
      assert.equal(d.snapshot('WS-T1').current[0].pauseReason, 'TOOL');
      const resumed = await d.run('resume');
      assert.equal(resumed.state, 'running');
      assert.equal(resumed.events[0].type, 'operation.resumed');
    });

    it('one operation at a time per workstation', async () => {
      await d.submit(plainOrder({ orderId: 'PO-2' }));
      await startFirst();
      await refusedWith(d.run('start', { orderId: 'PO-2' }), 'workstationBusy');
    });

    it('precedence: an operation waits for good output of the one before, unless overlap is allowed', async () => {
      await startFirst();
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      const assembly = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
      await refusedWith(d.run('start', assembly), 'precedence');
      await d.run('report', { goodQuantity: 5 });
      assert.equal(d.snapshot('WS-A1').queue[0].ready, true);
      await d.run('start', assembly);
      await refusedWith(d.run('report', { ...assembly, goodQuantity: 6 }), 'exceedsInput');
      await d.run('report', { ...assembly, goodQuantity: 5 });
    });

    it('overlap allowed by the routing lets the next operation start before any good output', async () => {
      const order = plainOrder();
      order.operations[1].overlapAllowed = true;
      await startFirst(order);
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      const out = await d.run('start', { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' });
      assert.equal(out.state, 'running');
    });

    it('a configurable overrun lets an operation confirm more than its input', async () => {
      d = createDispatch(store, { overrunPercent: 5 });
      await startFirst();
      await d.run('report', { goodQuantity: 105 });
      await refusedWith(d.run('report', { goodQuantity: 1 }), 'exceedsInput');
    });

    it('supervisor hold and release: a queued one returns to the queue, a started one comes back paused', async () => {
      await d.submit(plainOrder());
      await d.release();
      const held = await d.run('hold', { reason: 'drawing revision' });
      assert.deepEqual(held.events[0].payload, { commandId: held.commandId, reason: 'drawing revision', shift: '2026-11-25/early' });
      assert.equal(d.snapshot('WS-T1').queue[0].state, 'held');
      await d.run('sign-on');
      await refusedWith(d.run('start'), 'stateTransition');
      assert.equal((await d.run('release', { reason: 'ok' })).state, 'queued');
      await d.run('start');
      await d.run('hold', { reason: 'gauge broken' });
      const released = await d.run('release');
      assert.equal(released.state, 'paused');
      assert.equal(released.events[0].payload.reason, 'released by supervisor');
      assert.equal((await d.run('resume')).state, 'running');
    });

    it('partial completion confirms totals and keeps running; final completion of the last operation completes the order', async () => {
      await startFirst();
      await d.run('report', { goodQuantity: 60, scrapQuantity: 2, scrapReason: 'CHIP', reworkQuantity: 1 });
      const partial = await d.run('complete', { final: false });
      assert.equal(partial.state, 'running');
      assert.deepEqual(partial.events[0].payload, { commandId: partial.commandId, shift: '2026-11-25/early', final: false, unit: 'PCE', goodQuantity: 60, scrapQuantity: 2, reworkQuantity: 1 });
      await d.run('report', { goodQuantity: 38 });
      const done = await d.run('complete', { final: true });
      assert.deepEqual(typesOf(done), ['operation.completed']);
      assert.equal(opRow(store).state, 'completed');
      assert.ok(opRow(store).completed_at);
      assert.deepEqual(d.snapshot('WS-T1').current, []);

      const asm = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      await d.run('start', asm);
      await d.run('report', { ...asm, goodQuantity: 97, scrapQuantity: 1, scrapReason: 'SCRATCH' });
      const last = await d.run('complete', { ...asm, final: true });
      assert.deepEqual(typesOf(last), ['operation.completed', 'order.completed']);
      assert.deepEqual(last.events[1].payload, { unit: 'PCE', goodQuantity: 97, scrapQuantity: 3, shift: '2026-11-25/early' });
      assert.equal(store.db.prepare('SELECT status FROM orders').get().status, 'completed');
    });

    it('an operation running across a shift boundary keeps running; each event carries its own shift', async () => {
      await d.submit(plainOrder());
      await d.release();
      await d.run('sign-on', { eventTime: '2026-11-25T21:00:00Z' });
      await d.run('start', { eventTime: '2026-11-25T21:30:00Z' });
      const before = await d.run('report', { goodQuantity: 10, eventTime: '2026-11-25T21:59:00Z' });
      const after = await d.run('report', { goodQuantity: 10, eventTime: '2026-11-26T01:00:00Z' });
      assert.equal(before.events[0].payload.shift, '2026-11-25/late');
      assert.equal(after.events[0].payload.shift, '2026-11-25/night');
      assert.equal(opRow(store).state, 'running');
    });

    it('operators sign on at one workstation at a time and sign off', async () => {
      const on = await d.run('sign-on');
      assert.deepEqual(on.events[0].payload, { commandId: on.commandId, shift: '2026-11-25/early' });
      assert.equal(on.events[0].type, 'operator.signed_on');
      await refusedWith(d.run('sign-on', { workstation: 'WS-T2' }), 'alreadySignedOn');
      assert.equal((await d.run('sign-off')).events[0].type, 'operator.signed_off');
      await refusedWith(d.run('sign-off'), 'operatorNotSignedOn');
    });
  });

  describe('quality checks', () => {
    beforeEach(async () => {
      await d.submit(validOrder());
      await d.release();
      await d.run('sign-on');
      await d.run('start');
    });

    it('completion is refused while a required check is missing; every N is due per N units', async () => {
      await d.run('report', { goodQuantity: 25 });
      const err = await refusedWith(d.run('complete', { final: true }), 'checkMissing');
      assert.match(err.message, /QC-D \(diameter\), QC-V \(visual\)/);
      const due = d.snapshot('WS-T1').current[0].dueChecks;
      assert.deepEqual(due.map((c) => [c.checkId, c.outstanding]), [['QC-D', 2], ['QC-V', 1]]);
      await d.run('check', { checkId: 'QC-V', passed: true });
      const first = await d.run('check', { checkId: 'QC-D', value: 40.01 });
      assert.deepEqual(first.events[0].payload, {
        commandId: first.commandId, checkId: 'QC-D', characteristic: 'diameter', type: 'variable', value: 40.01, passed: true,
        limits: { lower: 39.95, upper: 40.05, nominal: 40, unit: 'mm' }, shift: '2026-11-25/early',
      });
      await refusedWith(d.run('complete', { final: true }), 'checkMissing');
      await d.run('check', { checkId: 'QC-D', value: 39.99 });
      const done = await d.run('complete', { final: true });
      assert.equal(done.state, 'completed');
    });

    it('a result outside limits holds the operation and raises a nonconformance; the check stays due', async () => {
      await d.run('report', { goodQuantity: 10 });
      const out = await d.run('check', { checkId: 'QC-D', value: 40.2 });
      assert.deepEqual(typesOf(out), ['check.recorded', 'nonconformance.raised', 'operation.held']);
      assert.equal(out.events[0].payload.passed, false);
      assert.deepEqual(out.events[1].payload, { checkId: 'QC-D', characteristic: 'diameter', value: 40.2, reason: 'diameter 40.2 mm outside 39.95..40.05', shift: '2026-11-25/early' });
      assert.equal(opRow(store).state, 'held');
      await refusedWith(d.run('complete', { final: true }), 'stateTransition');
      // The hold a nonconformance raised is released after its disposition, not before.
      await refusedWith(d.run('release', { reason: 'tool replaced' }), 'nonconformanceOpen');
      await d.run('dispose', { checkId: 'QC-D', disposition: 'rework', reason: 'turn again to size' });
      await d.run('release', { reason: 'tool replaced' });
      await d.run('resume');
      assert.deepEqual(d.snapshot('WS-T1').current[0].dueChecks.map((c) => c.checkId), ['QC-D', 'QC-V']);
    });

    it('a failed attribute check holds too; checks need the right kind of result', async () => {
      await refusedWith(d.run('check', { checkId: 'QC-V' }), 'required');
      await refusedWith(d.run('check', { checkId: 'QC-D', passed: true }), 'required');
      await refusedWith(d.run('check', { checkId: 'QC-X', passed: true }), 'unknownCheck');
      const out = await d.run('check', { checkId: 'QC-V', passed: false });
      assert.deepEqual(typesOf(out), ['check.recorded', 'nonconformance.raised', 'operation.held']);
    });

    it('an at-completion check is owed for final completion only', async () => {
      await d.run('check', { checkId: 'QC-V', passed: true });
      await d.run('report', { goodQuantity: 5 });
      await d.run('complete', { final: true });
      const asm = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      await d.run('start', asm);
      await d.run('report', { ...asm, goodQuantity: 5 });
      await d.run('complete', { ...asm, final: false });
      await refusedWith(d.run('complete', { ...asm, final: true }), 'checkMissing');
      await d.run('check', { ...asm, checkId: 'QC-F', passed: true });
      const last = await d.run('complete', { ...asm, final: true });
      assert.deepEqual(typesOf(last), ['operation.completed', 'order.completed']);
    });
  });

  describe('idempotency and concurrency', () => {
    it('a repeated command id gets the same answer and no second event', async () => {
      await startFirst();
      const command = d.command('report', { goodQuantity: 7 });
      const first = await d.run('report', command);
      const seq = eventCount(store);
      const again = await d.run('report', command);
      assert.equal(again.duplicate, true);
      assert.deepEqual({ ...again, duplicate: false }, first);
      assert.equal(eventCount(store), seq);
      assert.equal(opRow(store).good_quantity, 7);
      await refusedWith(d.run('report', { ...command, goodQuantity: 8 }), 'commandIdReused');
    });

    it('two operators starting the same operation at once: exactly one wins', async () => {
      await d.submit(plainOrder());
      await d.release();
      await d.run('sign-on');
      await d.run('sign-on', { workstation: 'WS-T2', operator: 'op-ben' });
      const results = await Promise.allSettled([
        d.run('start'),
        d.run('start', { workstation: 'WS-T2', operator: 'op-ben' }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      // The loser sees the winner's result: the operation now runs at the other workstation.
      assert.equal(results.find((r) => r.status === 'rejected').reason.conflicts[0].rule, 'otherWorkstation');
      assert.equal(store.readEvents(0, 100, ['operation.started']).length, 1);
    });

    it('two reports that together exceed the input, at once: one is recorded, the other refused', async () => {
      await startFirst();
      const results = await Promise.allSettled([d.run('report', { goodQuantity: 60 }), d.run('report', { goodQuantity: 60 })]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.equal(opRow(store).good_quantity, 60);
    });
  });

  describe('WIP and order progress', () => {
    it('quantities in and out of every operation agree with the events and show on the order progress', async () => {
      await startFirst();
      await d.run('report', { goodQuantity: 30, scrapQuantity: 2, scrapReason: 'CHIP' });
      await d.run('report', { goodQuantity: 20 });
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      const asm = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
      await d.run('start', asm);
      await d.run('report', { ...asm, goodQuantity: 15, scrapQuantity: 1, scrapReason: 'SCRATCH' });
      const progress = getOrderProgress(store, 'PO-1000');
      const [turn, assy] = progress.operations;
      assert.deepEqual([turn.inputQuantity, turn.goodQuantity, turn.scrapQuantity, turn.wip], [100, 50, 2, 48]);
      assert.deepEqual([assy.inputQuantity, assy.goodQuantity, assy.scrapQuantity, assy.wip], [50, 15, 1, 34]);
      assert.equal(assy.state, 'running');
      for (const op of progress.operations) {
        const reports = store.readEvents(0, 1000, ['quantity.reported']).filter((e) => e.operationKey === op.key);
        assert.equal(reports.reduce((s, e) => s + e.payload.goodQuantity, 0), op.goodQuantity);
        assert.equal(reports.reduce((s, e) => s + e.payload.scrapQuantity, 0), op.scrapQuantity);
      }
      assert.deepEqual(d.snapshot('WS-A1').current[0].inputQuantity, 50);
    });
  });

  it('works with a plant whose workstation belongs to several work centers', async () => {
    const plant = plantConfig();
    plant.workstations.push({ id: 'WS-FLEX', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY', 'WC-TURN'] });
    d = createDispatch(store, { plant });
    const order = plainOrder();
    delete order.operations[0].allowedWorkstations;
    await d.submit(order);
    await d.release();
    assert.deepEqual(d.snapshot('WS-FLEX').queue.map((q) => q.operationKey), ['0010', '0020']);
  });
});
