// Example requests for every documented operation, keyed by operationId, for the contract test
// (test/api/contract.test.js). A documented operation without examples fails that test, so add
// one here with each new route. Each example: the token's role (null: none, 'bad': a wrong one),
// path params, query, body, the expected status, and optional `before` requests that set it up.
// The runtime starts with the two-level genealogy of test/genealogy/fixtures.js (lots FG-1, RM-L2).
const { validOrder } = require('../support/orders');

const order = (orderId, overrides = {}) => validOrder({ orderId, ...overrides });
const post = (path, body, role = 'integration') => ({ method: 'post', path, body, role });
const scan = (commandId) => ({ command: 'scan-lot', commandId, operator: 'ann', orderId: 'PO-SUB', operationKey: '0010', lot: 'RM-L1', quantity: 1, unit: 'KG' });
const ws = { workstation: 'WS-10' };
const line = { line: 'line-1' };

module.exports = {
  submitOrder: [
    { name: 'creates an order', role: 'integration', body: order('PO-CT-1'), status: 201 },
    { name: 'the same document again', role: 'integration', body: order('PO-CT-1'), status: 200 },
    { name: 'a supervisor replaces it before the start', role: 'supervisor', body: order('PO-CT-1', { quantity: { value: 150, unit: 'PCE' } }), status: 200 },
    { name: 'a document breaking the schema', role: 'integration', body: { orderId: 'PO-CT-BAD', plant: 7 }, status: 400 },
    { name: 'no token', role: null, body: order('PO-CT-2'), status: 401 },
    { name: 'a wrong token', role: 'bad', body: order('PO-CT-2'), status: 401 },
    {
      name: 'changing a cancelled order', role: 'integration', body: order('PO-CT-3', { priority: 9 }), status: 409,
      before: [post('/mes/v1/orders', order('PO-CT-3')), post('/mes/v1/orders/PO-CT-3/cancel', { reason: 'contract test' })],
    },
  ],
  getOrder: [
    { name: 'an order', role: 'integration', params: { orderId: 'PO-SUB' }, status: 200 },
    { name: 'an unknown order', role: 'integration', params: { orderId: 'PO-NONE' }, status: 404 },
    { name: 'a malformed id', role: 'integration', params: { orderId: '-bad' }, status: 400 },
    { name: 'no token', role: null, params: { orderId: 'PO-SUB' }, status: 401 },
  ],
  cancelOrder: [
    { name: 'cancels', role: 'integration', params: { orderId: 'PO-CT-1' }, body: { reason: 'customer cancelled' }, status: 200 },
    { name: 'again: unchanged', role: 'integration', params: { orderId: 'PO-CT-1' }, body: { reason: 'customer cancelled' }, status: 200 },
    { name: 'an unknown order', role: 'integration', params: { orderId: 'PO-NONE' }, body: { reason: 'x' }, status: 404 },
    { name: 'no reason', role: 'integration', params: { orderId: 'PO-SUB' }, body: {}, status: 400 },
    { name: 'no token', role: null, params: { orderId: 'PO-SUB' }, body: { reason: 'x' }, status: 401 },
  ],
  traceBackward: [
    { name: 'as JSON', role: 'integration', params: { lot: 'FG-1' }, status: 200 },
    { name: 'as CSV', role: 'integration', params: { lot: 'FG-1' }, query: { format: 'csv' }, status: 200 },
    { name: 'an unknown lot', role: 'integration', params: { lot: 'NO-SUCH-LOT' }, status: 404 },
    { name: 'a bad format', role: 'integration', params: { lot: 'FG-1' }, query: { format: 'xml' }, status: 400 },
    { name: 'no token', role: null, params: { lot: 'FG-1' }, status: 401 },
  ],
  traceForward: [
    { name: 'as JSON', role: 'integration', params: { lot: 'RM-L2' }, status: 200 },
    { name: 'as CSV', role: 'integration', params: { lot: 'RM-L2' }, query: { format: 'csv' }, status: 200 },
    { name: 'an unknown lot', role: 'integration', params: { lot: 'NO-SUCH-LOT' }, status: 404 },
    { name: 'no token', role: null, params: { lot: 'RM-L2' }, status: 401 },
  ],
  traceRecall: [
    { name: 'as JSON', role: 'integration', params: { lot: 'RM-L2' }, status: 200 },
    { name: 'as CSV', role: 'integration', params: { lot: 'RM-L2' }, query: { format: 'csv' }, status: 200 },
    { name: 'a malformed lot', role: 'integration', params: { lot: '=bad' }, status: 400 },
    { name: 'no token', role: null, params: { lot: 'RM-L2' }, status: 401 },
  ],
  getOpenApiDocument: [
    { name: 'with an operator token', role: 'operator', status: 200 },
    { name: 'no token', role: null, status: 401 },
    { name: 'a wrong token', role: 'bad', status: 401 },
  ],
  getApiDocsPage: [
    { name: 'the page, without a token', role: null, status: 200 },
  ],
  getApiDocsAsset: [
    { name: 'the Swagger UI bundle', role: null, params: { asset: 'swagger-ui-bundle.js' }, status: 200 },
    { name: 'the stylesheet', role: null, params: { asset: 'swagger-ui.css' }, status: 200 },
    { name: 'the icon', role: null, params: { asset: 'favicon-32x32.png' }, status: 200 },
    { name: 'a file that is not part of the page', role: null, params: { asset: 'swagger-initializer.js' }, status: 404 },
  ],
  exportShiftHistory: [
    { name: 'CSV', role: 'supervisor', status: 200 },
    { name: 'XLSX of a range', role: 'integration', query: { format: 'xlsx', from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }, status: 200 },
    { name: 'from after to', role: 'supervisor', query: { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, status: 400 },
    { name: 'an operator token', role: 'operator', status: 403 },
    { name: 'no token', role: null, status: 401 },
  ],
  exportDowntime: [
    { name: 'CSV', role: 'supervisor', query: { workstation: 'WS-10' }, status: 200 },
    { name: 'XLSX', role: 'integration', query: { format: 'xlsx' }, status: 200 },
    { name: 'a bad format', role: 'supervisor', query: { format: 'pdf' }, status: 400 },
    { name: 'no token', role: null, status: 401 },
  ],
  exportAuditTrail: [
    { name: 'CSV of one order', role: 'supervisor', query: { orderId: 'PO-SUB' }, status: 200 },
    { name: 'XLSX', role: 'integration', query: { format: 'xlsx', type: 'order.received' }, status: 200 },
    { name: 'a bad date', role: 'supervisor', query: { from: 'yesterday' }, status: 400 },
    { name: 'an operator token', role: 'operator', status: 403 },
    { name: 'no token', role: null, status: 401 },
  ],
  postWorkstationCommand: [
    { name: 'sign-on', role: 'operator', params: { workstation: 'WS-10' }, body: { command: 'sign-on', commandId: 'ct-sign-on-1', operator: 'ann' }, status: 200 },
    { name: 'an unknown command', role: 'operator', params: { workstation: 'WS-10' }, body: { command: 'explode', commandId: 'ct-2' }, status: 400 },
    { name: 'hold needs a supervisor', role: 'operator', params: { workstation: 'WS-10' }, body: { command: 'hold', commandId: 'ct-3', orderId: 'PO-SUB', operationKey: '0010', reason: 'x' }, status: 403 },
    { name: 'no token', role: null, params: { workstation: 'WS-10' }, body: { command: 'sign-on', commandId: 'ct-4', operator: 'ann' }, status: 401 },
    { name: 'dispose where no nonconformance is open', role: 'supervisor', params: { workstation: 'WS-10' }, body: { command: 'dispose', commandId: 'ct-dispose-1', orderId: 'PO-SUB', operationKey: '0010', checkId: 'QC-D', disposition: 'scrap', reason: 'x' }, status: 409 },
    { name: 'scan-lot by a signed-on operator', role: 'operator', params: { workstation: 'WS-10' }, body: scan('ct-scan-1'), status: 200 },
    { name: 'the same scan again: the first answer', role: 'operator', params: { workstation: 'WS-10' }, body: scan('ct-scan-1'), status: 200 },
    { name: 'scan-lot by an operator not signed on', role: 'operator', params: { workstation: 'WS-10' }, body: { ...scan('ct-scan-2'), operator: 'zed' }, status: 409 },
    { name: 'scan-lot of an unknown lot', role: 'operator', params: { workstation: 'WS-10' }, body: { ...scan('ct-scan-3'), lot: 'NO-SUCH-LOT' }, status: 400 },
    { name: 'scan-lot without a quantity', role: 'operator', params: { workstation: 'WS-10' }, body: { ...scan('ct-scan-4'), quantity: undefined }, status: 400 },
  ],
  getWorkstationQueue: [
    { name: 'a workstation of the plant', role: 'operator', params: { workstation: 'WS-10' }, status: 200 },
    { name: 'an unknown workstation', role: 'operator', params: { workstation: 'WS-99' }, status: 404 },
    { name: 'no token', role: null, params: { workstation: 'WS-10' }, status: 401 },
  ],
  getEvents: [
    { name: 'a page', role: 'integration', query: { after: '0', limit: '5' }, status: 200 },
    { name: 'a bad limit', role: 'integration', query: { limit: '0' }, status: 400 },
    { name: 'an operator token', role: 'operator', status: 403 },
    { name: 'no token', role: null, status: 401 },
  ],
  getWorkstationOee: [
    { name: 'a workstation now', role: 'operator', params: ws, status: 200 },
    { name: 'an unknown workstation', role: 'operator', params: { workstation: 'WS-99' }, status: 404 },
    { name: 'a malformed workstation', role: 'operator', params: { workstation: '-WS' }, status: 400 },
    { name: 'no token', role: null, params: ws, status: 401 },
  ],
  getLineOee: [
    { name: 'the line now', role: 'supervisor', params: line, status: 200 },
    { name: 'a line without an OEE engine', role: 'supervisor', params: { line: 'line-9' }, status: 404 },
    { name: 'no token', role: null, params: line, status: 401 },
  ],
  getOeeShifts: [
    { name: 'closed shifts of the line', role: 'integration', params: line, status: 200 },
    { name: 'of one workstation on a day', role: 'operator', params: line, query: { workstation: 'WS-10', day: '2026-11-30', limit: '10' }, status: 200 },
    { name: 'a workstation not on the line', role: 'operator', params: line, query: { workstation: 'WS-99' }, status: 404 },
    { name: 'a bad day', role: 'operator', params: line, query: { day: '30.11.2026' }, status: 400 },
    { name: 'no token', role: null, params: line, status: 401 },
  ],
  getOeeDays: [
    { name: 'days of the line', role: 'supervisor', params: line, query: { from: '2026-11-01', to: '2026-11-30' }, status: 200 },
    { name: 'a limit too large', role: 'supervisor', params: line, query: { limit: '5000' }, status: 400 },
    { name: 'an unknown line', role: 'supervisor', params: { line: 'line-9' }, status: 404 },
    { name: 'no token', role: null, params: line, status: 401 },
  ],
  getDowntime: [
    { name: 'downtime of the line', role: 'operator', params: line, status: 200 },
    { name: 'only unclassified, of one workstation', role: 'supervisor', params: line, query: { unclassified: 'true', workstation: 'WS-10' }, status: 200 },
    { name: 'an unknown parameter', role: 'operator', params: line, query: { page: '2' }, status: 400 },
    { name: 'no token', role: null, params: line, status: 401 },
  ],
  classifyDowntime: [
    { name: 'a reason of the tree', role: 'operator', params: (fx) => ({ ...line, downtimeId: fx.downtimeId }), body: { reason: 'mechanical/jam' }, status: 200 },
    { name: 'a reason as a path list', role: 'supervisor', params: (fx) => ({ ...line, downtimeId: fx.downtimeId }), body: { reason: ['mechanical', 'tool-wear'] }, status: 200 },
    { name: 'a reason not in the tree', role: 'operator', params: (fx) => ({ ...line, downtimeId: fx.downtimeId }), body: { reason: 'coffee' }, status: 400 },
    { name: 'an unknown downtime', role: 'operator', params: { ...line, downtimeId: 'WS-10@2001-01-01T00:00:00.000Z' }, body: { reason: 'mechanical/jam' }, status: 404 },
    { name: 'no token', role: null, params: (fx) => ({ ...line, downtimeId: fx.downtimeId }), body: { reason: 'mechanical/jam' }, status: 401 },
  ],
  getQuarantine: [
    { name: 'the quarantine', role: 'supervisor', status: 200 },
    { name: 'an unknown outbox', role: 'integration', query: { outbox: 'sap-2' }, status: 404 },
    { name: 'an operator token', role: 'operator', status: 403 },
    { name: 'no token', role: null, status: 401 },
  ],
  retryQuarantined: [
    { name: 'sends it again', role: 'supervisor', params: (fx) => ({ eventId: fx.quarantined[1] }), body: {}, status: 200 },
    { name: 'an actual not in quarantine', role: 'supervisor', params: { eventId: '00000000-0000-4000-8000-000000000000' }, body: {}, status: 404 },
    { name: 'a malformed event id', role: 'supervisor', params: { eventId: 'not-a-uuid' }, body: {}, status: 400 },
    { name: 'an integration token', role: 'integration', params: (fx) => ({ eventId: fx.quarantined[0] }), body: {}, status: 403 },
    { name: 'no token', role: null, params: (fx) => ({ eventId: fx.quarantined[0] }), body: {}, status: 401 },
  ],
  discardQuarantined: [
    { name: 'without a reason', role: 'supervisor', params: (fx) => ({ eventId: fx.quarantined[0] }), body: {}, status: 400 },
    { name: 'discards the quarantined actual with its reason', role: 'supervisor', params: (fx) => ({ eventId: fx.quarantined[0] }), body: { reason: 'booked by hand in the ERP' }, status: 200 },
    { name: 'again: no longer in quarantine', role: 'supervisor', params: (fx) => ({ eventId: fx.quarantined[0] }), body: { reason: 'booked by hand in the ERP' }, status: 404 },
    { name: 'an operator token', role: 'operator', params: (fx) => ({ eventId: fx.quarantined[0] }), body: { reason: 'x' }, status: 403 },
  ],
  getAuditTrail: [
    { name: 'PDF of one order', role: 'supervisor', query: { orderId: 'PO-SUB' }, status: 200 },
    { name: 'CSV of a lot', role: 'integration', query: { lot: 'FG-1', format: 'csv' }, status: 200 },
    { name: 'CSV of a time range', role: 'supervisor', query: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', format: 'csv' }, status: 200 },
    { name: 'an order and a lot at once', role: 'supervisor', query: { orderId: 'PO-SUB', lot: 'FG-1' }, status: 400 },
    { name: 'an unknown order', role: 'supervisor', query: { orderId: 'PO-NONE' }, status: 404 },
    { name: 'an unknown lot', role: 'supervisor', query: { lot: 'NO-SUCH-LOT' }, status: 404 },
    { name: 'an operator token', role: 'operator', query: { orderId: 'PO-SUB' }, status: 403 },
    { name: 'no token', role: null, query: { orderId: 'PO-SUB' }, status: 401 },
  ],
  getBatchRecord: [
    { name: 'as JSON', role: 'supervisor', params: { orderId: 'PO-SUB' }, query: { format: 'json' }, status: 200 },
    { name: 'as PDF', role: 'integration', params: { orderId: 'PO-SUB' }, status: 200 },
    { name: 'a bad format', role: 'supervisor', params: { orderId: 'PO-SUB' }, query: { format: 'xml' }, status: 400 },
    { name: 'an unknown order', role: 'supervisor', params: { orderId: 'PO-NONE' }, status: 404 },
    { name: 'an operator token', role: 'operator', params: { orderId: 'PO-SUB' }, status: 403 },
    { name: 'no token', role: null, params: { orderId: 'PO-SUB' }, status: 401 },
  ],
};
