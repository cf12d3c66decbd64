// The defined edge cases of docs/oee.md, through the node: no planned time, no counts,
// performance above 100 %, counts during a planned stop, signal loss, out-of-order and duplicate
// signals, and garbled signals (clear error, nothing changed, the node keeps running).
const assert = require('node:assert/strict');
const { loadLine, useOeeRuntime } = require('./harness');

const DAY = '2026-03-02';

describe('mes-oee edge cases', () => {
  const dbFile = useOeeRuntime();

  const ws1 = async (line) => (await line.snapshot()).workstations['WS-1'];

  it('no planned time: a planned stop all shift gives null A, P, OEE (not 0 or NaN); counts in it are reported apart', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { state: 'planned-stop' });
    line.signal('WS-1', '08:00:00', { good: 4 });
    line.tick('14:00:00');
    const [m] = await line.shifts({ workstation: 'WS-1', shift: 'early' });
    assert.equal(m.times.plannedSeconds, 0);
    assert.deepEqual([m.availability, m.performance, m.quality, m.oee], [null, null, null, null]);
    assert.deepEqual(m.counts.outsidePlannedTime, { total: 4, good: 4 });
    assert.equal(m.counts.total, 0);
  });

  it('no shift at all (a holiday): the snapshot has no shift window', async () => {
    const line = await loadLine(dbFile(), '2026-03-06');
    line.signal('WS-1', '08:00:00', { state: 'running' });
    line.tick('09:00:00');
    const snap = await ws1(line);
    assert.equal(snap.shift, null);
    assert.equal(snap.lastHour.times.plannedSeconds, 0);
    assert.equal(snap.lastHour.times.offShiftSeconds, 3600);
    assert.equal(snap.lastHour.oee, null);
  });

  /* Running 06:00–07:00 (3 600 s planned and run) with no counts: P = 0 / 3 600 = 0, Q has nothing to judge (null), OEE = 0. */
  it('no counts: performance and OEE are 0, quality is null', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.tick('07:00:00');
    const { shift } = await ws1(line);
    assert.deepEqual([shift.availability, shift.performance, shift.quality, shift.oee], [1, 0, null, 0]);
  });

  /*
   * Counts before the first state signal (a PLC whose counter tag arrives before its state tag):
   * 06:00–07:00 unknown = 3 600 s planned, 0 s run. 60 good × 30 s ideal = 1 800 s.
   * A = 0 / 3 600 = 0, P = 1 800 / 0 → null, OEE = 1 800 / 3 600 = 0.5, flagged: A × P × Q cannot
   * show it, and the state tag needs checking.
   */
  it('counts without run time: A = 0, P null, OEE from good ideal time, flagged countsWithoutRunTime', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { good: 30 });
    line.signal('WS-1', '06:30:00', { good: 30 });
    line.tick('07:00:00');
    const { shift } = await ws1(line);
    assert.equal(shift.times.plannedSeconds, 3600);
    assert.equal(shift.times.runSeconds, 0);
    assert.deepEqual([shift.availability, shift.performance, shift.quality, shift.oee], [0, null, 1, 0.5]);
    assert.equal(shift.countsWithoutRunTime, true);
    line.signal('WS-1', '07:00:00', { state: 'running' });
    line.tick('08:00:00');
    const later = (await ws1(line)).shift;
    assert.equal(later.countsWithoutRunTime, false);
    assert.equal(later.availability, 0.5);
    assert.equal(later.oee, 0.25); // 1 800 s of good ideal time in 7 200 s planned = A 0.5 × P 0.5 × Q 1
  });

  /* 06:00–07:00 running, 150 counts × 30 s ideal = 4 500 s of ideal time in 3 600 s: P = 1.25, reported and flagged. */
  it('performance above 100 % is reported as such and flagged', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-1', '06:59:00', { good: 150 });
    line.tick('07:00:00');
    const { shift } = await ws1(line);
    assert.equal(shift.performance, 1.25);
    assert.equal(shift.performanceAboveIdeal, true);
    assert.equal(shift.oee, 1.25);
  });

  /*
   * Signal timeout 3 600 s. Signals at 06:00 (running) and 07:00 (a count); a time advance to 08:30
   * makes the state unknown from 08:00: 30 min = 1 800 s unknown (stop time, never run); run time
   * 06:00–08:00 = 7 200 s. A count at 08:30 brings the machine back to the last reported state.
   */
  it('signal loss turns the state unknown after the timeout, never counted as running', async () => {
    const line = await loadLine(dbFile(), DAY, { node: { signalTimeoutSeconds: 3600 } });
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-1', '07:00:00', { good: 10 });
    line.tick('08:30:00');
    let snap = await ws1(line);
    assert.equal(snap.state.state, 'unknown');
    assert.equal(snap.state.since, '2026-03-02T08:00:00.000Z');
    assert.equal(snap.shift.times.unknownSeconds, 1800);
    assert.equal(snap.shift.times.runSeconds, 7200);
    assert.equal(snap.shift.losses.unknownSeconds, 1800);
    line.signal('WS-1', '08:30:00', { good: 1 });
    line.tick('09:00:00');
    snap = await ws1(line);
    assert.equal(snap.state.state, 'running');
    assert.equal(snap.shift.times.runSeconds, 7200 + 1800);
  });

  it('ignores duplicates and late state signals, keeps late increments, and counts the late ones', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-1', '06:00:00', { state: 'running' }); // duplicate
    line.signal('WS-1', '06:30:00', { state: 'stopped' });
    line.signal('WS-1', '06:10:00', { state: 'faulted', faultCode: 3 }); // late: ignored
    line.signal('WS-1', '06:20:00', { good: 5 }); // late increment: counted at 06:30
    line.signal('WS-1', '06:40:00', { state: 'running' });
    line.tick('07:00:00');
    const { shift, lateSignals } = await ws1(line);
    assert.equal(lateSignals, 2);
    assert.equal(shift.counts.good, 5);
    assert.equal(shift.times.stopSeconds, 600);
    assert.equal(shift.times.runSeconds, 3000);
    assert.deepEqual(shift.topDowntimeReasons, [{ reason: 'unclassified', seconds: 600, stops: 1 }]);
  });

  it('books a signal newer than the machine\'s last one but older than the wall-clock-moved clock at that clock, not as late', async () => {
    // The wall clock moved event time to 06:30 (a tick); the machine's last signal was at 06:00.
    // Its stop at 06:20 reaches the MES only now (held up, or the state at a new subscription).
    const line = await loadLine(dbFile(), DAY);
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.tick('06:30:00');
    line.signal('WS-1', '06:20:00', { state: 'stopped' });
    line.signal('WS-1', '06:10:00', { state: 'faulted', faultCode: 3 }); // older than the last signal: late
    line.tick('06:40:00');
    const { shift, lateSignals, state } = await ws1(line);
    assert.equal(lateSignals, 1);
    assert.equal(state.state, 'stopped');
    assert.equal(state.since, `${DAY}T06:30:00.000Z`);
    assert.equal(shift.times.runSeconds, 1800);
    assert.equal(shift.times.stopSeconds, 600);
  });

  it('takes a late first reading of an absolute counter as its baseline, so no unit of the next readings is lost', async () => {
    // At a subscription a PLC sends every tag's last value with the time it last changed: a
    // counter that last changed before the state did arrives late.
    const line = await loadLine(dbFile(), DAY, { node: { counterMode: 'absolute', counterMax: 4294967295 } });
    line.signal('WS-1', '06:00:00', { state: 'running' });
    line.signal('WS-1', '05:50:00', { good: 100, reject: 7 }); // late: the baseline only
    line.signal('WS-1', '06:10:00', { good: 103, reject: 7 });
    line.signal('WS-1', '06:20:00', { good: 105, reject: 8 });
    line.tick('06:30:00');
    const { shift, lateSignals } = await ws1(line);
    assert.equal(lateSignals, 1);
    assert.deepEqual([shift.counts.good, shift.counts.reject], [5, 1]);
  });

  const garbled = [
    ['an unknown state', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z', state: 'flying' }, 'payload.state', 'enum'],
    ['a count of the wrong type', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z', good: 'ten' }, 'payload.good', 'type'],
    ['a negative count', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z', good: -1 }, 'payload.good', 'minimum'],
    ['a timestamp far in the future', { workstation: 'WS-1', time: '2099-01-01T00:00:00Z', state: 'stopped' }, 'payload.time', 'notInFuture'],
    ['a timestamp without zone', { workstation: 'WS-1', time: '2026-03-02T06:10:00', state: 'stopped' }, 'payload.time', 'timestamp'],
    ['no timestamp', { workstation: 'WS-1', state: 'stopped' }, 'payload.time', 'required'],
    ['an unknown workstation', { workstation: 'WS-9', time: '2026-03-02T06:10:00Z', state: 'stopped' }, 'payload.workstation', 'knownWorkstation'],
    ['nothing to report', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z' }, 'payload', 'signalContent'],
    ['a total in the good-reject scheme', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z', total: 3 }, 'payload.total', 'countScheme'],
    ['a running flag as a string', { workstation: 'WS-1', time: '2026-03-02T06:10:00Z', running: 'yes' }, 'payload.running', 'type'],
  ];
  for (const [name, payload, field, rule] of garbled) {
    it(`refuses ${name}: ${field} / ${rule} through Catch, changes nothing, keeps running`, async () => {
      const line = await loadLine(dbFile(), DAY);
      line.signal('WS-1', '06:00:00', { state: 'running' });
      const before = await ws1(line);
      line.send(undefined, payload);
      line.tick('06:10:00');
      const after = await ws1(line);
      assert.equal(line.errors.length, 1);
      const error = line.errors[0];
      assert.ok(error.message.includes(`${field} (${rule})`), error.message);
      assert.equal(before.state.state, 'running');
      assert.equal(after.state.state, 'running', 'the garbled signal changed nothing');
      assert.equal(after.shift.counts.total, 0);
      assert.equal(after.shift.times.runSeconds, 600, 'and the node kept running');
      assert.equal(error.source.id, 'oee');
    });
  }

  it('refuses a classification outside the reason tree and an unknown downtime id', async () => {
    const line = await loadLine(dbFile(), DAY);
    line.send('oee/classify', { downtimeId: 'WS-1@2026-03-02T07:00:00.000Z', reason: 'weather' });
    line.send('oee/classify', { downtimeId: 'WS-1@2026-03-02T07:00:00.000Z', reason: 'mechanical/jam' });
    // The second refusal comes from the store (no such downtime), after a commit and its fsync.
    for (let i = 0; i < 100 && line.errors.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await line.snapshot();
    assert.equal(line.errors.length, 2);
    assert.match(line.errors[0].message, /payload\.reason/);
    assert.match(line.errors[1].message, /no downtime/);
  });

  /* Scheme total + reject, absolute counters: total 1 000 → 1 120 (+120), reject 10 → 14 (+4): good = 120 − 4 = 116. */
  it('reads total and reject counters: good = total − reject', async () => {
    const line = await loadLine(dbFile(), DAY, { node: { countScheme: 'total-reject', counterMode: 'absolute' } });
    line.signal('WS-1', '06:00:00', { state: 'running', total: 1000, reject: 10 });
    line.signal('WS-1', '07:00:00', { total: 1120, reject: 14 });
    const { shift } = await ws1(line);
    assert.deepEqual([shift.counts.total, shift.counts.good, shift.counts.reject], [120, 116, 4]);
    assert.equal(shift.quality, 116 / 120);
  });

  /* Setup 06:00–06:20 then running; startup window 600 s: 3 rejects at 06:25 are startup rejects (reduced yield), 2 at 07:00 are defects. */
  it('books rejects within the startup window after a setup as reduced yield', async () => {
    const line = await loadLine(dbFile(), DAY, { node: { startupWindowSeconds: 600 } });
    line.signal('WS-1', '06:00:00', { state: 'setup' });
    line.signal('WS-1', '06:20:00', { state: 'running' });
    line.signal('WS-1', '06:25:00', { good: 10, reject: 3 });
    line.signal('WS-1', '07:00:00', { good: 10, reject: 2 });
    const { shift } = await ws1(line);
    assert.equal(shift.losses.reducedYieldSeconds, 90);
    assert.equal(shift.losses.processDefectsSeconds, 60);
  });
});
