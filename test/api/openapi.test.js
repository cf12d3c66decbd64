// The OpenAPI 3.1 document of the line: built from the route table and the validators' own
// schemas, and clean under `redocly lint` (recommended rules, redocly.yaml).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildOpenApiDocument, LINE_ROUTES } = require('../../dist/lib/api');
const { lineOpenApiDocument } = require('../../dist/lib/api/handlers/integration');
const { PRODUCTION_ORDER_SCHEMA, CANCEL_REQUEST_SCHEMA } = require('../../dist/lib/orders');

const repoRoot = path.join(__dirname, '..', '..');

function lint(document) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-openapi-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  let out;
  try {
    out = execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', '--config', path.join(repoRoot, 'redocly.yaml'), '--format=json', file],
      { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    out = err.stdout; // redocly exits 1 when it finds errors; the report is still on stdout
  }
  return JSON.parse(out);
}

const operations = (doc) => Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ path: p, method, op })));

describe('OpenAPI document of the line routes', function () {
  this.timeout(60000);
  const doc = lineOpenApiDocument();

  it('lints clean with redocly (recommended rules): zero errors, zero warnings', () => {
    const report = lint(doc);
    assert.deepEqual(report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`), []);
    assert.deepEqual([report.totals.errors, report.totals.warnings], [0, 0]);
  });

  it('the lint does fail a broken document (an undeclared path parameter)', () => {
    const broken = buildOpenApiDocument([{ ...LINE_ROUTES[1], operationId: 'brokenGet', path: '/mes/v1/broken/{id}', pathParams: undefined }], { title: 't', version: '1' });
    const report = lint(broken);
    assert.ok(report.totals.errors > 0, JSON.stringify(report.problems));
  });

  it('is OpenAPI 3.1.0 with the package version and a bearer scheme that names the roles', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, require('../../package.json').version);
    const scheme = doc.components.securitySchemes.bearerAuth;
    assert.deepEqual([scheme.type, scheme.scheme], ['http', 'bearer']);
    for (const role of ['operator', 'supervisor', 'integration']) assert.match(scheme.description, new RegExp(`- ${role}:`));
  });

  it('lists every route once, with its roles, its security and its shared error answers', () => {
    const ops = operations(doc);
    assert.equal(ops.length, LINE_ROUTES.length);
    for (const route of LINE_ROUTES) {
      const op = doc.paths[route.path][route.method];
      assert.equal(op.operationId, route.operationId);
      assert.deepEqual(op['x-mes-roles'], [...route.roles]);
      assert.deepEqual(op.security, route.roles.length ? [{ bearerAuth: [] }] : [], route.operationId);
      if (route.roles.length) assert.ok(route.errors.includes(401), `${route.operationId} takes a token but documents no 401`);
      for (const status of route.errors) {
        const ref = op.responses[String(status)].$ref;
        const shared = doc.components.responses[ref.split('/').pop()];
        assert.equal(shared.content['application/json'].schema.$ref, '#/components/schemas/Error', `${route.operationId} ${status}`);
      }
      for (const name of Object.keys(route.pathParams ?? {})) assert.ok(route.path.includes(`{${name}}`));
    }
    assert.deepEqual(doc.components.schemas.Error.required, ['error', 'errors']);
  });

  it('takes the request schemas from the validators (same objects), with their definitions as components', () => {
    const submit = LINE_ROUTES.find((r) => r.operationId === 'submitOrder');
    const cancel = LINE_ROUTES.find((r) => r.operationId === 'cancelOrder');
    assert.equal(submit.requestBody.content['application/json'], PRODUCTION_ORDER_SCHEMA);
    assert.equal(cancel.requestBody.content['application/json'], CANCEL_REQUEST_SCHEMA);
    const op = doc.paths['/mes/v1/orders'].post;
    assert.equal(op.requestBody.content['application/json'].schema.$ref, '#/components/schemas/ProductionOrder');
    const component = doc.components.schemas.ProductionOrder;
    assert.deepEqual(Object.keys(component.properties), Object.keys(PRODUCTION_ORDER_SCHEMA.properties));
    assert.deepEqual(component.required, PRODUCTION_ORDER_SCHEMA.required);
    for (const name of Object.keys(PRODUCTION_ORDER_SCHEMA.definitions)) assert.ok(doc.components.schemas[`ProductionOrder.${name}`], name);
    // The cancel request documents its signature as the discard does: one schema (lib/compliance), the password write-only.
    const signature = doc.components.schemas.CancelRequest.properties.signature;
    assert.deepEqual(signature.required, ['userId', 'password', 'meaning']);
    assert.equal(signature.properties.password.writeOnly, true);
    assert.match(signature.description, /order\.force-cancel/);
    const discard = doc.paths['/mes/v1/outbox/quarantine/{eventId}/discard'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(discard.properties.signature.properties, signature.properties);
    // No reference is left pointing into a draft-07 `definitions` block.
    assert.doesNotMatch(JSON.stringify(doc), /#\/definitions\//);
    assert.doesNotMatch(JSON.stringify(doc), /"\$data"/);
  });

  it('follows the route table: a route added there appears in the document', () => {
    const extra = { ...LINE_ROUTES[1], operationId: 'getOrderAgain', path: '/mes/v1/orders-again/{orderId}' };
    const grown = buildOpenApiDocument([...LINE_ROUTES, extra], { title: 't', version: '1' });
    assert.equal(grown.paths['/mes/v1/orders-again/{orderId}'].get.operationId, 'getOrderAgain');
    assert.throws(() => buildOpenApiDocument([...LINE_ROUTES, { ...extra, path: '/mes/v1/orders' , method: 'post' }], { title: 't', version: '1' }), /described twice|used twice/);
  });
});
