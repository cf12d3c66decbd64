// The signal journal is what a restart replays after the last checkpoint: every field of every
// signal must come back exactly, whatever its size.
const assert = require('node:assert/strict');
const { JournalBatch, decodeJournal } = require('../../dist/lib/oee/journal');

describe('OEE signal journal', () => {
  it('gives back every signal exactly: states, fault codes, counts small and large, times before and far after the first', () => {
    const t0 = Date.parse('2026-03-02T06:00:00Z');
    const signals = [
      ['WS-1', t0, 'running', null, null, null],
      ['WS-2', t0 + 500, null, null, 1, 0],
      ['WS-1', t0 - 20_000, null, null, 3, null], // a late increment
      ['WS-2', t0 + 1000, 'faulted', 'E-17', null, null],
      ['WS-3', t0 + 40 * 86_400_000, 'planned-stop', null, 4_294_967_295, 2 ** 31], // beyond 32 bits
      ['WS-1', t0 + 2000, null, null, 0.5, -1], // not integers: kept as float64
      ['WS-2', t0 + 2001, 'faulted', 'E-17', 65_535, 12],
    ];
    const workstations = ['WS-1', 'WS-2', 'WS-3'];
    const batch = new JournalBatch(workstations);
    for (const [ws, ...rest] of signals) batch.push(workstations.indexOf(ws), ...rest);
    assert.equal(batch.size, signals.length);
    const { signals: bytes, names } = batch.encode();
    assert.deepEqual(decodeJournal(bytes, names), signals);
  });

  it('grows past its first buffer without losing a signal', () => {
    const workstations = Array.from({ length: 50 }, (_, i) => `WS-${i}`);
    const batch = new JournalBatch(workstations);
    const expected = [];
    for (let i = 0; i < 20_000; i++) {
      const s = [i % 50, 1_772_431_200_000 + i * 10, i % 7 === 0 ? 'stopped' : null, null, i % 3, i % 11 === 0 ? 1 : 0];
      expected.push([workstations[s[0]], ...s.slice(1)]);
      batch.push(...s);
    }
    const { signals: bytes, names } = batch.encode();
    assert.ok(bytes.length < 20_000 * 20, `${bytes.length} bytes for 20,000 signals`);
    assert.deepEqual(decodeJournal(bytes, names), expected);
  });

  it('reads rows of the first layout (six float64s a signal) that a crash left before an upgrade', () => {
    const t = Date.parse('2026-03-02T06:00:00Z');
    const old = new Float64Array([0, t, 0, -1, NaN, NaN, 1, t + 500, 2, 2, NaN, NaN, 0, t + 900, -1, -1, 4, 1]);
    assert.deepEqual(decodeJournal(Buffer.from(old.buffer), JSON.stringify(['WS-1', 'WS-2', 'E7'])), [
      ['WS-1', t, 'running', null, null, null],
      ['WS-2', t + 500, 'faulted', 'E7', null, null],
      ['WS-1', t + 900, null, null, 4, 1],
    ]);
  });

  it('starts empty again after clear(): the next commit writes only its own signals and fault codes', () => {
    const t0 = Date.parse('2026-03-02T06:00:00Z');
    const batch = new JournalBatch(['WS-1', 'WS-2']);
    for (let i = 0; i < 5000; i++) batch.push(i % 2, t0 + i, 'faulted', `E${i}`, null, null); // grows the buffer
    batch.clear();
    assert.equal(batch.size, 0);
    batch.push(1, t0 + 9000, 'faulted', 'E7', null, null);
    batch.push(0, t0 + 9001, null, null, 2, 0);
    const { signals: bytes, names } = batch.encode();
    assert.deepEqual(JSON.parse(names), ['WS-1', 'WS-2', 'E7']);
    assert.deepEqual(decodeJournal(bytes, names), [['WS-2', t0 + 9000, 'faulted', 'E7', null, null], ['WS-1', t0 + 9001, null, null, 2, 0]]);
  });

  it('refuses a workstation index it has no name for', () => {
    assert.throws(() => new JournalBatch(['WS-1']).push(1, 0, 'running', null, null, null), /no workstation 1/);
  });

  it('refuses a row in a format it did not write', () => {
    assert.throws(() => decodeJournal(Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]), '[]'), /unknown row format 7/);
  });
});
