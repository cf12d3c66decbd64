// The engine keeps caches between snapshots (the current minute bucket, the sum of the last
// hour's closed minutes) so that a 1 Hz snapshot of a busy line stays cheap. A snapshot must not
// depend on them: a line snapshotted after every few signals must report exactly what a line fed
// the same signals reports when it is asked only once.
const assert = require('node:assert/strict');
const { OeeEngine, parseOeeConfig } = require('../../dist/lib/oee');

const START = Date.parse('2026-03-02T05:50:00Z'); // 06:50 in Berlin: the early shift, its break at 09:00
const config = parseOeeConfig({
  line: 'L1',
  workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 2 }, { id: 'WS-2', idealCycleTimeSeconds: 3 }, { id: 'WS-3' }],
  calendar: {
    timeZone: 'Europe/Berlin',
    shifts: [{ name: 'early', days: ['mon'], start: '06:00', end: '14:00', breaks: [{ start: '09:00', end: '09:30' }] }],
  },
  microStopSeconds: 30,
  signalTimeoutSeconds: 120,
});

/** Three hours of signals: counts every few seconds, stops short and long, late and repeated signals, a silence. */
function signals() {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out = [];
  const ids = ['WS-1', 'WS-2', 'WS-3'];
  for (let t = START; t < START + 3 * 3600_000; t += 1000 + Math.floor(random() * 4000)) {
    const ws = ids[Math.floor(random() * ids.length)];
    const r = random();
    if (ws === 'WS-3' && t > START + 3600_000 && t < START + 3600_000 + 600_000) continue; // signal loss
    if (r < 0.03) out.push([ws, t, ['stopped', 'faulted', 'idle'][Math.floor(random() * 3)], 'E7', null]);
    else if (r < 0.08) out.push([ws, t, 'running', null, null]);
    else if (r < 0.1) out.push([ws, t - 20_000, null, null, { first: 1 }]); // late: booked at the clock
    else out.push([ws, t, null, null, { first: random() < 0.9 ? 1 : 0, reject: random() < 0.05 ? 1 : 0 }]);
  }
  return out;
}

describe('OEE snapshots do not depend on how often they are taken', () => {
  it('a line snapshotted every 7 signals reports what a line snapshotted once reports, for every window', () => {
    const often = new OeeEngine(config);
    const seldom = new OeeEngine(config);
    const all = signals();
    const checkpoints = new Set([Math.floor(all.length / 3), Math.floor(all.length / 2), all.length - 1]);
    let compared = 0;
    all.forEach(([ws, t, state, fault, counts], i) => {
      often.signal(ws, t, state, fault, counts);
      seldom.signal(ws, t, state, fault, counts);
      if (i % 7 === 0) {
        often.lineSnapshot();
        for (const id of ['WS-1', 'WS-2', 'WS-3']) often.snapshot(id);
      }
      if (checkpoints.has(i)) {
        const fresh = new OeeEngine(config);
        for (const [w, tt, s, f, c] of all.slice(0, i + 1)) fresh.signal(w, tt, s, f, c);
        for (const id of ['WS-1', 'WS-2', 'WS-3']) {
          assert.deepEqual(often.snapshot(id), fresh.snapshot(id), `${id} after signal ${i}`);
          assert.deepEqual(seldom.snapshot(id), fresh.snapshot(id), `${id} after signal ${i} (seldom)`);
        }
        assert.deepEqual(often.lineSnapshot(), fresh.lineSnapshot(), `line after signal ${i}`);
        compared += 1;
      }
    });
    assert.equal(compared, 3);
    // The stream really exercises the last hour: counts in it, and stops.
    const hour = often.lineSnapshot().lastHour;
    assert.ok(hour.counts.total > 100, `counts in the last hour: ${hour.counts.total}`);
    assert.ok(hour.times.plannedSeconds >= 3600, `planned time in the last hour: ${hour.times.plannedSeconds}`);
  });
});
