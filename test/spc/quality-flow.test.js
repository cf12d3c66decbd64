// The shipped flows' SPC node in npm start's runtime: check results already in the store (the
// Montgomery loan costs, recorded the way dispatch records them) become frozen limits and a
// violation, and the node answers spc.chart with the chart the quality page draws.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime, repoRoot } = require('../support/runtime');
const { openTempStore } = require('../support/store');
const { appendCheck } = require('../support/spc');
const { LOAN_COSTS } = require('../fixtures/spc-datasets');

/** The shipped flows with GET /test/spc/chart on the quality tab, into its mes-spc node and back. */
function writeFlowFile(userDir) {
  const flows = JSON.parse(fs.readFileSync(path.join(repoRoot, 'flows', 'flows.json'), 'utf8'));
  const spc = flows.find((n) => n.type === 'mes-spc');
  spc.wires[1].push('t-has-res');
  const z = spc.z;
  flows.push(
    { id: 't-in', type: 'http in', z, url: '/test/spc/chart', method: 'get', upload: false, x: 100, y: 1000, wires: [['t-topic']] },
    { id: 't-topic', type: 'change', z, rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'spc.chart', tot: 'str' }, { t: 'set', p: 'payload', pt: 'msg', to: 'req.query', tot: 'msg' }], x: 300, y: 1000, wires: [[spc.id]] },
    { id: 't-has-res', type: 'switch', z, property: 'res', propertyType: 'msg', rules: [{ t: 'nnull' }], checkall: 'true', outputs: 1, x: 500, y: 1000, wires: [['t-out']] },
    { id: 't-out', type: 'http response', z, statusCode: '', headers: {}, x: 700, y: 1000, wires: [] },
  );
  const file = path.join(userDir, 'flows-spc.json');
  fs.writeFileSync(file, JSON.stringify(flows));
  return { file, characteristic: spc.characteristics[0] };
}

describe('the quality page\'s mes-spc in the real runtime', function () {
  this.timeout(120000);
  let runtime;
  after(async () => runtime && runtime.stop());

  it('freezes the limits of the recorded checks and answers spc.chart with limits and the flagged point', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-spc-rt-'));
    const { file, characteristic } = writeFlowFile(userDir);
    assert.deepEqual([characteristic.subgroupSize, characteristic.baselineSubgroups], [1, 20], 'the shipped configuration charts individuals after a baseline of 20');
    const plant = JSON.parse(fs.readFileSync(path.join(repoRoot, 'flows', 'flows.json'), 'utf8')).find((n) => n.type === 'mes-plant');
    const workstation = plant.workstations[0].id;
    const store = openTempStore({ file: path.join(userDir, 'mes', 'mes.db') });
    // 20 baseline individuals, then 325: above UCL = 300.5 + 3·7.789/1.128 = 321.22 (its moving range 21 is inside the MR chart UCL 25.46)
    for (const [i, value] of [...LOAN_COSTS, 325].entries()) await appendCheck(store, characteristic.characteristic, value, { workstation, seconds: i, spec: { lower: 250, upper: 350, nominal: 300, unit: 'EUR' } });
    store.close();
    runtime = await startRuntime({ userDir, env: { MES_API_TOKEN: 'spc-test-token', MES_FLOW_FILE: file } });
    let chart;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${runtime.url}/test/spc/chart?characteristic=${encodeURIComponent(characteristic.characteristic)}&workstation=${workstation}`);
      chart = res.status === 200 ? await res.json() : undefined;
      if (chart && chart.points && chart.points.length === 21) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(chart.status, 'frozen');
    assert.equal(chart.limits.center, 300.5);
    assert.equal(Number(chart.limits.ucl.toFixed(2)), 321.22);
    assert.equal(Number(chart.limits.lcl.toFixed(2)), 279.78);
    assert.deepEqual(chart.points[20].violations, [{ rule: 1, chart: 'x' }]);
    assert.equal(typeof chart.capability.cp, 'number');
  });
});
