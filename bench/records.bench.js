// Records: the audit trail of a time range over a log of 100,000 events (BENCH_RECORD_EVENTS), as
// CSV and as PDF. Prints the time, the output size and the JS heap while the report is built
// (sampled every 5,000 rows, after a GC when node runs with --expose-gc), side by side with the heap of reading the same events at once, to
// show that the report pages through the log instead of holding it. Figures only, no assertions.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { AuditTrail, auditTrailCsv, auditTrailPdf } = require('../dist/lib/records');
const { ms, mb } = require('./support');

const EVENTS = Number(process.env.BENCH_RECORD_EVENTS) || 100000;
const START = Date.parse('2026-11-25T06:00:00Z');
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function fill(store) {
  const types = [
    (i) => ({ type: 'quantity.reported', payload: { unit: 'PCE', goodQuantity: 12, scrapQuantity: i % 7 === 0 ? 1 : 0, scrapReason: i % 7 === 0 ? 'S01' : undefined, reworkQuantity: 0, shift: '2026-11-25/early' } }),
    () => ({ type: 'check.recorded', payload: { checkId: 'QC-D', characteristic: 'diameter', type: 'variable', value: 40.01, passed: true, limits: { lower: 39.95, upper: 40.05, nominal: 40, unit: 'mm' } } }),
    () => ({ type: 'operation.paused', payload: { reasonCode: 'BREAK' } }),
    () => ({ type: 'operation.resumed', payload: {} }),
  ];
  for (let i = 0; i < EVENTS; i += 5000) {
    await store.transact((s) => {
      for (let j = i; j < Math.min(EVENTS, i + 5000); j += 1) {
        s.appendEvent({ ...types[j % types.length](j), eventTime: new Date(START + j * 1000).toISOString(), orderId: `PO-${Math.floor(j / 500)}`, operationKey: '0010', workstation: 'WS-T1', actor: 'op-anna' });
      }
    });
  }
}

/** Runs `build` while sampling the heap every 1,000 rows the trail yields; returns the peak above the start. */
async function measured(trail, build) {
  if (global.gc) global.gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const rows = trail.rows.bind(trail);
  trail.rows = function* sampled() {
    let n = 0;
    for (const row of rows()) {
      n += 1;
      if (n % 5000 === 0) {
        // Collected first, so the figure is what the report holds live, not garbage awaiting GC.
        if (global.gc) global.gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
      yield row;
    }
  };
  const t0 = now();
  const output = await build(trail);
  return { time: now() - t0, bytes: output.length, peak };
}

async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-records-'));
  const store = MesStore.open(path.join(dir, 'mes.db'), { components: ALL_COMPONENTS, durability: 'normal' });
  try {
    await fill(store);
    const filter = { from: new Date(START).toISOString(), to: new Date(START + EVENTS * 1000).toISOString() };
    const csv = await measured(new AuditTrail(store, filter), (t) => auditTrailCsv(t));
    console.log(`audit trail CSV, ${EVENTS.toLocaleString('en-US')} events: ${ms(csv.time)}, ${mb(csv.bytes)} output, live heap peak +${mb(csv.peak)} while building`);
    const pdf = await measured(new AuditTrail(store, filter), (t) => auditTrailPdf(t, { generatedBy: 'bench', generatedAt: new Date(START) }));
    console.log(`audit trail PDF, ${EVENTS.toLocaleString('en-US')} events: ${ms(pdf.time)}, ${mb(pdf.bytes)} output, live heap peak +${mb(pdf.peak)} while building (two passes)`);
    if (global.gc) global.gc();
    const base = process.memoryUsage().heapUsed;
    const all = store.readEvents(0, EVENTS + 1);
    console.log(`baseline: the same ${all.length.toLocaleString('en-US')} events read at once hold +${mb(process.memoryUsage().heapUsed - base)} of heap`);
    if (!global.gc) console.log('(run with node --expose-gc bench/run.js records for steadier heap figures)');
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
