// Issue #13: an OEE downtime carries the PLC's fault code whether the code's tag changes just
// before or just after the state's (PLCs update the two tags apart), from the tag to the database.
const assert = require('node:assert/strict');
const { OeeEngine, OeeRecorder, OeeRepository, parseOeeConfig } = require('../../dist/lib/oee');
const { parsePlantModel, PlcSignalMapper } = require('../../dist/lib/plant');
const { openTempStore } = require('../support/store');

const config = parseOeeConfig({
  line: 'L1',
  workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 10 }],
  calendar: { timeZone: 'UTC', shifts: [{ name: 'early', days: ['mon'], start: '06:00', end: '14:00' }] },
  microStopSeconds: 120,
});
const plant = parsePlantModel({
  version: 2, site: 'S', timeZone: 'UTC',
  shifts: [{ name: 'early', days: ['mon'], start: '06:00', end: '14:00' }],
  workstations: [{ id: 'WS-1', name: 'Lathe', area: 'A', line: 'L1', workCenters: ['WC-1'], idealCycleTimeSeconds: 10, signalSource: 'mqtt', counting: 'both' }],
});
const T = Date.parse('2026-03-02T07:00:00Z');
const at = (ms) => new Date(T + ms).toISOString();

/** Tag changes through the mapper into the recorder; the downtimes the database then holds. */
async function downtimesAfter(tagChanges) {
  const store = openTempStore();
  try {
    const recorder = new OeeRecorder(store, new OeeEngine(config), new OeeRepository(store, 'L1'), { checkpointMs: 3_600_000, commitSpacingMs: 0, commitBatchSignals: 1000, onEvents: () => undefined });
    recorder.restore();
    const mapper = new PlcSignalMapper(plant, 'mqtt');
    const address = (tag) => mapper.subscriptions().find((s) => s.tag === tag).address;
    for (const [tag, value, ms] of tagChanges) {
      const signal = mapper.read(address(tag), value, at(ms));
      if (signal) recorder.signal(0, Date.parse(signal.time), signal.state ?? null, signal.faultCode ?? null, signal.good ?? null, signal.reject ?? null);
    }
    await recorder.persist();
    return store.readEvents(0, 100).filter((e) => e.type.startsWith('oee.downtime')).map((e) => `${e.type} ${e.payload.state} ${e.payload.faultCode}`);
  } finally {
    store.close();
  }
}

describe('fault codes of OEE downtimes (issue #13)', () => {
  const fault = (codeAt, stateAt) => [['state', 'running', 0], ['faultCode', 412, codeAt], ['state', 'faulted', stateAt], ['state', 'running', 600_000], ['faultCode', 0, 600_050]]
    .sort((a, b) => a[2] - b[2]);

  it('carries a code that arrives just before the state', async () => {
    assert.deepEqual(await downtimesAfter(fault(59_950, 60_000)), ['oee.downtime.started faulted 412', 'oee.downtime.ended faulted 412']);
  });

  it('carries a code that arrives just after the state, in one downtime', async () => {
    assert.deepEqual(await downtimesAfter(fault(60_050, 60_000)), ['oee.downtime.started faulted 412', 'oee.downtime.ended faulted 412']);
  });

  it('carries a code that arrives minutes into the stop, still in one downtime', async () => {
    assert.deepEqual(await downtimesAfter(fault(300_000, 60_000)), ['oee.downtime.started faulted 412', 'oee.downtime.ended faulted 412']);
  });
});
