// Flows that a plant saved with release 0.1.0 (mes-plant with start-only shifts, mes-oee with
// its JSON settings, no config versions) keep working after an update: each node migrates its
// configuration when loaded. test/fixtures/flows-0.1.0.json holds the MES nodes of the 0.1.0
// shipped flows, as that release wrote them.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime, repoRoot } = require('../support/runtime');
const { waitFor } = require('../support/plant');

const TOKEN = 'saved-flows-token';
const CALENDAR = JSON.stringify({ timeZone: 'UTC', shifts: [{ name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00', breaks: [] }] });

describe('flows saved by release 0.1.0', function () {
  this.timeout(90000);
  let runtime;
  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-saved-flows-'));
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'flows-0.1.0.json'), path.join(dir, 'flows.json'));
    runtime = await startRuntime({
      env: {
        MES_FLOW_FILE: path.join(dir, 'flows.json'), MES_API_TOKEN: TOKEN,
        // what such a plant set in its environment for the ${...} references of its flows
        MES_SITE: 'demo-site', MES_AREA: 'assembly', MES_LINE: 'line-1', MES_OEE_CALENDAR: CALENDAR, MES_ERP_URL: 'http://127.0.0.1:9/erp',
      },
    });
  });
  after(async () => { if (runtime) await runtime.stop(); });

  it('start with no node refusing its configuration', () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'flows-0.1.0.json'), 'utf8'));
    assert.ok(fixture.some((n) => n.type === 'mes-plant' && n.version === undefined && n.shifts[0].end === undefined), 'the fixture is of the old format');
    assert.ok(fixture.some((n) => n.type === 'mes-oee' && n.version === undefined && n.workstations.startsWith('[')), 'the fixture is of the old format');
    assert.match(runtime.output(), /Started flows/);
    assert.doesNotMatch(runtime.output(), /\[error\] \[mes-(plant|oee|dispatch)/);
  });

  it('dispatch queues an order at the workstations of the migrated plant model', async () => {
    const order = {
      orderId: 'PO-SAVED', plant: 'demo-site', material: 'FG-100', quantity: { value: 10, unit: 'PCE' },
      scheduledStart: '2026-11-25T06:00:00Z', scheduledEnd: '2026-11-25T14:00:00Z',
      operations: [{ key: '0010', sequence: 10, workCenter: 'WC-WS-10', plannedQuantity: { value: 10, unit: 'PCE' } }],
    };
    const res = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(order) });
    assert.equal(res.status, 201, await res.text());
    const status = await waitFor(async () => {
      const s = await (await fetch(`${runtime.url}/mes/v1/orders/PO-SAVED`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      return s.operations && s.operations[0].state === 'queued' && s;
    }, 'the operation to be queued');
    assert.equal(status.operations[0].state, 'queued');
  });
});
