// Each Nelson rule fires exactly at the point that completes its pattern, and a sequence one
// point short does not fire it. Centre 0, σ 1, so a value is its own z.
const assert = require('node:assert/strict');
const { NelsonEvaluator } = require('../../dist/lib/spc');

/** Feeds values (refs are their 1-based positions); returns [position, rule, points] of each violation. */
function run(values) {
  const ev = new NelsonEvaluator(0, 1);
  const out = [];
  values.forEach((value, i) => ev.add({ value, ref: i + 1 }).forEach((v) => out.push([i + 1, v.rule, v.points])));
  return out;
}
const fired = (values, rule) => run(values).filter(([, r]) => r === rule);
const positions = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const alternate = (k, a = 0.5, b = -0.5) => Array.from({ length: k }, (_, i) => (i % 2 === 0 ? a : b));

describe('Nelson rules, incremental', () => {
  it('rule 1: a point beyond 3σ fires at that point; 3σ exactly does not', () => {
    assert.deepEqual(fired([0.2, -0.3, 3.01], 1), [[3, 1, [3]]]);
    assert.deepEqual(fired([0.2, -0.3, 3, -3], 1), []);
  });
  it('rule 2: nine in a row on one side fires at the ninth; eight do not; a point on the centre breaks the run', () => {
    const nine = [-0.2, 0.1, 0.3, 0.2, 0.4, 0.1, 0.2, 0.5, 0.3, 0.2];
    assert.deepEqual(fired(nine, 2), [[10, 2, positions(2, 10)]]);
    assert.deepEqual(fired(nine.slice(0, 9), 2), []);
    assert.deepEqual(fired([0.1, 0.3, 0.2, 0.4, 0, 0.1, 0.2, 0.5, 0.3, 0.2], 2), []);
  });
  it('rule 2 fires once for a run of twelve', () => {
    assert.equal(fired(Array(12).fill(0.5).map((v, i) => v + (i % 2) * 0.1), 2).length, 1);
  });
  it('rule 3: six increasing fires at the sixth; five do not; a tie breaks the trend', () => {
    assert.deepEqual(fired([0.5, -1, -0.6, -0.2, 0.1, 0.4, 0.8], 3), [[7, 3, positions(2, 7)]]);
    assert.deepEqual(fired([0.5, -1, -0.6, -0.2, 0.1, 0.4], 3), []);
    assert.deepEqual(fired([-1, -0.6, -0.2, -0.2, 0.1, 0.4], 3), []);
    assert.deepEqual(fired([1, 0.8, 0.5, 0.1, -0.3, -0.7], 3), [[6, 3, positions(1, 6)]]);
  });
  it('rule 4: fourteen alternating fires at the fourteenth; thirteen do not', () => {
    assert.deepEqual(fired(alternate(14), 4), [[14, 4, positions(1, 14)]]);
    assert.deepEqual(fired(alternate(13), 4), []);
  });
  it('rule 5: two of three beyond 2σ on one side fire at the second; on opposite sides they do not', () => {
    assert.deepEqual(fired([0.1, 2.5, 0.3, 2.2], 5), [[4, 5, [2, 4]]]);
    assert.deepEqual(fired([0.1, 2.5, 0.3, -2.2], 5), []);
    assert.deepEqual(fired([2.5, 0.3, 0.1, 2.2], 5), []);
  });
  it('rule 6: four of five beyond 1σ on one side fire at the fourth; three of five do not', () => {
    assert.deepEqual(fired([1.5, 0.2, 1.2, 1.8, 1.1], 6), [[5, 6, [1, 3, 4, 5]]]);
    assert.deepEqual(fired([1.5, 0.2, 1.2, 0.5, 1.1], 6), []);
  });
  it('rule 7: fifteen within 1σ fire at the fifteenth; fourteen do not', () => {
    assert.deepEqual(fired(alternate(15, 0.5, 0.4).map((v, i) => (i % 3 === 0 ? -v : v)), 7), [[15, 7, positions(1, 15)]]);
    assert.deepEqual(fired([...alternate(14, 0.5, -0.4), 1.2], 7), []);
  });
  it('rule 8: eight beyond 1σ on either side fire at the eighth; seven do not', () => {
    assert.deepEqual(fired([1.5, -1.5, 1.2, -1.3, 1.4, -1.1, 1.6, -1.2], 8), [[8, 8, positions(1, 8)]]);
    assert.deepEqual(fired([1.5, -1.5, 1.2, -1.3, 1.4, -1.1, 1.6, 0.2], 8), []);
  });
});
