// Issue #13: what the MES decides from a request's headers alone, and the answers of bad bodies.
const assert = require('node:assert/strict');
const { frontDoorRefusal, jsonStructureError, bounded } = require('../../dist/lib/util');
const { handleOrderApi, refuseBeforeBody } = require('../../dist/lib/orders');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');

const loopback = { port: 1880, loopbackOnly: true, allowedOrigins: [] };
const exposed = { port: 1880, loopbackOnly: false, allowedOrigins: ['https://erp.example'] };

describe('front door (origin and host, before any body is read)', () => {
  it('lets the MES itself and clients without an Origin in', () => {
    for (const host of ['127.0.0.1:1880', 'localhost:1880', '[::1]:1880']) {
      assert.equal(frontDoorRefusal({ headers: { host } }, loopback), undefined);
      assert.equal(frontDoorRefusal({ headers: { host, origin: `http://${host}` } }, loopback), undefined);
    }
  });

  it('refuses a cross-origin request, preflight included, unless its origin is configured', () => {
    const preflight = { method: 'OPTIONS', headers: { host: '127.0.0.1:1880', origin: 'http://evil.example', 'access-control-request-method': 'POST' } };
    const refused = frontDoorRefusal(preflight, loopback);
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.body.errors.map((e) => [e.field, e.rule]), [['Origin', 'sameOrigin']]);
    assert.equal(frontDoorRefusal({ headers: { host: 'mes.plant:1880', origin: 'http://evil.example' } }, exposed).statusCode, 403);
    assert.equal(frontDoorRefusal({ headers: { host: 'mes.plant:1880', origin: 'https://erp.example' } }, exposed), undefined);
    assert.equal(frontDoorRefusal({ headers: { host: 'mes.plant:1880', origin: 'http://mes.plant:1880' } }, exposed), undefined);
    assert.equal(frontDoorRefusal({ headers: { host: '127.0.0.1:1880', origin: 'null' } }, loopback).statusCode, 403);
  });

  it('on loopback without a login refuses a foreign Host (DNS rebinding), even without an Origin', () => {
    const refused = frontDoorRefusal({ headers: { host: 'evil.example:1880' } }, loopback);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.body.errors[0].rule, 'loopbackHost');
    assert.equal(frontDoorRefusal({ headers: { host: '127.0.0.1:1881' } }, loopback).statusCode, 403, 'another port is another origin');
    assert.ok(JSON.stringify(frontDoorRefusal({ headers: { host: 'x'.repeat(100000) } }, loopback)).length < 1000, 'the host is not echoed whole');
  });
});

describe('order API before the body (auth, declared size)', () => {
  const config = { token: 'erp', supervisorToken: 'sup', maxBodyBytes: 1024 };
  const head = (headers) => ({ method: 'POST', headers });

  it('refuses an unauthenticated request before its body, whatever its size', () => {
    const res = refuseBeforeBody(head({ 'content-length': String(300 * 1024 * 1024) }), [config]);
    assert.equal(res.statusCode, 401);
    assert.equal(refuseBeforeBody(head({ authorization: 'Bearer guess', 'content-length': '10' }), [config]).statusCode, 401);
  });

  it('refuses a declared body over the limit with 413 and one without a length with 411', () => {
    assert.equal(refuseBeforeBody(head({ authorization: 'Bearer erp', 'content-length': '1025' }), [config]).statusCode, 413);
    assert.equal(refuseBeforeBody(head({ authorization: 'Bearer sup', 'transfer-encoding': 'chunked' }), [config]).statusCode, 411);
    assert.equal(refuseBeforeBody(head({ authorization: 'Bearer erp', 'content-length': '1024' }), [config]), undefined);
    assert.equal(refuseBeforeBody({ method: 'GET', headers: {} }, [config]), undefined, 'a GET has no body to refuse');
  });
});

describe('order API answers to bad bodies', () => {
  let store;
  before(async () => { store = await openTempStore(); });
  after(() => store && store.close());
  const post = (text) => handleOrderApi(store, {
    method: 'POST', path: '/mes/v1/orders', params: {},
    headers: { authorization: 'Bearer erp', 'content-type': 'application/json' }, body: text,
  }, { token: 'erp', maxBodyBytes: 64 * 1024 * 1024 });

  it('refuses a duplicate key with 400 naming it', async () => {
    const text = JSON.stringify(validOrder({ orderId: 'PO-DUP' })).replace('"plant":"1010"', '"plant":"1010","plant":"2020"');
    const { response } = await post(text);
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.body.errors, [{ field: 'plant', rule: 'duplicateKey', message: "the key 'plant' appears more than once in one object" }]);
    assert.deepEqual(jsonStructureError('{"a":[{"b":1,"c":{"b":2}},{"b":1,"b\\u0020":2,"\\u0062":3}]}'),
      { field: 'a[1].b', rule: 'duplicateKey', message: "the key 'b' appears more than once in one object" });
    assert.equal(jsonStructureError('{"a":"{\\"a\\":1,\\"a\\":2}","b":[1,2,{"a":1}]}'), undefined, 'keys inside strings are not keys');
  });

  it('answers a depth-10,000 array in a $data field with 400, not a hung request', async () => {
    const order = validOrder({ orderId: 'PO-DEEP' });
    order.operations[0].qualityChecks[0].lowerLimit = '@';
    const text = JSON.stringify(order).replace('"@"', `${'['.repeat(10000)}${']'.repeat(10000)}`);
    const { response } = await post(text);
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.errors[0].rule, 'maxDepth');
    assert.match(response.body.errors[0].field, /^operations\[0\]\.qualityChecks\[0\]\.lowerLimit/);
  });

  it('does not echo a huge property name whole', async () => {
    const order = validOrder({ orderId: 'PO-HUGE' });
    order['k'.repeat(900 * 1024)] = 1;
    const { response } = await post(JSON.stringify(order));
    assert.equal(response.statusCode, 400);
    assert.ok(JSON.stringify(response.body).length < 2000, `the answer has ${JSON.stringify(response.body).length} characters`);
    assert.equal(bounded('x'.repeat(10)), 'x'.repeat(10));
  });

  it('takes whole numbers only for units of count', async () => {
    const order = validOrder({ orderId: 'PO-FRAC', quantity: { value: 2.5, unit: 'PCE' } });
    order.operations[1].plannedQuantity = { value: 2.5, unit: 'EA' };
    const { response } = await post(JSON.stringify(order));
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.body.errors.map((e) => [e.field, e.rule]), [['quantity.value', 'wholeNumber'], ['operations[1].plannedQuantity.value', 'wholeNumber']]);
    const kilos = validOrder({ orderId: 'PO-KG', quantity: { value: 2.5, unit: 'KG' } });
    for (const op of kilos.operations) op.plannedQuantity = { value: 2.5, unit: 'KG' };
    assert.equal((await post(JSON.stringify(kilos))).response.statusCode, 201);
  });

  it('answers an unexpected exception with 500 and an error id that the reported error carries', async () => {
    const broken = { transact() { throw new Error('disk on fire at /secret/path'); } };
    const result = await handleOrderApi(broken, {
      method: 'POST', path: '/mes/v1/orders', params: {},
      headers: { authorization: 'Bearer erp', 'content-type': 'application/json' }, body: JSON.stringify(validOrder()),
    }, { token: 'erp', maxBodyBytes: 1024 * 1024 });
    assert.equal(result.response.statusCode, 500);
    assert.equal(result.response.body.error, 'internalError');
    assert.doesNotMatch(JSON.stringify(result.response.body), /secret|fire/);
    assert.ok(result.error.message.includes(result.response.body.errorId));
    assert.match(result.error.message, /disk on fire/);
  });
});
