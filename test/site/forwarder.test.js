// Lines forwarding their event logs to the site's PostgreSQL (npm run test:site: needs
// PostgreSQL binaries, see docs/site.md). Two line stores forward to one site database.
const assert = require('node:assert/strict');
const { SiteForwarder, resetSiteCursor, siteOee, traceLot, orderAcrossLines, auditTrail, migrateSite, SITE_MIGRATIONS } = require('../../dist/lib/site');
const { startPostgres, waitFor } = require('../support/postgres');
const site = require('../support/site');

describe('site forwarder (PostgreSQL)', function () {
  this.timeout(60000);
  let pg;
  let databases = 0;
  const cleanups = [];

  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.destroy());
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()();
    if (pg && !pg.running) pg.start();
  });

  async function siteDb() {
    databases += 1;
    const connection = await pg.createDatabase(`site_${databases}`);
    const pool = pg.pool({ database: connection.database });
    cleanups.push(() => pool.end());
    return pool;
  }

  function line(name, area = 'assembly') {
    const store = site.openLine();
    cleanups.push(() => store.close());
    return { name, area, store };
  }

  function forwarder(pool, l, options = {}) {
    const f = new SiteForwarder(l.store, pool, { site: 'plant1', area: l.area, line: l.name, pollIntervalMs: 20, backoff: { baseMs: 20, maxMs: 200 }, ...options });
    f.start();
    cleanups.push(() => f.stop());
    return f;
  }

  const caughtUp = (f) => () => { const m = f.metrics(); return m.eventsBehind === 0 && m.siteReachable === true && m; };

  async function siteRows(pool, lineName) {
    const { rows } = await pool.query('SELECT seq, event_id FROM site_events WHERE line = $1 ORDER BY seq', [lineName]);
    return rows.map((r) => ({ seq: Number(r.seq), eventId: r.event_id }));
  }

  function localRows(store) {
    return store.readEvents(0, 1e9).map((e) => ({ seq: e.seq, eventId: e.eventId }));
  }

  it('two lines forward their logs, in order, with site, area and line, and the orders projection follows', async () => {
    const pool = await siteDb();
    const a = line('lineA', 'assembly');
    const b = line('lineB', 'packing');
    await site.append(a.store, [
      site.orderReceived('ORD-1', 'GEAR', 100, [{ key: '0010', workCenter: 'WC-A' }]),
      site.operationStarted('ORD-1', '0010', 'WS-A1'),
      site.quantityReported('ORD-1', '0010', 'WS-A1', 40, 2),
      site.quantityReported('ORD-1', '0010', 'WS-A1', 55, 3),
    ]);
    await site.append(b.store, [site.orderReceived('ORD-2', 'BOX', 10, [{ key: '0010', workCenter: 'WC-B' }]), site.operationStarted('ORD-2', '0010', 'WS-B1')]);
    const fa = forwarder(pool, a);
    const fb = forwarder(pool, b);
    await waitFor('line A caught up', caughtUp(fa));
    await waitFor('line B caught up', caughtUp(fb));
    assert.deepEqual(await siteRows(pool, 'lineA'), localRows(a.store));
    assert.deepEqual(await siteRows(pool, 'lineB'), localRows(b.store));
    const { rows: where } = await pool.query('SELECT DISTINCT site, area, line FROM site_events ORDER BY line');
    assert.deepEqual(where, [{ site: 'plant1', area: 'assembly', line: 'lineA' }, { site: 'plant1', area: 'packing', line: 'lineB' }]);

    let order = await orderAcrossLines(pool, 'ORD-1');
    assert.equal(order.order.status, 'in_progress');
    assert.deepEqual(order.operations.map((o) => [o.operationKey, o.line, o.workstation, o.state, o.goodQuantity, o.scrapQuantity]),
      [['0010', 'lineA', 'WS-A1', 'running', 95, 5]]);

    // New events are picked up while running.
    await site.append(a.store, [site.operationCompleted('ORD-1', '0010', 'WS-A1', 96, 5)]);
    await waitFor('the completion at the site', async () => (await orderAcrossLines(pool, 'ORD-1')).operations[0].state === 'completed');
    order = await orderAcrossLines(pool, 'ORD-1');
    assert.deepEqual([order.operations[0].goodQuantity, order.operations[0].scrapQuantity], [96, 5]);

    const audit = await auditTrail(pool, { workstation: 'WS-A1', limit: 100 });
    assert.deepEqual(audit.map((e) => e.type), ['operation.started', 'quantity.reported', 'quantity.reported', 'operation.completed']);
    assert.ok(audit.every((e) => e.line === 'lineA' && e.payload.shift === '2026-12-01/early'));
  });

  it('yield reports summed within a batch give the same quantities as applying each event in turn', async () => {
    const pool = await siteDb();
    const a = line('lineA');
    const partial = (orderId, good) => ({ ...site.operationCompleted(orderId, '0010', 'WS-A1', good, 0), payload: { ...site.operationCompleted(orderId, '0010', 'WS-A1', good, 0).payload, final: false } });
    // One batch: ORD-1's partial confirmation (totals) falls between its increments; ORD-2's interleave.
    await site.append(a.store, [
      site.quantityReported('ORD-1', '0010', 'WS-A1', 5, 1),
      site.quantityReported('ORD-2', '0010', 'WS-A2', 3, 0),
      partial('ORD-1', 10),
      site.quantityReported('ORD-1', '0010', 'WS-A1', 2, 0),
      site.quantityReported('ORD-2', '0010', 'WS-A2', 4, 2),
    ]);
    await waitFor('caught up', caughtUp(forwarder(pool, a)));
    const ops = async (id) => (await orderAcrossLines(pool, id)).operations.map((o) => [o.goodQuantity, o.scrapQuantity, o.state, o.workstation]);
    assert.deepEqual(await ops('ORD-1'), [[12, 0, 'running', 'WS-A1']]);
    assert.deepEqual(await ops('ORD-2'), [[7, 2, 'running', 'WS-A2']]);
  });

  it('while PostgreSQL is down the line keeps committing; afterwards the backlog drains: nothing lost, nothing twice, order kept', async () => {
    const pool = await siteDb();
    const a = line('lineA');
    await site.append(a.store, Array.from({ length: 50 }, (_, i) => site.signedOn('WS-A1', i)));
    const fa = forwarder(pool, a, { batchSize: 100 });
    await waitFor('the first events at the site', caughtUp(fa));

    pg.stop('immediate');
    // The line's commits do not wait for the site: these resolve with PostgreSQL down.
    for (let i = 0; i < 10; i += 1) await site.append(a.store, Array.from({ length: 120 }, (_, j) => site.signedOn('WS-A1', 1000 + i * 120 + j)));
    const down = await waitFor('the forwarder to see the site down with a backlog', () => {
      const m = fa.metrics();
      return m.siteReachable === false && m.eventsBehind === 1200 && m;
    });
    assert.ok(down.secondsBehind >= 0);
    assert.match(down.lastError.message, /ECONNREFUSED|connect|terminat|shut/i);

    pg.start();
    const up = await waitFor('the backlog drained', caughtUp(fa));
    assert.equal(up.forwardedSeq, a.store.lastSeq());
    assert.equal(up.secondsBehind, 0);
    const rows = await siteRows(pool, 'lineA');
    assert.deepEqual(rows, localRows(a.store));
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 1250 }, (_, i) => i + 1));
  });

  it('a lot produced on line A and consumed on line B traces across both lines, backward and forward', async () => {
    const pool = await siteDb();
    const a = line('lineA');
    const b = line('lineB', 'packing');
    await site.append(a.store, [
      { type: 'lot.received', workstation: 'WS-A1', payload: { material: 'STEEL', lot: 'S-1', quantity: 500, unit: 'KG' } },
      { type: 'material.consumed', orderId: 'ORD-A', operationKey: '0010', workstation: 'WS-A1', payload: { material: 'STEEL', lot: 'S-1', quantity: 50, unit: 'KG', backflush: false } },
      { type: 'material.produced', orderId: 'ORD-A', operationKey: '0010', workstation: 'WS-A1', payload: { material: 'GEAR', lot: 'G-1', quantity: 100, unit: 'PCE' } },
    ]);
    await site.append(b.store, [
      { type: 'material.consumed', orderId: 'ORD-B', operationKey: '0010', workstation: 'WS-B1', payload: { material: 'GEAR', lot: 'G-1', quantity: 100, unit: 'PCE', backflush: false } },
      { type: 'material.consumed', orderId: 'ORD-B', operationKey: '0010', workstation: 'WS-B1', payload: { material: 'OIL', quantity: 1, unit: 'L', backflush: true } },
      { type: 'material.produced', orderId: 'ORD-B', operationKey: '0010', workstation: 'WS-B1', payload: { material: 'GEARBOX', serials: ['GB-1', 'GB-2'], quantity: 2, unit: 'PCE' } },
    ]);
    await waitFor('line A caught up', caughtUp(forwarder(pool, a)));
    await waitFor('line B caught up', caughtUp(forwarder(pool, b)));

    const backward = await traceLot(pool, { lot: 'GB-2', direction: 'backward' });
    assert.deepEqual(backward.links.map((l) => [l.level, l.relation, `${l.from.kind}:${l.from.id}`, `${l.to.kind}:${l.to.id}`, l.line]), [
      [1, 'produced', 'order:ORD-B', 'serial:GB-2', 'lineB'],
      [2, 'consumed', 'lot:G-1', 'order:ORD-B', 'lineB'],
      [2, 'consumed', 'material:OIL', 'order:ORD-B', 'lineB'],
      [3, 'produced', 'order:ORD-A', 'lot:G-1', 'lineA'],
      [4, 'consumed', 'lot:S-1', 'order:ORD-A', 'lineA'],
    ]);
    const forward = await traceLot(pool, { lot: 'S-1', direction: 'forward' });
    assert.deepEqual(forward.links.map((l) => [l.level, `${l.from.kind}:${l.from.id}`, `${l.to.kind}:${l.to.id}`, l.line]), [
      [1, 'lot:S-1', 'order:ORD-A', 'lineA'],
      [2, 'order:ORD-A', 'lot:G-1', 'lineA'],
      [3, 'lot:G-1', 'order:ORD-B', 'lineB'],
      [4, 'order:ORD-B', 'serial:GB-1', 'lineB'],
      [4, 'order:ORD-B', 'serial:GB-2', 'lineB'],
    ]);
  });

  it('site OEE is the sum of the lines\' shift times and counts, with A, P, Q and OEE from the sums', async () => {
    const pool = await siteDb();
    const a = line('lineA', 'assembly');
    const b = line('lineB', 'assembly');
    const c = line('lineC', 'packing');
    const start = '2026-12-01T06:00:00.000Z';
    const end = '2026-12-01T14:00:00.000Z';
    const h = 3600000;
    // [line, workstation, shift ms, break ms, running ms, stopped ms, total, good, ideal ms, ideal good ms]
    const shifts = [
      [a, 'WS-A1', 8 * h, 0.5 * h, 6.5 * h, 1 * h, 1000, 950, 5.0 * h, 4.75 * h],
      [a, 'WS-A2', 8 * h, 0.5 * h, 7.0 * h, 0.5 * h, 2000, 1990, 6.0 * h, 5.97 * h],
      [b, 'WS-B1', 8 * h, 0, 4.0 * h, 4 * h, 300, 120, 3.0 * h, 1.2 * h],
      [c, 'WS-C1', 8 * h, 4 * h, 4.0 * h, 0, 3900, 3900, 3.9 * h, 3.9 * h],
    ];
    for (const [l, ws, shiftMs, breakMs, runningMs, stoppedMs, total, good, idealMs, idealGoodMs] of shifts) {
      await site.append(l.store, [site.shiftClosed(l.name, ws, '2026-12-01/early', start, end, { shiftMs, breakMs, runningMs, stoppedMs, total, good, reject: total - good, idealMs, idealGoodMs })]);
    }
    for (const l of [a, b, c]) await waitFor(`${l.name} caught up`, caughtUp(forwarder(pool, l)));

    // Expected by hand: planned = shift − break; run = planned − stopped; A = Σrun/Σplanned, P = Σideal/Σrun, Q = Σidealgood/Σideal, OEE = Σidealgood/Σplanned.
    const sum = (rows, i) => rows.reduce((s, r) => s + r[i], 0);
    const expected = (rows) => {
      const planned = (sum(rows, 2) - sum(rows, 3)) / 1000;
      const run = planned - sum(rows, 5) / 1000;
      const ideal = sum(rows, 8) / 1000;
      const idealGood = sum(rows, 9) / 1000;
      return { planned, run, total: sum(rows, 6), good: sum(rows, 7), availability: run / planned, performance: ideal / run, quality: idealGood / ideal, oee: idealGood / planned };
    };
    const close = (actual, wanted, what) => assert.ok(Math.abs(actual - wanted) < 1e-12, `${what}: ${actual} ≠ ${wanted}`);
    const check = (row, rows, what) => {
      const e = expected(rows);
      close(row.times.plannedSeconds, e.planned, `${what} planned`);
      close(row.times.runSeconds, e.run, `${what} run`);
      assert.equal(row.counts.total, e.total);
      assert.equal(row.counts.good, e.good);
      for (const k of ['availability', 'performance', 'quality', 'oee']) close(row[k], e[k], `${what} ${k}`);
    };
    const q = { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' };
    const [siteRow] = await siteOee(pool, { level: 'site', ...q });
    check(siteRow, shifts, 'site');
    assert.equal(siteRow.shifts, 4);
    // Not the mean of the lines' OEE: the test would not tell the two apart if they agreed.
    const lines = await siteOee(pool, { level: 'line', ...q });
    assert.deepEqual(lines.map((r) => [r.area, r.line]), [['assembly', 'lineA'], ['assembly', 'lineB'], ['packing', 'lineC']]);
    lines.forEach((row, i) => check(row, shifts.filter((s) => s[0] === [a, b, c][i]), row.line));
    const mean = lines.reduce((s, r) => s + r.oee, 0) / lines.length;
    assert.ok(Math.abs(mean - siteRow.oee) > 0.01, 'the site figure must differ from a mean of percentages here');
    const areas = await siteOee(pool, { level: 'area', ...q });
    assert.deepEqual(areas.map((r) => r.area), ['assembly', 'packing']);
    check(areas[0], shifts.filter((s) => s[0] !== c), 'assembly');
    assert.deepEqual(await siteOee(pool, { level: 'site', from: '2026-12-02T00:00:00Z', to: '2026-12-03T00:00:00Z' }), []);
  });

  it('a reset cursor replays the log without duplicating events or projections', async () => {
    const pool = await siteDb();
    const a = line('lineA');
    await site.append(a.store, [
      site.orderReceived('ORD-1', 'GEAR', 100, [{ key: '0010', workCenter: 'WC-A' }]),
      site.operationStarted('ORD-1', '0010', 'WS-A1'),
      site.quantityReported('ORD-1', '0010', 'WS-A1', 40, 2),
      { type: 'material.produced', orderId: 'ORD-1', operationKey: '0010', workstation: 'WS-A1', payload: { material: 'GEAR', lot: 'G-1', quantity: 40, unit: 'PCE' } },
      site.shiftClosed('lineA', 'WS-A1', '2026-12-01/early', '2026-12-01T06:00:00.000Z', '2026-12-01T14:00:00.000Z', { shiftMs: 8 * 3600000, runningMs: 8 * 3600000, total: 42, good: 40, reject: 2, idealMs: 42000, idealGoodMs: 40000 }),
    ]);
    const first = forwarder(pool, a);
    await waitFor('caught up', caughtUp(first));
    await first.stop();
    const counts = async () => (await pool.query(`SELECT (SELECT COUNT(*) FROM site_events) AS events, (SELECT COUNT(*) FROM site_genealogy_links) AS links,
      (SELECT COUNT(*) FROM site_oee_shifts) AS shifts, (SELECT good_quantity FROM site_operations) AS good`)).rows[0];
    const before = await counts();
    assert.deepEqual(before, { events: '5', links: '1', shifts: '1', good: 40 });

    await resetSiteCursor(pool, 'lineA', 0);
    const replay = forwarder(pool, a);
    // The replay did send every event again (so duplicates were possible) ...
    const m = await waitFor('the replay to finish', () => { const x = replay.metrics(); return x.forwarded === 5 && x.eventsBehind === 0 && x; });
    assert.equal(m.forwardedSeq, 5);
    // ... and the site holds each once, its projections unchanged.
    assert.deepEqual(await counts(), before);
    // A second forwarder of the same line (another process) waits on the cursor lock and adds nothing either.
    const other = new SiteForwarder(a.store, pool, { site: 'plant1', area: 'assembly', line: 'lineA' });
    assert.equal(await other.forwardBatch(), 0);
    assert.deepEqual(await counts(), before);
  });

  it('refuses a cursor ahead of the store (another store forwarding as the same line) and says which field to change', async () => {
    const pool = await siteDb();
    const a = line('lineA');
    await site.append(a.store, [site.signedOn('WS-A1', 1), site.signedOn('WS-A1', 2)]);
    await waitFor('caught up', caughtUp(forwarder(pool, a)));
    const impostor = line('lineA');
    await site.append(impostor.store, [site.signedOn('WS-X', 1)]);
    const f = new SiteForwarder(impostor.store, pool, { site: 'plant1', area: null, line: 'lineA' });
    await assert.rejects(f.forwardBatch(), /^Error: line: the site holds line lineA up to seq 2, but this store .* ends at seq 1/);
  });

  it('refuses a site database written by a newer release', async () => {
    const pool = await siteDb();
    await migrateSite(pool);
    await pool.query("INSERT INTO site_schema_version (version, description) VALUES (99, 'from the future')");
    await assert.rejects(migrateSite(pool), new RegExp(`schema is at version 99, newer than version ${SITE_MIGRATIONS.length} `));
  });
});
