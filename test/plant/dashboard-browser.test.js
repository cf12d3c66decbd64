// The dashboards in a real browser: headless Debian chromium driven by playwright-core, against
// npm start's runtime with the demo plant and a dashboard login. Screenshots go to test-artifacts/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startRuntime, freePort, repoRoot } = require('../support/runtime');

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');
const TOKEN = 'browser-test-token';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function waitFor(check, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('dashboards in headless chromium', function () {
  this.timeout(180000);
  let runtime;
  let browser;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    runtime = await startRuntime({
      env: {
        MES_API_TOKEN: TOKEN,
        MES_PLC_SIM: 'on',
        MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
        MES_MQTT_BROKER: 'on',
        MES_DEMO_ORDERS: 'on',
        // anna: a plain demo password; sam: a bcrypt hash of "sam-secret"
        MES_DASHBOARD_USERS: 'anna:anna-secret,sam:$2b$10$i0GLBJ6SGEtdQ77Z26tTR.VIyRNdWTJemVaTkcXk61IuVjwxykGOW',
      },
    });
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs });
  });
  after(async () => {
    if (browser) await browser.close();
    if (runtime) await runtime.stop();
  });

  async function openPage(pagePath, user = 'anna', password = 'anna-secret') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: user, password, send: 'always' } });
    const page = await context.newPage();
    await page.goto(`${runtime.url}/dashboard/${pagePath}`);
    return page;
  }

  it('refuses the dashboard without a login, and a wrong password', async () => {
    assert.equal((await fetch(`${runtime.url}/dashboard/supervisor`)).status, 401);
    const wrong = Buffer.from('anna:nope').toString('base64');
    assert.equal((await fetch(`${runtime.url}/dashboard/supervisor`, { headers: { authorization: `Basic ${wrong}` } })).status, 401);
    const hashed = Buffer.from('sam:sam-secret').toString('base64');
    assert.equal((await fetch(`${runtime.url}/dashboard/supervisor`, { headers: { authorization: `Basic ${hashed}` } })).status, 200);
  });

  it('signs the logged-in operator on at a workstation page', async () => {
    const page = await openPage('operator-WS-10');
    await page.getByRole('button', { name: 'Sign on' }).click();
    await page.getByText('anna', { exact: true }).waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-WS-10.png'), fullPage: true });
    await page.context().close();
  });

  it('shows live machine state and the demo order on the supervisor page', async () => {
    const page = await openPage('supervisor');
    await page.getByText('WS-30').first().waitFor({ timeout: 30000 });
    await page.getByText(/^DEMO-/).first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'supervisor.png'), fullPage: true });
    await page.context().close();
  });

  it('switches the mock ERP down and up from the supervisor page', async () => {
    const page = await openPage('supervisor');
    const erpUp = async () => (await (await fetch(`${runtime.url}/mock-erp/received`)).json()).up;
    await page.getByText('Mock ERP up').waitFor();
    await page.locator('.nrdb-ui-switch input').first().click();
    await waitFor(async () => (await erpUp()) === false, 'the mock ERP to go down');
    await page.getByText(/DOWN/).waitFor();
    await page.locator('.nrdb-ui-switch input').first().click();
    await waitFor(async () => (await erpUp()) === true, 'the mock ERP to come back');
    await page.context().close();
  });

  it('shows the trace page', async () => {
    const page = await openPage('trace');
    await page.getByText('Trace a lot').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'trace.png'), fullPage: true });
    await page.context().close();
  });
});
