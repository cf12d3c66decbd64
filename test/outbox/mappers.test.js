const assert = require('node:assert/strict');
const { DIALECTS, toCanonicalActual, fromSapProductionOrder, fromB2mmlOperationsSchedule, toOperationsPerformance } = require('../../dist/lib/erp');
const { parseProductionOrder } = require('../../dist/lib/orders');
const { validOrder } = require('../support/orders');
const { sapProductionOrder, b2mmlOperationsSchedule } = require('../support/erp-documents');
const { validateB2mml, assertValidB2mml } = require('../support/xsd');

const order = validOrder();
let seq = 0;
function event(type, payload, extra = {}) {
  seq += 1;
  return {
    seq, eventId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, eventTime: '2026-11-25T09:15:30.000Z', recordedTime: '2026-11-25T09:15:31.000Z',
    type, orderId: 'PO-1000', operationKey: '0010', workstation: 'WS-T1', actor: 'op-7', payload, ...extra,
  };
}

const EVENTS = {
  started: event('operation.started', { commandId: 'c1', shift: 'A', material: 'FG-100', setup: false }),
  quantity: event('quantity.reported', { commandId: 'c2', shift: 'A', unit: 'PCE', goodQuantity: 12, scrapQuantity: 2, scrapReason: '0004', reworkQuantity: 1 }),
  completed: event('operation.completed', { commandId: 'c3', shift: 'A', final: true, unit: 'PCE', goodQuantity: 98, scrapQuantity: 2, reworkQuantity: 1 }),
  partial: event('operation.completed', { commandId: 'c4', shift: 'A', final: false, unit: 'PCE', goodQuantity: 50, scrapQuantity: 0, reworkQuantity: 0 }),
  orderCompleted: event('order.completed', { unit: 'PCE', goodQuantity: 98, scrapQuantity: 2 }, { operationKey: null }),
  consumed: event('material.consumed', { material: 'RM-BAR', lot: 'B-77', quantity: 12.5, unit: 'KG', backflush: false }),
  produced: event('material.produced', { material: 'FG-100', lot: 'L-2026-1125', serials: ['S1', 'S2'], quantity: 2, unit: 'PCE' }, { operationKey: '0020' }),
  cancelled: event('order.cancelled', { reason: 'customer withdrew', forced: false, operationsCancelled: ['0010'] }, { operationKey: null }),
};

function map(dialect, e, context = {}) {
  const actual = toCanonicalActual(e, order);
  return DIALECTS[dialect].map(actual, { order, options: { storageLocation: '0001', sourceWarehouse: 'Stores - MES', targetWarehouse: 'Finished Goods - MES' }, goodsIssuesBefore: () => [toCanonicalActual(EVENTS.consumed, order)], ...context });
}

describe('canonical actual', () => {
  it('carries the documented fields of a yield report', () => {
    const actual = toCanonicalActual(EVENTS.quantity, order);
    assert.deepEqual(Object.keys(actual).sort(), ['actor', 'actualId', 'erpReference', 'eventTime', 'eventType', 'goodQuantity', 'kind', 'operationKey', 'operationSequence',
      'orderId', 'orderMaterial', 'plant', 'recordedTime', 'reworkQuantity', 'scrapQuantity', 'scrapReason', 'seq', 'shift', 'unit', 'workCenter', 'workstation'].sort());
    assert.equal(actual.kind, 'yield');
    assert.equal(actual.workCenter, 'WC-TURN');
    assert.equal(actual.operationSequence, 10);
  });

  it('of every ERP-relevant event type validates against schemas/actual.schema.json', () => {
    const { createAjv } = require('../../dist/lib/util/json-schema');
    const validate = createAjv().compile(require('../../schemas/actual.schema.json'));
    for (const e of Object.values(EVENTS)) assert.ok(validate(toCanonicalActual(e, order)), `${e.type}: ${JSON.stringify(validate.errors)}`);
  });

  it('is POSTed unchanged in the canonical dialect', () => {
    const request = map('canonical', EVENTS.produced);
    assert.equal(request.path, '/actuals');
    assert.deepEqual(request.body, toCanonicalActual(EVENTS.produced, order));
    assert.deepEqual(request.body.serials, ['S1', 'S2']);
  });
});

describe('SAP confirmation mapper (API_PROD_ORDER_CONFIRMATION_2_SRV)', () => {
  it('confirms yield and scrap with the variance reason on the operation', () => {
    const { method, path: p, body } = map('sap', EVENTS.quantity);
    assert.equal(method, 'POST');
    assert.equal(p, '/ProdnOrdConf2');
    assert.deepEqual(body, {
      OrderID: '1000123', OrderOperation: '0010', Sequence: '0', Plant: '1010', WorkCenter: 'WC-TURN',
      PostingDate: '/Date(1795564800000)/', ConfirmedExecutionEndDate: '/Date(1795564800000)/', ConfirmedExecutionEndTime: 'PT09H15M30S',
      ConfirmationText: 'WS-T1 A', EnteredByExternalUser: 'op-7', ExternalSystemConfirmation: EVENTS.quantity.eventId,
      ConfirmationUnit: 'PC', ConfirmationYieldQuantity: '12', ConfirmationScrapQuantity: '2', ConfirmationReworkQuantity: '1',
      VarianceReasonCode: '0004', FinalConfirmationType: '', IsFinalConfirmation: false, APIConfHasNoGoodsMovements: true,
    });
  });

  it('sends the final confirmation without quantities, and nothing for a partial completion', () => {
    const { body } = map('sap', EVENTS.completed);
    assert.equal(body.FinalConfirmationType, 'X');
    assert.equal(body.IsFinalConfirmation, true);
    assert.equal(body.ConfirmationYieldQuantity, '0');
    assert.equal(body.VarianceReasonCode, undefined);
    assert.equal(map('sap', EVENTS.partial), null);
  });

  it('posts goods issue 261 and goods receipt 101 with the SAP batch of the lot', () => {
    const issue = map('sap', EVENTS.consumed).body.to_ProdnOrdConfMatlDocItm.results[0];
    assert.deepEqual(issue, { OrderID: '1000123', Material: 'RM-BAR', Plant: '1010', StorageLocation: '0001', Batch: 'B-77', GoodsMovementType: '261', EntryUnit: 'KG', QuantityInEntryUnit: '12.5' });
    // L-2026-1125 has 11 characters; genealogy gave it SAP batch 2611250001 (test/outbox/sap-batches.test.js).
    const receipt = map('sap', EVENTS.produced, { erpBatchOf: (system, lot) => (system === 'sap' && lot === 'L-2026-1125' ? '2611250001' : undefined) });
    assert.equal(receipt.body.OrderOperation, '0020');
    assert.deepEqual(receipt.body.to_ProdnOrdConfMatlDocItm.results[0], {
      OrderID: '1000123', Material: 'FG-100', Plant: '1010', StorageLocation: '0001', Batch: '2611250001', GoodsMovementType: '101', EntryUnit: 'PC', QuantityInEntryUnit: '2', ManufactureDate: '/Date(1795564800000)/',
    });
  });

  it('books nothing for activity start, order completion and cancellation', () => {
    for (const e of [EVENTS.started, EVENTS.orderCompleted, EVENTS.cancelled]) assert.equal(map('sap', e), null, e.type);
  });
});

describe('ERPNext mapper', () => {
  it('writes the Job Card time logs, and submits the Job Card with the final completion', () => {
    const start = map('erpnext', EVENTS.started);
    assert.equal(start.method, 'PUT');
    assert.equal(start.path, '/api/resource/Job%20Card/0010');
    assert.deepEqual(start.body, { time_logs: [{ from_time: '2026-11-25 09:15:30', completed_qty: 0 }] });
    const final = map('erpnext', EVENTS.completed, { actualsBefore: () => [toCanonicalActual(EVENTS.started, order)] });
    assert.deepEqual(final.body, { time_logs: [{ from_time: '2026-11-25 09:15:30', to_time: '2026-11-25 09:15:30', completed_qty: 98 }], docstatus: 1 });
  });

  it('posts a submitted Stock Entry of purpose Manufacture with the consumed and produced batches', () => {
    const { path: p, body } = map('erpnext', EVENTS.produced, { options: { sourceWarehouse: 'Stores - MES', targetWarehouse: 'Finished Goods - MES', company: 'MES Demo' } });
    assert.equal(p, '/api/resource/Stock%20Entry');
    assert.deepEqual(body, {
      doctype: 'Stock Entry', stock_entry_type: 'Manufacture', purpose: 'Manufacture', company: 'MES Demo', work_order: '1000123', from_bom: 1, fg_completed_qty: 2,
      set_posting_time: 1, posting_date: '2026-11-25', posting_time: '09:15:30', remarks: `MES actual ${EVENTS.produced.eventId}`, docstatus: 1,
      items: [
        { item_code: 'RM-BAR', qty: 12.5, uom: 'Kg', batch_no: 'B-77', use_serial_batch_fields: 1, s_warehouse: 'Stores - MES' },
        { item_code: 'FG-100', qty: 2, uom: 'Nos', batch_no: 'L-2026-1125', serial_no: 'S1\nS2', use_serial_batch_fields: 1, t_warehouse: 'Finished Goods - MES', is_finished_item: 1 },
      ],
    });
  });

  it('posts nothing for yield increments, goods issues on their own, completion and cancellation', () => {
    for (const e of [EVENTS.quantity, EVENTS.consumed, EVENTS.orderCompleted, EVENTS.cancelled]) assert.equal(map('erpnext', e), null, e.type);
  });
});

describe('B2MML OperationsPerformance mapper', () => {
  const validate = (xml) => assertValidB2mml(xml, 'B2MML-OperationsPerformance.xsd');

  for (const [name, e] of Object.entries(EVENTS)) {
    it(`validates against the B2MML XSD: ${e.type}${name === 'partial' ? ' (partial)' : ''}`, async () => {
      const request = map('b2mml', e);
      assert.equal(request.headers['Content-Type'], 'application/xml; charset=utf-8');
      await validate(request.body);
    });
  }

  it('the XSD check refuses a document that breaks the schema, naming the element', async () => {
    const xml = map('b2mml', EVENTS.quantity).body;
    const { valid, errors } = await validateB2mml(xml.replace(/<PublishedDate>[^<]*<\/PublishedDate>/, '<PublishedDate>yesterday</PublishedDate>'), 'B2MML-OperationsPerformance.xsd');
    assert.equal(valid, false);
    assert.match(errors.join('\n'), /PublishedDate/);
  });

  it('carries order, operation, quantities with unit, lot and people', () => {
    const xml = toOperationsPerformance(toCanonicalActual(EVENTS.quantity, order));
    for (const fragment of ['<ID>' + EVENTS.quantity.eventId + '</ID>', '<OperationsRequestID>1000123</OperationsRequestID>', '<SegmentRequirementID>0010</SegmentRequirementID>',
      '<ProcessSegmentID>WC-TURN</ProcessSegmentID>', '<QuantityString>12</QuantityString>', '<UnitOfMeasure>PCE</UnitOfMeasure>', '<Key>scrap</Key>', '<ValueString>0004</ValueString>', '<PersonID>op-7</PersonID>', '<EquipmentID>WS-T1</EquipmentID>']) {
      assert.ok(xml.includes(fragment), fragment);
    }
    assert.ok(toOperationsPerformance(toCanonicalActual(EVENTS.produced, order)).includes('<MaterialLotID>L-2026-1125</MaterialLotID>'));
  });

  it('escapes text so that odd characters cannot break the document', async () => {
    const xml = toOperationsPerformance(toCanonicalActual({ ...EVENTS.cancelled, payload: { reason: 'a < b & "c"' } }, order));
    await validate(xml);
    assert.ok(xml.includes('a &lt; b &amp; &quot;c&quot;'));
  });
});

describe('inbound SAP production order mapper (A_ProductionOrder_2)', () => {
  it('maps header, operations of sequence 0 and components into a valid canonical order', () => {
    const canonical = parseProductionOrder(fromSapProductionOrder({ d: sapProductionOrder() }));
    assert.deepEqual(canonical, {
      orderId: '1000123', erpReference: '1000123', plant: '1010', material: 'FG-100', quantity: { value: 100, unit: 'PCE' },
      scheduledStart: '2026-11-25T06:30:00.000Z', scheduledEnd: '2026-11-25T13:30:00.000Z',
      operations: [
        { key: '0010', sequence: 10, workCenter: 'WC-TURN', plannedQuantity: { value: 100, unit: 'PCE' }, description: 'Turn' },
        { key: '0020', sequence: 20, workCenter: 'WC-ASSY', plannedQuantity: { value: 100, unit: 'PCE' }, description: 'Assemble' },
      ],
      components: [
        { material: 'RM-BAR', quantity: { value: 25, unit: 'KG' }, operationKey: '0010', lotControlled: true },
        { material: 'SCREW-M4', quantity: { value: 400, unit: 'PCE' }, operationKey: '0020', backflush: true },
      ],
    });
  });

  it('falls back to the planned dates and names every missing SAP field', () => {
    const planned = fromSapProductionOrder(sapProductionOrder({ MfgOrderScheduledStartDate: null, MfgOrderScheduledEndDate: null }));
    assert.equal(planned.scheduledStart, '2026-11-25T06:00:00.000Z');
    const isoDates = fromSapProductionOrder(sapProductionOrder({ MfgOrderScheduledStartDate: '2026-11-25T00:00:00', MfgOrderScheduledEndDate: '2026-11-26' }));
    assert.equal(isoDates.scheduledStart, '2026-11-25T06:30:00.000Z');
    assert.equal(isoDates.scheduledEnd, '2026-11-26T13:30:00.000Z');
    assert.throws(() => fromSapProductionOrder({ ManufacturingOrder: '1', to_ProductionOrderOperation: { results: [{ ManufacturingOrderOperation: '0010' }] } }), (err) => {
      assert.deepEqual(err.errors.map((e) => e.field), ['ProductionPlant', 'Material', 'TotalQuantity', 'ProductionUnit', 'MfgOrderPlannedStartDate', 'MfgOrderPlannedEndDate', 'to_ProductionOrderOperation[0].WorkCenter']);
      return true;
    });
  });
});

describe('inbound B2MML OperationsSchedule mapper', () => {
  it('validates the sample schedule against the XSD and maps it into a valid canonical order', async () => {
    await assertValidB2mml(b2mmlOperationsSchedule(), 'B2MML-OperationsSchedule.xsd');
    const canonical = parseProductionOrder(fromB2mmlOperationsSchedule(b2mmlOperationsSchedule()));
    assert.deepEqual(canonical, {
      orderId: 'PO-7001', erpReference: 'PO-7001', plant: '1010', material: 'FG-100', quantity: { value: 100, unit: 'PCE' },
      scheduledStart: '2026-11-25T06:00:00Z', scheduledEnd: '2026-11-25T14:00:00Z', priority: 100,
      operations: [
        { key: '0010', sequence: 10, workCenter: 'WC-TURN', plannedQuantity: { value: 100, unit: 'PCE' }, description: 'Turn & face' },
        { key: '0020', sequence: 20, workCenter: 'WC-ASSY', plannedQuantity: { value: 100, unit: 'PCE' }, description: 'Assemble & test' },
      ],
      components: [
        { material: 'RM-BAR', quantity: { value: 25, unit: 'KG' }, operationKey: '0010' },
        { material: 'SCREW-M4', quantity: { value: 400, unit: 'PCE' }, operationKey: '0020' },
      ],
    });
  });

  it('refuses malformed XML and schedules with more than one request, naming the rule', () => {
    assert.throws(() => fromB2mmlOperationsSchedule('<OperationsSchedule><ID>x</ID>'), (err) => err.errors[0].rule === 'xml');
    const two = b2mmlOperationsSchedule().replace('</OperationsRequest>', '</OperationsRequest><OperationsRequest><ID>B</ID></OperationsRequest>');
    assert.throws(() => fromB2mmlOperationsSchedule(two), (err) => err.errors[0].rule === 'count');
  });
});
