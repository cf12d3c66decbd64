// kill -9 of a line's forwarder in the middle of a batch: the batch and its cursor were one
// PostgreSQL transaction, so the restarted forwarder neither skips nor repeats an event.
const assert = require('node:assert/strict');
const path = require('node:path');
const { fork } = require('node:child_process');
const { startPostgres, waitFor } = require('../support/postgres');
const site = require('../support/site');
const { tempDbFile } = require('../support/store');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');

const CHILD = path.join(__dirname, '..', 'support', 'site-forwarder-child.js');

describe('site forwarder crash (PostgreSQL)', function () {
  this.timeout(60000);
  let pg;
  let pool;
  before(async () => {
    pg = await startPostgres();
    const connection = await pg.createDatabase('site_crash');
    pool = pg.pool({ database: connection.database });
  });
  after(async () => {
    await pool?.end();
    pg?.destroy();
  });

  function startChild(file, holdAt) {
    const child = fork(CHILD, [file, JSON.stringify({ ...pg.connection, database: 'site_crash' }), String(holdAt)], { stdio: 'inherit' });
    const messages = [];
    child.on('message', (m) => messages.push(m));
    return { child, messages, exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  }

  const siteSeqs = async () => (await pool.query("SELECT seq FROM site_events WHERE line = 'lineA' ORDER BY seq")).rows.map((r) => Number(r.seq));

  it('restarted after kill -9 inside a batch, it forwards every event exactly once, in order', async () => {
    const file = tempDbFile();
    const store = MesStore.open(file, { components: ALL_COMPONENTS });
    await site.append(store, Array.from({ length: 1000 }, (_, i) => site.signedOn('WS-A1', i)));
    store.close();

    const first = startChild(file, 4);
    await waitFor('the child inside its 4th batch', () => first.messages.some((m) => m.midBatch === 4));
    // The 4th batch's 100 events are inserted in its open transaction: the crash happens with them written, uncommitted.
    const { rows } = await pool.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction'");
    assert.equal(rows[0].n, '1');
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    // Three batches committed, the fourth rolled back with the dead connection, the cursor where the third left it.
    await waitFor('the killed transaction rolled back', async () => (await pool.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction'")).rows[0].n === '0');
    assert.deepEqual(await siteSeqs(), Array.from({ length: 300 }, (_, i) => i + 1));
    assert.equal((await pool.query("SELECT last_seq FROM site_cursors WHERE line = 'lineA'")).rows[0].last_seq, '300');

    const second = startChild(file, 0);
    try {
      await waitFor('the restarted child caught up', () => second.messages.some((m) => m.metrics && m.metrics.eventsBehind === 0));
      assert.deepEqual(await siteSeqs(), Array.from({ length: 1000 }, (_, i) => i + 1));
      const local = MesStore.open(file, { components: ALL_COMPONENTS });
      const ids = local.readEvents(0, 2000).map((e) => e.eventId);
      local.close();
      const siteIds = (await pool.query("SELECT event_id FROM site_events WHERE line = 'lineA' ORDER BY seq")).rows.map((r) => r.event_id);
      assert.deepEqual(siteIds, ids);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});
