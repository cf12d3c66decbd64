// Every malformed order is refused with 400, a list of errors naming the field and the rule,
// and nothing stored. Each case below is one mistake an ERP mapping could make.
const assert = require('node:assert/strict');
const { handleOrderApi } = require('../../dist/lib/orders');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');

const TOKEN = 'erp-secret';
const request = (body, headers = {}) => ({
  method: 'POST',
  path: '/mes/v1/orders',
  params: {},
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
});

const withOrder = (mutate) => {
  const order = validOrder();
  mutate(order);
  return order;
};

// [description, body (object → JSON text, or raw text), expected field, expected rule, extra headers]
const cases = [
  ['orderId missing', withOrder((o) => delete o.orderId), 'orderId', 'required'],
  ['orderId a number', withOrder((o) => { o.orderId = 42; }), 'orderId', 'type'],
  ['orderId empty', withOrder((o) => { o.orderId = ''; }), 'orderId', 'minLength'],
  ['orderId with spaces and quotes', withOrder((o) => { o.orderId = "PO 1'; DROP TABLE orders"; }), 'orderId', 'pattern'],
  ['plant missing', withOrder((o) => delete o.plant), 'plant', 'required'],
  ['material an object', withOrder((o) => { o.material = { id: 'FG' }; }), 'material', 'type'],
  ['quantity missing', withOrder((o) => delete o.quantity), 'quantity', 'required'],
  ['quantity a bare number', withOrder((o) => { o.quantity = 100; }), 'quantity', 'type'],
  ['quantity zero', withOrder((o) => { o.quantity.value = 0; }), 'quantity.value', 'exclusiveMinimum'],
  ['quantity negative', withOrder((o) => { o.quantity.value = -5; }), 'quantity.value', 'exclusiveMinimum'],
  ['quantity as a string', withOrder((o) => { o.quantity.value = '100'; }), 'quantity.value', 'type'],
  ['quantity 1e309 (not finite)', JSON.stringify(validOrder()).replace('"value":100,"unit":"PCE"}', '"value":1e309,"unit":"PCE"}'), 'quantity.value', 'type'],
  ['quantity absurdly large', withOrder((o) => { o.quantity.value = 1e15; }), 'quantity.value', 'maximum'],
  ['unit unknown', withOrder((o) => { o.quantity.unit = 'BANANAS'; }), 'quantity.unit', 'enum'],
  ['unit missing', withOrder((o) => delete o.quantity.unit), 'quantity.unit', 'required'],
  ['unit lower-case', withOrder((o) => { o.quantity.unit = 'kg'; }), 'quantity.unit', 'enum'],
  ['scheduledStart not a date', withOrder((o) => { o.scheduledStart = 'tomorrow'; }), 'scheduledStart', 'format'],
  ['scheduledEnd before scheduledStart', withOrder((o) => { o.scheduledEnd = '2026-11-24T14:00:00Z'; }), 'scheduledEnd', 'notBefore'],
  ['scheduledEnd missing', withOrder((o) => delete o.scheduledEnd), 'scheduledEnd', 'required'],
  ['priority a fraction', withOrder((o) => { o.priority = 1.5; }), 'priority', 'type'],
  ['priority zero', withOrder((o) => { o.priority = 0; }), 'priority', 'minimum'],
  ['operations missing', withOrder((o) => delete o.operations), 'operations', 'required'],
  ['operations empty', withOrder((o) => { o.operations = []; }), 'operations', 'minItems'],
  ['operations not an array', withOrder((o) => { o.operations = { key: '0010' }; }), 'operations', 'type'],
  ['duplicate operation keys', withOrder((o) => { o.operations[1].key = '0010'; }), 'operations[1].key', 'unique'],
  ['duplicate operation sequence', withOrder((o) => { o.operations[1].sequence = 10; }), 'operations[1].sequence', 'unique'],
  ['operation without work center', withOrder((o) => delete o.operations[0].workCenter), 'operations[0].workCenter', 'required'],
  ['operation sequence negative', withOrder((o) => { o.operations[0].sequence = -10; }), 'operations[0].sequence', 'minimum'],
  ['planned quantity negative', withOrder((o) => { o.operations[1].plannedQuantity.value = -1; }), 'operations[1].plannedQuantity.value', 'exclusiveMinimum'],
  ['ideal cycle time zero', withOrder((o) => { o.operations[0].idealCycleTimeSeconds = 0; }), 'operations[0].idealCycleTimeSeconds', 'exclusiveMinimum'],
  ['setup time negative', withOrder((o) => { o.operations[0].setupTimeSeconds = -60; }), 'operations[0].setupTimeSeconds', 'minimum'],
  ['allowed workstations repeated', withOrder((o) => { o.operations[0].allowedWorkstations = ['WS-T1', 'WS-T1']; }), 'operations[0].allowedWorkstations', 'uniqueItems'],
  ['work instruction without text', withOrder((o) => { delete o.operations[0].workInstructions[0].text; }), 'operations[0].workInstructions[0].text', 'required'],
  ['work instruction URL not a URI', withOrder((o) => { o.operations[0].workInstructions[1].url = 'not a url'; }), 'operations[0].workInstructions[1].url', 'format'],
  ['quality check of unknown type', withOrder((o) => { o.operations[0].qualityChecks[1].type = 'smell'; }), 'operations[0].qualityChecks[1].type', 'enum'],
  ['variable check without limits', withOrder((o) => { delete o.operations[0].qualityChecks[0].lowerLimit; }), 'operations[0].qualityChecks[0].lowerLimit', 'required'],
  ['upper limit below lower limit', withOrder((o) => { o.operations[0].qualityChecks[0].upperLimit = 39; }), 'operations[0].qualityChecks[0].upperLimit', 'minimum'],
  ['nominal outside the limits', withOrder((o) => { o.operations[0].qualityChecks[0].nominal = 41; }), 'operations[0].qualityChecks[0].nominal', 'maximum'],
  ['every-n check without n', withOrder((o) => { o.operations[0].qualityChecks[0].frequency = { kind: 'every-n' }; }), 'operations[0].qualityChecks[0].frequency.n', 'required'],
  ['check frequency unknown', withOrder((o) => { o.operations[0].qualityChecks[1].frequency = { kind: 'sometimes' }; }), 'operations[0].qualityChecks[1].frequency.kind', 'enum'],
  ['duplicate check ids', withOrder((o) => { o.operations[0].qualityChecks[1].id = 'QC-D'; }), 'operations[0].qualityChecks[1].id', 'unique'],
  ['component pointing at a missing operation', withOrder((o) => { o.components[1].operationKey = '0099'; }), 'components[1].operationKey', 'operationReference'],
  ['component quantity zero', withOrder((o) => { o.components[0].quantity.value = 0; }), 'components[0].quantity.value', 'exclusiveMinimum'],
  ['component unit unknown', withOrder((o) => { o.components[0].quantity.unit = 'bucket'; }), 'components[0].quantity.unit', 'enum'],
  ['component lotControlled as a string', withOrder((o) => { o.components[0].lotControlled = 'yes'; }), 'components[0].lotControlled', 'type'],
  ['unknown top-level property (typo)', withOrder((o) => { o.quantiy = o.quantity; }), 'quantiy', 'additionalProperties'],
  ['__proto__ key', JSON.stringify(validOrder()).replace('{', '{"__proto__":{"polluted":true},'), '__proto__', 'additionalProperties'],
  ['constructor key in an operation', withOrder((o) => { o.operations[0].constructor = { prototype: { polluted: true } }; }), 'operations[0].constructor', 'additionalProperties'],
  ['huge string', withOrder((o) => { o.materialDescription = 'x'.repeat(100000); }), 'materialDescription', 'maxLength'],
  ['huge identifier', withOrder((o) => { o.orderId = 'P'.repeat(65); }), 'orderId', 'maxLength'],
  ['huge operations array', withOrder((o) => { o.operations = Array.from({ length: 201 }, (_, i) => ({ key: `K${i}`, sequence: i + 1, workCenter: 'WC', plannedQuantity: { value: 1, unit: 'PCE' } })); o.components = []; }), 'operations', 'maxItems'],
  ['body is a JSON array', [validOrder()], '', 'type'],
  ['body is a JSON string', '"PO-1000"', '', 'type'],
  ['body is JSON null', 'null', '', 'type'],
  ['body is not JSON', '{"orderId": "PO-1000",', '', 'json'],
  ['body is XML', '<order id="PO-1000"/>', '', 'json'],
  ['body is empty', '', '', 'required'],
  ['wrong content type (text/plain)', validOrder(), 'Content-Type', 'contentType', { 'content-type': 'text/plain' }],
  ['wrong content type (form)', 'orderId=PO-1000', 'Content-Type', 'contentType', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['no content type', validOrder(), 'Content-Type', 'contentType', { 'content-type': undefined }],
];

describe('malformed production orders', () => {
  let store;
  before(() => { store = openTempStore(); });
  after(() => store.close());

  it(`covers at least 40 distinct mistakes (${cases.length})`, () => {
    assert.ok(cases.length >= 40);
    assert.equal(new Set(cases.map((c) => c[0])).size, cases.length);
  });

  for (const [description, body, field, rule, headers] of cases) {
    it(`refuses ${description}: 400, ${field || '(root)'} / ${rule}, nothing stored`, async () => {
      const result = await handleOrderApi(store, request(body, headers), { token: TOKEN, maxBodyBytes: 1024 * 1024 });
      assert.equal(result.response.statusCode, 400, JSON.stringify(result.response.body));
      const errors = result.response.body.errors;
      assert.ok(Array.isArray(errors) && errors.length > 0);
      for (const error of errors) {
        assert.equal(typeof error.field, 'string');
        assert.ok(error.rule && error.message, 'every error names its rule and explains it');
      }
      assert.ok(errors.some((e) => e.field === field && e.rule === rule),
        `expected ${field}/${rule} among ${JSON.stringify(errors)}`);
      assert.equal(result.event, undefined);
      assert.ok(result.error, 'the refusal is reported for Catch nodes');
      assert.equal(store.lastSeq(), 0);
      assert.equal(store.db.prepare('SELECT COUNT(*) AS n FROM orders').get().n, 0);
    });
  }

  it('does not let __proto__ in a body pollute Object.prototype', async () => {
    await handleOrderApi(store, request(JSON.stringify(validOrder()).replace('{', '{"__proto__":{"polluted":true},')), { token: TOKEN, maxBodyBytes: 1024 * 1024 });
    assert.equal({}.polluted, undefined);
  });

  it('caps the error list so a huge malformed body cannot blow up the reply', async () => {
    const order = validOrder();
    order.operations = Array.from({ length: 150 }, (_, i) => ({ key: `K${i}`, sequence: -i, workCenter: '', plannedQuantity: { value: -1, unit: 'X' } }));
    order.components = [];
    const result = await handleOrderApi(store, request(order), { token: TOKEN, maxBodyBytes: 1024 * 1024 });
    assert.equal(result.response.statusCode, 400);
    assert.equal(result.response.body.errors.length, 100);
  });

  it('accepts the valid order these cases are made from', async () => {
    const result = await handleOrderApi(store, request(validOrder()), { token: TOKEN, maxBodyBytes: 1024 * 1024 });
    assert.equal(result.response.statusCode, 201, JSON.stringify(result.response.body));
  });
});
