// Site forwarding: events per second a line's forwarder copies from its SQLite log to the site's
// PostgreSQL (batches of 500, projections included), side by side with a bare batched INSERT of
// the same rows (the same multi-row statement, no cursor, no projections) in the same run, on a
// throwaway PostgreSQL cluster (as test:site finds and starts it). SITE_BENCH_N events (20,000).
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { SiteForwarder, migrateSite, insertEvents, inTransaction } = require('../dist/lib/site');
const { startPostgres } = require('../test/support/postgres');
const { tempDbFile } = require('../test/support/store');
const { formatRate } = require('./support');

const N = Number(process.env.SITE_BENCH_N || 20000);
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

async function run() {
  const pg = await startPostgres();
  try {
    const store = await fillLog(tempDbFile());
    const forwarded = pg.pool({ database: (await pg.createDatabase('bench_forwarder')).database });
    const bare = pg.pool({ database: (await pg.createDatabase('bench_bare')).database });
    await migrateSite(forwarded);
    await migrateSite(bare);

    const forwarder = new SiteForwarder(store, forwarded, { site: 'plant1', area: 'area-1', line: 'line-1', batchSize: BATCH });
    let started = process.hrtime.bigint();
    while (await forwarder.forwardBatch() > 0);
    const forwarderSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const rows = store.readEvents(0, N + 1).map((e) => ({
      site: 'plant1', area: 'area-1', line: 'line-1', seq: e.seq, eventId: e.eventId, eventTime: e.eventTime, recordedTime: e.recordedTime, type: e.type,
      orderId: e.orderId, operationKey: e.operationKey, workstation: e.workstation, actor: e.actor, payload: JSON.stringify(e.payload),
    }));
    started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += BATCH) await inTransaction(bare, (client) => insertEvents(client, rows.slice(i, i + BATCH)));
    const bareSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const check = await forwarded.query('SELECT COUNT(*) AS n FROM site_events');
    console.log(`events: ${N} (70 % quantity.reported), batches of ${BATCH}; site rows: ${check.rows[0].n}`);
    console.log(`forwarder (cursor + insert + projections): ${formatRate(N / forwarderSeconds)} (${forwarderSeconds.toFixed(2)} s)`);
    console.log(`bare batched INSERT of the same rows:      ${formatRate(N / bareSeconds)} (${bareSeconds.toFixed(2)} s)`);
    console.log(`ratio forwarder / bare: ${(bareSeconds / forwarderSeconds).toFixed(2)}`);
    store.close();
    await forwarded.end();
    await bare.end();
  } finally {
    pg.destroy();
  }
}

module.exports = { run };
