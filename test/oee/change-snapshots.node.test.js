// Snapshots on state changes: a dashboard or an andon flow sees every change, promptly, without
// the line being summed again for each machine's change.
const assert = require('node:assert/strict');
const { helper, loadLine, useOeeRuntime } = require('./harness');

const DAY = '2026-03-02';
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mes-oee snapshots on state changes', () => {
  const dbFile = useOeeRuntime();

  it('sends a snapshot after each change; changes close together share one; a repeated state sends none', async () => {
    const line = await loadLine(dbFile(), DAY, { workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 30 }, { id: 'WS-2', idealCycleTimeSeconds: 30 }] });
    const sent = [];
    helper.getNode('snapshots').on('input', (msg) => sent.push(msg));
    const lineSnapshots = () => sent.filter((m) => m.topic === 'oee/snapshot/line/LINE-1');

    const arrived = async (count) => {
      for (let i = 0; i < 200 && lineSnapshots().length < count; i++) await settle(5);
    };

    line.signal('WS-1', '06:00:00', { state: 'running' });
    await arrived(1);
    assert.deepEqual(sent.map((m) => m.topic), ['oee/snapshot/WS-1', 'oee/snapshot/line/LINE-1'], 'the first change is snapshotted');
    assert.deepEqual(lineSnapshots()[0].payload.states, { 'WS-1': 'running' });

    // Within 100 ms of that snapshot: two changes in one turn, then one more a moment later.
    line.signal('WS-2', '06:00:01', { state: 'running' });
    line.signal('WS-1', '06:00:02', { state: 'faulted', faultCode: 'E7' });
    await settle(5);
    line.signal('WS-2', '06:00:03', { state: 'stopped' });
    await arrived(2);
    await settle(250);
    assert.equal(lineSnapshots().length, 2, 'the three later changes share one snapshot');
    const last = lineSnapshots()[1].payload;
    assert.deepEqual(last.states, { 'WS-1': 'faulted', 'WS-2': 'stopped' }, 'it shows the state after all of them');
    const wsTopics = sent.slice(2).map((m) => m.topic).filter((t) => t !== 'oee/snapshot/line/LINE-1').sort();
    assert.deepEqual(wsTopics, ['oee/snapshot/WS-1', 'oee/snapshot/WS-2'], 'one snapshot of each workstation that changed');
    assert.equal(sent.find((m) => m.topic === 'oee/snapshot/WS-1' && m.payload.state.state === 'faulted').payload.state.faultCode, 'E7');

    line.signal('WS-2', '06:00:04', { state: 'stopped' });
    line.signal('WS-2', '06:00:05', { good: 1 });
    await settle(250);
    assert.equal(lineSnapshots().length, 2, 'a repeated state or a count is no change');
  });
});
