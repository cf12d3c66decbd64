// Exports: memory and time of an audit-trail XLSX of 100,000 events, written with the streaming
// writer the API uses (rows from a SQLite cursor, committed as written), side by side with the
// exceljs workbook model (every row in memory, lib/exports toXlsx) on the same rows. Each run is
// its own process, so one's garbage does not count against the other; peak RSS is sampled every
// 1,000 rows.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mb, ms } = require('./support');

const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS) || 100000;

async function child(mode, file) {
  const { MesStore } = require('../dist/lib/store');
  const { ALL_COMPONENTS } = require('../dist/lib');
  const { auditTrailTable, sourceToXlsx, toXlsx } = require('../dist/lib/exports');
  const store = MesStore.open(file, { components: ALL_COMPONENTS });
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const source = auditTrailTable(store, { format: 'xlsx' });
  const sampled = (function* () {
    let n = 0;
    for (const row of source.rows) {
      if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      yield row;
    }
  })();
  const start = process.hrtime.bigint();
  const buffer = mode === 'stream'
    ? await sourceToXlsx({ ...source, rows: sampled })
    : await toXlsx([{ name: source.name, columns: source.columns, rows: [...sampled] }]);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  store.close();
  process.stdout.write(JSON.stringify({ mode, base, peak, bytes: buffer.length, elapsed }));
}

async function run() {
  const { MesStore } = require('../dist/lib/store');
  const { ALL_COMPONENTS } = require('../dist/lib');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-exports-')), 'mes.db');
  const store = MesStore.open(file, { components: ALL_COMPONENTS });
  for (let done = 0; done < EVENTS; done += 1000) {
    await store.transact((s) => {
      for (let i = done; i < Math.min(EVENTS, done + 1000); i++) {
        s.appendEvent({ type: 'quantity.reported', eventTime: new Date(Date.UTC(2026, 2, 2) + i * 1000).toISOString(), orderId: `PO-${i % 50}`, operationKey: '0010',
          workstation: `WS-${i % 8}`, actor: `op:${i % 20}`, payload: { commandId: `c${i}`, goodQuantity: i % 7, scrapQuantity: 0, unit: 'PCE' } });
      }
    });
  }
  store.close();
  console.log(`audit trail XLSX of ${EVENTS.toLocaleString('en-US')} events`);
  for (const mode of ['stream', 'model']) {
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1e6 }));
    console.log(`  ${mode === 'stream' ? 'streaming writer (API)' : 'workbook model (baseline)'}: peak RSS ${mb(out.peak)} (+${mb(out.peak - out.base)} over the open store), file ${mb(out.bytes)}, ${ms(out.elapsed)}`);
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch((err) => { console.error(err); process.exit(1); });
}

module.exports = { run };
