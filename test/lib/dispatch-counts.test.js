// Machine counts as actuals: PLC counter signals become the running operation's good and scrap,
// in batches, with the rules of an operator's report.
const assert = require('node:assert/strict');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { getOrderProgress } = require('../../dist/lib/orders');
const { toCanonicalActual } = require('../../dist/lib/erp');
const { parseCounterSignal } = require('../../dist/lib/dispatch');
const { parsePlantModel } = require('../../dist/lib/plant');
const { createDispatch, countingPlant, refusedWith } = require('../support/dispatch');

const typesOf = (events) => events.map((e) => e.type);
const opRow = (store, key = '0010') => store.db.prepare("SELECT * FROM operations WHERE order_id = 'PO-1000' AND operation_key = ?").get(key);
const eventsOf = (store, type) => store.readEvents(0, 10000, [type]);

/** An order without quality checks, so counting tests are not held up by them. */
function plainOrder() {
  const order = validOrder();
  order.operations.forEach((op) => { op.qualityChecks = []; });
  return order;
}

describe('dispatch machine counts', () => {
  let store;
  let d;
  afterEach(() => store.close());

  /** `seconds` after the last command's event time. */
  const after = (seconds) => new Date(d.clock + seconds * 1000).toISOString();

  async function setup(plant = countingPlant(), order = plainOrder(), options = {}) {
    store = openTempStore();
    d = createDispatch(store, { plant, ...options });
    await d.submit(order);
    await d.release();
    await d.run('sign-on');
  }

  async function running(plant, order, options) {
    await setup(plant, order, options);
    await d.run('start');
  }

  describe('automatic counting, absolute counters', () => {
    beforeEach(() => running());

    it('the first reading sets the baseline; a batch of 10 units becomes one quantity.reported of the operation', async () => {
      const first = await d.signal({ time: after(1), good: 1000, reject: 40 });
      assert.deepEqual([first.disposition, first.events], ['none', []], 'a first reading counts nothing');
      for (let i = 1; i <= 8; i++) assert.deepEqual((await d.signal({ time: after(1 + i), good: 1000 + i, reject: 40 })).events, []);
      const closing = await d.signal({ time: after(10), good: 1008, reject: 42 });
      assert.deepEqual(typesOf(closing.events), ['quantity.reported']);
      const event = closing.events[0];
      assert.equal(event.actor, 'machine:WS-T1');
      assert.equal(event.workstation, 'WS-T1');
      assert.deepEqual([event.orderId, event.operationKey, event.eventTime], ['PO-1000', '0010', after(10)]);
      assert.deepEqual(event.payload, {
        source: 'machine', unit: 'PCE', goodQuantity: 8, scrapQuantity: 2, scrapReason: 'machine reject', reworkQuantity: 0,
        from: after(2), to: after(10), signals: 9, shift: '2026-11-25/early',
      });
      assert.deepEqual([opRow(store).good_quantity, opRow(store).scrap_quantity], [8, 2]);
      assert.deepEqual(closing.workstations, ['WS-T1', 'WS-A1'], 'the first good output makes the next operation ready');
    });

    it('order progress, WIP and the ERP actual agree with an operator report of the same quantities', async () => {
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 27, reject: 3 });
      const machine = eventsOf(store, 'quantity.reported')[0];
      const [turn] = getOrderProgress(store, 'PO-1000').operations;
      assert.deepEqual([turn.inputQuantity, turn.goodQuantity, turn.scrapQuantity, turn.wip], [100, 27, 3, 70]);
      const operator = await d.run('report', { goodQuantity: 27, scrapQuantity: 3, scrapReason: 'machine reject' });
      const order = JSON.parse(store.db.prepare('SELECT document FROM orders').get().document);
      const [fromMachine, fromOperator] = [toCanonicalActual(machine, order), toCanonicalActual(operator.events[0], order)];
      const quantities = (a) => [a.kind, a.unit, a.goodQuantity, a.scrapQuantity, a.scrapReason, a.reworkQuantity, a.workCenter, a.operationSequence];
      assert.deepEqual(quantities(fromMachine), quantities(fromOperator));
      assert.equal(fromMachine.actor, 'machine:WS-T1');
    });

    it('a batch closes after countBatch.seconds of event time', async () => {
      await d.signal({ time: after(1), good: 0, reject: 0 });
      assert.deepEqual((await d.signal({ time: after(2), good: 2, reject: 0 })).events, []);
      assert.deepEqual((await d.signal({ time: after(31), good: 3, reject: 0 })).events, [], '29 s after the batch opened');
      const closed = await d.signal({ time: after(32), good: 4, reject: 0 });
      assert.deepEqual(closed.events.map((e) => [e.type, e.payload.goodQuantity, e.payload.from, e.payload.to]), [['quantity.reported', 4, after(2), after(32)]]);
    });

    it('a quiet machine\'s batch closes after countBatch.seconds of wall clock', async () => {
      const wall = Date.parse('2030-01-01T00:00:00Z');
      await d.signal({ time: after(1), good: 0, reject: 0 }, wall);
      await d.signal({ time: after(2), good: 3, reject: 1 }, wall + 1000);
      assert.equal(d.dispatcher.hasQuietCounts(store, wall + 30999), false);
      assert.deepEqual((await d.closeQuiet(wall + 30999)).events, [], 'not yet 30 s');
      assert.equal(d.dispatcher.hasQuietCounts(store, wall + 31000), true);
      const closed = await d.closeQuiet(wall + 31000);
      assert.deepEqual(closed.events.map((e) => [e.type, e.payload.goodQuantity, e.payload.scrapQuantity]), [['quantity.reported', 3, 1]]);
      assert.equal(d.dispatcher.hasQuietCounts(store, wall + 60000), false, 'nothing is left open');
    });

    it('pause and completion book the pending counts first, so the completion\'s totals include them', async () => {
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 3, reject: 0 });
      const paused = await d.run('pause', { reasonCode: 'TOOL' });
      assert.deepEqual(typesOf(paused.events), ['quantity.reported', 'operation.paused']);
      assert.equal(paused.events[0].payload.goodQuantity, 3);
      await d.run('resume');
      await d.signal({ time: after(1), good: 7, reject: 0 });
      await d.run('report', { goodQuantity: 1 }); // an operator's correction comes after the machine's pending counts
      assert.deepEqual(eventsOf(store, 'quantity.reported').map((e) => [e.actor, e.payload.goodQuantity]), [['machine:WS-T1', 3], ['machine:WS-T1', 4], ['op-anna', 1]]);
      await d.signal({ time: after(1), good: 12, reject: 0 });
      const done = await d.run('complete', { final: true });
      assert.deepEqual(typesOf(done.events), ['quantity.reported', 'operation.completed']);
      assert.equal(done.events[1].payload.goodQuantity, 13);
      assert.equal(opRow(store).good_quantity, 13);
    });

    it("a supervisor's hold books the pending counts of the operation's workstation first", async () => {
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 2, reject: 1 });
      const held = await d.run('hold', { reason: 'drawing revision' });
      assert.deepEqual(held.events.map((e) => [e.type, e.actor]), [['quantity.reported', 'machine:WS-T1'], ['operation.held', 'sup-bo']]);
      assert.deepEqual([opRow(store).good_quantity, opRow(store).scrap_quantity], [2, 1]);
    });

    it('counts while the operation is paused are refused (stateTransition), recorded, and not retried', async () => {
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.run('pause', { reasonCode: 'BREAK' });
      const counted = await d.signal({ time: after(1), good: 4, reject: 0 });
      assert.equal(counted.disposition, 'refused');
      const resumed = await d.run('resume');
      assert.deepEqual(typesOf(resumed.events), ['quantity.refused', 'operation.resumed']);
      const refused = resumed.events[0];
      assert.deepEqual([refused.orderId, refused.operationKey], ['PO-1000', '0010']);
      assert.deepEqual([refused.payload.rule, refused.payload.good, refused.payload.reject], ['stateTransition', 4, 0]);
      assert.match(refused.payload.message, /it is paused/);
      await d.signal({ time: after(1), good: 14, reject: 0 });
      assert.equal(opRow(store).good_quantity, 10, 'after the resume the next 10 count; the refused 4 are not retried');
    });

    it('a counter wraps from its maximum to 0', async () => {
      store.close();
      await running(countingPlant('automatic', { counterMode: 'absolute', counterMax: 65535 }));
      await d.signal({ time: after(1), good: 65530, reject: 0 });
      await d.signal({ time: after(2), good: 65535, reject: 0 });
      const wrapped = await d.signal({ time: after(3), good: 4, reject: 0 });
      assert.deepEqual(wrapped.events.map((e) => [e.type, e.payload.goodQuantity]), [['quantity.reported', 10]]);
      assert.deepEqual(eventsOf(store, 'counter.reset'), []);
    });

    it('a counter that drops away from its maximum was reset: recorded, counting on from 0', async () => {
      await d.signal({ time: after(1), good: 500, reject: 0 });
      const reset = await d.signal({ time: after(2), good: 3, reject: 0 });
      assert.deepEqual(reset.events.map((e) => [e.type, e.payload.counter, e.payload.previousReading, e.payload.reading, e.payload.counted]), [['counter.reset', 'good', 500, 3, 3]]);
      await d.signal({ time: after(3), good: 10, reject: 0 });
      assert.equal(opRow(store).good_quantity, 10, '3 after the reset, then 7: not a delta of 4294966805');
    });

    it('a reading older than the last one is ignored', async () => {
      await d.signal({ time: after(5), good: 100, reject: 0 });
      const late = await d.signal({ time: after(4), good: 90, reject: 0 });
      assert.deepEqual([late.disposition, late.events], ['none', []]);
      await d.signal({ time: after(6), good: 110, reject: 0 });
      assert.equal(opRow(store).good_quantity, 10);
      assert.deepEqual(eventsOf(store, 'counter.reset'), [], 'the late 90 was no reset');
    });

    it('a configured scrap reason names the machine\'s rejects', async () => {
      store.close();
      await running(countingPlant('automatic', { machineScrapReason: 'PLC-REJ' }));
      await d.signal({ time: after(1), good: 0, reject: 0 });
      const { events } = await d.signal({ time: after(2), good: 0, reject: 10 });
      assert.equal(events[0].payload.scrapReason, 'PLC-REJ');
    });
  });

  describe('counts with no operation running', () => {
    it('are recorded as quantity.unassigned, in batches; a start closes the batch first', async () => {
      await setup();
      await d.signal({ time: after(1), good: 0, reject: 0 });
      const full = await d.signal({ time: after(2), good: 9, reject: 1 });
      assert.deepEqual(full.events.map((e) => [e.type, e.orderId, e.actor, e.payload.good, e.payload.reject, e.payload.from, e.payload.to]),
        [['quantity.unassigned', null, 'machine:WS-T1', 9, 1, after(2), after(2)]]);
      await d.signal({ time: after(3), good: 11, reject: 1 });
      const started = await d.run('start');
      assert.deepEqual(started.events.map((e) => [e.type, e.payload.good]), [['quantity.unassigned', 2], ['operation.started', undefined]]);
      assert.equal(opRow(store).good_quantity, 0, 'counts from before the start are not the operation\'s');
    });

    it('setup pieces are unassigned too', async () => {
      await setup();
      await d.run('start', { setup: true });
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 2, reject: 3 });
      const production = await d.run('start');
      assert.deepEqual(typesOf(production.events), ['quantity.unassigned', 'operation.started']);
      assert.equal(opRow(store).good_quantity + opRow(store).scrap_quantity, 0);
    });
  });

  describe('the rules of a report apply to machine counts', () => {
    it('overrun: counts beyond input + overrun are refused (exceedsInput), naming the counts and the operation', async () => {
      await running(countingPlant('automatic', {}, { units: 1, seconds: 30 }), plainOrder(), { overrunPercent: 5 });
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 105, reject: 0 });
      assert.equal(opRow(store).good_quantity, 105, 'up to input + 5 % counts');
      const over = await d.signal({ time: after(3), good: 107, reject: 0 });
      assert.deepEqual(typesOf(over.events), ['quantity.refused']);
      const refused = over.events[0];
      assert.deepEqual([refused.operationKey, refused.payload.rule, refused.payload.field, refused.payload.good], ['0010', 'exceedsInput', 'goodQuantity', 2]);
      assert.match(refused.payload.message, /would reach 107 PCE good \+ scrap, above the 105 available/);
      assert.equal(opRow(store).good_quantity, 105);
    });

    it('precedence: an overlapping operation counts only what the operation before it has delivered', async () => {
      const order = plainOrder();
      order.operations[1].overlapAllowed = true;
      await setup(countingPlant('automatic', {}, { units: 1, seconds: 30 }), order);
      await d.run('start');
      const asm = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
      await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
      await d.run('start', asm);
      await d.signal({ workstation: 'WS-A1', time: after(1), good: 0, reject: 0 });
      const early = await d.signal({ workstation: 'WS-A1', time: after(2), good: 1, reject: 0 });
      assert.deepEqual(early.events.map((e) => [e.type, e.payload.rule]), [['quantity.refused', 'exceedsInput']]);
      assert.match(early.events[0].payload.message, /0 delivered good by operation 0010/);
      await d.signal({ time: after(3), good: 0, reject: 0 });
      await d.signal({ time: after(4), good: 5, reject: 0 });
      const counted = await d.signal({ workstation: 'WS-A1', time: after(5), good: 6, reject: 0 });
      assert.deepEqual(counted.events.map((e) => [e.type, e.operationKey, e.payload.goodQuantity]), [['quantity.reported', '0020', 5]]);
    });

    it('quality: an operation held by a failed check takes no counts; they are refused until it is released and resumed', async () => {
      const order = validOrder();
      await running(countingPlant('automatic', {}, { units: 1, seconds: 30 }), order);
      await d.signal({ time: after(1), good: 0, reject: 0 });
      assert.equal((await d.signal({ time: after(2), good: 1, reject: 0 })).events[0].type, 'quantity.reported');
      await d.run('check', { checkId: 'QC-V', passed: false });
      assert.equal(opRow(store).state, 'held');
      const held = await d.signal({ time: after(1), good: 2, reject: 0 });
      assert.deepEqual(held.events.map((e) => [e.type, e.payload.rule, e.payload.good]), [['quantity.refused', 'stateTransition', 1]]);
      assert.match(held.events[0].payload.message, /it is held/);
      assert.equal(opRow(store).good_quantity, 1);
      await d.run('dispose', { checkId: 'QC-V', disposition: 'use-as-is', reason: 'part re-measured' });
      await d.run('release', { reason: 'part re-measured' });
      await d.run('resume');
      await d.signal({ time: after(1), good: 3, reject: 0 });
      assert.equal(opRow(store).good_quantity, 2, 'the unit made while held stays refused; the next one counts');
    });

    it('a refused batch is never a silent drop: an operation cancelled under a pending batch gets it as quantity.refused', async () => {
      await running();
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 4, reject: 0 });
      store.db.prepare("UPDATE operations SET state = 'cancelled' WHERE operation_key = '0010'").run(); // as the order intake's cancel does
      const { events } = await d.closeQuiet(Date.parse('2100-01-01T00:00:00Z'));
      assert.deepEqual(events.map((e) => [e.type, e.payload.rule, e.payload.good]), [['quantity.refused', 'stateTransition', 4]]);
    });
  });

  describe('counting modes', () => {
    it('manual: the dispatcher ignores counts (the same signals count under automatic)', async () => {
      await running(countingPlant('automatic'));
      await d.signal({ time: after(1), good: 0, reject: 0 });
      assert.equal((await d.signal({ time: after(2), good: 10, reject: 0 })).events.length, 1);
      store.close();
      await running(countingPlant('manual'));
      await d.signal({ time: after(1), good: 0, reject: 0 });
      const ignored = await d.signal({ time: after(2), good: 10, reject: 0 });
      assert.deepEqual([ignored.disposition, ignored.events], ['none', []]);
      assert.equal(store.db.prepare('SELECT COUNT(*) AS n FROM dispatch_counters').get().n, 0, 'nothing stored');
      assert.equal(opRow(store).good_quantity, 0);
    });

    it('both: the PLC\'s good counter counts, its rejects do not; the operator reports scrap', async () => {
      await running(countingPlant('both'));
      await d.signal({ time: after(1), good: 0, reject: 0 });
      const { events } = await d.signal({ time: after(2), good: 10, reject: 7 });
      assert.deepEqual(events.map((e) => [e.payload.goodQuantity, e.payload.scrapQuantity, e.payload.scrapReason]), [[10, 0, undefined]]);
      await d.run('report', { scrapQuantity: 2, scrapReason: 'CHIP' });
      assert.deepEqual([opRow(store).good_quantity, opRow(store).scrap_quantity], [10, 2]);
    });

    it('increment counters: each signal carries a delta, no baseline; a late one still counts', async () => {
      await running(countingPlant('automatic', { counterMode: 'increment' }));
      await d.signal({ time: after(5), good: 4, reject: 1 });
      const { events } = await d.signal({ time: after(3), good: 5, reject: 0 });
      assert.deepEqual(events.map((e) => [e.payload.goodQuantity, e.payload.scrapQuantity, e.payload.from, e.payload.to]), [[9, 1, after(3), after(5)]]);
    });
  });

  describe('after a restart', () => {
    it('pending counts are still there; the first reading of the new run only sets the baseline', async () => {
      await running();
      await d.signal({ time: after(1), good: 0, reject: 0 });
      await d.signal({ time: after(2), good: 6, reject: 0 });
      const restarted = createDispatch(store, { plant: countingPlant() });
      assert.deepEqual((await restarted.signal({ time: after(3), good: 8, reject: 0 })).events, [], 'baseline: the 2 counted while down are not booked');
      const { events } = await restarted.signal({ time: after(4), good: 12, reject: 0 });
      assert.deepEqual(events.map((e) => [e.payload.goodQuantity, e.payload.from, e.payload.signals]), [[10, after(2), 2]], 'the 6 pending from before the restart, then 4');
    });
  });

  describe('signal input', () => {
    const plant = parsePlantModel(countingPlant());
    const now = Date.parse('2026-11-25T08:00:00Z');
    const parse = (payload, extra = {}) => parseCounterSignal({ payload: { workstation: 'WS-T1', time: '2026-11-25T08:00:00Z', ...payload }, ...extra }, plant, now);
    const rulesOf = (payload) => {
      try {
        parse(payload);
      } catch (err) {
        assert.equal(err.name, 'ValidationError');
        return err.errors.map((e) => `${e.field}:${e.rule}`).sort();
      }
      throw new Error('expected a ValidationError');
    };

    it('reads time as ISO or epoch ms, or from the OPC UA source timestamp; a state-only signal is not dispatch\'s', () => {
      assert.deepEqual(parse({ good: 5, reject: 1, state: 'running' }), { workstation: 'WS-T1', time: now, good: 5, reject: 1 });
      assert.equal(parse({ good: 5, time: now - 1000 }).time, now - 1000);
      assert.equal(parse({ good: 5, time: undefined }, { sourceTimestamp: new Date(now - 5) }).time, now - 5);
      assert.equal(parse({ state: 'stopped', faultCode: 7 }), null);
    });

    it('refuses garbled signals naming field and rule', () => {
      assert.deepEqual(rulesOf({ workstation: 'WS-NOPE', good: 1 }), ['payload.workstation:unknownWorkstation']);
      assert.deepEqual(rulesOf({ good: -1, reject: 'ten' }), ['payload.good:minimum', 'payload.reject:type']);
      assert.deepEqual(rulesOf({ good: NaN }), ['payload.good:type']);
      assert.deepEqual(rulesOf({ good: 4294967296 }), ['payload.good:counterRange']);
      assert.deepEqual(rulesOf({ good: 2.5 }), ['payload.good:counterRange']);
      assert.deepEqual(rulesOf({ good: 1, time: 'yesterday' }), ['payload.time:timestamp']);
      assert.deepEqual(rulesOf({ good: 1, time: undefined }), ['payload.time:required']);
      assert.deepEqual(rulesOf({ total: 10, reject: 1 }), ['payload.total:countScheme']);
      assert.deepEqual(rulesOf({ good: 1, goood: 2 }), ['payload.goood:additionalProperties']);
    });

    it('a refused signal changes nothing', async () => {
      await running();
      await d.signal({ time: after(1), good: 0, reject: 0 });
      const before = store.db.prepare('SELECT * FROM dispatch_counters').all();
      await refusedWith(d.signal({ time: after(2), good: -5 }), 'minimum');
      assert.deepEqual(store.db.prepare('SELECT * FROM dispatch_counters').all(), before);
    });
  });
});

describe('dispatch machine counts across kill -9', function () {
  this.timeout(60000);
  const { spawn } = require('node:child_process');
  const path = require('node:path');
  const { tempDbFile } = require('../support/store');

  /** Runs the counting child until `acks` readings are acknowledged, then kills it with -9; resolves with the last acknowledged reading. */
  function countUntilKilled(file, plant, acks) {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'count-signals-child.js'), file, JSON.stringify(plant)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let last = -1;
      let output = '';
      child.stderr.on('data', (d) => { output += d; });
      child.stdout.on('data', (chunk) => {
        for (const match of String(chunk).matchAll(/acked (\d+)/g)) last = Math.max(last, Number(match[1]));
        if (last >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(last) : reject(new Error(`child exited ${code}: ${output}`))));
    });
  }

  it('loses no acknowledged count and counts none twice; after the restart the pending counts are still there', async () => {
    const file = tempDbFile();
    // One batch for everything: nothing closes before the kill, so all of it is pending.
    const plant = countingPlant('automatic', {}, { units: 1000000, seconds: 3600 });
    let store = openTempStore({ file });
    const d = createDispatch(store, { plant });
    await d.submit(plainOrder());
    await d.release();
    await d.run('sign-on');
    await d.run('start');
    store.close();

    const acked = await countUntilKilled(file, plant, 50);
    store = openTempStore({ file });
    try {
      const row = store.db.prepare("SELECT * FROM dispatch_counters WHERE workstation = 'WS-T1'").get();
      assert.ok(row.good_reading >= acked, `the last acknowledged reading (${acked}) is stored (${row.good_reading})`);
      assert.equal(row.good, row.good_reading, 'pending = every unit from the first reading (0) to the last stored one');
      assert.equal(opRow(store).good_quantity, 0, 'nothing booked yet: all pending');

      const restarted = createDispatch(store, { plant });
      const next = row.good_reading + 5; // 5 made while the process was down: the new run's baseline
      await restarted.signal({ time: new Date(row.reading_time + 1000).toISOString(), good: next, reject: 0 });
      await restarted.signal({ time: new Date(row.reading_time + 2000).toISOString(), good: next + 10, reject: 0 });
      const { events } = await restarted.closeQuiet(Date.parse('2100-01-01T00:00:00Z'));
      assert.deepEqual(events.map((e) => [e.type, e.payload.goodQuantity]), [['quantity.reported', row.good_reading + 10]]);
      assert.equal(opRow(store).good_quantity, row.good_reading + 10);
    } finally {
      store.close();
    }
  });
});
