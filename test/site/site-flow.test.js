// The site server as shipped (flows/site.json, MES_ROLE=site): its HTTP API over the site
// PostgreSQL and the supervisor page in Chromium (npm run test:site).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SiteForwarder, migrateSite } = require('../../dist/lib/site');
const { startPostgres } = require('../support/postgres');
const { startRuntime, repoRoot } = require('../support/runtime');
const { launchChromium } = require('../support/browser');
const site = require('../support/site');

const TOKEN = 'site-flow-token-0123456789';

describe('site server flows (flows/site.json, PostgreSQL, Chromium)', function () {
  this.timeout(120000);
  let pg;
  let pool;
  let runtime;
  let browser;
  const stores = [];
  const today = new Date().toISOString().slice(0, 10);

  async function forwardLine(line, area, events, options = {}) {
    const store = site.openLine();
    stores.push(store);
    await site.append(store, events);
    const f = new SiteForwarder(store, pool, { site: 'plant1', area, line, ...options });
    if (options.batchSize) await f.forwardBatch();
    else while (await f.forwardBatch() > 0);
  }

  const shift = (line, ws, idealGoodHours) => site.shiftClosed(line, ws, `${today}/early`, `${today}T06:00:00Z`, `${today}T14:00:00Z`,
    { shiftMs: 8 * 3600e3, breakMs: 1800e3, total: 100, good: 100, idealMs: idealGoodHours * 3600e3, idealGoodMs: idealGoodHours * 3600e3 });

  before(async () => {
    pg = await startPostgres();
    const { database } = await pg.createDatabase('site_flow');
    pool = pg.pool({ database });
    await migrateSite(pool);
    // OEE 6/7.5 = 80.0 % and 3/7.5 = 40.0 %; lineC forwarded 2 of its 5 events, recorded an hour ago.
    await forwardLine('lineA', 'assembly', [shift('lineA', 'WS-A1', 6)]);
    await forwardLine('lineB', 'packing', [shift('lineB', 'WS-B1', 3)]);
    await forwardLine('lineC', 'packing', Array.from({ length: 5 }, (_, i) => site.signedOn('WS-C1', i)), { batchSize: 2, now: () => Date.now() + 3600e3 });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-site-flow-'));
    const flowFile = path.join(userDir, 'site.json');
    fs.copyFileSync(path.join(repoRoot, 'flows', 'site.json'), flowFile);
    runtime = await startRuntime({
      userDir,
      env: {
        MES_ROLE: 'site', MES_FLOW_FILE: flowFile, MES_SITE_API_TOKEN: TOKEN,
        MES_SITE_PG_HOST: '127.0.0.1', MES_SITE_PG_PORT: String(pg.port), MES_SITE_PG_DATABASE: database, MES_SITE_PG_USER: 'postgres',
      },
    });
  });
  after(async () => {
    await browser?.close();
    await runtime?.stop();
    for (const s of stores) s.close();
    await pool?.end();
    pg?.destroy();
  });

  it('serves the site API with the bearer token and refuses a request without it', async () => {
    const ok = await fetch(`${runtime.url}/mes/v1/site/oee?day=${today}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    const rows = await ok.json();
    assert.deepEqual(rows.map((r) => [r.line, r.oee]), [['lineA', 0.8], ['lineB', 0.4]]);
    const refused = await fetch(`${runtime.url}/mes/v1/site/oee?day=${today}`);
    assert.equal(refused.status, 401);
    const bad = await fetch(`${runtime.url}/mes/v1/site/audit?limit=0`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(bad.status, 400);
    assert.deepEqual((await bad.json()).errors.map((e) => [e.field, e.rule]), [['limit', 'range']]);
  });

  it('the supervisor page shows the OEE of two lines and the lagging line', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${runtime.url}/dashboard/site`);
    const oee = page.locator('#nrdb-ui-widget-ui-site-oee');
    // OEE is the third column (Line, Area, OEE, A, P, Q, Shifts).
    await oee.locator('tr', { hasText: 'lineA' }).locator('td').nth(2).getByText('80.0 %').waitFor({ timeout: 30000 });
    await oee.locator('tr', { hasText: 'lineB' }).locator('td').nth(2).getByText('40.0 %').waitFor({ timeout: 30000 });
    const lagging = page.locator('#nrdb-ui-widget-ui-site-lines');
    await lagging.getByText('lineC', { exact: true }).waitFor({ timeout: 30000 });
    assert.equal(await lagging.getByText('lineA', { exact: true }).count(), 0);
  });
});
