/* global document */
// The reference page in a real browser (Chromium) against the real runtime: the page loads with
// no token and no CDN, refuses a wrong token, and with a good one shows every documented
// operation with the token set in Swagger UI's Authorize, under the page's strict CSP.
const assert = require('node:assert/strict');
const { startRuntime } = require('../support/runtime');
const { launchChromium } = require('../support/browser');

const TOKEN = 'page-test-operator-token';

describe('API reference page (/mes/v1/docs) in Chromium', function () {
  this.timeout(120000);
  let runtime, browser;

  before(async () => {
    runtime = await startRuntime({ env: { MES_OPERATOR_TOKEN: TOKEN, MES_API_TOKEN: 'page-test-integration-token' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('asks for a token, refuses a wrong one, and shows every operation, authorized, with a good one', async () => {
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (err) => problems.push(err.message));
    const foreign = [];
    page.on('request', (req) => { if (!req.url().startsWith(runtime.url)) foreign.push(req.url()); });
    const res = await page.goto(`${runtime.url}/mes/v1/docs`);
    assert.equal(res.status(), 200);
    await page.fill('#mes-token', 'wrong-token');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('mes-token-message').textContent === 'The token was refused.');
    problems.length = 0; // the browser logs the refused fetch (401) as a console error
    await page.fill('#mes-token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('.opblock');
    const doc = await (await fetch(`${runtime.url}/mes/v1/openapi.json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    const documented = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length === n, documented);
    assert.ok(await page.$('.auth-wrapper .authorize.locked'), 'the token is not set in Authorize');
    assert.equal(page.url(), `${runtime.url}/mes/v1/docs`); // the token never went into the URL
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  });
});
