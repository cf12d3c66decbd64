// Control chart constants and limits against published tables and examples.
const assert = require('node:assert/strict');
const { c4, rangeConstants, sigmaConstants, computeLimits, chartFor, capability, mean } = require('../../dist/lib/spc');

const round = (x, places) => Number(x.toFixed(places));

describe('SPC constants (Montgomery, Introduction to SQC, 7th ed., Appendix VI)', () => {
  it('c4 from the gamma formula matches the table to its four decimals', () => {
    const table = { 2: 0.7979, 3: 0.8862, 4: 0.9213, 5: 0.9400, 6: 0.9515, 7: 0.9594, 8: 0.9650, 9: 0.9693, 10: 0.9727, 15: 0.9823, 20: 0.9869, 25: 0.9896 };
    for (const [n, c] of Object.entries(table)) assert.equal(round(c4(Number(n)), 4), c, `c4(${n})`);
  });
  it('A2, D3, D4 derived from d2 and d3 match the table to three decimals', () => {
    const table = { 2: [1.880, 0, 3.267], 3: [1.023, 0, 2.574], 4: [0.729, 0, 2.282], 5: [0.577, 0, 2.114], 6: [0.483, 0, 2.004], 7: [0.419, 0.076, 1.924], 8: [0.373, 0.136, 1.864], 9: [0.337, 0.184, 1.816], 10: [0.308, 0.223, 1.777] };
    for (const [n, [A2, D3, D4]] of Object.entries(table)) {
      const k = rangeConstants(Number(n));
      // within two units of the third decimal: the table's A2, D3, D4 come from unrounded d2, d3
      [[k.A2, A2], [k.D3, D3], [k.D4, D4]].forEach(([got, want]) => assert.ok(Math.abs(got - want) <= 0.002, `n = ${n}: ${got} vs ${want}`));
    }
  });
  it('A3, B3, B4 derived from c4 match the table to three decimals', () => {
    const table = { 2: [2.659, 0, 3.267], 5: [1.427, 0, 2.089], 6: [1.287, 0.030, 1.970], 10: [0.975, 0.284, 1.716], 15: [0.789, 0.428, 1.572], 20: [0.680, 0.510, 1.490], 25: [0.606, 0.565, 1.435] };
    for (const [n, [A3, B3, B4]] of Object.entries(table)) {
      const k = sigmaConstants(Number(n));
      assert.deepEqual([round(k.A3, 3), round(k.B3, 3), round(k.B4, 3)], [A3, B3, B4], `n = ${n}`);
    }
  });
  it('chooses the chart by subgroup size and refuses sizes out of range naming the field', () => {
    assert.equal(chartFor(1), 'I-MR');
    assert.equal(chartFor(2), 'Xbar-R');
    assert.equal(chartFor(10), 'Xbar-R');
    assert.equal(chartFor(11), 'Xbar-S');
    for (const bad of [0, 51, 2.5, '5']) {
      assert.throws(() => chartFor(bad), (err) => err.name === 'ValidationError' && err.errors[0].field === 'subgroupSize' && err.errors[0].rule === 'range');
    }
  });
  it('refuses a baseline of zero points naming the field', () => {
    assert.throws(() => computeLimits([]), (err) => err.errors[0].field === 'baseline' && err.errors[0].rule === 'minItems');
  });
});

const { PISTON_RINGS } = require('../fixtures/spc-datasets');

describe('X̄-R and X̄-S limits: Montgomery piston-ring inside diameters (Table 6.3)', () => {
  it('X̄-R: Σx̄ = 1850.028, x̿ = 74.001, ΣR = 0.581, R̄ = 0.023, UCL 74.014, LCL 73.988 (Example 6.1)', () => {
    const xbars = PISTON_RINGS.map(mean);
    const ranges = PISTON_RINGS.map((s) => Math.max(...s) - Math.min(...s));
    // the book sums the sample means rounded to three decimals
    assert.equal(round(xbars.map((x) => round(x, 3)).reduce((a, b) => a + b, 0), 3), 1850.028);
    assert.equal(round(ranges.reduce((a, b) => a + b, 0), 3), 0.581);
    const limits = computeLimits(PISTON_RINGS);
    assert.equal(limits.chart, 'Xbar-R');
    // x̿ = 1850.028/25 = 74.00112; R̄ = 0.581/25 = 0.02324; A2 = 3/(2.326·√5) = 0.577
    assert.equal(round(limits.center, 3), 74.001);
    assert.equal(round(limits.dispersion.center, 3), 0.023);
    // UCL = 74.001 + 0.577 · 0.023 = 74.014; LCL = 74.001 − 0.013 = 73.988 (the book rounds x̿ and
    // R̄ first; unrounded, 74.00116 ± 0.57677 · 0.02324 gives 74.0146 and 73.9877)
    assert.equal(round(74.001 + 0.577 * round(limits.dispersion.center, 3), 3), 74.014);
    assert.ok(Math.abs(limits.ucl - 74.014) < 0.001, `UCL ${limits.ucl}`);
    assert.equal(round(limits.lcl, 3), 73.988);
    // R chart: D4 R̄ = 2.114 · 0.023 = 0.049 (published 0.049), D3 = 0
    assert.equal(round(limits.dispersion.ucl, 3), 0.049);
    assert.equal(limits.dispersion.lcl, 0);
  });
  it('X̄-S: s̄ = 0.0094, UCL 74.014, LCL 73.988, s chart UCL 0.0196 (Example 6.3)', () => {
    const limits = computeLimits(PISTON_RINGS, 'Xbar-S');
    assert.equal(round(limits.dispersion.center, 4), 0.0094);
    // UCL = 74.001 + A3 s̄ = 74.001 + 1.427 · 0.0094 = 74.014 with the book's rounded x̿ and s̄;
    // unrounded (x̿ = 74.00116, s̄ = 0.00945) it is 74.0146: equal within the published precision
    assert.ok(Math.abs(limits.ucl - 74.014) < 0.001, `UCL ${limits.ucl}`);
    assert.ok(Math.abs(limits.lcl - 73.988) < 0.001, `LCL ${limits.lcl}`);
    assert.equal(round(limits.center + 1.427 * round(limits.dispersion.center, 4) - (limits.center - 74.001), 3), 74.014);
    // B4 s̄ = 2.089 · 0.0094 = 0.0196
    assert.equal(round(limits.dispersion.ucl, 4), 0.0196);
  });
  it('capability with USL 74.05, LSL 73.95: σ̂ = R̄/d2 = 0.0099, Cp = 1.68 (Montgomery Example 6.1)', () => {
    const limits = computeLimits(PISTON_RINGS);
    assert.equal(round(limits.sigmaWithin, 4), 0.0100); // 0.02324/2.326 = 0.00999; the book rounds R̄ first: 0.023/2.326 = 0.0099
    const cap = capability(PISTON_RINGS.flat(), 0.023 / 2.326, { lower: 73.95, upper: 74.05 });
    assert.equal(round(cap.cp, 2), 1.69); // 0.10/(6 · 0.009888) = 1.686; the book truncates to 1.68
    const fromData = capability(PISTON_RINGS.flat(), limits.sigmaWithin, { lower: 73.95, upper: 74.05 });
    assert.ok(fromData.cpk < fromData.cp, 'off-centre mean lowers Cpk');
    assert.ok(Math.abs(fromData.pp - 0.10 / (6 * fromData.sigmaOverall)) < 1e-9);
  });
});

describe('I-MR limits', () => {
  it('individuals: x̄ ± 3 MR̄/1.128, MR chart UCL 3.267 MR̄', () => {
    // values 10, 12, 11, 13, 12: x̄ = 58/5 = 11.6; MRs 2, 1, 2, 1: MR̄ = 1.5; σ = 1.5/1.128 = 1.3298
    const limits = computeLimits([[10], [12], [11], [13], [12]]);
    assert.equal(limits.chart, 'I-MR');
    assert.equal(round(limits.center, 4), 11.6);
    assert.equal(round(limits.ucl, 3), round(11.6 + 3 * 1.5 / 1.128, 3)); // 15.589
    assert.equal(round(limits.lcl, 3), 7.611);
    assert.equal(round(limits.dispersion.ucl, 2), 4.90); // 3.267 · 1.5 = 4.9005
  });
});
