// Serving the document and the reference page: GET /mes/v1/openapi.json, /mes/v1/docs and its
// files, through their handlers (the mes-api node routes to them).
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { LINE_HANDLERS, LINE_ROUTES } = require('../../dist/lib/api');

const call = (params = {}) => ({ params, query: {}, headers: {}, body: undefined, principal: { role: 'operator', subject: 'op-1' } });
const ctx = { store: undefined, now: Date.now };

describe('serving the OpenAPI document and the reference page', () => {
  it('answers the document of every line route, built once', async () => {
    const first = await LINE_HANDLERS.getOpenApiDocument(ctx, call());
    assert.equal(first.statusCode, 200);
    assert.match(first.headers['Content-Type'], /^application\/json/);
    assert.equal(first.body.openapi, '3.1.0');
    const ids = Object.values(first.body.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)).sort();
    assert.deepEqual(ids, LINE_ROUTES.map((r) => r.operationId).sort());
    assert.equal((await LINE_HANDLERS.getOpenApiDocument(ctx, call())).body, first.body);
  });

  it('serves a page with no inline script under a strict CSP, and no token in any URL', async () => {
    const page = await LINE_HANDLERS.getApiDocsPage(ctx, call());
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['Content-Type'], /^text\/html/);
    assert.match(page.headers['Content-Security-Policy'], /script-src 'self';/);
    assert.match(page.headers['Content-Security-Policy'], /frame-ancestors 'none'/);
    assert.doesNotMatch(page.body, /<script>(?!<\/script>)/); // every script has a src
    assert.doesNotMatch(page.body, /https?:\/\//); // nothing from a CDN
    const scripts = [...page.body.matchAll(/src="docs\/([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(scripts, ['swagger-ui-bundle.js', 'mes-docs.js']);
    const init = (await LINE_HANDLERS.getApiDocsAsset(ctx, call({ asset: 'mes-docs.js' }))).body.toString('utf8');
    assert.match(init, /Authorization: 'Bearer ' \+ token/);
    assert.doesNotMatch(init, /localStorage|sessionStorage|\?token=/);
  });

  it('serves the Swagger UI files from the installed swagger-ui-dist', async () => {
    const bundle = await LINE_HANDLERS.getApiDocsAsset(ctx, call({ asset: 'swagger-ui-bundle.js' }));
    assert.equal(bundle.statusCode, 200);
    assert.match(bundle.headers['Content-Type'], /^application\/javascript/);
    assert.deepEqual(bundle.body, require('node:fs').readFileSync(require.resolve('swagger-ui-dist/swagger-ui-bundle.js')));
    const css = await LINE_HANDLERS.getApiDocsAsset(ctx, call({ asset: 'swagger-ui.css' }));
    assert.match(css.headers['Content-Type'], /^text\/css/);
  });

  it('refuses any other file name by field and rule (fast-check: traversal, odd names, 50 cases)', async () => {
    const names = fc.oneof(
      fc.constantFrom('../package.json', '..%2Fpackage.json', 'index.html', 'swagger-initializer.js', 'swagger-ui-bundle.js.map', '__proto__', 'constructor', 'toString', ''),
      fc.string({ maxLength: 300 }),
    ).filter((n) => !['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png', 'mes-docs.js'].includes(n));
    await fc.assert(fc.asyncProperty(names, async (asset) => {
      const reply = await LINE_HANDLERS.getApiDocsAsset(ctx, call({ asset }));
      assert.equal(reply.statusCode, 404);
      assert.deepEqual([reply.body.errors[0].field, reply.body.errors[0].rule], ['asset', 'docsAsset']);
      assert.ok(reply.body.errors[0].message.length < 200);
    }), { numRuns: 50 });
  });
});
