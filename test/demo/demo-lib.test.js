// The demo's domain rules (lib/demo) without Node-RED: the order a demo plant gets, what the
// mock ERP records and answers, who may call it, and the demo-mode rule.
const assert = require('node:assert/strict');
const http = require('node:http');
const demo = require('../../dist/lib/demo');
const { parsePlantModel } = require('../../dist/lib/plant');
const { parseProductionOrder } = require('../../dist/lib/orders');
const { parseGenealogyInput } = require('../../dist/lib/genealogy');
const { plantConfig } = require('./fixtures');

const NOW = new Date('2026-03-04T05:06:07.890Z');
const settings = (extra = {}) => demo.parseDemoOrderSettings(extra, 'http://127.0.0.1:1880/mes/v1/orders');

describe('demo mode rule', () => {
  it('is demo only where the settings say mesMode: demo; a Node-RED without the setting is not', () => {
    assert.equal(demo.isDemoMode({ mesMode: 'demo' }), true);
    assert.equal(demo.isDemoMode({ mesMode: 'plant' }), false);
    assert.equal(demo.isDemoMode({}), false);
    assert.equal(demo.isDemoMode(undefined), false);
    assert.equal(demo.isDemoMode({ mesMode: 'DEMO' }), false);
  });

  it('reads configuration version 1 (or none) and refuses a newer one by field and rule', () => {
    demo.checkDemoConfigVersion(1);
    demo.checkDemoConfigVersion(undefined);
    assert.throws(() => demo.checkDemoConfigVersion(2), /version: .*\[rule: supportedVersion\]/);
  });
});

describe('demo order from the plant model', () => {
  for (const count of [3, 4]) {
    it(`runs through the ${count} workstations of the line in model order and is a valid canonical order`, () => {
      const order = demo.buildDemoOrder(parsePlantModel(plantConfig(count)), settings(), NOW);
      assert.deepEqual(parseProductionOrder(order), order, 'valid against schemas/production-order.schema.json');
      assert.equal(order.orderId, 'DEMO-20260304050607');
      assert.equal(order.erpReference, 'ERP-20260304050607');
      assert.equal(order.plant, 'PLANT-1');
      assert.deepEqual(order.quantity, { value: 60, unit: 'PCE' });
      assert.equal(order.material, 'FG-100');
      assert.deepEqual(order.operations.map((op) => op.key), ['0010', '0020', '0030', '0040'].slice(0, count));
      assert.deepEqual(order.operations.map((op) => op.workCenter), Array.from({ length: count }, (_, i) => `WC-${i + 1}`), 'the first work center of each workstation');
      assert.deepEqual(order.operations.map((op) => op.allowedWorkstations), Array.from({ length: count }, (_, i) => [`WS-${i + 1}`]));
      assert.deepEqual(order.operations.map((op) => op.idealCycleTimeSeconds), [4, ...Array(count - 1).fill(5)], "the workstation's ideal cycle, else 5 s");
      assert.ok(order.operations.every((op) => op.plannedQuantity.value === 60 && op.workInstructions.length === 2));
      const kinds = order.operations.map((op) => op.qualityChecks.map((c) => c.frequency.kind));
      assert.deepEqual(kinds, [['first-piece'], ['every-n'], ['at-completion'], ['first-piece']].slice(0, count), 'first piece, every n, at completion, round again');
      assert.equal(order.operations[1].qualityChecks[0].type, 'variable');
      assert.deepEqual(order.components, [
        { material: 'RM-BAR', quantity: { value: 15, unit: 'KG' }, operationKey: '0010', lotControlled: true },
        { material: 'SCREW-M4', quantity: { value: 240, unit: 'PCE' }, operationKey: '0020', backflush: true },
      ]);
    });
  }

  it('takes the configured line, material, quantity and the ideal cycle of the product entry', () => {
    const config = plantConfig(3);
    config.products = [{ workstation: 'WS-A', material: 'FG-200', idealCycleTimeSeconds: 7 }];
    const order = demo.buildDemoOrder(parsePlantModel(config), settings({ line: 'L2', material: 'FG-200', quantity: '10' }), NOW);
    assert.deepEqual(order.operations.map((op) => [op.key, op.workCenter, op.idealCycleTimeSeconds]), [['0010', 'WC-ASSY', 7]]);
    assert.equal(order.material, 'FG-200');
    assert.equal(order.quantity.value, 10);
    assert.equal(order.components[1].operationKey, '0010', 'one operation: the screws go to it too');
  });

  it('routes the next order through a workstation added to the model', () => {
    const before = demo.buildDemoOrder(parsePlantModel(plantConfig(3)), settings(), NOW);
    const config = plantConfig(3);
    config.workstations.splice(3, 0, { id: 'WS-NEW', area: 'MACHINING', line: 'L1', workCenters: ['WC-NEW'] });
    const after = demo.buildDemoOrder(parsePlantModel(config), settings(), NOW);
    assert.equal(before.operations.length, 3);
    assert.deepEqual(after.operations.map((op) => op.allowedWorkstations[0]), ['WS-1', 'WS-2', 'WS-3', 'WS-NEW']);
  });

  it('refuses a line the model does not have, naming field and rule', () => {
    assert.throws(() => demo.buildDemoOrder(parsePlantModel(plantConfig(3)), settings({ line: 'L9' }), NOW), /line: line 'L9' is not in the plant model \(lines: L1, L2\) \[rule: knownLine\]/);
  });

  it('checks the configuration: defaults for blanks, every broken rule by field', () => {
    assert.deepEqual(settings(), { line: undefined, material: 'FG-100', quantity: 60, orderApiUrl: 'http://127.0.0.1:1880/mes/v1/orders' });
    assert.throws(() => settings({ material: 'a b', quantity: 0, orderApiUrl: 'ftp://x' }), (err) => {
      assert.deepEqual(err.errors.map((e) => `${e.field}/${e.rule}`), ['material/identifier', 'quantity/positiveInteger', 'orderApiUrl/url']);
      return true;
    });
  });

  it('defaults the order API to this Node-RED: uiPort and httpNodeRoot', () => {
    assert.equal(demo.localOrderApiUrl(undefined, undefined), 'http://127.0.0.1:1880/mes/v1/orders');
    assert.equal(demo.localOrderApiUrl(1999, '/api/'), 'http://127.0.0.1:1999/api/mes/v1/orders');
  });

  it('posts the order with a bearer token, and the warehouse delivers its lot as a valid genealogy receive', () => {
    const order = demo.buildDemoOrder(parsePlantModel(plantConfig(3)), settings(), NOW);
    assert.deepEqual(demo.orderRequest(order, 'http://h/o', 'tok'), { method: 'POST', url: 'http://h/o', headers: { 'content-type': 'application/json', authorization: 'Bearer tok' }, payload: order });
    const receive = demo.rawMaterialDelivery(order);
    assert.deepEqual(receive, { action: 'receive', lot: 'RM-BAR-DEMO-20260304050607', material: 'RM-BAR', quantity: 100, unit: 'KG', supplier: 'DEMO-SUPPLIER', actor: 'warehouse' });
    assert.deepEqual(parseGenealogyInput(receive), receive);
    const big = demo.buildDemoOrder(parsePlantModel(plantConfig(3)), settings({ quantity: 1000 }), NOW);
    assert.equal(demo.rawMaterialDelivery(big).quantity, 250, 'what the order needs when that is more than 100 KG');
  });

  it("names the order API's status and error when it did not create the order", () => {
    const err = demo.orderApiRefusal(401, JSON.stringify({ error: 'unauthorized', errors: [{ field: 'Authorization', rule: 'bearerToken', message: 'the bearer token is not valid' }] }), 'DEMO-1');
    assert.match(err.message, /^statusCode: the order API answered 401 to demo order DEMO-1, not 201 \(unauthorized; Authorization: the bearer token is not valid \[rule: bearerToken\]\) \[rule: created\]$/);
    assert.match(demo.orderApiRefusal('ECONNREFUSED', 'Error: connect ECONNREFUSED', 'DEMO-1').message, /answered ECONNREFUSED .*connect ECONNREFUSED/);
  });
});

describe('mock ERP', () => {
  it('records every message, flags a repeated idempotency key as a duplicate, and keeps the newest 1000', () => {
    const erp = new demo.MockErp();
    assert.deepEqual(erp.record('k1', '/mock-erp/api/actuals', { a: 1 }, NOW), { accepted: true, duplicate: false });
    assert.deepEqual(erp.record('k1', '/mock-erp/api/actuals', { a: 1 }, NOW), { accepted: true, duplicate: true });
    assert.deepEqual(erp.record(null, '/mock-erp/api/x', 'text', NOW), { accepted: true, duplicate: false }, 'no key: never a duplicate');
    assert.deepEqual(erp.snapshot().received[1], { key: 'k1', path: '/mock-erp/api/actuals', duplicate: true, receivedAt: NOW.toISOString(), body: { a: 1 } });
    for (let i = 0; i < 1100; i += 1) erp.record(`n${i}`, '/p', null, NOW);
    const snapshot = erp.snapshot();
    assert.equal(snapshot.count, 1103, 'counts every message since start');
    assert.equal(snapshot.received.length, demo.MOCK_ERP_MAX_RECEIVED);
    assert.equal(snapshot.received.at(-1).key, 'n1099', 'newest last');
    assert.equal(erp.record('k1', '/p', null, NOW).duplicate, true, 'keys outlive the listed messages');
  });

  it('switches up and down and says whether that changed anything', () => {
    const erp = new demo.MockErp();
    assert.equal(erp.up, true, 'up at start');
    assert.equal(erp.setUp(true), false);
    assert.equal(erp.setUp(false), true);
    assert.equal(erp.up, false);
    assert.equal(demo.parseUpDown(true), true);
    assert.equal(demo.parseUpDown({ up: false }), false);
    assert.throws(() => demo.parseUpDown('off'), /payload: must be true or false, or \{"up": true\|false\} \[rule: upDown\]/);
  });

  it('takes the key from Idempotency-Key, X-Idempotency-Key or the body', () => {
    assert.equal(demo.idempotencyKeyOf({ 'idempotency-key': 'h1', 'x-idempotency-key': 'h2' }, { idempotencyKey: 'b' }), 'h1');
    assert.equal(demo.idempotencyKeyOf({ 'x-idempotency-key': 'h2' }, { idempotencyKey: 'b' }), 'h2');
    assert.equal(demo.idempotencyKeyOf({}, { idempotencyKey: 'b' }), 'b');
    assert.equal(demo.idempotencyKeyOf({}, '<xml/>'), null);
  });

  it('serves loopback as it comes; another machine needs the bearer token; no token: loopback only', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(demo.authorizeDemoRequest(address, undefined, undefined), undefined, address);
    const noToken = demo.authorizeDemoRequest('192.168.1.20', 'Bearer guess', undefined);
    assert.equal(noToken.statusCode, 401);
    assert.equal(noToken.body.errors[0].rule, 'loopbackOrToken');
    assert.equal(demo.authorizeDemoRequest('192.168.1.20', undefined, 'secret').statusCode, 401);
    assert.equal(demo.authorizeDemoRequest('10.0.0.5', 'Bearer wrong', 'secret').body.errors[0].message, 'the bearer token is not valid');
    assert.equal(demo.authorizeDemoRequest('::ffff:10.0.0.5', 'Bearer secret', 'secret'), undefined);
    assert.equal(demo.authorizeDemoRequest(undefined, undefined, 'secret').statusCode, 401, 'an unknown peer is not loopback');
  });

  it('takes a base path of plain segments, /mock-erp by default', () => {
    assert.equal(demo.parseBasePath(''), '/mock-erp');
    assert.equal(demo.parseBasePath('/demo/erp/'), '/demo/erp');
    assert.throws(() => demo.parseBasePath('/erp/:id'), /basePath: .*\[rule: path\]/);
  });

  it('takes the body that a body parser of the host read before it (the shipped runtime has one), not waiting for it again', async () => {
    const erp = new demo.MockErp();
    const api = demo.mockErpHandler(erp, 'api', { maxBodyBytes: 1024, onStateChange: () => {}, onReceived: () => {} });
    // A body parser ahead of the handler, as express.json() is: it reads the stream and sets req.body.
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        req.body = JSON.parse(Buffer.concat(chunks).toString());
        api(req, res);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${server.address().port}/api/actuals`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'p-1' }, body: '{"v":3}', signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 201);
      assert.deepEqual(erp.snapshot().received.map((r) => [r.key, r.body]), [['p-1', { v: 3 }]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('over HTTP (node:http, no Node-RED)', () => {
    let server;
    let base;
    const erp = new demo.MockErp();
    const changes = [];
    before(async () => {
      const options = { maxBodyBytes: 64, onStateChange: (up) => changes.push(up), onReceived: () => {} };
      const api = demo.mockErpHandler(erp, 'api', options);
      const state = demo.mockErpHandler(erp, 'state', options);
      const received = demo.mockErpHandler(erp, 'received', options);
      server = http.createServer((req, res) => (req.url.startsWith('/state') ? state : req.url.startsWith('/received') ? received : api)(req, res));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${server.address().port}`;
    });
    after(() => new Promise((resolve) => server.close(resolve)));
    const post = (path, body, headers = { 'content-type': 'application/json' }) => fetch(`${base}${path}`, { method: 'POST', headers, body });

    it('answers 201 with the duplicate flag, JSON 400 for bad JSON and 413 over the limit, 503 with Retry-After while down', async () => {
      const first = await post('/api/actuals?x=1', '{"v":1}', { 'content-type': 'application/json', 'idempotency-key': 'e-1' });
      assert.equal(first.status, 201);
      assert.deepEqual(await first.json(), { accepted: true, duplicate: false });
      const again = await post('/api/actuals', '{"v":1}', { 'content-type': 'application/json', 'idempotency-key': 'e-1' });
      assert.deepEqual(await again.json(), { accepted: true, duplicate: true });
      const xml = await post('/api/b2mml', '<a/>', { 'content-type': 'application/xml' });
      assert.equal(xml.status, 201);
      const bad = await post('/api/actuals', '{"v":');
      assert.equal(bad.status, 400);
      assert.match(bad.headers.get('content-type'), /^application\/json/);
      assert.equal((await bad.json()).errors[0].rule, 'json');
      const large = await post('/api/actuals', JSON.stringify({ v: 'x'.repeat(100) }));
      assert.equal(large.status, 413);
      assert.equal((await large.json()).errors[0].rule, 'maxBodyBytes');
      const list = await (await fetch(`${base}/received`)).json();
      assert.equal(list.count, 3);
      assert.deepEqual(list.received.map((r) => [r.key, r.path, r.body]), [['e-1', '/api/actuals', { v: 1 }], ['e-1', '/api/actuals', { v: 1 }], [null, '/api/b2mml', '<a/>']]);

      const down = await post('/state', '{"up":false}');
      assert.deepEqual(await down.json(), { up: false });
      const refused = await post('/api/actuals', '{"v":2}', { 'content-type': 'application/json', 'idempotency-key': 'e-2' });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '5');
      assert.equal(erp.count, 3, 'nothing recorded while down');
      const badState = await post('/state', '{"up":"no"}');
      assert.equal(badState.status, 400);
      assert.equal((await badState.json()).errors[0].field, 'up');
      await post('/state', '{"up":true}');
      assert.deepEqual(changes, [false, true], 'each change reported once');
    });
  });
});
