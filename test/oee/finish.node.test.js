// When a machine signal counts as finished for Complete nodes (the node's "finish signals"
// setting): once the group commit holding it is durable (the default, for flows that acknowledge
// a PLC handshake from a Complete node), or once it is applied (subscription-fed lines, where
// nothing waits for the acknowledgement and the commit follows within 25 ms).
const assert = require('node:assert/strict');
const Database = require('better-sqlite3');
const { helper, loadLine, useOeeRuntime } = require('./harness');
const { holdFsyncs } = require('../support/store');
const { hooks } = require('@node-red/util');

const DAY = '2026-03-02';
const TIME = `${DAY}T07:00:00.000Z`;

/** The clock the store holds for WS-1 (null: nothing stored yet), read through a separate connection. */
function storedClock(file) {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare("SELECT clock FROM oee_workstation_state WHERE workstation = 'WS-1'").get();
    return row ? row.clock : null;
  } finally {
    db.close();
  }
}

/**
 * Sends one signal and resolves with what the store held at the moment the node called done():
 * the runtime's onComplete hook runs inside that call (a Complete node hears of it a turn later).
 */
function sendAndObserve(file) {
  return new Promise((resolve, reject) => {
    hooks.add('onComplete.finish-test', (event) => {
      if (event.node.id !== 'oee') return;
      hooks.remove('onComplete.finish-test');
      try {
        resolve({ clock: storedClock(file), error: event.error });
      } catch (err) {
        reject(err);
      }
    });
    helper.getNode('oee').receive({ payload: { workstation: 'WS-1', time: TIME, state: 'running', good: 1 } });
  });
}

describe('mes-oee finishing signals', () => {
  const dbFile = useOeeRuntime();

  it('by default a signal finishes only once the commit holding it is durable (its WAL fsync has returned)', async () => {
    await loadLine(dbFile(), DAY);
    const fsyncs = holdFsyncs();
    try {
      let finished = null;
      const observed = sendAndObserve(dbFile()).then((seen) => { finished = seen; });
      for (let i = 0; i < 50 && fsyncs.pending === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(fsyncs.pending, 1, 'the commit is waiting for its fsync');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(finished, null, 'not finished while the fsync has not returned');
      fsyncs.openNext();
      await observed;
      assert.equal(finished.error, undefined);
      assert.equal(finished.clock, TIME);
    } finally {
      fsyncs.restore();
    }
  });

  it("with finish signals 'applied' it finishes at once, and the commit follows", async () => {
    await loadLine(dbFile(), DAY, { node: { finishSignals: 'applied' } });
    const seen = await sendAndObserve(dbFile());
    assert.equal(seen.error, undefined);
    assert.equal(seen.clock, null);
    let clock = null;
    for (let i = 0; i < 50 && clock === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock = storedClock(dbFile());
    }
    assert.equal(clock, TIME);
  });
});
