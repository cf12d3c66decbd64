// The SPC monitor on the live path: check results recorded by dispatch become subgroups, frozen
// phase I limits, Nelson-rule violations (alerts or holds) and signed limit changes.
const assert = require('node:assert/strict');
const { openTempStore, tempDbFile } = require('../support/store');
const { spcLine, appendCheck, testSignatures, goodSignature } = require('../support/spc');
const { refusedWith } = require('../support/dispatch');
const { SpcMonitor, parseCharacteristics, parseLimitsChange, mean } = require('../../dist/lib/spc');
const { PISTON_RINGS, LOAN_COSTS } = require('../fixtures/spc-datasets');

const round = (x, places) => Number(x.toFixed(places));
const eventsOf = (store, type) => store.readEvents(0, 100000, [type]);



describe('SPC monitor: published limits through dispatch', () => {
  let store;
  beforeEach(() => { store = openTempStore(); });
  afterEach(() => store.close());

  it('X̄-R from the piston rings recorded as 125 checks: x̿ 74.001, R̄ 0.023, UCL 74.014, LCL 73.988; R chart UCL 0.049, LCL 0 (Example 6.1)', async () => {
    const line = await spcLine(store, { spec: { nominal: 74, lowerLimit: 73.95, upperLimit: 74.05, unit: 'mm' }, config: { subgroupSize: 5, baselineSubgroups: 25, reaction: 'alert' } });
    await line.measure(PISTON_RINGS.flat());
    const { events } = await line.poll();
    const [established] = events.filter((e) => e.type === 'spc.limits.established');
    const l = established.payload;
    assert.equal(l.chart, 'Xbar-R');
    assert.deepEqual(l.baseline, { fromSubgroup: 1, toSubgroup: 25 });
    // Σx̄ = 1850.029 exactly (the book sums means rounded to three decimals: 1850.028); x̿ = Σx̄/25
    assert.equal(round(l.arithmetic.sumXbar, 3), 1850.029);
    assert.equal(round(l.arithmetic.xDoubleBar, 5), round(l.arithmetic.sumXbar / 25, 5));
    assert.equal(round(l.center, 3), 74.001);
    // ΣR = 0.581, R̄ = 0.581/25 = 0.02324
    assert.equal(round(l.arithmetic.sumR, 3), 0.581);
    assert.equal(round(l.dispersion.center, 5), 0.02324);
    // A2 = 3/(d2·√5) = 3/(2.326·2.23607) = 0.577. The book rounds x̿ and R̄ first: UCL = 74.001 +
    // 0.577·0.023 = 74.014, LCL = 73.988; unrounded 74.00118 ± 0.57677·0.02324 = 74.0146 and
    // 73.9878: equal within the published precision (half a unit of the third decimal and less)
    assert.equal(round(l.arithmetic.A2, 3), 0.577);
    assert.equal(round(round(l.center, 3) + round(l.arithmetic.A2, 3) * round(l.dispersion.center, 3), 3), 74.014);
    assert.equal(round(l.ucl, 4), round(l.arithmetic.xDoubleBar + l.arithmetic.A2 * l.arithmetic.rBar, 4));
    assert.ok(Math.abs(l.ucl - 74.014) < 0.001, `UCL ${l.ucl}`);
    assert.equal(round(l.lcl, 3), 73.988);
    // D4 = 1 + 3·d3/d2 = 1 + 3·0.864/2.326 = 2.114; UCL_R = 2.114·0.02324 = 0.049; D3 = 0
    assert.equal(round(l.dispersion.ucl, 3), 0.049);
    assert.equal(l.dispersion.lcl, 0);
    // σ within = R̄/d2 = 0.02324/2.326 = 0.00999
    assert.equal(round(l.sigmaWithin, 5), 0.00999);
    assert.equal(established.actor, 'spc');
    assert.equal(established.workstation, 'WS-T1');
    // the check events behind the limits: 125 values, 25 subgroups of five consecutive seqs
    const chart = line.monitor.chart(store, 'diameter', 'WS-T1');
    assert.equal(chart.points.length, 25);
    assert.equal(chart.points[0].seqs.length, 5);
    assert.deepEqual(chart.points[0].seqs, eventsOf(store, 'check.recorded').slice(0, 5).map((e) => e.seq));
    assert.equal(chart.status, 'frozen');
    // capability: Cp = (74.05 − 73.95)/(6·0.00999) = 1.67; Pp with the sample s of the 125 values
    const values = PISTON_RINGS.flat();
    const s = Math.sqrt(values.reduce((a, v) => a + (v - mean(values)) ** 2, 0) / (values.length - 1));
    assert.equal(round(chart.capability.cp, 2), 1.67);
    assert.equal(round(chart.capability.pp, 4), round(0.1 / (6 * s), 4));
    assert.equal(round(chart.capability.cpk, 4), round(Math.min(74.05 - mean(values), mean(values) - 73.95) / (3 * l.sigmaWithin), 4));
  });

  it('X̄-S above ten per subgroup: the 125 piston-ring values in subgroups of 12 give x̿ ± A3·s̄, A3 = 3/(c4·√12), c4(12) = 0.9776', async () => {
    const line = await spcLine(store, { spec: { nominal: 74, lowerLimit: 73.95, upperLimit: 74.05, unit: 'mm' }, config: { subgroupSize: 12, baselineSubgroups: 10, reaction: 'alert' } });
    const values = PISTON_RINGS.flat();
    await line.measure(values);
    const { events } = await line.poll();
    const l = events.find((e) => e.type === 'spc.limits.established').payload;
    assert.equal(l.chart, 'Xbar-S');
    const groups = Array.from({ length: 10 }, (_, i) => values.slice(i * 12, i * 12 + 12));
    const s = (g) => Math.sqrt(g.reduce((a, v) => a + (v - mean(g)) ** 2, 0) / (g.length - 1));
    const sBar = groups.map(s).reduce((a, b) => a + b, 0) / 10;
    const xbb = groups.map(mean).reduce((a, b) => a + b, 0) / 10;
    assert.equal(round(l.arithmetic.c4, 4), 0.9776); // Montgomery Appendix VI, n = 12
    const A3 = 3 / (l.arithmetic.c4 * Math.sqrt(12));
    assert.equal(round(A3, 3), 0.886); // the table's A3 for n = 12
    assert.equal(round(l.dispersion.center, 9), round(sBar, 9));
    assert.equal(round(l.ucl, 9), round(xbb + A3 * sBar, 9));
    assert.equal(round(l.lcl, 9), round(xbb - A3 * sBar, 9));
    assert.equal(round(l.sigmaWithin, 9), round(sBar / l.arithmetic.c4, 9));
    // five values are left over: the open eleventh subgroup waits for seven more
    assert.equal(line.monitor.chart(store, 'diameter', 'WS-T1').subgroups, 10);
  });

  it('I-MR from the loan costs: x̄ 300.5, MR̄ 7.79, UCL 321.22, LCL 279.78; MR chart UCL 25.45 (Example 6.5)', async () => {
    const line = await spcLine(store, { characteristic: 'cost', spec: { lowerLimit: 250, upperLimit: 350 }, config: { subgroupSize: 1, baselineSubgroups: 20, reaction: 'alert' } });
    await line.measure(LOAN_COSTS);
    const { events } = await line.poll();
    const l = events.find((e) => e.type === 'spc.limits.established').payload;
    assert.equal(l.chart, 'I-MR');
    // Σx = 6010, x̄ = 6010/20 = 300.5; ΣMR = 148 over 19 moving ranges, MR̄ = 7.789
    assert.equal(l.arithmetic.sumX, 6010);
    assert.equal(l.center, 300.5);
    assert.equal(l.arithmetic.sumMR, 148);
    assert.equal(l.arithmetic.movingRanges, 19);
    assert.equal(round(l.dispersion.center, 3), 7.789);
    // UCL = 300.5 + 3·7.789/1.128 = 321.22, LCL = 279.78
    assert.equal(round(l.ucl, 2), 321.22);
    assert.equal(round(l.lcl, 2), 279.78);
    // UCL_MR = D4·MR̄: the book's D4 3.267 gives 3.267·7.789 = 25.45; D4 = 1 + 3·d3/d2 = 1 + 3·0.853/1.128
    // = 3.2686 unrounded gives 25.46: within the table's precision
    assert.equal(round(3.267 * l.dispersion.center, 2), 25.45);
    assert.equal(round(l.arithmetic.D4, 3), 3.269);
    assert.ok(Math.abs(l.dispersion.ucl - 25.45) < 0.015, `UCL_MR ${l.dispersion.ucl}`);
  });
});

// Individuals with centre 10 and σ 1: the baseline 9.436, 10.564, 9.436, 10.564 has x̄ = 10 and
// MR̄ = 1.128, so σ = MR̄/d2 = 1; a judged point's z is its value − 10.
const UNIT_BASELINE = [9.436, 10.564, 9.436, 10.564];

async function judge(zs, reaction = 'alert') {
  const store = openTempStore();
  try {
    const monitor = new SpcMonitor({ characteristics: parseCharacteristics([{ characteristic: 'z', subgroupSize: 1, baselineSubgroups: 4, reaction }]) });
    let t = 0;
    for (const v of [...UNIT_BASELINE, ...zs.map((z) => 10 + z)]) await appendCheck(store, 'z', v, { seconds: (t += 1) });
    const outcome = await store.transact((s) => monitor.poll(s));
    return outcome.violations.filter((v) => v.chart === 'x').map((v) => [v.subgroup - 4, v.rule, v.points.map((p) => p.subgroup - 4)]);
  } finally {
    store.close();
  }
}
const only = async (zs, rule) => (await judge(zs)).filter(([, r]) => r === rule);
const positions = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const alternate = (k, a = 0.5, b = -0.5) => Array.from({ length: k }, (_, i) => (i % 2 === 0 ? a : b));

describe('SPC monitor: each Nelson rule fires live on recorded checks, a near miss does not', () => {
  it('the frozen limits of the unit baseline are centre 10, σ 1', async () => {
    const store = openTempStore();
    const monitor = new SpcMonitor({ characteristics: parseCharacteristics([{ characteristic: 'z', subgroupSize: 1, baselineSubgroups: 4, reaction: 'alert' }]) });
    for (const [i, v] of UNIT_BASELINE.entries()) await appendCheck(store, 'z', v, { seconds: i });
    await store.transact((s) => monitor.poll(s));
    const { limits } = monitor.chart(store, 'z', 'WS-T1');
    store.close();
    assert.equal(round(limits.center, 9), 10);
    assert.equal(round(limits.sigmaPoint, 9), 1);
  });
  it('rule 1: beyond 3σ', async () => {
    assert.deepEqual(await only([0.2, -0.3, 3.01], 1), [[3, 1, [3]]]);
    assert.deepEqual(await only([0.2, -0.3, 2.99, -2.99], 1), []);
  });
  it('rule 2: nine on one side', async () => {
    const nine = [-0.2, 0.1, 0.3, 0.2, 0.4, 0.1, 0.2, 0.5, 0.3, 0.2];
    assert.deepEqual(await only(nine, 2), [[10, 2, positions(2, 10)]]);
    assert.deepEqual(await only(nine.slice(0, 9), 2), []);
  });
  it('rule 3: six in a row increasing', async () => {
    assert.deepEqual(await only([0.5, -1, -0.6, -0.2, 0.1, 0.4, 0.8], 3), [[7, 3, positions(2, 7)]]);
    assert.deepEqual(await only([0.5, -1, -0.6, -0.2, 0.1, 0.4], 3), []);
  });
  it('rule 4: fourteen alternating', async () => {
    assert.deepEqual(await only(alternate(14), 4), [[14, 4, positions(1, 14)]]);
    assert.deepEqual(await only(alternate(13), 4), []);
  });
  it('rule 5: two of three beyond 2σ on one side', async () => {
    assert.deepEqual(await only([0.1, 2.5, 0.3, 2.2], 5), [[4, 5, [2, 4]]]);
    assert.deepEqual(await only([0.1, 2.5, 0.3, -2.2], 5), []);
  });
  it('rule 6: four of five beyond 1σ on one side', async () => {
    assert.deepEqual(await only([1.5, 0.2, 1.2, 1.8, 1.1], 6), [[5, 6, [1, 3, 4, 5]]]);
    assert.deepEqual(await only([1.5, 0.2, 1.2, 0.5, 1.1], 6), []);
  });
  it('rule 7: fifteen within 1σ', async () => {
    assert.deepEqual(await only(alternate(15, 0.5, 0.4).map((v, i) => (i % 3 === 0 ? -v : v)), 7), [[15, 7, positions(1, 15)]]);
    assert.deepEqual(await only([...alternate(14, 0.5, -0.4), 1.2], 7), []);
  });
  it('rule 8: eight beyond 1σ on either side', async () => {
    assert.deepEqual(await only([1.5, -1.5, 1.2, -1.3, 1.4, -1.1, 1.6, -1.2], 8), [[8, 8, positions(1, 8)]]);
    assert.deepEqual(await only([1.5, -1.5, 1.2, -1.3, 1.4, -1.1, 1.6, 0.2], 8), []);
  });
  it('rule 1 on the moving-range chart names the mr chart and both points of the range', async () => {
    const store = openTempStore();
    const monitor = new SpcMonitor({ characteristics: parseCharacteristics([{ characteristic: 'z', subgroupSize: 1, baselineSubgroups: 4, reaction: 'alert' }]) });
    // MR UCL = D4·MR̄ = 3.267·1.128 = 3.685: a jump from −1.9 to +1.9 (3.8) is beyond it, neither point beyond 3σ
    for (const [i, v] of [...UNIT_BASELINE, 8.1, 11.9].entries()) await appendCheck(store, 'z', v, { seconds: i });
    const { violations } = await store.transact((s) => monitor.poll(s));
    store.close();
    assert.deepEqual(violations.map((v) => [v.rule, v.chart, v.subgroup, v.points.map((p) => p.subgroup)]), [[1, 'mr', 6, [5, 6]]]);
  });
});

describe('SPC monitor: reactions, restart, limit changes', () => {
  let store;
  let file;
  beforeEach(() => { file = tempDbFile(); store = openTempStore({ file }); });
  afterEach(() => store.isOpen && store.close());

  // diameter 40 ± 0.05 mm; individuals centre 40, σ 0.01 (the unit baseline scaled by 0.01)
  const diameterBaseline = UNIT_BASELINE.map((v) => 40 + (v - 10) / 100);
  const diameterLine = (reaction, extra = {}) => spcLine(store, { spec: { nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm' }, config: { subgroupSize: 1, baselineSubgroups: 4, reaction }, ...extra });

  it('alert: a violation is an event naming rule, chart, points and check seqs; the operation keeps running', async () => {
    const line = await diameterLine('alert');
    await line.measure([...diameterBaseline, 40.012, 40.04]);
    const { events, violations } = await line.poll();
    assert.deepEqual(violations.map((v) => [v.rule, v.chart, v.subgroup, v.held]), [[1, 'x', 6, false]]);
    const event = events.find((e) => e.type === 'spc.violation');
    const checks = eventsOf(store, 'check.recorded');
    assert.deepEqual(event.payload.points, [{ subgroup: 6, seqs: [checks[5].seq] }]);
    assert.equal(event.payload.rule, 1);
    assert.equal(event.payload.chart, 'x');
    assert.equal(event.orderId, 'PO-1000');
    assert.equal(line.d.snapshot('WS-T1').current[0].state, 'running');
  });

  it('hold: the operation is held through dispatch by actor spc, once, with the violation', async () => {
    const line = await diameterLine('hold');
    await line.measure([...diameterBaseline, 40.012, 40.04]);
    const { events, violations } = await line.poll();
    assert.deepEqual(violations.map((v) => [v.rule, v.held]), [[1, true]]);
    const held = events.filter((e) => e.type === 'operation.held');
    assert.equal(held.length, 1);
    assert.equal(held[0].actor, 'spc');
    assert.match(held[0].payload.reason, /Nelson rule 1/);
    assert.equal(line.d.snapshot('WS-T1').current[0].state, 'held');
    assert.equal((await line.poll()).events.length, 0, 'a second poll finds nothing new');
    assert.equal(eventsOf(store, 'operation.held').length, 1);
  });

  it('a restart mid-stream (store closed and reopened) repeats no violation and skips none', async () => {
    const zs = [0.2, -0.3, 3.5, 0.1, 2.5, 0.3, 2.2, ...alternate(14), -3.2];
    const values = [...UNIT_BASELINE, ...zs.map((z) => 10 + z)];
    const config = parseCharacteristics([{ characteristic: 'z', subgroupSize: 1, baselineSubgroups: 4, reaction: 'alert' }]);
    // uninterrupted, for comparison
    const reference = openTempStore();
    const straight = new SpcMonitor({ characteristics: config });
    for (const [i, v] of values.entries()) await appendCheck(reference, 'z', v, { seconds: i });
    const expected = (await reference.transact((s) => straight.poll(s))).violations.map((v) => [v.subgroup, v.rule, v.chart]);
    reference.close();
    assert.ok(expected.length >= 4);
    // the same checks arriving while the monitor polls in small pages, with two restarts
    const seen = [];
    let monitor = new SpcMonitor({ characteristics: config, pageSize: 3 });
    const pollAll = async () => { for (;;) { const o = await store.transact((s) => monitor.poll(s)); seen.push(...o.violations.map((v) => [v.subgroup, v.rule, v.chart])); if (!o.more) return; } };
    for (const [i, v] of values.entries()) {
      await appendCheck(store, 'z', v, { seconds: i });
      if (i % 5 === 4) await pollAll();
      if (i === 9 || i === 17) {
        store.close();
        store = openTempStore({ file });
        monitor = new SpcMonitor({ characteristics: config, pageSize: 3 });
      }
    }
    await pollAll();
    assert.deepEqual(seen, expected);
    assert.deepEqual(eventsOf(store, 'spc.violation').map((e) => [e.payload.subgroup, e.payload.rule, e.payload.chart]), expected);
  });

  it('a signed change recomputes the limits from a baseline range; later points are judged by them', async () => {
    const line = await diameterLine('alert');
    await line.measure([...diameterBaseline, 40.001, 39.999, 40.002, 40.0]);
    await line.poll();
    const signatures = testSignatures();
    const command = parseLimitsChange({ commandId: 'lc-1', characteristic: 'diameter', workstation: 'WS-T1', supervisor: 'sup-bo', reason: 'new tool', baseline: { fromSubgroup: 5, toSubgroup: 8 }, signature: goodSignature });
    const signer = await line.monitor.prepare(store, command, signatures);
    const outcome = await store.transact((s) => line.monitor.changeLimits(s, command, signer, signatures));
    assert.deepEqual(outcome.events.map((e) => e.type), ['spc.limits.changed', 'signature.recorded']);
    assert.equal(outcome.events[1].payload.signedSeq, outcome.events[0].seq);
    assert.equal(outcome.events[0].actor, 'sup-bo');
    assert.equal(outcome.limits.version, 2);
    assert.equal(round(outcome.limits.center, 6), round((40.001 + 39.999 + 40.002 + 40.0) / 4, 6));
    assert.equal(outcome.events[0].payload.previous.version, 1);
    // a repeat of the command id answers the first result, appends nothing
    const last = store.lastSeq();
    assert.equal((await store.transact((s) => line.monitor.changeLimits(s, command, signer, signatures))).duplicate, true);
    assert.equal(store.lastSeq(), last);
    // judged by the new limits (σ = MR̄/d2 of the range: far tighter): 40.02 is beyond them
    await line.measure([40.02]);
    const { violations } = await line.poll();
    assert.deepEqual(violations.filter((v) => v.chart === 'x').map((v) => [v.rule, v.subgroup]), [[1, 9]]);
  });

  it('explicit limits set by a signed change', async () => {
    const line = await diameterLine('alert');
    await line.measure(diameterBaseline);
    await line.poll();
    const signatures = testSignatures();
    const command = parseLimitsChange({ commandId: 'lc-2', characteristic: 'diameter', workstation: 'WS-T1', supervisor: 'sup-bo', reason: 'from the capability study', limits: { center: 40, ucl: 40.03, lcl: 39.97, dispersion: { center: 0.0113, ucl: 0.0369, lcl: 0 } }, signature: goodSignature });
    const signer = await line.monitor.prepare(store, command, signatures);
    const outcome = await store.transact((s) => line.monitor.changeLimits(s, command, signer, signatures));
    assert.equal(outcome.limits.source, 'explicit');
    assert.equal(round(outcome.limits.sigmaPoint, 6), 0.01);
  });

  it('bad limit changes are refused naming field and rule, and change nothing', async () => {
    const line = await diameterLine('alert');
    await line.measure(diameterBaseline);
    await line.poll();
    const before = { seq: store.lastSeq(), limits: line.monitor.chart(store, 'diameter', 'WS-T1').limits };
    const base = { commandId: 'lc-3', characteristic: 'diameter', workstation: 'WS-T1', supervisor: 'sup-bo', reason: 'r', baseline: { fromSubgroup: 1, toSubgroup: 4 }, signature: goodSignature };
    const parse = async (payload) => parseLimitsChange(payload);
    const noReason = { ...base };
    delete noReason.reason;
    let err = await refusedWith(parse(noReason), 'required');
    assert.equal(err.errors[0].field, 'reason');
    err = await refusedWith(parse({ ...base, baseline: { fromSubgroup: 'one', toSubgroup: 4 } }), 'type');
    assert.equal(err.errors[0].field, 'baseline.fromSubgroup');
    await refusedWith(parse({ ...base, limits: { center: 1, ucl: 2, lcl: 0, dispersion: { center: 1, ucl: 2, lcl: 0 } } }), 'oneOf');
    await refusedWith(parse({ ...base, baseline: undefined, limits: { center: 1, ucl: 0, lcl: 2, dispersion: { center: 1, ucl: 2, lcl: 0 } } }), 'order');
    await refusedWith(parse({ ...base, baseline: { fromSubgroup: 3, toSubgroup: 2 } }), 'range');
    await refusedWith(parse({ ...base, extra: 1 }), 'additionalProperties');
    const signatures = testSignatures();
    const command = parseLimitsChange(base);
    // no signature service, a wrong password, a signer who is not the supervisor, a range not recorded
    await refusedWith(line.monitor.prepare(store, command, undefined), 'signaturesUnavailable');
    await refusedWith(line.monitor.prepare(store, parseLimitsChange({ ...base, signature: { ...goodSignature, password: 'wrong' } }), signatures), 'wrongPassword');
    await refusedWith(line.monitor.prepare(store, parseLimitsChange({ ...base, supervisor: 'sup-eve' }), signatures), 'signerIsSupervisor');
    const signer = await line.monitor.prepare(store, parseLimitsChange({ ...base, baseline: { fromSubgroup: 1, toSubgroup: 9 } }), signatures);
    await refusedWith(store.transact((s) => line.monitor.changeLimits(s, parseLimitsChange({ ...base, baseline: { fromSubgroup: 1, toSubgroup: 9 } }), signer, signatures)), 'range');
    await refusedWith(store.transact((s) => line.monitor.changeLimits(s, parseLimitsChange({ ...base, characteristic: 'length' }), signer, signatures)), 'unknownStream');
    assert.equal(store.lastSeq(), before.seq);
    assert.deepEqual(line.monitor.chart(store, 'diameter', 'WS-T1').limits, before.limits);
  });

  it('bad characteristic configuration names the entry, the field and the rule', () => {
    assert.throws(() => parseCharacteristics([{ characteristic: 'd', subgroupSize: 0, baselineSubgroups: 20 }]), (e) => e.errors[0].field === 'characteristics[0].subgroupSize' && e.errors[0].rule === 'range');
    assert.throws(() => parseCharacteristics([{ characteristic: 'd', subgroupSize: 1, baselineSubgroups: 1 }]), (e) => e.errors[0].field === 'characteristics[0].baselineSubgroups');
    assert.throws(() => parseCharacteristics([{ characteristic: 'd', subgroupSize: 5, baselineSubgroups: 20, reaction: 'stop' }]), (e) => e.errors[0].rule === 'enum');
    assert.throws(() => parseCharacteristics([{ characteristic: 'd', subgroupSize: 5, baselineSubgroups: 20 }, { characteristic: 'd', subgroupSize: 5, baselineSubgroups: 20 }]), (e) => e.errors[0].rule === 'unique');
  });
});
