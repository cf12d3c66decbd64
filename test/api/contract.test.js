// The contract test: the real runtime with the shipped flows serves GET /mes/v1/openapi.json;
// every operation of that document gets its example requests (test/api/examples.js) and every
// answer (status, Content-Type, body) is validated against the document with ajv (JSON Schema
// 2020-12, as OpenAPI 3.1 uses). It also fails when a route the runtime serves is undocumented,
// or a documented operation has no example.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { startRuntime } = require('../support/runtime');
const { getFlows } = require('../support/flows');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { buildTwoLevelGenealogy } = require('../genealogy/fixtures');
const { quarantineActuals } = require('../support/quarantine');
const fc = require('fast-check');
const EXAMPLES = require('./examples');

const TOKENS = { integration: 'ct-integration-token', supervisor: 'ct-supervisor-token', operator: 'ct-operator-token', bad: 'not-a-token-of-this-mes' };

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const mediaType = (header) => (header || '').split(';')[0].trim().toLowerCase();

function operationsOf(doc) {
  return Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ path: p, method, op })));
}

/** The routes the deployed flows serve: every enabled http in node, as OpenAPI "METHOD /path/{param}". */
function servedRoutes(flows) {
  const disabledTabs = new Set(flows.filter((n) => n.type === 'tab' && n.disabled).map((n) => n.id));
  return flows.filter((n) => n.type === 'http in' && !n.d && !disabledTabs.has(n.z))
    .map((n) => `${n.method.toUpperCase()} ${n.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
}

describe('API contract: every documented request through the real runtime, every answer against the document', function () {
  this.timeout(120000);
  let runtime;
  let doc;
  let ajv;
  const results = [];
  /** What the examples name that only exists once the runtime's store is set up (event ids). */
  const fixture = { quarantined: [], downtimeId: 'WS-10@2026-11-30T08:00:00.000Z' };

  before(async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-contract-'));
    const store = MesStore.open(path.join(userDir, 'mes', 'mes.db'), { components: ALL_COMPONENTS });
    try {
      await buildTwoLevelGenealogy(store);
      // The first actual of each order waits in quarantine (it blocks the rest of its order), for the quarantine examples.
      fixture.quarantined = (await quarantineActuals(store, { atLeast: 2 })).map((m) => m.eventId);
      // A stop of WS-10, as the OEE engine records one, for the downtime examples.
      store.db.prepare(`INSERT INTO oee_downtime (downtime_id, line, workstation, start_time, end_time, seconds, machine_state)
        VALUES (?, 'line-1', 'WS-10', '2026-11-30T08:00:00.000Z', '2026-11-30T08:05:00.000Z', 300, 'faulted')`).run(fixture.downtimeId);
    } finally {
      store.close();
    }
    runtime = await startRuntime({ userDir, env: { MES_API_TOKEN: TOKENS.integration, MES_SUPERVISOR_TOKEN: TOKENS.supervisor, MES_OPERATOR_TOKEN: TOKENS.operator } });
    const res = await fetch(`${runtime.url}/mes/v1/openapi.json`, { headers: { authorization: `Bearer ${TOKENS.integration}` } });
    assert.equal(res.status, 200);
    doc = await res.json();
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
  });
  after(async () => runtime && runtime.stop());

  function send({ method, path: p, query, body, role }) {
    const url = new URL(p, runtime.url);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const headers = role ? { authorization: `Bearer ${TOKENS[role]}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(url, { method: method.toUpperCase(), headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  it('has examples for every documented operation (none may slip through)', () => {
    const missing = operationsOf(doc).map(({ op }) => op.operationId).filter((id) => !EXAMPLES[id] || EXAMPLES[id].length === 0);
    assert.deepEqual(missing, [], `operations without an example in test/api/examples.js: ${missing.join(', ')}`);
    const unknown = Object.keys(EXAMPLES).filter((id) => !operationsOf(doc).some(({ op }) => op.operationId === id));
    assert.deepEqual(unknown, [], 'examples of operations the document does not have');
  });

  it('documents every route the runtime serves, and serves every documented one', async () => {
    const { flows } = await getFlows(runtime);
    const served = new Set(servedRoutes(flows));
    const documented = new Set(operationsOf(doc).map(({ path: p, method }) => `${method.toUpperCase()} ${p}`));
    assert.deepEqual([...served].filter((r) => !documented.has(r)).sort(), [], 'served but not in the OpenAPI document');
    assert.deepEqual([...documented].filter((r) => !served.has(r)).sort(), [], 'documented but no http in node serves it');
  });

  it('answers every example as documented: status, Content-Type and body', async () => {
    const failures = [];
    for (const { path: p, method, op } of operationsOf(doc)) {
      for (const example of EXAMPLES[op.operationId] ?? []) {
        for (const step of example.before ?? []) {
          const res = await send(step);
          assert.ok(res.status < 300, `${op.operationId} "${example.name}": setup ${step.method} ${step.path} answered ${res.status} ${await res.text()}`);
        }
        const params = typeof example.params === 'function' ? example.params(fixture) : example.params;
        const target = p.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(params?.[name] ?? ''));
        const res = await send({ method, path: target, query: example.query, body: example.body, role: example.role });
        const label = `${op.operationId} "${example.name}" (${method.toUpperCase()} ${target})`;
        const buffer = Buffer.from(await res.arrayBuffer());
        results.push({ operationId: op.operationId, status: res.status });
        try {
          assert.equal(res.status, example.status, `${label}: status ${res.status}, body ${buffer.toString('utf8').slice(0, 300)}`);
          let responseKey = String(res.status);
          let response = op.responses[responseKey];
          assert.ok(response, `${label}: status ${res.status} is not documented`);
          if (response.$ref) {
            responseKey = response.$ref;
            response = doc.components.responses[response.$ref.split('/').pop()];
          }
          const type = mediaType(res.headers.get('content-type'));
          const documentedTypes = Object.keys(response.content ?? {});
          assert.ok(documentedTypes.includes(type), `${label}: Content-Type ${type} is not one of ${documentedTypes.join(', ')}`);
          if (response.headers?.Location) assert.ok(res.headers.get('location'), `${label}: header Location is missing`);
          if (type === 'text/csv' || type.includes('spreadsheetml')) {
            assert.ok(response.headers?.['Content-Disposition'], `${label}: a file answer without a documented Content-Disposition`);
            assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="[A-Za-z0-9._-]+"$/, `${label}: Content-Disposition`);
          }
          if (type === 'application/json') {
            const schemaRef = responseKey.startsWith('#')
              ? `openapi.json${responseKey}/content/${pointer('application/json')}/schema`
              : `openapi.json#/${pointer('paths', p, method, 'responses', responseKey, 'content', 'application/json', 'schema')}`;
            const validate = ajv.getSchema(schemaRef);
            assert.ok(validate, `${label}: no schema at ${schemaRef}`);
            const body = JSON.parse(buffer.toString('utf8'));
            assert.ok(validate(body), `${label}: body does not match the document: ${ajv.errorsText(validate.errors)}`);
          } else if (type === 'text/csv') {
            assert.match(buffer.toString('utf8'), /^[a-z_]+(,[a-z_]+)*\r\n/, `${label}: not a CSV with a header row`);
          } else if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') {
            assert.equal(buffer.subarray(0, 2).toString('latin1'), 'PK', `${label}: not an XLSX (zip) file`);
          } else {
            assert.ok(buffer.length > 0, `${label}: empty body`);
          }
        } catch (err) {
          failures.push(err.message);
        }
      }
    }
    assert.deepEqual(failures, []);
    // The documented error cases that a client can provoke were provoked.
    for (const status of [400, 401, 404, 409]) assert.ok(results.some((r) => r.status === status), `no example answered ${status}`);
  });

  it('refuses malformed export, document and page requests by field and rule through the runtime (fast-check, 45 cases)', async () => {
    // The runtime goes on writing by itself, so "nothing changed" means: no event since then came from a request.
    const eventsAfter = async (after) => (await (await send({ method: 'get', path: '/mes/v1/events', query: { after, limit: 1000 }, role: 'supervisor' })).json()).events;
    const seqBefore = (await eventsAfter(0)).reduce((max, e) => Math.max(max, e.seq), 0);
    const exportPath = fc.constantFrom('/mes/v1/exports/shift-history', '/mes/v1/exports/downtime', '/mes/v1/exports/audit-trail');
    const bad = fc.oneof(
      fc.tuple(exportPath, fc.string({ minLength: 1, maxLength: 10 }).filter((f) => f !== 'csv' && f !== 'xlsx'))
        .map(([p, format]) => ({ path: p, query: { format }, role: 'supervisor', status: 400, field: 'format', rule: 'enum' })),
      fc.tuple(exportPath, fc.constantFrom('2026-02-30T00:00:00Z', 'today', '2026-03-02', '2026-03-02T06:00:00', '0'))
        .map(([p, from]) => ({ path: p, query: { from }, role: 'integration', status: 400, field: 'from', rule: 'format' })),
      fc.tuple(exportPath, fc.integer({ min: 1, max: 1e6 }))
        .map(([p, s]) => ({ path: p, query: { from: new Date(Date.UTC(2026, 2, 2) + s * 1000).toISOString(), to: '2026-03-02T00:00:00.000Z' }, role: 'supervisor', status: 400, field: 'to', rule: 'notBeforeFrom' })),
      fc.tuple(exportPath, fc.string({ minLength: 101, maxLength: 400 }))
        .map(([p, workstation]) => ({ path: p, query: { workstation }, role: 'supervisor', status: 400, field: 'workstation', rule: 'maxLength' })),
      fc.tuple(exportPath, fc.constantFrom('limit', 'page', 'where', 'workstaton'))
        .map(([p, name]) => ({ path: p, query: { [name]: '1' }, role: 'supervisor', status: 400, field: name, rule: 'unknownParameter' })),
      fc.tuple(fc.constantFrom('/mes/v1/openapi.json', '/mes/v1/exports/downtime'), fc.constantFrom('bad', null))
        .map(([p, role]) => ({ path: p, role, status: 401, field: 'Authorization', rule: 'bearerToken' })),
      fc.constantFrom('index.html', 'swagger-initializer.js', 'oauth2-redirect.html', 'x.js', 'swagger-ui.js.map')
        .map((asset) => ({ path: `/mes/v1/docs/${asset}`, role: null, status: 404, field: 'asset', rule: 'docsAsset' })),
    );
    let cases = 0;
    await fc.assert(fc.asyncProperty(bad, async (c) => {
      cases++;
      const res = await send({ method: 'get', path: c.path, query: c.query, role: c.role });
      assert.equal(res.status, c.status, `${c.path} ${JSON.stringify(c.query)} → ${res.status}`);
      const body = await res.json();
      assert.ok(body.errors.some((e) => e.field === c.field && e.rule === c.rule), `${c.path} ${JSON.stringify(c.query)} → ${JSON.stringify(body.errors)}`);
    }), { numRuns: 45 });
    assert.ok(cases >= 45);
    // Demo mode issues orders (as the ERP) and receives their lots; the outbox and the machines write their own.
    const byTheRuntime = (e) => String(e.orderId ?? '').startsWith('DEMO-') || e.actor === 'warehouse' || /^(outbox|machine):/.test(String(e.actor ?? ''));
    const fromRequests = (await eventsAfter(seqBefore)).filter((e) => !byTheRuntime(e));
    assert.deepEqual(fromRequests, []);
  });

  it('is still alive and unchanged by the refused requests', async () => {
    const res = await send({ method: 'get', path: '/mes/v1/orders/PO-SUB', role: 'integration' });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'released');
  });
});
