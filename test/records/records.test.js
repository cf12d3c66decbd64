const assert = require('node:assert/strict');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { createDispatch } = require('../support/dispatch');
const { getOrderProgress } = require('../../dist/lib/orders');
const { applyCommand } = require('../../dist/lib/genealogy');
const { AuditTrail, auditTrailCsv, auditTrailPdf, buildBatchRecord, batchRecordPdf, parseAuditQuery, BATCH_RECORD_SCHEMA } = require('../../dist/lib/records');
const { RECORDS_ROUTES } = require('../../dist/lib/api/routes/records');
const { RECORDS_HANDLERS } = require('../../dist/lib/api/handlers/records');
const { LINE_ROUTES, LINE_HANDLERS } = require('../../dist/lib/api');
const { createAjv } = require('../../dist/lib/util');
const { pdfPages } = require('./pdf-text');

const CLOCK = Date.parse('2026-11-26T08:00:00Z');
const reportContext = { generatedBy: 'sup-bo', generatedAt: new Date(CLOCK) };

/** What another helper's signatures module appends after the event it signs (lib/compliance/signature-types.ts). */
function signatureFor(signed, overrides = {}) {
  return {
    type: 'signature.recorded', orderId: signed.orderId, operationKey: signed.operationKey, workstation: signed.workstation, actor: 'sup-bo',
    payload: {
      action: 'hold.release', userId: 'sup-bo', printedName: 'Bo Berg', meaning: 'approved', signedAt: '2026-11-25T07:20:30.000Z',
      signedSeq: signed.seq, signedEventId: signed.eventId, contentHash: 'c'.repeat(64), seal: 's'.repeat(64), ...overrides,
    },
  };
}

/**
 * One order through both operations with the real dispatcher: a passed and a failed check, a
 * nonconformance, a hold released with a signature, scrap, a lot consumed and one produced.
 */
async function scriptedOrder(store) {
  const d = createDispatch(store);
  const order = validOrder();
  order.quantity.value = 20;
  order.operations[0].plannedQuantity.value = 20;
  order.operations[1].plannedQuantity.value = 20;
  await d.submit(order);
  await d.release();
  await d.run('sign-on');
  await d.run('start');
  await store.transact((s) => applyCommand(s, { action: 'receive', material: 'RM-BAR', lot: 'BAR-7', quantity: 25, unit: 'KG', actor: 'op-anna' }));
  await store.transact((s) => applyCommand(s, { action: 'consume', orderId: 'PO-1000', operationKey: '0010', lot: 'BAR-7', quantity: 5, unit: 'KG', actor: 'op-anna', workstation: 'WS-T1' }));
  await d.run('check', { checkId: 'QC-V', passed: true });
  await d.run('report', { goodQuantity: 10, scrapQuantity: 1, scrapReason: '=HYPERLINK("http://evil")' });
  await d.run('check', { checkId: 'QC-D', value: 40.2 });
  await d.run('dispose', { checkId: 'QC-D', disposition: 'rework', reason: 'turned again to size' });
  const released = await d.run('release', { reason: 'tool replaced' });
  await store.transact((s) => s.appendEvent(signatureFor(released.events[0])));
  await d.run('resume');
  await d.run('check', { checkId: 'QC-D', value: 40.01 });
  await d.run('report', { goodQuantity: 9 });
  await d.run('check', { checkId: 'QC-D', value: 39.99 });
  await d.run('complete', { final: true });
  const asm = { workstation: 'WS-A1', operator: 'op-carl', operationKey: '0020' };
  await d.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
  await d.run('start', asm);
  await d.run('report', { ...asm, goodQuantity: 18, scrapQuantity: 1, scrapReason: 'SCRATCH' });
  await store.transact((s) => applyCommand(s, { action: 'produce', orderId: 'PO-1000', operationKey: '0020', lot: 'FG-LOT-1', quantity: 18, unit: 'PCE', actor: 'op-carl', workstation: 'WS-A1' }));
  await d.run('check', { ...asm, checkId: 'QC-F', passed: true });
  await d.run('complete', { ...asm, final: true });
  return d;
}

const rowsOf = (trail) => [...trail.rows()];
const pageText = (pages) => pages.map((lines) => lines.join('\n'));

describe('records: the audit trail and the batch record', () => {
  let store;
  beforeEach(() => {
    store = openTempStore({ now: () => new Date(CLOCK) });
  });
  afterEach(() => store.close());

  describe('audit trail', () => {
    it('of an order lists every event of the order, with who and what changed, and the signature bound to the release', async () => {
      await scriptedOrder(store);
      const rows = rowsOf(new AuditTrail(store, { orderId: 'PO-1000' }));
      const orderEvents = store.eventsOfOrder('PO-1000');
      assert.deepEqual(rows.map((r) => r.seq), orderEvents.map((e) => e.seq), 'every event of the order, in recording order');
      const report = rows.find((r) => r.type === 'quantity.reported');
      assert.equal(report.actor, 'op-anna');
      assert.match(report.summary, /^good \+10 PCE, scrap \+1 \(reason =HYPERLINK/);
      const held = rows.find((r) => r.type === 'operation.held');
      assert.match(held.summary, /^state running → held; held: nonconformance: diameter 40.2 mm outside 39.95..40.05/);
      const released = rows.find((r) => r.type === 'operation.released');
      assert.match(released.summary, /^state held → paused/);
      const signature = rows.find((r) => r.type === 'signature.recorded');
      assert.equal(signature.seq, released.seq + 1);
      assert.deepEqual([signature.signature.printedName, signature.signature.meaning, signature.signature.signedSeq], ['Bo Berg', 'approved', released.seq]);
      assert.match(signature.summary, /Bo Berg \(sup-bo\) signed "approved" for hold.release at 2026-11-25T07:20:30.000Z, bound to event #\d+/);
    });

    it('finds a signature filed without the order through the event it signs', async () => {
      await scriptedOrder(store);
      const released = store.eventsOfOrder('PO-1000').find((e) => e.type === 'operation.released');
      await store.transact((s) => s.appendEvent({ ...signatureFor(released, { meaning: 'reviewed' }), orderId: null, operationKey: null }));
      const rows = rowsOf(new AuditTrail(store, { orderId: 'PO-1000' }));
      assert.deepEqual(rows.filter((r) => r.type === 'signature.recorded').map((r) => r.signature.meaning), ['approved', 'reviewed']);
    });

    it('of a lot: its own events and those of the orders that consumed or produced it, not other orders', async () => {
      await scriptedOrder(store);
      await store.transact((s) => s.appendEvent({ type: 'order.received', orderId: 'PO-OTHER', actor: 'erp', payload: {} }));
      const rows = rowsOf(new AuditTrail(store, { lot: 'BAR-7' }));
      const receipt = rows.find((r) => r.type === 'lot.received');
      assert.equal(receipt.orderId, null, 'the receipt of the lot, which belongs to no order, is listed');
      const orders = new Set(rows.map((r) => r.orderId).filter(Boolean));
      assert.deepEqual([...orders], ['PO-1000']);
      assert.equal(rows.length, store.eventsOfOrder('PO-1000').length + 1);
      assert.ok(rows.some((r) => r.type === 'material.consumed' && /consumed 5 KG RM-BAR lot BAR-7/.test(r.summary)));
    });

    it('of a time range: the events whose event time lies within, bounds included, whatever the time format', async () => {
      await scriptedOrder(store);
      const all = store.readEvents(0, 10000);
      const inside = all.filter((e) => Date.parse(e.eventTime) >= Date.parse('2026-11-25T07:05:00Z') && Date.parse(e.eventTime) <= Date.parse('2026-11-25T08:10:00+01:00'));
      assert.ok(inside.length > 2 && inside.length < all.length);
      const rows = rowsOf(new AuditTrail(store, { from: '2026-11-25T07:05:00Z', to: '2026-11-25T08:10:00+01:00' }));
      assert.deepEqual(rows.map((r) => r.seq), inside.map((e) => e.seq));
    });

    it('pages through the log: a page size of 3 gives the same rows', async () => {
      await scriptedOrder(store);
      const paged = rowsOf(new AuditTrail(store, { orderId: 'PO-1000' }, 3)).map((r) => r.seq);
      assert.deepEqual(paged, rowsOf(new AuditTrail(store, { orderId: 'PO-1000' })).map((r) => r.seq));
    });

    it('as CSV: one row per event, formulas neutralised', async () => {
      await scriptedOrder(store);
      const trail = new AuditTrail(store, { orderId: 'PO-1000' });
      const csv = (await auditTrailCsv(trail)).toString('utf8');
      const lines = csv.trimEnd().split('\r\n');
      assert.match(lines[0], /^seq,event_id,event_time,recorded_time,type,order_id,operation_key,workstation,actor,summary,signer_name/);
      assert.equal(lines.length, 1 + store.eventsOfOrder('PO-1000').length);
      const scrap = lines.find((l) => l.includes('quantity.reported') && l.includes('HYPERLINK'));
      assert.ok(scrap.includes('"good +10 PCE, scrap +1 (reason =HYPERLINK(""http://evil""))"'), 'inside text the formula is harmless');
      await store.transact((s) => s.appendEvent({ type: 'operation.held', orderId: 'PO-1000', operationKey: '0010', actor: '=cmd|calc', payload: { reason: 'x' } }));
      const again = (await auditTrailCsv(new AuditTrail(store, { orderId: 'PO-1000' }))).toString('utf8');
      assert.ok(again.includes(",'=cmd|calc,"), 'a cell starting with = gets a leading quote');
    });

    it('as PDF: valid, title, filter, generated at and by, every event, the signature, page X of Y, header repeated, same bytes for a fixed clock', async () => {
      await scriptedOrder(store);
      // Enough events for several pages.
      await store.transact((s) => {
        for (let i = 0; i < 120; i += 1) s.appendEvent({ type: 'operation.paused', orderId: 'PO-1000', operationKey: '0020', actor: `op-${i}`, payload: { reasonCode: `R${i}` } });
      });
      const trail = new AuditTrail(store, { orderId: 'PO-1000' });
      const pdf = await auditTrailPdf(trail, reportContext);
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdf.subarray(-6).toString(), /%%EOF/);
      const pages = pageText(pdfPages(pdf));
      assert.ok(pages.length >= 3, `${pages.length} pages`);
      assert.match(pages[0], /Audit trail/);
      assert.match(pages[0], /Filter: order PO-1000/);
      assert.match(pages[0], /Generated at 2026-11-26T08:00:00.000Z by sup-bo/);
      pages.forEach((page, i) => {
        assert.match(page, new RegExp(`page ${i + 1} of ${pages.length}`));
        assert.match(page, /\nseq\nevent time\ntype\norder \/ operation\nworkstation\nwho\nwhat changed\n/, `header row on page ${i + 1}`);
      });
      const all = pages.join('\n');
      for (const event of store.eventsOfOrder('PO-1000')) assert.match(all, new RegExp(`\n${event.seq}\n`), `event ${event.seq} listed`);
      assert.match(all, /Bo Berg \(sup-bo\) signed "approved"/);
      assert.match(all, /state running -> held/, 'the arrow spelled out in WinAnsi');
      const again = await auditTrailPdf(new AuditTrail(store, { orderId: 'PO-1000' }), reportContext);
      assert.ok(again.equals(pdf), 'deterministic for a fixed clock');
    });

    it('lets the event loop run while a long report is built, so the flows go on', async () => {
      await store.transact((s) => {
        for (let i = 0; i < 1200; i += 1) s.appendEvent({ type: 'operation.paused', orderId: 'PO-LONG', operationKey: '0010', actor: 'op-anna', payload: { reasonCode: 'R' } });
      });
      for (const build of [(t) => auditTrailPdf(t, reportContext), (t) => auditTrailCsv(t)]) {
        let turns = 0;
        let building = true;
        const spin = () => { if (building) { turns += 1; setImmediate(spin); } };
        setImmediate(spin);
        await build(new AuditTrail(store, { orderId: 'PO-LONG' }));
        building = false;
        assert.ok(turns >= 2, `the event loop turned ${turns} times`);
      }
    });

    it('refuses bad filters naming the field and the rule', () => {
      const refused = (query, field, rule) => {
        assert.throws(() => parseAuditQuery(query), (err) => err.name === 'ValidationError' && err.errors.some((e) => e.field === field && e.rule === rule),
          `${JSON.stringify(query)} → ${field} ${rule}`);
      };
      refused({}, 'orderId', 'filterRequired');
      refused({ format: 'csv' }, 'orderId', 'filterRequired');
      refused({ from: '2026-11-26T00:00:00Z', to: '2026-11-25T00:00:00Z' }, 'from', 'fromAfterTo');
      refused({ from: 'yesterday' }, 'from', 'format');
      refused({ to: '2026-13-40T00:00:00Z' }, 'to', 'format');
      refused({ orderId: 'PO-1', format: 'xlsx' }, 'format', 'enum');
      refused({ orderId: 'PO-1', lot: 'L-1' }, 'lot', 'exclusive');
      refused({ orderId: ['PO-1', 'PO-2'] }, 'orderId', 'type');
      refused({ order: 'PO-1' }, 'order', 'additionalProperties');
      assert.deepEqual(parseAuditQuery({ lot: 'L-1', to: '2026-11-25T00:00:00Z' }), { filter: { lot: 'L-1', to: '2026-11-25T00:00:00Z' }, format: 'pdf' });
    });
  });

  describe('batch record', () => {
    it('derives operations, operators, quantities equal to the order progress, checks, nonconformance, hold, lots, deviations, signatures', async () => {
      await scriptedOrder(store);
      const record = buildBatchRecord(store, 'PO-1000', reportContext);
      const validate = createAjv().compile(BATCH_RECORD_SCHEMA);
      assert.ok(validate(record), JSON.stringify(validate.errors));
      const progress = getOrderProgress(store, 'PO-1000');
      assert.equal(record.status, progress.status);
      assert.equal(record.summary.producedQuantity, progress.produced.value);
      assert.deepEqual(record.operations.map((op) => [op.key, op.state, op.goodQuantity, op.scrapQuantity, op.reworkQuantity]),
        progress.operations.map((op) => [op.key, op.state, op.goodQuantity, op.scrapQuantity, op.reworkQuantity]));
      const [turn, assy] = record.operations;
      assert.deepEqual(turn.workstations, ['WS-T1']);
      assert.equal(turn.operators[0].actor, 'op-anna');
      assert.ok(turn.operators[0].signedOnAt, 'sign-on time at the workstation');
      assert.deepEqual(turn.scrapReasons, [{ reason: '=HYPERLINK("http://evil")', quantity: 1 }]);
      assert.deepEqual(turn.checks.map((c) => [c.checkId, c.value, c.passed]), [['QC-V', null, true], ['QC-D', 40.2, false], ['QC-D', 40.01, true], ['QC-D', 39.99, true]]);
      assert.deepEqual(turn.checks[1].limits, { lower: 39.95, upper: 40.05, nominal: 40, unit: 'mm' });
      assert.equal(turn.nonconformances.length, 1);
      assert.deepEqual(turn.nonconformances[0].dispositions.map((x) => [x.type, x.actor, x.summary]),
        [['nonconformance.disposed', 'sup-bo', 'nonconformance on QC-D diameter disposed: rework: turned again to size']]);
      assert.deepEqual(turn.holds.map((h) => [h.type, h.actor]), [['held', 'op-anna'], ['released', 'sup-bo']]);
      assert.deepEqual(turn.consumed.map((c) => [c.lot, c.quantity, c.unit]), [['BAR-7', 5, 'KG']]);
      assert.deepEqual(assy.produced.map((p) => [p.lot, p.quantity]), [['FG-LOT-1', 18]]);
      assert.deepEqual(record.deviations.map((d) => d.type), ['check.recorded', 'nonconformance.raised', 'operation.held']);
      assert.deepEqual(record.signatures.map((s) => [s.printedName, s.meaning, s.signedType]), [['Bo Berg', 'approved', 'operation.released']]);
      assert.equal(record.summary.checksFailed, 1);
      assert.equal(record.summary.events, store.eventsOfOrder('PO-1000').length - 1, 'every event of the order but the signature');
    });

    it('as PDF: header, the operations, checks with values and limits, lots, signatures and a summary', async () => {
      await scriptedOrder(store);
      const pdf = await batchRecordPdf(buildBatchRecord(store, 'PO-1000', reportContext));
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      const pages = pageText(pdfPages(pdf));
      const all = pages.join('\n');
      for (const text of ['Batch record of order PO-1000', 'Operation 0010 - Turn', 'Operation 0020 - Assemble', 'QC-D diameter (variable)', '40.2', '39.95 .. 40.05 (nominal 40) mm',
        'FAIL', 'BAR-7', 'FG-LOT-1', 'Bo Berg', 'approved', 'Deviations', 'Summary', 'good 18 PCE, scrap 1, rework 0']) {
        assert.ok(all.includes(text), `shows ${text}`);
      }
      pages.forEach((page, i) => assert.match(page, new RegExp(`page ${i + 1} of ${pages.length}`)));
    });

    it('of an unknown order: not found', () => {
      assert.throws(() => buildBatchRecord(store, 'PO-NOPE', reportContext), /PO-NOPE/);
    });
  });

  describe('routes', () => {
    const ctx = () => ({ store, now: () => CLOCK });
    const call = (query, params = {}) => ({ params, query, headers: {}, body: undefined, principal: { role: 'supervisor', subject: 'sup-bo' } });

    it('describe both endpoints for supervisors and integrations', () => {
      assert.deepEqual(RECORDS_ROUTES.map((r) => [r.operationId, r.method, r.path, [...r.roles]]), [
        ['getAuditTrail', 'get', '/mes/v1/records/audit-trail', ['supervisor', 'integration']],
        ['getBatchRecord', 'get', '/mes/v1/orders/{orderId}/batch-record', ['supervisor', 'integration']],
      ]);
      for (const route of RECORDS_ROUTES) {
        assert.ok(LINE_ROUTES.includes(route), 'served by the mes-api node');
        assert.equal(typeof LINE_HANDLERS[route.operationId], 'function');
      }
    });

    it('answer a PDF, a CSV and JSON; 400 naming field and rule; 404 for an unknown order or lot', async () => {
      await scriptedOrder(store);
      const pdf = await RECORDS_HANDLERS.getAuditTrail(ctx(), call({ orderId: 'PO-1000' }));
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['Content-Type'], 'application/pdf');
      assert.match(pdf.headers['Content-Disposition'], /audit-trail-PO-1000\.pdf/);
      const csv = await RECORDS_HANDLERS.getAuditTrail(ctx(), call({ lot: 'FG-LOT-1', format: 'csv' }));
      assert.match(csv.headers['Content-Type'], /^text\/csv/);
      const json = await RECORDS_HANDLERS.getBatchRecord(ctx(), call({ format: 'json' }, { orderId: 'PO-1000' }));
      assert.equal(json.body.orderId, 'PO-1000');
      assert.equal(json.body.generatedBy, 'sup-bo');
      const bad = await RECORDS_HANDLERS.getAuditTrail(ctx(), call({ from: '2026-11-26T00:00:00Z', to: '2026-11-25T00:00:00Z' }));
      assert.deepEqual([bad.statusCode, bad.body.errors[0].field, bad.body.errors[0].rule], [400, 'from', 'fromAfterTo']);
      const badFormat = await RECORDS_HANDLERS.getBatchRecord(ctx(), call({ format: 'xml' }, { orderId: 'PO-1000' }));
      assert.deepEqual([badFormat.statusCode, badFormat.body.errors[0].field, badFormat.body.errors[0].rule], [400, 'format', 'enum']);
      for (const [handler, query, params, field] of [['getAuditTrail', { orderId: 'PO-NOPE' }, {}, 'orderId'], ['getAuditTrail', { lot: 'NOPE' }, {}, 'lot'], ['getBatchRecord', {}, { orderId: 'PO-NOPE' }, 'orderId']]) {
        const reply = await RECORDS_HANDLERS[handler](ctx(), call(query, params));
        assert.deepEqual([reply.statusCode, reply.body.errors[0].field], [404, field], `${handler} ${JSON.stringify(query)}`);
      }
    });
  });
});
