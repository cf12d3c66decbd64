const assert = require('node:assert/strict');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const { MesStore, StoreVersionError, StoreClosedError, acquireStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { openTempStore, tempDbFile, holdFsyncs } = require('../support/store');

const widgets = (versions) => ({
  name: 'widgets',
  migrations: versions.map((version) => ({
    version,
    description: `widgets v${version}`,
    up(db) {
      if (version === 1) db.exec('CREATE TABLE widgets (id TEXT PRIMARY KEY)');
      if (version === 2) db.exec('ALTER TABLE widgets ADD COLUMN colour TEXT');
    },
  })),
});

describe('MesStore', () => {
  let store;
  afterEach(() => store?.close());

  it('opens in WAL mode; SQLite does not fsync inside the commit (synchronous=NORMAL), the store does', () => {
    store = openTempStore();
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 1);
  });

  it('copies the WAL into the database file from a thread of its own, not from the main connection', async () => {
    store = openTempStore();
    assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 20000, 'the main connection checkpoints only as a backstop');
    const dbSize = () => fs.statSync(store.file).size;
    const before = dbSize();
    const blob = 'x'.repeat(4000);
    for (let i = 0; i < 300; i++) await store.transact((s) => s.appendEvent({ type: 'test.bulk', payload: { i, blob } }));
    let after = dbSize();
    for (let i = 0; i < 40 && after <= before + 1_000_000; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = dbSize();
    }
    assert.ok(after > before + 1_000_000, `the database file grew from ${before} to ${after} bytes: the WAL was checkpointed`);
    assert.equal(store.readEvents(0, 1000).length, 300);
  });

  describe('durable acknowledgement: the WAL fsync, off the main thread', () => {
    let fsyncs;
    beforeEach(() => { fsyncs = holdFsyncs(); });
    afterEach(() => fsyncs.restore());
    const openGate = async () => {
      fsyncs.openNext();
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it('answers a unit only after an fsync of the WAL that began after its commit has returned', async () => {
      store = openTempStore();
      let answered = false;
      const done = store.transact((s) => s.appendEvent({ type: 'test.one' })).then(() => { answered = true; });
      await tick();
      await tick();
      assert.equal(store.readEvents(0, 10).length, 1, 'committed (visible) at once');
      assert.equal(fsyncs.pending, 1, 'one fsync of the WAL under way');
      assert.equal(answered, false, 'not acknowledged before that fsync returns');
      await openGate();
      await done;
      assert.equal(answered, true);
    });

    it('batches committed during a running fsync share the next one; the event loop keeps running', async () => {
      store = openTempStore();
      const first = store.transact((s) => s.appendEvent({ type: 'test.first' }));
      await tick();
      await tick();
      const later = [];
      for (let i = 0; i < 3; i++) {
        later.push(store.transact((s) => s.appendEvent({ type: `test.later.${i}` })));
        await tick();
        await tick();
      }
      assert.equal(store.readEvents(0, 10).length, 4, 'three more commits while the first fsync runs');
      assert.equal(fsyncs.pending, 1, 'and no second fsync yet');
      await openGate();
      await first;
      assert.equal(fsyncs.pending, 1, 'one fsync for the three batches that waited');
      let laterDone = false;
      Promise.all(later).then(() => { laterDone = true; });
      await tick();
      assert.equal(laterDone, false);
      await openGate();
      await Promise.all(later);
    });

    it('a failed fsync fails its batches, and the store refuses all later work until it is opened again', async () => {
      store = openTempStore();
      let failing = true;
      fs.fsync = (fd, callback) => setImmediate(() => (failing ? callback(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })) : fsyncs.realFsync(fd, callback)));
      await assert.rejects(store.transact((s) => s.appendEvent({ type: 'test.lost' })), { name: 'StoreSyncError', message: /EIO.*restart or redeploy/ });
      // Linux may have dropped the pages a failed fsync did not write; a later fsync that succeeds
      // would not prove them durable.
      failing = false;
      await assert.rejects(store.transact((s) => s.appendEvent({ type: 'test.after' })), { name: 'StoreSyncError' });
      const file = store.file;
      store.close();
      store = openTempStore({ file });
      await store.transact((s) => s.appendEvent({ type: 'test.reopened' }));
      assert.deepEqual(store.readEvents(0, 10).map((e) => e.type).filter((t) => t !== 'test.lost'), ['test.reopened']);
    });
  });

  it('records events with sequence, event time, recorded time, who and payload, committed with their projection', async () => {
    store = openTempStore({ now: () => new Date('2026-11-25T10:00:00.000Z') });
    const event = await store.transact((s) => {
      const e = s.appendEvent({ type: 'test.happened', eventTime: '2026-11-25T09:59:58.000Z', orderId: 'PO-1', operationKey: '0010', workstation: 'WS-1', actor: 'op-7', payload: { n: 1 } });
      return e;
    });
    const [stored] = store.readEvents(0, 10);
    assert.deepEqual(stored, event);
    assert.equal(stored.seq, 1);
    assert.equal(stored.eventTime, '2026-11-25T09:59:58.000Z');
    assert.equal(stored.recordedTime, '2026-11-25T10:00:00.000Z');
    assert.equal(stored.actor, 'op-7');
    assert.match(stored.eventId, /^[0-9a-f-]{36}$/);
  });

  it('refuses to append an event outside a transaction, so no event can commit apart from its state', () => {
    store = openTempStore();
    assert.throws(() => store.appendEvent({ type: 'x' }), /inside MesStore.transact/);
  });

  it('keeps the event log append-only, even for other SQL clients', async () => {
    store = openTempStore();
    await store.transact((s) => s.appendEvent({ type: 'x' }));
    const other = new Database(store.file);
    try {
      assert.throws(() => other.prepare("UPDATE events SET type = 'y'").run(), /append-only/);
      assert.throws(() => other.prepare('DELETE FROM events').run(), /append-only/);
    } finally {
      other.close();
    }
    assert.equal(store.readEvents(0, 10)[0].type, 'x');
  });

  it('commits work submitted in the same tick as one batch, and a failing unit rolls back alone', async () => {
    store = openTempStore();
    let commits = 0;
    const original = store.db.transaction.bind(store.db);
    store.db.transaction = (fn) => { const t = original(fn); commits += 1; return t; };
    const results = await Promise.allSettled([
      store.transact((s) => s.appendEvent({ type: 'a' }).seq),
      store.transact((s) => { s.appendEvent({ type: 'b' }); throw new Error('refused'); }),
      store.transact((s) => s.appendEvent({ type: 'c' }).seq),
    ]);
    assert.equal(commits, 1);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal(results[1].reason.message, 'refused');
    assert.equal(results[2].status, 'fulfilled');
    assert.deepEqual(store.readEvents(0, 10).map((e) => e.type), ['a', 'c']);
  });

  it('resolves only after the commit: the data is visible to another connection by then', async () => {
    store = openTempStore();
    const file = store.file;
    await store.transact((s) => s.appendEvent({ type: 'durable' }));
    const other = new Database(file, { readonly: true });
    try {
      assert.equal(other.prepare('SELECT COUNT(*) AS n FROM events').get().n, 1);
    } finally {
      other.close();
    }
  });

  it('flushes pending work on close and refuses work after it', async () => {
    store = openTempStore();
    const file = store.file;
    const pending = store.transact((s) => s.appendEvent({ type: 'last' }).seq);
    store.close();
    assert.equal(await pending, 1);
    await assert.rejects(store.transact(() => 1), StoreClosedError);
    store = MesStore.open(file, { components: ALL_COMPONENTS });
    assert.equal(store.lastSeq(), 1);
  });

  describe('schema migrations', () => {
    it('upgrades an older database in place, keeping its data', () => {
      const file = tempDbFile();
      const v1 = MesStore.open(file, { components: [...ALL_COMPONENTS, widgets([1])] });
      v1.db.prepare("INSERT INTO widgets (id) VALUES ('w1')").run();
      v1.close();
      store = MesStore.open(file, { components: [...ALL_COMPONENTS, widgets([1, 2])] });
      assert.deepEqual(store.db.prepare('SELECT id, colour FROM widgets').all(), [{ id: 'w1', colour: null }]);
      assert.equal(store.db.prepare("SELECT version FROM mes_schema WHERE component = 'widgets'").get().version, 2);
    });

    it('refuses a database written by a newer release, naming the component and versions, and changes nothing', () => {
      const file = tempDbFile();
      MesStore.open(file, { components: [...ALL_COMPONENTS, widgets([1, 2])] }).close();
      const before = fs.readFileSync(file);
      assert.throws(() => MesStore.open(file, { components: [...ALL_COMPONENTS, widgets([1])] }),
        (err) => err instanceof StoreVersionError && /'widgets' is at version 2, newer than version 1/.test(err.message));
      assert.throws(() => MesStore.open(file, { components: ALL_COMPONENTS }),
        (err) => err instanceof StoreVersionError && /'widgets'.*newer release/.test(err.message));
      assert.ok(fs.readFileSync(file).equals(before));
    });
  });

  describe('shared connections', () => {
    it('gives every node of one database file the same connection and closes it with the last user', () => {
      const file = tempDbFile();
      const a = acquireStore(file, { components: ALL_COMPONENTS });
      const b = acquireStore(file, { components: ALL_COMPONENTS });
      assert.equal(a.store, b.store);
      a.release();
      assert.ok(b.store.isOpen, 'a store in use is never closed under a running node');
      b.release();
      assert.equal(b.store.isOpen, false);
      const c = acquireStore(file, { components: ALL_COMPONENTS });
      assert.ok(c.store.isOpen, 'reopens cleanly after a full redeploy');
      c.release();
    });

    it('ignores a second release of the same lease', () => {
      const file = tempDbFile();
      const a = acquireStore(file, { components: ALL_COMPONENTS });
      const b = acquireStore(file, { components: ALL_COMPONENTS });
      a.release();
      a.release();
      assert.ok(b.store.isOpen);
      b.release();
    });
  });
});
