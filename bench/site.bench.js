// The site database, on a throwaway PostgreSQL cluster (as test:site finds and starts it), each
// figure beside its baseline measured in the same run:
// 1. events per second a line's forwarder copies from its SQLite log (batches of 500, cursor,
//    projections and line status included) vs a bare batched INSERT of the same rows (the same
//    multi-row statement, no cursor, no projections); the two alternate, best of 3 each;
// 2. ten lines forwarding at once (aggregate events/s) vs one line alone;
// 3. the plant-wide OEE query (siteOee, per line and per site, of a random day) over 50 lines ×
//    4 workstations × 3 shifts × 365 days vs a bare SELECT count(*) of the same rows;
// 4. a cross-line backward trace (traceLot, 5 generations) over 1M links vs one indexed lookup.
// SITE_BENCH_N events per line (20,000), SITE_BENCH_QUERIES queries each (200).
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { SiteForwarder, migrateSite, insertEvents, inTransaction, siteOee, traceLot } = require('../dist/lib/site');
const { startPostgres } = require('../test/support/postgres');
const { tempDbFile } = require('../test/support/store');
const { formatRate } = require('./support');

const N = Number(process.env.SITE_BENCH_N || 20000);
const QUERIES = Number(process.env.SITE_BENCH_QUERIES || 200);
const BATCH = 500;

/** A line's day in miniature: 7 of 10 events are yield reports (they change the operations projection). */
async function fillLog(file) {
  const store = MesStore.open(file, { components: ALL_COMPONENTS, durability: 'normal' });
  await store.transact((s) => {
    for (let i = 0; i < N; i++) {
      if (i % 10 < 7) {
        s.appendEvent({ type: 'quantity.reported', orderId: `PO-${i % 50}`, operationKey: '0010', workstation: 'WS-1', actor: 'op-7', payload: { commandId: `cmd-${i}`, shift: '2026-12-01/early', unit: 'PCE', goodQuantity: 1, scrapQuantity: 0, reworkQuantity: 0 } });
      } else {
        s.appendEvent({ type: 'operator.signed_on', workstation: 'WS-1', actor: `op-${i % 7}`, payload: { commandId: `sign-${i}`, shift: '2026-12-01/early' } });
      }
    }
  });
  return store;
}

const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;

async function forwardAll(store, pool, line) {
  const forwarder = new SiteForwarder(store, pool, { site: 'plant1', area: 'area-1', line, batchSize: BATCH });
  const started = process.hrtime.bigint();
  while (await forwarder.forwardBatch() > 0);
  return seconds(started);
}

async function freshSite(pg, name) {
  const pool = pg.pool({ database: (await pg.createDatabase(name)).database, max: 12 });
  await migrateSite(pool);
  return pool;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** p50 and p99 in ms of `QUERIES` runs of `query(i)`. */
async function latencies(query) {
  for (let i = 0; i < 10; i++) await query(i);
  const ms = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = process.hrtime.bigint();
    await query(i);
    ms.push(seconds(started) * 1000);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

async function forwardingFigures(pg, store) {
  const rows = store.readEvents(0, N + 1).map((e) => ({
    site: 'plant1', area: 'area-1', line: 'line-1', seq: e.seq, eventId: e.eventId, eventTime: e.eventTime, recordedTime: e.recordedTime, type: e.type,
    orderId: e.orderId, operationKey: e.operationKey, workstation: e.workstation, actor: e.actor, payload: JSON.stringify(e.payload),
  }));
  let forwarderSeconds = Infinity;
  let bareSeconds = Infinity;
  // Alternating runs on fresh databases, best of each: neither side pays the warm-up alone.
  for (let round = 0; round < 3; round++) {
    const forwarded = await freshSite(pg, `bench_forwarder_${round}`);
    forwarderSeconds = Math.min(forwarderSeconds, await forwardAll(store, forwarded, 'line-1'));
    await forwarded.end();
    const bare = await freshSite(pg, `bench_bare_${round}`);
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += BATCH) await inTransaction(bare, (client) => insertEvents(client, rows.slice(i, i + BATCH)));
    bareSeconds = Math.min(bareSeconds, seconds(started));
    await bare.end();
  }
  return { forwarder: N / forwarderSeconds, bare: N / bareSeconds };
}

async function tenLines(pg, store) {
  const stores = [store];
  for (let i = 1; i < 10; i++) stores.push(await fillLog(tempDbFile()));
  const pool = await freshSite(pg, 'bench_ten_lines');
  const started = process.hrtime.bigint();
  await Promise.all(stores.map((s, i) => forwardAll(s, pool, `line-${i + 1}`)));
  const rate = (10 * N) / seconds(started);
  await pool.end();
  for (const s of stores.slice(1)) s.close();
  return rate;
}

async function oeeFigures(pg) {
  const pool = await freshSite(pg, 'bench_oee');
  // 50 lines × 4 workstations × 3 shifts × 365 days of shift summaries, generated in the server.
  await pool.query(`INSERT INTO site_oee_shifts (site, area, line, workstation, shift_id, shift, day, start_time, end_time,
      shift_seconds, break_seconds, planned_stop_seconds, planned_seconds, run_seconds, stop_seconds, ideal_seconds, ideal_good_seconds,
      total_count, good_count, reject_count, counts_without_ideal_time, event_id)
    SELECT 'plant1', 'area-' || (l % 5), 'line-' || l, 'line-' || l || '-ws-' || w, to_char(d, 'YYYY-MM-DD') || '/' || s, 's' || s, to_char(d, 'YYYY-MM-DD'),
      d + make_interval(hours => 6 + 8 * s), d + make_interval(hours => 14 + 8 * s),
      28800, 1800, 0, 27000, 24000 + (l * 37 + w * 11 + s) % 2000, 3000, 20000, 19000, 1000, 980, 20, 0, gen_random_uuid()::text
    FROM generate_series(1, 50) l, generate_series(1, 4) w, generate_series(0, 2) s,
      generate_series('2025-01-01'::timestamptz, '2025-12-31'::timestamptz, interval '1 day') d`);
  await pool.query('ANALYZE site_oee_shifts');
  const rows = Number((await pool.query('SELECT COUNT(*) AS n FROM site_oee_shifts')).rows[0].n);
  const day = (i) => new Date(Date.UTC(2025, 0, 1) + ((i * 97) % 365) * 86400e3).toISOString().slice(0, 10);
  const next = (d) => new Date(Date.parse(d) + 86400e3).toISOString().slice(0, 10);
  const perLine = await latencies((i) => siteOee(pool, { level: 'line', from: day(i), to: next(day(i)) }));
  const perSite = await latencies((i) => siteOee(pool, { level: 'site', from: day(i), to: next(day(i)) }));
  const bare = await latencies((i) => pool.query('SELECT COUNT(*) FROM site_oee_shifts WHERE start_time >= $1 AND start_time < $2', [day(i), next(day(i))]));
  await pool.end();
  return { rows, perLine, perSite, bare };
}

async function traceFigures(pg) {
  const pool = await freshSite(pg, 'bench_trace');
  // 200,000 chains of 5 links (1M): lot c-0 → c-1 → … → c-5, each generation on another line.
  await pool.query(`INSERT INTO site_genealogy_links (event_id, relation, from_kind, from_id, to_kind, to_id, material, quantity, unit, order_id, line, event_time)
    SELECT 'e-' || c || '-' || k, 'produced', 'lot', 'L' || c || '-' || k, 'lot', 'L' || c || '-' || (k + 1), 'M', 1, 'PCE', 'PO-' || c || '-' || k,
      'line-' || ((c * 5 + k) % 50), '2025-06-01'::timestamptz + make_interval(mins => k)
    FROM generate_series(0, 199999) c, generate_series(0, 4) k`);
  await pool.query('ANALYZE site_genealogy_links');
  const links = Number((await pool.query('SELECT COUNT(*) AS n FROM site_genealogy_links')).rows[0].n);
  const lot = (i) => `L${(i * 7919) % 200000}-5`;
  let generations = 0;
  const trace = await latencies(async (i) => { generations = (await traceLot(pool, { lot: lot(i), direction: 'backward' })).links.length; });
  const bare = await latencies((i) => pool.query("SELECT * FROM site_genealogy_links WHERE to_kind = 'lot' AND to_id = $1", [lot(i)]));
  await pool.end();
  return { links, generations, trace, bare };
}

const ms = (x) => `${x.toFixed(2)} ms`;

async function run() {
  const pg = await startPostgres();
  try {
    const store = await fillLog(tempDbFile());
    const one = await forwardingFigures(pg, store);
    const ten = await tenLines(pg, store);
    const oee = await oeeFigures(pg);
    const trace = await traceFigures(pg);
    store.close();
    const table = [
      ['figure', 'measured', 'baseline (same run)', 'ratio / goal'],
      [`forwarding, one line (${N} events, 70 % yield reports)`, formatRate(one.forwarder), `bare batched INSERT ${formatRate(one.bare)}`, `${(one.forwarder / one.bare).toFixed(2)}× (goal ≥ 0.7×)`],
      ['forwarding, ten lines at once (aggregate)', formatRate(ten), `one line ${formatRate(one.forwarder)}`, `${(ten / one.forwarder).toFixed(2)}×`],
      [`site OEE per line, a day (${oee.rows} shift rows)`, `p50 ${ms(oee.perLine.p50)}, p99 ${ms(oee.perLine.p99)}`, `SELECT count p50 ${ms(oee.bare.p50)}, p99 ${ms(oee.bare.p99)}`, 'goal p99 < 100 ms'],
      ['site OEE for the site, a day', `p50 ${ms(oee.perSite.p50)}, p99 ${ms(oee.perSite.p99)}`, `SELECT count p50 ${ms(oee.bare.p50)}, p99 ${ms(oee.bare.p99)}`, 'goal p99 < 100 ms'],
      [`cross-line trace, ${trace.generations} links deep (${trace.links} links)`, `p50 ${ms(trace.trace.p50)}, p99 ${ms(trace.trace.p99)}`, `one indexed lookup p50 ${ms(trace.bare.p50)}, p99 ${ms(trace.bare.p99)}`, 'goal p99 < 100 ms'],
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const r of table) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
  } finally {
    pg.destroy();
  }
}

module.exports = { run };
