// Hand-worked OEE reference cases, driven through the mes-oee node in event time. Each case shows
// its arithmetic; the node must produce exactly these numbers.
const assert = require('node:assert/strict');
const { helper, loadLine, useOeeRuntime } = require('./harness');
const Database = require('better-sqlite3');
const { tempDbFile } = require('../support/store');

const DAY = '2026-03-02'; // a Monday

/**
 * Case 1: one early shift 06:00–14:00 with breaks 09:00–09:30 and 12:00–12:15, ideal cycle 30 s,
 * micro-stop threshold 120 s. Split in two halves so the restart case can stop between them.
 */
const SHIFT_FIRST_HALF = [
  ['06:00:00', { state: 'running' }],
  ['06:59:59', { good: 150, reject: 5 }],
  ['07:00:00', { running: false, faultCode: 'E42' }], // faulted 07:00–07:20: 1200 s downtime
  ['07:20:00', { running: true }],
  ['08:00:00', { state: 'stopped' }], // 60 s: micro-stop
  ['08:01:00', { state: 'running' }],
  ['08:30:00', { state: 'stopped' }], // 30 s: micro-stop
  ['08:30:30', { state: 'running' }],
  ['08:59:00', { good: 150, reject: 5 }],
  ['09:15:00', { good: 5 }], // counted during the break: reported, not in OEE
  ['10:00:00', { state: 'setup' }], // 900 s setup (unplanned)
];
const SHIFT_SECOND_HALF = [
  ['10:15:00', { state: 'running' }],
  ['10:59:00', { good: 200, reject: 5 }],
  ['11:00:00', { state: 'idle' }], // 600 s idle (no orders, unplanned)
  ['11:10:00', { state: 'running' }],
  ['12:59:00', { good: 100, reject: 5 }],
  ['13:00:00', { state: 'stopped' }], // 119 s: still a micro-stop
  ['13:01:59', { state: 'running' }],
  ['13:59:00', { good: 100 }],
];

function drive(line, signals) {
  for (const [time, fields] of signals) line.signal('WS-1', time, fields);
}

/*
 * shift time 8 h = 28 800 s; breaks 30 + 15 min = 2 700 s → planned = 26 100 s
 * stop time = 1 200 (faulted) + 900 (setup) + 600 (idle) = 2 700 s → run = 26 100 − 2 700 = 23 400 s
 * micro-stops = 60 + 30 + 119 = 209 s (inside run time)
 * counts (planned time): good 150+150+200+100+100 = 700, reject 5+5+5+5 = 20, total 720; 5 in the break
 * ideal time = 720 × 30 = 21 600 s; good ideal time = 700 × 30 = 21 000 s
 * A = 23 400 / 26 100 = 0.896551…   P = 21 600 / 23 400 = 0.923076…   Q = 700 / 720 = 0.972222…
 * OEE = A × P × Q = 21 000 / 26 100 = 0.804597…
 * six big losses: failure 1 200, setup 900, idling+minor 600 + 209 = 809,
 *   reduced speed = 23 400 − 209 − 21 600 = 1 591, defects 20 × 30 = 600, yield 0, fully productive 21 000;
 *   1 200 + 900 + 809 + 1 591 + 600 + 21 000 = 26 100 = planned time
 */
function assertCase1(m) {
  assert.equal(m.times.shiftSeconds, 28800);
  assert.equal(m.times.breakSeconds, 2700);
  assert.equal(m.times.plannedSeconds, 26100);
  assert.equal(m.times.stopSeconds, 2700);
  assert.equal(m.times.runSeconds, 23400);
  assert.equal(m.times.microStopSeconds, 209);
  assert.deepEqual(m.counts, { total: 720, good: 700, reject: 20, outsidePlannedTime: { total: 5, good: 5 }, withoutIdealTime: 0 });
  assert.equal(m.times.idealSeconds, 21600);
  assert.equal(m.availability, 23400 / 26100);
  assert.equal(m.performance, 21600 / 23400);
  assert.equal(m.quality, 21000 / 21600);
  assert.equal(m.oee, 21000 / 26100);
  assert.ok(Math.abs(m.availability * m.performance * m.quality - m.oee) < 1e-12, 'OEE = A × P × Q');
  assert.equal(m.performanceAboveIdeal, false);
  assert.deepEqual(m.losses, {
    equipmentFailureSeconds: 1200, setupAndAdjustmentsSeconds: 900, idlingAndMinorStopsSeconds: 809, reducedSpeedSeconds: 1591,
    processDefectsSeconds: 600, reducedYieldSeconds: 0, unknownSeconds: 0, fullyProductiveSeconds: 21000,
  });
}

describe('mes-oee reference cases', () => {
  const dbFile = useOeeRuntime();

  it('a full shift with breaks, unplanned stops and micro-stops', async () => {
    const line = await loadLine(dbFile(), DAY);
    drive(line, SHIFT_FIRST_HALF);
    drive(line, SHIFT_SECOND_HALF);
    // Just before the end the shift is live: the snapshot already shows the whole shift but one minute.
    line.tick('13:59:00');
    const live = await line.snapshot();
    assert.equal(live.workstations['WS-1'].shift.id, `${DAY}/early`);
    assert.equal(live.workstations['WS-1'].state.state, 'running');
    assert.equal(live.workstations['WS-1'].shift.times.runSeconds, 23400 - 60);
    line.tick('14:00:00');
    const [summary] = (await line.shifts({ workstation: 'WS-1', day: DAY, shift: 'early' }));
    assertCase1(summary);
    // The three downtimes ask for a reason; classify the fault later as mechanical › jam.
    assert.deepEqual(summary.downtimeReasons, [{ reason: 'unclassified', seconds: 2700, stops: 3 }]);
    await line.request('oee/classify', { downtimeId: 'WS-1@2026-03-02T07:00:00.000Z', reason: ['mechanical', 'jam'], actor: 'supervisor-7' });
    const [classified] = await line.shifts({ workstation: 'WS-1', day: DAY, shift: 'early' });
    assert.deepEqual(classified.downtimeReasons, [
      { reason: 'unclassified', seconds: 1500, stops: 2 },
      { reason: 'mechanical/jam', seconds: 1200, stops: 1 },
    ]);
    const downtime = await line.request('oee/query', { query: 'downtime', workstation: 'WS-1', day: DAY });
    assert.deepEqual(downtime.map((d) => [d.state, d.seconds, d.reason]), [['idle', 600, 'unclassified'], ['setup', 900, 'unclassified'], ['faulted', 1200, 'mechanical/jam']]);
    const types = line.events.map((e) => e.type);
    assert.ok(types.includes('oee.shift.closed') && types.includes('oee.downtime.classified') && types.includes('oee.interval'));
    assert.deepEqual(line.errors, []);
  });

  it('continues the shift from the store after a restart mid-shift', async () => {
    let line = await loadLine(dbFile(), DAY);
    drive(line, SHIFT_FIRST_HALF);
    await line.snapshot(); // everything so far is committed
    await helper.unload();
    line = await loadLine(dbFile(), DAY);
    const resumed = await line.snapshot();
    assert.equal(resumed.workstations['WS-1'].state.state, 'setup', 'the open interval continues');
    assert.equal(resumed.workstations['WS-1'].shift.counts.good, 300);
    drive(line, SHIFT_SECOND_HALF);
    line.tick('14:00:00');
    const [summary] = await line.shifts({ workstation: 'WS-1', day: DAY, shift: 'early' });
    assertCase1(summary);
  });

  it('after a crash, re-derives the state from the last checkpoint and the signal journal', async () => {
    // Checkpoints only at the first commit and on close: every later signal lives in the journal.
    let line = await loadLine(dbFile(), DAY, { node: { checkpointSeconds: 3600 } });
    drive(line, SHIFT_FIRST_HALF.slice(0, 1));
    await line.snapshot();
    drive(line, SHIFT_FIRST_HALF.slice(1));
    await line.snapshot(); // acknowledged: committed to the journal, not yet checkpointed
    // A crash now: what survives is what was committed, i.e. a copy of the database at this point.
    const crashed = tempDbFile();
    const reader = new Database(dbFile(), { readonly: true });
    assert.ok(reader.prepare('SELECT COUNT(*) AS n FROM oee_signal_journal').get().n >= 1, 'the signals are in the journal');
    await reader.backup(crashed);
    reader.close();
    await helper.unload();
    line = await loadLine(crashed, DAY);
    const resumed = (await line.snapshot()).workstations['WS-1'];
    assert.equal(resumed.state.state, 'setup');
    assert.equal(resumed.shift.counts.good, 300);
    drive(line, SHIFT_SECOND_HALF);
    line.tick('14:00:00');
    const [summary] = await line.shifts({ workstation: 'WS-1', day: DAY, shift: 'early' });
    assertCase1(summary);
    // Intervals written before the crash are not written again by the replay.
    const intervals = line.events.filter((e) => e.type === 'oee.interval').map((e) => e.payload.start);
    assert.equal(new Set(intervals).size, intervals.length);
    const check = new Database(crashed, { readonly: true });
    const stored = check.prepare("SELECT json_extract(payload, '$.start') AS start FROM events WHERE type = 'oee.interval'").all().map((r) => r.start);
    check.close();
    assert.equal(new Set(stored).size, stored.length, 'no interval stored twice');
    assert.equal(stored.length, 12, 'the 12 state changes of the shift close 12 intervals');
  });

  it('replays the same signals to identical snapshots and summaries', async () => {
    const runOnce = async (file) => {
      const line = await loadLine(file, DAY);
      drive(line, SHIFT_FIRST_HALF);
      const middle = await line.snapshot();
      drive(line, SHIFT_SECOND_HALF);
      line.tick('14:00:00');
      const end = await line.snapshot();
      const shifts = await line.shifts({});
      await helper.unload();
      return { middle, end, shifts };
    };
    const first = await runOnce(dbFile());
    const second = await runOnce(tempDbFile());
    assert.deepEqual(second, first);
    assertCase1(first.shifts.find((s) => s.scope === 'workstation'));
  });

  /*
   * Absolute counters, maximum 9 999. Readings: 9 990 (baseline), 9 995 (+5),
   * 3 (rollover: 9 999 − 9 995 + 3 + 1 = +8), 10 (+7), 2 (reset: 10 is far below the top of the range, +2).
   * good = 5 + 8 + 7 + 2 = 22. The reject counter reads 0, 1, 1: reject = 1. total = 23.
   */
  it('counts across a counter rollover and a counter reset', async () => {
    const line = await loadLine(dbFile(), DAY, { node: { counterMode: 'absolute', counterMax: 9999 } });
    line.signal('WS-1', '06:00:00', { state: 'running', good: 9990, reject: 0 });
    line.signal('WS-1', '06:10:00', { good: 9995, reject: 1 });
    line.signal('WS-1', '06:20:00', { good: 3, reject: 1 });
    line.signal('WS-1', '06:30:00', { good: 10 });
    line.signal('WS-1', '06:30:00', { good: 10 }); // a duplicate reading changes nothing
    line.signal('WS-1', '06:25:00', { good: 8 }); // late: the later reading already holds it
    line.signal('WS-1', '06:40:00', { good: 2 });
    const snap = (await line.snapshot()).workstations['WS-1'];
    assert.deepEqual([snap.shift.counts.good, snap.shift.counts.reject, snap.shift.counts.total], [22, 1, 23]);
    assert.equal(snap.lateSignals, 1);
  });

  /*
   * WS-1 faults 13:50–14:20, across the change from early to late: one downtime of 1 800 s,
   * 600 s in the early shift and 1 200 s in the late one.
   * WS-2 stops 13:59:00–14:00:30 (90 s < 120 s): a micro-stop, 60 s in early and 30 s in late; the
   * early shift closes only once the stop is known to be short.
   */
  it('splits a stop that spans a shift change', async () => {
    const line = await loadLine(dbFile(), DAY, { workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 30 }, { id: 'WS-2', idealCycleTimeSeconds: 30 }] });
    line.signal('WS-1', '13:00:00', { state: 'running' });
    line.signal('WS-2', '13:00:00', { state: 'running' });
    line.signal('WS-1', '13:50:00', { state: 'faulted', faultCode: 7 });
    line.signal('WS-2', '13:59:00', { state: 'stopped' });
    line.tick('14:00:10');
    const pending = await line.shifts({ shift: 'early', workstation: 'WS-2' });
    assert.deepEqual(pending, [], 'WS-2 early shift waits: its stop may still be a micro-stop');
    line.signal('WS-2', '14:00:30', { state: 'running' });
    line.signal('WS-1', '14:20:00', { state: 'running' });
    line.tick('22:00:00');
    const rows = await line.shifts({ day: DAY });
    const row = (scope, subject, shift) => rows.find((r) => r.scope === scope && r.subject === subject && r.shift === shift);
    assert.equal(row('workstation', 'WS-1', 'early').losses.equipmentFailureSeconds, 600);
    assert.equal(row('workstation', 'WS-1', 'late').losses.equipmentFailureSeconds, 1200);
    assert.equal(row('workstation', 'WS-2', 'early').times.microStopSeconds, 60);
    assert.equal(row('workstation', 'WS-2', 'late').times.microStopSeconds, 30);
    assert.equal(row('workstation', 'WS-2', 'late').times.stopSeconds, 0);
    const [downtime] = await line.request('oee/query', { query: 'downtime', workstation: 'WS-1' });
    assert.deepEqual([downtime.start, downtime.end, downtime.seconds, downtime.faultCode], ['2026-03-02T13:50:00.000Z', '2026-03-02T14:20:00.000Z', 1800, '7']);
    assert.deepEqual(row('workstation', 'WS-1', 'late').downtimeReasons, [{ reason: 'unclassified', seconds: 1200, stops: 1 }]);
  });

  /*
   * Early shift with its breaks: planned 26 100 s, running all the time. Product A (dispatch operation.started, ideal 30 s) 06:00–10:00: 200 good + 10 reject.
   * Product B (operation.started without ideal time → configured 45 s) from 10:00: 100 good.
   * ideal time = 210 × 30 + 100 × 45 = 6 300 + 4 500 = 10 800 s; good ideal = 6 000 + 4 500 = 10 500 s
   * A = 1, P = 10 800 / 26 100, Q = 10 500 / 10 800 (ideal-time weighted; good/total = 300/310
   * would break OEE = A × P × Q), OEE = 10 500 / 26 100 = 0.402298…
   */
  it('sums ideal time per count for two products', async () => {
    const line = await loadLine(dbFile(), DAY, { workstations: [{ id: 'WS-1', products: { 'FG-B': 45 } }] });
    const started = (time, orderId, material, ideal) => line.send(undefined, {
      seq: 1, eventId: 'x', type: 'operation.started', eventTime: line.at(time), recordedTime: line.at(time), workstation: 'WS-1',
      orderId, operationKey: '0010', actor: 'op', payload: { commandId: 'c', shift: 'early', material, setup: false, ...(ideal ? { idealCycleTimeSeconds: ideal } : {}) },
    });
    started('06:00:00', 'PO-A', 'FG-A', 30);
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-1', '09:59:00', { good: 200, reject: 10 });
    started('10:00:00', 'PO-B', 'FG-B');
    line.signal('WS-1', '13:59:00', { good: 100 });
    line.tick('14:00:00');
    const [m] = await line.shifts({ workstation: 'WS-1', shift: 'early' });
    assert.equal(m.times.plannedSeconds, 26100);
    assert.equal(m.times.idealSeconds, 10800);
    assert.equal(m.availability, 1);
    assert.equal(m.performance, 10800 / 26100);
    assert.equal(m.quality, 10500 / 10800);
    assert.equal(m.oee, 10500 / 26100);
    assert.ok(Math.abs(m.availability * m.performance * m.quality - m.oee) < 1e-12);
    const snap = (await line.snapshot()).workstations['WS-1'];
    assert.deepEqual(snap.product, { material: 'FG-B', idealMs: 45000, orderId: 'PO-B', operationKey: '0010' });
    // Order PO-B: 10:00–14:00 minus the 12:00 lunch break = 13 500 s planned, 100 good × 45 s.
    assert.equal(snap.order.orderId, 'PO-B');
    assert.equal(snap.order.oee, 4500 / 13500);
  });

  /*
   * Line rollup sums times and counts. WS-1: planned 26 100, running all shift, 700 good at 30 s
   * (ideal 21 000). WS-2: faulted 06:00–10:00, 14 400 s of which 1 800 s fall in the breakfast break:
   * 12 600 s downtime; then running; 100 good at 60 s (ideal 6 000).
   * Line: planned 52 200, run 52 200 − 12 600 = 39 600, ideal 27 000.
   * A = 39 600 / 52 200, P = 27 000 / 39 600, Q = 1, OEE = 27 000 / 52 200 = 0.517241…
   * Averaging the workstations' A and P instead: ((1 + 0.517)/2) × ((0.805 + 0.444)/2) = 0.474 ≠ that.
   */
  it('rolls a line up by summing times and counts, never averaging percentages', async () => {
    const line = await loadLine(dbFile(), DAY, { workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 30 }, { id: 'WS-2', idealCycleTimeSeconds: 60 }] });
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-2', '06:00:00', { state: 'faulted', faultCode: 'E1' });
    line.signal('WS-2', '10:00:00', { state: 'running' });
    line.signal('WS-1', '13:00:00', { good: 700 });
    line.signal('WS-2', '13:00:00', { good: 100 });
    line.tick('14:00:00');
    const rows = await line.shifts({ shift: 'early' });
    const lineRow = rows.find((r) => r.scope === 'line');
    assert.equal(lineRow.subject, 'LINE-1');
    assert.equal(lineRow.times.plannedSeconds, 52200);
    assert.equal(lineRow.times.runSeconds, 39600);
    assert.equal(lineRow.availability, 39600 / 52200);
    assert.equal(lineRow.performance, 27000 / 39600);
    assert.equal(lineRow.quality, 1);
    assert.equal(lineRow.oee, 27000 / 52200);
    const ws = rows.filter((r) => r.scope === 'workstation');
    const averaged = (ws[0].availability + ws[1].availability) / 2 * ((ws[0].performance + ws[1].performance) / 2);
    assert.ok(Math.abs(averaged - lineRow.oee) > 0.01, 'averaging percentages would give another figure');
    const live = (await line.snapshot()).line;
    assert.deepEqual(live.states, { 'WS-1': 'running', 'WS-2': 'running' });
  });
});
