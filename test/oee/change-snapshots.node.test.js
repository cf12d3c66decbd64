// Snapshots on state changes: a dashboard or an andon flow sees every change, promptly, without
// the line being summed again for each machine's change.
const assert = require('node:assert/strict');
const FakeTimers = require('@sinonjs/fake-timers');
const { helper, loadLine, useOeeRuntime } = require('./harness');

const DAY = '2026-03-02';
const LINE_TOPIC = 'oee/snapshot/line/LINE-1';

describe('mes-oee snapshots on state changes', () => {
  let clock;
  // The spacing of change snapshots (100 ms) runs on Date and setTimeout: the test moves that
  // clock itself. Message delivery (setImmediate) stays real. These hooks come before the
  // runtime's, so that the real clock is back before the flow closes.
  beforeEach(() => { clock = FakeTimers.install({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] }); });
  afterEach(async () => {
    await clock.runAllAsync(); // commits waiting for their spacing
    clock.uninstall();
  });
  const dbFile = useOeeRuntime();

  it('sends a snapshot after each change; changes close together share one; a repeated state sends none', async () => {
    const line = await loadLine(dbFile(), DAY, { workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 30 }, { id: 'WS-2', idealCycleTimeSeconds: 30 }] });
    const snapshots = helper.getNode('snapshots');
    const sent = [];
    snapshots.on('input', (msg) => sent.push(msg));
    const lineSnapshots = () => sent.filter((m) => m.topic === LINE_TOPIC);
    // A batch of change snapshots ends with the line's.
    const nextBatch = () => new Promise((resolve) => {
      const from = sent.length;
      const listener = (msg) => {
        if (msg.topic !== LINE_TOPIC) return;
        snapshots.removeListener('input', listener);
        resolve(sent.slice(from));
      };
      snapshots.on('input', listener);
    });
    const workstationTopics = (batch) => batch.map((m) => m.topic).filter((t) => t !== LINE_TOPIC).sort();

    let batch = nextBatch();
    line.signal('WS-1', '06:00:00', { state: 'running' });
    assert.deepEqual((await batch).map((m) => m.topic), ['oee/snapshot/WS-1', LINE_TOPIC], 'the first change is snapshotted in the next turn');
    assert.deepEqual(lineSnapshots()[0].payload.states, { 'WS-1': 'running' });

    // Within 100 ms of that snapshot: two changes in one turn, then one more 5 ms later.
    batch = nextBatch();
    line.signal('WS-2', '06:00:01', { state: 'running' });
    line.signal('WS-1', '06:00:02', { state: 'faulted', faultCode: 'E7' });
    await clock.tickAsync(5);
    line.signal('WS-2', '06:00:03', { state: 'stopped' });
    await clock.tickAsync(94);
    assert.equal(lineSnapshots().length, 1, 'nothing before 100 ms have passed since the last snapshot');
    await clock.tickAsync(1);
    const shared = await batch;
    assert.deepEqual(shared.at(-1).payload.states, { 'WS-1': 'faulted', 'WS-2': 'stopped' }, 'it shows the state after all of them');
    assert.deepEqual(workstationTopics(shared), ['oee/snapshot/WS-1', 'oee/snapshot/WS-2'], 'one snapshot of each workstation that changed');
    assert.equal(shared.find((m) => m.topic === 'oee/snapshot/WS-1').payload.state.faultCode, 'E7');

    // A repeated state and a count, then a real change at the other machine: the next snapshot
    // is that change's alone.
    batch = nextBatch();
    line.signal('WS-2', '06:00:04', { state: 'stopped' });
    line.signal('WS-2', '06:00:05', { good: 1 });
    line.signal('WS-1', '06:00:06', { state: 'running' });
    await clock.tickAsync(100);
    assert.deepEqual(workstationTopics(await batch), ['oee/snapshot/WS-1'], 'a repeated state or a count is no change');
    assert.equal(lineSnapshots().length, 3, 'the three changes within 100 ms shared one snapshot');
  });
});
