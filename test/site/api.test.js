// The site views as HTTP endpoints (lib/api/routes/site.ts, lib/api/handlers/site.ts) over a real
// PostgreSQL (npm run test:site), the projections they read (held/released, line status), and the
// handler as mes-site-query runs it.
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { SiteForwarder, migrateSite } = require('../../dist/lib/site');
const { SITE_ROUTES, SITE_RESPONSE_SCHEMAS, handleSiteApi, siteRouteOf, httpInUrl } = require('../../dist/lib/api');
const { createAjv } = require('../../dist/lib/util/json-schema');
const { startPostgres } = require('../support/postgres');
const site = require('../support/site');

const TOKEN = 'site-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const route = (operationId) => SITE_ROUTES.find((r) => r.operationId === operationId);
const SHIFT = { shiftMs: 8 * 3600e3, breakMs: 1800e3 };

describe('site API (PostgreSQL)', function () {
  this.timeout(60000);
  let pg;
  let pool;
  let database;
  const stores = [];
  const ajv = createAjv();
  const responseValid = Object.fromEntries(Object.entries(SITE_RESPONSE_SCHEMAS).map(([id, schema]) => [id, ajv.compile(schema)]));

  async function forwardAll(store, line, area, options = {}) {
    const f = new SiteForwarder(store, pool, { site: 'plant1', area, line, ...options });
    while (await f.forwardBatch() > 0);
    return f;
  }

  async function call(operationId, { params = {}, query = {}, headers = AUTH } = {}) {
    const result = await handleSiteApi({ pool, token: TOKEN }, route(operationId), { params, query, headers });
    if (result.reply.statusCode === 200) {
      assert.ok(responseValid[operationId](result.reply.body), `${operationId} answer against its schema: ${JSON.stringify(responseValid[operationId].errors)}`);
    }
    return result.reply;
  }

  before(async () => {
    pg = await startPostgres();
    database = (await pg.createDatabase('site_api')).database;
    pool = pg.pool({ database });
    await migrateSite(pool);
    const a = site.openLine();
    const b = site.openLine();
    stores.push(a, b);
    await site.append(a, [
      site.orderReceived('ORD-1', 'GEAR', 10, [{ key: '0010', workCenter: 'WC-A' }, { key: '0020', workCenter: 'WC-B' }]),
      site.operationStarted('ORD-1', '0010', 'WS-A1'),
      { type: 'operation.held', orderId: 'ORD-1', operationKey: '0010', workstation: 'WS-A1', actor: 'sup1', payload: { commandId: 'h1', reason: 'gauge check' } },
      { type: 'operation.held', orderId: 'ORD-1', operationKey: '0020', actor: 'sup1', payload: { commandId: 'h2', reason: 'material missing' } },
      { type: 'operation.released', orderId: 'ORD-1', operationKey: '0010', workstation: 'WS-A1', actor: 'sup1', payload: { commandId: 'r1', reason: 'ok' } },
      { type: 'material.produced', orderId: 'ORD-1', operationKey: '0010', workstation: 'WS-A1', actor: 'op1', payload: { lot: 'LOT-A', material: 'GEAR', quantity: 10, unit: 'PCE' } },
      site.shiftClosed('lineA', 'WS-A1', '2026-12-01/early', '2026-12-01T06:00:00Z', '2026-12-01T14:00:00Z',
        { ...SHIFT, stoppedMs: 3600e3, total: 100, good: 90, reject: 10, idealMs: 3 * 3600e3, idealGoodMs: 2.7 * 3600e3 }),
      { type: 'oee.downtime.ended', workstation: 'WS-A1', payload: { line: 'lineA', downtimeId: 'd1', state: 'faulted', seconds: 2400, reason: null, start: '2026-12-01T07:00:00Z', end: '2026-12-01T07:40:00Z' }, eventTime: '2026-12-01T07:40:00Z' },
      { type: 'oee.downtime.classified', workstation: 'WS-A1', actor: 'op1', payload: { line: 'lineA', downtimeId: 'd1', reason: 'jam' }, eventTime: '2026-12-01T08:00:00Z' },
    ]);
    await site.append(b, [
      { type: 'material.consumed', orderId: 'ORD-2', operationKey: '0010', workstation: 'WS-B1', actor: 'op2', payload: { lot: 'LOT-A', material: 'GEAR', quantity: 10, unit: 'PCE' } },
      { type: 'material.produced', orderId: 'ORD-2', operationKey: '0010', workstation: 'WS-B1', actor: 'op2', payload: { serials: ['SN-1', 'SN-2'], material: 'BOX' } },
      site.shiftClosed('lineB', 'WS-B1', '2026-12-01/early', '2026-12-01T06:00:00Z', '2026-12-01T14:00:00Z',
        { ...SHIFT, stoppedMs: 600e3, total: 50, good: 50, reject: 0, idealMs: 5 * 3600e3, idealGoodMs: 5 * 3600e3 }),
    ]);
    await forwardAll(a, 'lineA', 'assembly');
    await forwardAll(b, 'lineB', 'packing');
  });
  after(async () => {
    for (const s of stores) s.close();
    await pool?.end();
    pg?.destroy();
  });

  it('a held operation is held at the site; released, it returns to where the line returns it (paused if started, else pending)', async () => {
    const reply = await call('siteOrder', { params: { orderId: 'ORD-1' } });
    const byKey = Object.fromEntries(reply.body.operations.map((o) => [o.operationKey, o]));
    assert.equal(byKey['0010'].state, 'paused');
    assert.equal(byKey['0020'].state, 'held');
    const { rows } = await pool.query("SELECT held_reason FROM site_operations WHERE order_id = 'ORD-1' AND operation_key = '0020'");
    assert.equal(rows[0].held_reason, 'material missing');
  });

  it('OEE per line of a day, and the site figure from the summed times, not the mean of the lines', async () => {
    const lines = (await call('siteOee', { query: { day: '2026-12-01' } })).body;
    assert.deepEqual(lines.map((r) => r.line), ['lineA', 'lineB']);
    assert.equal(lines[0].oee, (2.7 * 3600) / (7.5 * 3600));
    assert.equal(lines[1].oee, (5 * 3600) / (7.5 * 3600));
    const [whole] = (await call('siteOee', { query: { level: 'site', from: '2026-12-01', to: '2026-12-02', shift: 'early' } })).body;
    assert.equal(whole.oee, (2.7 * 3600 + 5 * 3600) / (15 * 3600));
    assert.equal((await call('siteOee', { query: { day: '2026-12-02' } })).body.length, 0);
  });

  it('the worst losses: stops by their latest classification, speed and quality from the shifts', async () => {
    const losses = (await call('siteLosses', { query: { from: '2026-12-01', to: '2026-12-02' } })).body;
    assert.deepEqual(losses[0], { line: 'lineA', category: 'speed', reason: 'reduced speed', seconds: 3.5 * 3600 });
    assert.ok(losses.some((l) => l.line === 'lineA' && l.category === 'stop' && l.reason === 'jam' && l.seconds === 2400));
    assert.ok(losses.some((l) => l.line === 'lineA' && l.category === 'quality' && Math.abs(l.seconds - 0.3 * 3600) < 1e-6));
    assert.ok(losses.every((l, i) => i === 0 || losses[i - 1].seconds >= l.seconds));
  });

  it('trace and recall across lines: a lot made on line A and consumed on line B', async () => {
    const backward = (await call('siteTrace', { params: { direction: 'backward', lot: 'SN-1' } })).body;
    assert.ok(backward.links.some((l) => l.line === 'lineA' && l.to.id === 'LOT-A'));
    const recall = (await call('siteRecall', { params: { lot: 'LOT-A' } })).body;
    assert.deepEqual(recall.affected.map((x) => x.id).sort(), ['SN-1', 'SN-2']);
    assert.deepEqual(recall.lines, ['lineB']);
    assert.deepEqual(recall.orders, ['ORD-2']);
  });

  it('the audit trail by actor and time range, across lines', async () => {
    const events = (await call('siteAudit', { query: { actor: 'sup1', limit: '2' } })).body;
    assert.deepEqual(events.map((e) => e.type), ['operation.held', 'operation.held']);
    assert.ok((await call('siteAudit', { query: { workstation: 'WS-B1' } })).body.every((e) => e.line === 'lineB'));
  });

  it('each forwarder writes its lag and heartbeat: a line with old unforwarded events is lagging, a caught-up one is not', async () => {
    const c = site.openLine();
    stores.push(c);
    await site.append(c, Array.from({ length: 5 }, (_, i) => site.signedOn('WS-C1', i)));
    // One batch of 2 of 5 events, seen an hour after they were recorded.
    const f = new SiteForwarder(c, pool, { site: 'plant1', area: 'assembly', line: 'lineC', batchSize: 2, now: () => Date.now() + 3600e3 });
    await f.forwardBatch();
    const status = (await call('siteLines', { query: { lagSeconds: '60' } })).body;
    const byLine = Object.fromEntries(status.map((s) => [s.line, s]));
    assert.equal(byLine.lineC.eventsBehind, 3);
    assert.ok(byLine.lineC.secondsBehind >= 3599);
    assert.equal(byLine.lineC.lagging, true);
    assert.equal(byLine.lineA.eventsBehind, 0);
    assert.equal(byLine.lineA.lagging, false);
    // An old heartbeat alone makes a line lagging.
    await pool.query("UPDATE site_line_status SET heartbeat_at = now() - interval '10 minutes' WHERE line = 'lineA'");
    const later = (await call('siteLines', { query: { heartbeatSeconds: '300' } })).body;
    assert.equal(later.find((s) => s.line === 'lineA').lagging, true);
    await pool.query("UPDATE site_line_status SET heartbeat_at = now() WHERE line = 'lineA'");
  });

  it('refuses a missing or wrong token (401) and everything when no token is configured (503)', async () => {
    assert.equal((await call('siteOee', { query: { day: '2026-12-01' }, headers: {} })).statusCode, 401);
    const wrong = await call('siteOee', { query: { day: '2026-12-01' }, headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.body.errors[0].rule, 'bearerToken');
    const unconfigured = await handleSiteApi({ pool, token: undefined }, route('siteOee'), { params: {}, query: { day: '2026-12-01' }, headers: AUTH });
    assert.equal(unconfigured.reply.statusCode, 503);
  });

  it('answers 400 naming the field and the rule for malformed requests, and the view is unchanged after', async () => {
    const before = JSON.stringify((await call('siteOrder', { params: { orderId: 'ORD-1' } })).body);
    const notDate = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}/.test(s));
    const notWhole = fc.oneof(fc.constant('-1'), fc.constant('1.5'), fc.constant('ten'), fc.constant('99999'), fc.constant('0'));
    const badName = fc.oneof(fc.constant(''), fc.constant('-x'), fc.constant('a b'), fc.constant('x'.repeat(65)), fc.constant("x';DROP"));
    const cases = fc.oneof(
      notDate.map((v) => ({ id: 'siteOee', query: { from: v, to: '2026-12-02' }, field: 'from' })),
      notDate.map((v) => ({ id: 'siteOee', query: { day: v }, field: 'day' })),
      fc.string({ maxLength: 8 }).filter((v) => !['line', 'area', 'site'].includes(v)).map((v) => ({ id: 'siteOee', query: { level: v, day: '2026-12-01' }, field: 'level' })),
      fc.constant({ id: 'siteOee', query: { from: '2026-12-01' }, field: 'to' }),
      fc.constant({ id: 'siteOee', query: { day: ['2026-12-01', '2026-12-02'] }, field: 'day' }),
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['level', 'from', 'to', 'day', 'shift'].includes(k) && /^[a-z]+$/.test(k))
        .map((k) => ({ id: 'siteOee', query: { day: '2026-12-01', [k]: 'x' }, field: k })),
      notWhole.map((v) => ({ id: 'siteLosses', query: { from: '2026-12-01', to: '2026-12-02', limit: v }, field: 'limit' })),
      fc.constant({ id: 'siteLosses', query: { to: '2026-12-02' }, field: 'from' }),
      notWhole.filter((v) => v !== '0' && v !== '99999').map((v) => ({ id: 'siteLines', query: { lagSeconds: v }, field: 'lagSeconds' })),
      fc.constant({ id: 'siteLines', query: { heartbeatSeconds: '0' }, field: 'heartbeatSeconds' }),
      fc.string({ maxLength: 10 }).filter((v) => !['backward', 'forward'].includes(v)).map((v) => ({ id: 'siteTrace', params: { direction: v, lot: 'LOT-A' }, field: 'direction' })),
      badName.map((v) => ({ id: 'siteRecall', params: { lot: v }, field: 'lot' })),
      badName.map((v) => ({ id: 'siteOrder', params: { orderId: v }, field: 'orderId' })),
      notWhole.map((v) => ({ id: 'siteAudit', query: { limit: v }, field: 'limit' })),
      notDate.map((v) => ({ id: 'siteAudit', query: { to: v }, field: 'to' })),
      badName.map((v) => ({ id: 'siteAudit', query: { workstation: v }, field: 'workstation' })),
    );
    let checked = 0;
    await fc.assert(fc.asyncProperty(cases, async (c) => {
      const reply = await call(c.id, { params: c.params, query: c.query });
      assert.equal(reply.statusCode, 400, JSON.stringify(c));
      assert.equal(reply.body.error, 'invalidRequest');
      const named = reply.body.errors.find((e) => e.field === c.field);
      assert.ok(named && named.rule && named.message, `${JSON.stringify(c)} → ${JSON.stringify(reply.body.errors)}`);
      checked += 1;
    }), { numRuns: 120, seed: 17 });
    assert.ok(checked >= 40);
    assert.equal(JSON.stringify((await call('siteOrder', { params: { orderId: 'ORD-1' } })).body), before);
  });

  it('every route has a distinct http in url, and an http in url finds its route', () => {
    const urls = SITE_ROUTES.map((r) => `${r.method} ${httpInUrl(r.path)}`);
    assert.equal(new Set(urls).size, urls.length);
    for (const r of SITE_ROUTES) assert.equal(siteRouteOf('GET', httpInUrl(r.path)), r);
    assert.equal(siteRouteOf('POST', '/mes/v1/site/oee'), undefined);
  });
  // Served by mes-site-query behind real http in nodes: test/site/site-flow.test.js.
});
