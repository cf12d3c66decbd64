// The OEE recorder after a commit that fails: signals keep being saved afterwards, and what the
// failed commit would have saved is saved by the next one, so a restart loses nothing.
const assert = require('node:assert/strict');
const Database = require('better-sqlite3');
const { OeeEngine, OeeRecorder, OeeRepository, parseOeeConfig } = require('../../dist/lib/oee');
const { openTempStore } = require('../support/store');

const config = parseOeeConfig({
  line: 'L1',
  workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 10 }, { id: 'WS-2', idealCycleTimeSeconds: 10 }],
  calendar: { timeZone: 'UTC', shifts: [{ name: 'early', days: ['mon'], start: '06:00', end: '14:00' }] },
});
const T = Date.parse('2026-03-02T07:00:00Z');

function recorderOn(store, options = {}) {
  const engine = new OeeEngine(config);
  const recorder = new OeeRecorder(store, engine, new OeeRepository(store, 'L1'), { checkpointMs: 3_600_000, commitSpacingMs: 0, commitBatchSignals: 1000, onEvents: () => undefined, ...options });
  recorder.restore();
  return { engine, recorder };
}

describe('OeeRecorder after a failed commit', () => {
  let store;
  afterEach(() => store?.close());

  it('schedules the next commit, which saves every state whole: a restart loses no count', async () => {
    store = openTempStore();
    store.db.pragma('busy_timeout = 20');
    const { recorder } = recorderOn(store);
    recorder.signal(0, T, 'running', null, null, null); // WS-1
    recorder.signal(1, T, 'running', null, null, null); // WS-2
    await recorder.persist(); // the first commit: a checkpoint

    // Another process holds the write lock: the next commit cannot begin.
    const other = new Database(store.file);
    other.exec('BEGIN IMMEDIATE');
    recorder.signal(0, T + 1000, null, null, 5, null);
    await assert.rejects(recorder.persist(), /locked|busy/i);
    other.exec('ROLLBACK');
    other.close();

    recorder.signal(1, T + 2000, null, null, 3, null);
    await recorder.persist(); // not stuck on the failed one

    const restarted = recorderOn(store);
    restarted.engine.advance(T + 3000);
    assert.equal(restarted.engine.snapshot('WS-1').shift.counts.good, 5, 'the counts of the failed commit survive');
    assert.equal(restarted.engine.snapshot('WS-2').shift.counts.good, 3);
  });
});

describe('OeeRecorder after a commit that failed after its unit ran', () => {
  let store;
  afterEach(() => store?.close());

  it('writes the intervals and downtimes of that commit with the next one: none is lost', async () => {
    store = openTempStore();
    const { recorder } = recorderOn(store);
    recorder.signal(0, T, 'running', null, null, null);
    await recorder.persist();
    recorder.signal(0, T + 60_000, 'faulted', 'E1', null, null); // closes an interval of running
    recorder.signal(0, T + 600_000, 'running', null, null, null); // closes a 9-minute fault: downtime
    // The transaction fails after the unit ran, as a COMMIT on a full disk does.
    const original = store.db.transaction;
    store.db.transaction = (fn) => original.call(store.db, (...args) => {
      fn(...args);
      throw new Error('disk I/O error (simulated)');
    });
    await assert.rejects(recorder.persist(), /simulated/);
    store.db.transaction = original;
    assert.deepEqual(store.readEvents(0, 100).filter((e) => e.type.startsWith('oee.')), [], 'nothing of it was stored');
    await recorder.persist();
    // Running 07:00–07:01, faulted 07:01–07:06 (a downtime), then unknown: no signal for the 5-minute signal timeout.
    assert.deepEqual(store.readEvents(0, 100).map((e) => `${e.type} ${e.payload.state} ${e.payload.seconds ?? ''}`.trim()), [
      'oee.interval running 60', 'oee.downtime.started faulted', 'oee.interval faulted 300', 'oee.downtime.ended faulted 300', 'oee.interval unknown 240',
    ]);
  });
});

describe('OeeRecorder commit spacing', () => {
  let store;
  afterEach(() => store?.close());

  it('starts a commit that waits for its spacing once the batch size of signals waits for it', async () => {
    store = openTempStore();
    // Spacing of an hour: the second commit can only come from the batch size (the test times out otherwise).
    const { recorder } = recorderOn(store, { commitSpacingMs: 3_600_000, commitBatchSignals: 5 });
    recorder.signal(0, T, 'running', null, null, null);
    await recorder.persist(); // the first commit does not wait: nothing came before it
    let committed = false;
    for (let i = 1; i <= 4; i++) {
      recorder.signal(0, T + i * 1000, null, null, 1, null);
      recorder.persist().then(() => { committed = true; });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(committed, false, 'four signals wait for the spacing');
    recorder.signal(0, T + 5000, null, null, 1, null);
    await recorder.persist();
    const journaled = new OeeRepository(store, 'L1').loadJournal();
    assert.deepEqual(journaled.map(([ws, time, , , first]) => [ws, time, first]), [1, 2, 3, 4, 5].map((i) => ['WS-1', T + i * 1000, 1]));
  });
});
