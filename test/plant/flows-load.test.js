// Every shipped and example flow loads in a real Node-RED (npm start's settings, this package's
// nodes and the plant application's contrib nodes) with no missing node type.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime, repoRoot, adminUrl } = require('../support/runtime');
const { waitFor } = require('../support/plant');

const BUILT_IN = new Set(['tab', 'subflow', 'group', 'junction']);
const flowFiles = [
  path.join(repoRoot, 'flows', 'flows.json'),
  ...fs.readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json')).map((f) => path.join(repoRoot, 'examples', f)),
];
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const typesOf = (flow) => new Set(flow.map((n) => n.type).filter((t) => !BUILT_IN.has(t) && !t.startsWith('subflow:')));

/** An example imported as the editor would: nodes without a tab go onto a new one. */
function asDeployable(flow) {
  const tabId = 'example-import-tab';
  const needsTab = flow.some((n) => n.z === undefined && n.type !== 'tab' && Array.isArray(n.wires));
  const nodes = flow.map((n) => (n.z === undefined && n.type !== 'tab' && Array.isArray(n.wires) ? { ...n, z: tabId } : n));
  return needsTab ? [{ id: tabId, type: 'tab', label: 'example' }, ...nodes] : nodes;
}


describe('shipped and example flows in a real Node-RED', function () {
  this.timeout(120000);
  let runtime;
  before(async () => {
    // A copy of the flow file: deploying the examples below must not overwrite the repository's.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-flows-'));
    fs.copyFileSync(path.join(repoRoot, 'flows', 'flows.json'), path.join(dir, 'flows.json'));
    fs.copyFileSync(path.join(repoRoot, 'flows', 'flows_cred.json'), path.join(dir, 'flows_cred.json'));
    runtime = await startRuntime({ env: { MES_FLOW_FILE: path.join(dir, 'flows.json'), MES_API_TOKEN: 'flows-load-token' } });
  });
  after(async () => { if (runtime) await runtime.stop(); });

  it('registers every node type that a shipped or example flow uses', async () => {
    const res = await fetch(`${adminUrl(runtime)}/nodes`, { headers: { accept: 'application/json' } });
    assert.equal(res.status, 200);
    const sets = await res.json();
    const failed = sets.filter((s) => s.err).map((s) => `${s.id}: ${s.err}`);
    assert.deepEqual(failed, [], 'node sets that failed to load');
    const registered = new Set(sets.flatMap((s) => s.types));
    for (const file of flowFiles) {
      const missing = [...typesOf(read(file))].filter((t) => !registered.has(t));
      assert.deepEqual(missing, [], `${path.relative(repoRoot, file)} uses unregistered types`);
    }
  });

  it('starts the shipped flows without waiting for a missing type', () => {
    assert.match(runtime.output(), /Started flows/);
    assert.doesNotMatch(runtime.output(), /Waiting for missing types/);
    // Every MES node started: a config node that fails (a circular reference, a missing one) shows only in the log.
    assert.doesNotMatch(runtime.output(), /Circular config node dependency/);
    assert.doesNotMatch(runtime.output(), /\[error\] \[mes-/);
  });

  for (const file of flowFiles.slice(1)) {
    it(`deploys and starts ${path.relative(repoRoot, file)}`, async () => {
      const before = (runtime.output().match(/Started flows/g) || []).length;
      const res = await fetch(`${adminUrl(runtime)}/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
        body: JSON.stringify({ flows: asDeployable(read(file)) }),
      });
      assert.equal(res.status, 200, await res.text());
      await waitFor(() => (runtime.output().match(/Started flows/g) || []).length > before, 'the example to start');
      assert.doesNotMatch(runtime.output(), /Waiting for missing types/);
    });
  }
});
