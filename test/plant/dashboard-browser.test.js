// The dashboards in a real browser: headless Chromium (test/support/browser.js) driven by
// playwright-core, against npm start's runtime with the demo plant and a dashboard login.
// Screenshots go to test-artifacts/ (docs/images/ holds copies for the README).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startRuntime, freePort, repoRoot, adminUrl } = require('../support/runtime');
const { waitFor, seedWithEarlyStop } = require('../support/plant');
const { deployWith, plantOf, ALWAYS_PLANNED_SHIFTS } = require('../support/flows');
const { launchChromium } = require('../support/browser');
const { execFileSync } = require('node:child_process');

const ARTIFACTS = path.join(repoRoot, 'test-artifacts');
const TOKEN = 'browser-test-token';
const SUPERVISOR_TOKEN = 'browser-test-supervisor-token';
// the signing account's password: entered on the page, and to be found nowhere afterwards
const SIGNING_PASSWORD = 'lena-signs-4711';


describe('dashboards in headless chromium', function () {
  this.timeout(180000);
  let runtime;
  let browser;

  before(async function () {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    runtime = await startRuntime({
      env: {
        MES_API_TOKEN: TOKEN,
        MES_SUPERVISOR_TOKEN: SUPERVISOR_TOKEN,
        MES_PLC_SIM: 'on',
        MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
        MES_MQTT_BROKER: 'on',
        MES_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
        // WS-10 (ideal cycle 4 s) stops for 30 s or more early in the run, and a stop is downtime to
        // classify after 5 s: the downtime test has a real stop without waiting long for one. The
        // stop begins 30 to 90 s after the simulator starts, after the redeploy of before(): a stop
        // that begins while the flows restart reaches OEE only as the state at resubscription,
        // stamped before OEE's clock, and is taken as late.
        MES_PLC_SIM_SEED: String(seedWithEarlyStop('WS-10', 4, 90000, 30000, 30000)),
        MES_OEE_MICRO_STOP_SECONDS: '5',
        // anna: a plain demo password; sam: a bcrypt hash of "sam-secret"
        MES_DASHBOARD_USERS: 'anna:$2b$04$Ec.33szcHlcKyFP2T1dXq.Ui5sb9GUukSbXEVF6l1cuBocZDd9JEC,sam:$2b$10$i0GLBJ6SGEtdQ77Z26tTR.VIyRNdWTJemVaTkcXk61IuVjwxykGOW',
      },
    });
    // A calendar without breaks, so OEE has planned time whenever the test runs; and a fourth
    // workstation added to the plant model only (no PLC): it gets a place on the operator page.
    await deployWith(runtime, {
      change(flows) {
        const plant = plantOf(flows);
        plant.shifts = ALWAYS_PLANNED_SHIFTS;
        plant.workstations.push({ id: 'WS-40', name: 'Packing', area: 'assembly', line: 'line-1', workCenters: ['WC-WS-40'], signalSource: 'none', counting: 'manual' });
        // and a fifth for the quality page's test, whose checks need an operation of their own
        plant.workstations.push({ id: 'WS-50', name: 'Gauging', area: 'assembly', line: 'line-1', workCenters: ['WC-WS-50'], signalSource: 'none', counting: 'manual' });
        // releasing a hold is signed here (the supervisor page's test)
        flows.find((n) => n.id === 'mes-signatures-main').actions.push('hold.release');
      },
    });
    browser = await launchChromium();
  });
  after(async () => {
    if (browser) await browser.close();
    if (runtime) await runtime.stop();
  });

  // A failure leaves a screenshot of each page still open and what the runtime printed.
  const openPages = new Set();
  afterEach(async function () {
    if (this.currentTest.state === 'failed') {
      let i = 0;
      for (const page of openPages) {
        if (!page.isClosed()) await page.screenshot({ path: path.join(ARTIFACTS, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}-${++i}.png`), fullPage: true }).catch(() => {});
      }
      console.error(runtime.output().slice(-5000));
    }
    openPages.clear();
  });

  /**
   * Picks an option of a dropdown the way a user does: opens it, and opens it again if the menu
   * came up before its options had arrived (a menu opened on an empty list stays empty).
   */
  async function choose(page, field, option) {
    const item = page.getByRole('option', { name: option });
    await waitFor(async () => {
      await field.click({ force: true });
      if (await item.waitFor({ timeout: 3000 }).then(() => true, () => false)) return true;
      await page.keyboard.press('Escape');
      return false;
    }, `the option ${option}`, 30000);
    await item.click();
  }

  async function openPage(pagePath, user = 'anna', password = 'anna-secret') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: user, password, send: 'always' } });
    const page = await context.newPage();
    openPages.add(page);
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

  it('signs the logged-in operator on at the workstation the page was opened for', async () => {
    const page = await openPage('operator?workstation=WS-10');
    await page.locator('#nrdb-ui-widget-ui-operator-current').getByText(/WS-10/).first().waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Sign on' }).click();
    await page.locator('#nrdb-ui-widget-ui-operator-who').getByText('anna', { exact: true }).waitFor({ timeout: 20000 });
    await page.context().close();
  });

  it('offers every workstation of the plant model on the one operator page, the added one too', async () => {
    const order = {
      orderId: 'PO-BROWSER-40', plant: 'demo-site', material: 'FG-100', quantity: { value: 5, unit: 'PCE' },
      scheduledStart: '2026-01-01T06:00:00Z', scheduledEnd: '2026-01-01T14:00:00Z', priority: 1,
      operations: [{ key: '0010', sequence: 10, description: 'Pack', workCenter: 'WC-WS-40', plannedQuantity: { value: 5, unit: 'PCE' } }],
    };
    const created = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(order) });
    assert.equal(created.status, 201, await created.text());
    // sam: anna is signed on at WS-10 already, and an operator is signed on at one workstation at a time
    const page = await openPage('operator', 'sam', 'sam-secret');
    await page.locator('#nrdb-ui-widget-ui-operator-workstation').click();
    for (const ws of ['WS-10 · Turning', 'WS-20 · Milling', 'WS-30 · Assembly']) await page.getByRole('option', { name: ws }).waitFor({ timeout: 20000 });
    await page.getByRole('option', { name: 'WS-40 · Packing' }).click();
    const current = page.locator('#nrdb-ui-widget-ui-operator-current');
    await current.getByText(/WS-40 · next: PO-BROWSER-40 · 0010/).waitFor({ timeout: 40000 });
    await page.getByRole('button', { name: 'Sign on' }).click();
    await page.locator('#nrdb-ui-widget-ui-operator-who').getByText('sam', { exact: true }).waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Start' }).click();
    await current.getByText(/running/).waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator.png'), fullPage: true });
    await page.context().close();
  });

  it('shows the plant model in the editor, edited with lists, not JSON', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${adminUrl(runtime)}/`);
    await page.waitForFunction(() => globalThis.RED && globalThis.RED.nodes && globalThis.RED.nodes.node('plant'), null, { timeout: 60000 });
    await page.evaluate(() => globalThis.RED.editor.editConfig('', 'mes-plant', 'plant'));
    await page.locator('#mes-plant-tabs').getByText('Workstations').click();
    const rows = page.locator('#node-config-input-workstation-list li');
    await waitFor(async () => (await rows.count()) === 5, 'five workstation rows');
    assert.equal(await rows.nth(3).locator('.mes-plant-id').inputValue(), 'WS-40');
    await page.screenshot({ path: path.join(ARTIFACTS, 'plant-model.png') });
    await page.close();
  });

  it('runs an operation from the operator page: start, good and scrap with reason, complete; who is recorded', async () => {
    const order = {
      orderId: 'PO-BROWSER-1', erpReference: 'E-1', plant: 'demo-site', material: 'FG-100', quantity: { value: 10, unit: 'PCE' },
      scheduledStart: '2026-01-01T06:00:00Z', scheduledEnd: '2026-01-01T14:00:00Z', priority: 1,
      operations: [{ key: '0010', sequence: 10, description: 'Press', workCenter: 'WC-WS-10', plannedQuantity: { value: 10, unit: 'PCE' }, idealCycleTimeSeconds: 4, workInstructions: [{ step: 1, text: 'Load the blank' }] }],
    };
    const created = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(order) });
    assert.equal(created.status, 201, await created.text());
    const page = await openPage('operator?workstation=WS-10');
    const current = page.locator('#nrdb-ui-widget-ui-operator-current');
    await current.getByText(/PO-BROWSER-1/).waitFor({ timeout: 40000 });
    await page.getByRole('button', { name: 'Start' }).click();
    await current.getByText(/running/).waitFor({ timeout: 20000 });
    const report = page.locator('#nrdb-ui-widget-ui-operator-report');
    await report.getByLabel('Good').fill('8');
    await report.getByLabel('Scrap', { exact: true }).fill('1');
    await choose(page, report.getByLabel('Scrap reason'), 'Surface damage');
    await report.getByRole('button', { name: 'submit' }).click();
    // WS-10's simulated machine counts too (booked before each report and the completion), so
    // the operation may hold more good units than the operator's 8; they are checked below.
    await current.getByText(/good ([89]|10) of 10 PCE, scrap [1-9]/).waitFor({ timeout: 20000 });
    const complete = page.locator('#nrdb-ui-widget-ui-operator-complete');
    await complete.getByLabel('Final confirmation').check();
    await complete.getByRole('button', { name: 'submit' }).click();
    const progress = await waitFor(async () => {
      const res = await fetch(`${runtime.url}/mes/v1/orders/PO-BROWSER-1`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = await res.json();
      return body.operations[0].state === 'completed' && body;
    }, 'the operation to complete');
    await page.context().close();
    // who did it: every operator event of this order names the dashboard login; the machine's
    // counts are booked by the MES itself, and the totals are the operator's plus the machine's.
    const db = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    try {
      const events = db.prepare("SELECT type, actor, payload FROM events WHERE order_id = 'PO-BROWSER-1' AND type IN ('operation.started', 'quantity.reported', 'operation.completed') ORDER BY seq").all()
        .map((e) => ({ ...e, payload: JSON.parse(e.payload) }));
      const byOperator = events.filter((e) => e.payload.source !== 'machine');
      assert.deepEqual(byOperator.map((e) => e.type).sort(), ['operation.completed', 'operation.started', 'quantity.reported']);
      for (const e of byOperator) assert.equal(e.actor, 'anna', e.type);
      const reported = byOperator.find((e) => e.type === 'quantity.reported').payload;
      assert.deepEqual([reported.goodQuantity, reported.scrapQuantity], [8, 1]);
      const machine = events.filter((e) => e.type === 'quantity.reported' && e.payload.source === 'machine');
      const sum = (key) => machine.reduce((total, e) => total + e.payload[key], 0);
      assert.equal(progress.operations[0].goodQuantity, 8 + sum('goodQuantity'));
      assert.equal(progress.operations[0].scrapQuantity, 1 + sum('scrapQuantity'));
    } finally {
      db.close();
    }
  });

  it('scans a lot at the workstation and traces it forward to the order on the trace page', async () => {
    // the demo order of this run, whose raw material lot the demo warehouse has delivered
    const db = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    const demo = await waitFor(() => db.prepare("SELECT order_id FROM orders WHERE order_id LIKE 'DEMO-%'").get(), 'the demo order');
    const lot = `RM-BAR-${demo.order_id}`;
    await waitFor(() => db.prepare("SELECT 1 FROM events WHERE type = 'lot.received' AND payload LIKE ?").get(`%${lot}%`), 'the lot to be received');
    db.close();
    const page = await openPage('operator?workstation=WS-10');
    const current = page.locator('#nrdb-ui-widget-ui-operator-current');
    await current.getByText(new RegExp(`next: ${demo.order_id}`)).waitFor({ timeout: 30000 });
    await page.getByRole('button', { name: 'Start' }).click();
    await current.getByText(/running/).waitFor({ timeout: 20000 });
    const scan = page.locator('#nrdb-ui-widget-ui-operator-lot');
    const scanLot = async (scanned) => {
      await scan.getByLabel('Lot').fill(scanned);
      await scan.getByLabel('Material').fill('RM-BAR');
      await scan.getByLabel('Quantity').fill('2.5');
      await scan.getByLabel('Unit').fill('KG');
      await scan.getByRole('button', { name: 'submit' }).click();
    };
    // A lot the warehouse never delivered: the genealogy node refuses it (on the Traceability
    // tab), and the refusal, naming field and rule, comes back to this operator's page.
    await scanLot('RM-BAR-NEVER-DELIVERED');
    await page.getByText(/Refused: .*lot: lot or serial RM-BAR-NEVER-DELIVERED is not known .*\[rule: unknownLot\]/).waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-WS-10-refused-lot.png'), fullPage: true });
    await scanLot(lot);
    await page.context().close();
    const trace = await openPage('trace');
    const form = trace.locator('#nrdb-ui-widget-ui-trace-form');
    await form.getByLabel('Lot').fill(lot);
    await form.getByLabel('Direction').click({ force: true });
    await trace.getByRole('option', { name: 'forward' }).click();
    await form.getByRole('button', { name: 'submit' }).click();
    await trace.locator('#nrdb-ui-widget-ui-trace-result').getByText(demo.order_id).first().waitFor({ timeout: 20000 });
    await trace.screenshot({ path: path.join(ARTIFACTS, 'trace.png'), fullPage: true });
    await trace.context().close();
  });

  it('assigns a reason to the last stop from the operator page; the MES stores it with the operator as actor', async () => {
    const stops = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    await waitFor(() => stops.prepare("SELECT 1 FROM events WHERE type = 'oee.downtime.started' AND workstation = 'WS-10'").get(), 'a recorded stop at WS-10', 120000);
    stops.close();
    const page = await openPage('operator?workstation=WS-10');
    const form = page.locator('#nrdb-ui-widget-ui-operator-downtime');
    await choose(page, form.getByLabel('Reason of the last stop'), 'Mechanical › Jam');
    await form.getByRole('button', { name: 'submit' }).click();
    await page.getByText('stop classified: mechanical/jam').waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-downtime.png'), fullPage: true });
    await page.context().close();
    const db = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    try {
      const event = db.prepare("SELECT workstation, actor, payload FROM events WHERE type = 'oee.downtime.classified' ORDER BY seq DESC").get();
      assert.ok(event, 'an oee.downtime.classified event');
      const downtimeId = JSON.parse(event.payload).downtimeId;
      assert.equal(event.workstation, 'WS-10');
      assert.equal(event.actor, 'anna');
      assert.equal(JSON.parse(event.payload).reason, 'mechanical/jam');
      const downtime = db.prepare('SELECT workstation, reason, classified_by AS classifiedBy FROM oee_downtime WHERE downtime_id = ?').get(downtimeId);
      assert.deepEqual({ ...downtime }, { workstation: 'WS-10', reason: 'mechanical/jam', classifiedBy: 'anna' });
    } finally {
      db.close();
    }
  });

  it('delivers the confirmation to the mock ERP', async () => {
    const delivered = await waitFor(async () => {
      const log = await (await fetch(`${runtime.url}/mock-erp/received`)).json();
      return log.received.find((r) => JSON.stringify(r.body).includes('PO-BROWSER-1'));
    }, 'the confirmation at the mock ERP', 60000);
    assert.ok(delivered.key, 'sent with an idempotency key');
  });

  it('shows live OEE per workstation and line with A, P and Q on the supervisor page', async () => {
    const page = await openPage('supervisor');
    const oee = page.locator('#nrdb-ui-widget-ui-supervisor-oee');
    await oee.getByText('line line-1').waitFor({ timeout: 30000 });
    for (const ws of ['WS-10', 'WS-20', 'WS-30']) await oee.getByText(ws, { exact: true }).waitFor({ timeout: 30000 });
    // a percentage in the A column once run time has accumulated
    await waitFor(async () => /\d+(\.\d)?/.test(await oee.locator('tbody tr').first().locator('td').nth(2).innerText()), 'an availability figure', 60000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'supervisor.png'), fullPage: true });
    await page.context().close();
  });

  it('shows live machine state and the demo order on the supervisor page', async () => {
    const page = await openPage('supervisor');
    // A table cell, exactly: the navigation's hidden tooltip "Operator WS-30" also contains the text.
    await page.locator('table').getByText('WS-30', { exact: true }).first().waitFor({ timeout: 30000 });
    await page.getByText(/^DEMO-/).first().waitFor({ timeout: 30000 });
    await page.context().close();
  });

  it('switches the mock ERP down and up from the supervisor page', async () => {
    const page = await openPage('supervisor');
    const erpUp = async () => (await (await fetch(`${runtime.url}/mock-erp/received`)).json()).up;
    await page.getByText('Mock ERP up (demo)').waitFor();
    await page.locator('.nrdb-ui-switch input').first().click();
    await waitFor(async () => (await erpUp()) === false, 'the mock ERP to go down');
    await page.getByText(/DOWN/).waitFor();
    await page.locator('.nrdb-ui-switch input').first().click();
    await waitFor(async () => (await erpUp()) === true, 'the mock ERP to come back');
    await page.context().close();
  });

  it('shows a control chart with its limits and the flagged point on the quality page once checks are recorded', async () => {
    // an operation at WS-50 (added to the plant model) with a variable check of the shipped SPC
    // characteristic 'bore diameter' (individuals, baseline 20), run over the shop-floor API
    const order = {
      orderId: 'PO-SPC-1', erpReference: 'E-SPC', plant: 'demo-site', material: 'FG-100', quantity: { value: 10, unit: 'PCE' },
      scheduledStart: '2026-01-01T06:00:00Z', scheduledEnd: '2026-01-01T14:00:00Z', priority: 1,
      operations: [{ key: '0010', sequence: 10, description: 'Pack', workCenter: 'WC-WS-50', plannedQuantity: { value: 10, unit: 'PCE' }, idealCycleTimeSeconds: 4,
        qualityChecks: [{ id: 'QC-SPC', characteristic: 'bore diameter', type: 'variable', nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm', frequency: { kind: 'every-n', n: 1 } }] }],
    };
    const post = (url, body) => fetch(`${runtime.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    assert.equal((await post('/mes/v1/orders', order)).status, 201);
    let n = 0;
    const command = async (command, body = {}) => {
      n += 1;
      const res = await post('/mes/v1/workstations/WS-50/commands', { command, commandId: `spc-browser-${n}`, operator: 'op-spc', ...(command === 'sign-on' ? {} : { orderId: 'PO-SPC-1', operationKey: '0010' }), ...body });
      assert.equal(res.status, 200, `${command}: ${await res.text()}`);
    };
    await waitFor(async () => (await post('/mes/v1/workstations/WS-50/commands', { command: 'sign-on', commandId: 'spc-browser-0', operator: 'op-spc' })).status === 200, 'sign-on at WS-50');
    await waitFor(async () => (await post('/mes/v1/workstations/WS-50/commands', { command: 'start', commandId: 'spc-browser-start', operator: 'op-spc', orderId: 'PO-SPC-1', operationKey: '0010' })).status === 200, 'the SPC order queued at WS-50');
    // centre 40, σ 0.01 (MR̄ 0.01128), then 40.04: 4σ above the centre line, inside the specification
    const baseline = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 39.99436 : 40.00564));
    for (const value of [...baseline, 40.012, 40.04]) await command('check', { checkId: 'QC-SPC', value });
    const page = await openPage('quality');
    const chart = page.locator('[data-stream="bore diameter@WS-50"]');
    await chart.locator('.mes-spc-limits').getByText(/UCL 40\.03/).waitFor({ timeout: 30000 });
    await chart.locator('.mes-spc-flagged').first().waitFor({ timeout: 30000 });
    assert.match(await chart.locator('.mes-spc-limits').innerText(), /CL 40 .*LCL 39\.97/);
    assert.equal(await chart.locator('.mes-spc-ucl line').count(), 1);
    await page.getByText('Newest violations').waitFor();
    await page.locator('#nrdb-ui-widget-ui-quality-violations').getByText('one point beyond 3σ').waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality.png'), fullPage: true });
    // a limits change is signed (always): the signer enters user id and password again. A wrong
    // password is refused and the limits stay; the demo's signing account changes them.
    const [, password] = /signing account demo-supervisor \(supervisor\), password (\S+)/.exec(runtime.output()) ?? [];
    assert.ok(password, 'the demo announces its signing account');
    const form = page.locator('#nrdb-ui-widget-ui-quality-limits-form');
    const result = page.locator('#nrdb-ui-widget-ui-quality-limits-result');
    const change = async (secret) => {
      for (const [label, value] of [['Characteristic', 'bore diameter'], ['Workstation', 'WS-50'], ['From subgroup', '1'], ['To subgroup', '20'], ['Reason', 'new gauge'], ['User id', 'demo-supervisor'], ['Password', secret]]) {
        await form.getByLabel(label).fill(value);
      }
      await form.getByRole('button', { name: 'sign and change' }).click();
    };
    await change('not-the-password');
    await result.getByText(/wrongPassword/).waitFor({ timeout: 20000 });
    assert.match(await chart.locator('.mes-spc-limits').innerText(), /limits v1/);
    await change(password);
    await result.getByText(/limits v2 set by demo-supervisor/).waitFor({ timeout: 20000 });
    await chart.locator('.mes-spc-limits').getByText(/limits v2/).waitFor({ timeout: 30000 });
    assert.equal(await form.getByLabel('Password').inputValue(), '', 'the form keeps no password');
    await page.context().close();
  });

  it('releases a hold on the supervisor page only with a valid signature, bound to the release', async () => {
    const order = {
      orderId: 'PO-SIGN-1', plant: 'demo-site', material: 'FG-100', quantity: { value: 5, unit: 'PCE' },
      scheduledStart: '2026-01-01T06:00:00Z', scheduledEnd: '2026-01-01T14:00:00Z', priority: 1,
      operations: [{ key: '0010', sequence: 10, description: 'Pack', workCenter: 'WC-WS-40', plannedQuantity: { value: 5, unit: 'PCE' } }],
    };
    const created = await fetch(`${runtime.url}/mes/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(order) });
    assert.equal(created.status, 201, await created.text());
    // held over the shop-floor API by a supervisor, once dispatch has queued the operation
    const hold = () => fetch(`${runtime.url}/mes/v1/workstations/WS-40/commands`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SUPERVISOR_TOKEN}` },
      body: JSON.stringify({ command: 'hold', commandId: 'sign-browser-hold', orderId: 'PO-SIGN-1', operationKey: '0010', reason: 'gauge out of calibration' }),
    });
    await waitFor(async () => (await hold()).status === 200, 'the hold of PO-SIGN-1');
    // a signing account with the supervisor role, in the store the runtime uses
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'accounts.js'), runtime.env.MES_DB, 'add', 'lena', 'Lena Berg', 'supervisor'],
      { env: { ...process.env, MES_ACCOUNT_PASSWORD: SIGNING_PASSWORD }, stdio: 'pipe' });
    const db = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    const state = () => db.prepare("SELECT state FROM operations WHERE order_id = 'PO-SIGN-1' AND operation_key = '0010'").get().state;
    try {
      const page = await openPage('supervisor');
      const holds = page.locator('#nrdb-ui-widget-ui-supervisor-holds');
      const row = holds.locator('tr', { hasText: 'PO-SIGN-1' });
      await row.getByText('gauge out of calibration').waitFor({ timeout: 30000 });
      const dialog = page.locator('.mes-sign-dialog');
      const release = async (fields) => {
        await row.getByRole('button', { name: 'Release' }).click();
        await dialog.waitFor();
        assert.equal(await dialog.getByLabel('Password').inputValue(), '', 'the password field is empty at every opening');
        for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label).fill(value);
      };
      const submit = () => dialog.getByRole('button', { name: 'sign and release' }).click();
      const answer = holds.locator('.mes-answer');

      // hold.release needs a signature here: refused, naming the field and the rule, still held
      await release({ Reason: 'gauge recalibrated' });
      await submit();
      await answer.getByText(/Refused: .*signature: releasing a hold needs a signature.*\[rule: required\]/).waitFor({ timeout: 20000 });
      assert.equal(state(), 'held');

      await release({ Reason: 'gauge recalibrated', 'User id': 'lena', Password: 'not-her-password' });
      await submit();
      await answer.getByText(/Refused: .*signature\.password: .*\[rule: wrongPassword\]/).waitFor({ timeout: 20000 });
      assert.equal(state(), 'held');
      await row.waitFor();

      await release({ Reason: 'gauge recalibrated', 'User id': 'lena', Password: SIGNING_PASSWORD });
      await dialog.getByRole('radio', { name: 'reviewed' }).check();
      await page.screenshot({ path: path.join(ARTIFACTS, 'supervisor-signing.png') });
      await submit();
      await answer.getByText('release PO-SIGN-1 / 0010: queued, signed by Lena Berg (reviewed)').waitFor({ timeout: 20000 });
      await row.waitFor({ state: 'detached', timeout: 20000 });
      assert.equal(state(), 'queued');
      await page.context().close();

      // the release names the dashboard user as supervisor; the signature follows it, bound to it
      const events = db.prepare("SELECT seq, event_id AS eventId, type, actor, payload FROM events WHERE order_id = 'PO-SIGN-1' ORDER BY seq").all()
        .map((e) => ({ ...e, payload: JSON.parse(e.payload) }));
      const released = events.findIndex((e) => e.type === 'operation.released');
      assert.ok(released >= 0, JSON.stringify(events.map((e) => e.type)));
      assert.equal(events.filter((e) => e.type === 'operation.released').length, 1, 'released once');
      assert.equal(events[released].actor, 'anna');
      assert.equal(events[released].payload.reason, 'gauge recalibrated');
      assert.deepEqual([events[released].payload.signedBy, events[released].payload.meaning], ['Lena Berg', 'reviewed']);
      const signature = events[released + 1];
      assert.equal(signature.type, 'signature.recorded');
      assert.equal(signature.actor, 'lena');
      assert.deepEqual(
        { action: signature.payload.action, printedName: signature.payload.printedName, meaning: signature.payload.meaning, signedEventId: signature.payload.signedEventId, signedSeq: signature.payload.signedSeq },
        { action: 'hold.release', printedName: 'Lena Berg', meaning: 'reviewed', signedEventId: events[released].eventId, signedSeq: events[released].seq },
      );
      const failed = db.prepare("SELECT payload FROM events WHERE type = 'signature.failed'").all().map((e) => JSON.parse(e.payload));
      assert.ok(failed.some((f) => f.userId === 'lena' && f.rule === 'wrongPassword'), 'the wrong password is logged as a failed attempt');
      // neither password is in the event log, nor in what the runtime printed (the refusals' log)
      for (const password of [SIGNING_PASSWORD, 'not-her-password']) {
        assert.equal(db.prepare('SELECT count(*) AS n FROM events WHERE payload LIKE ? OR actor LIKE ?').get(`%${password}%`, `%${password}%`).n, 0, password);
        assert.ok(!runtime.output().includes(password), `${password} in the runtime's output`);
      }
      // the operator page's node takes the supervisor page's answers for none of its business
      assert.doesNotMatch(runtime.output(), /'release' is not an operator terminal input/);
    } finally {
      db.close();
    }
  });

  it('disposes of a nonconformance on the supervisor page with a signature; only then is its hold released', async () => {
    const order = {
      orderId: 'PO-NC-1', plant: 'demo-site', material: 'FG-100', quantity: { value: 5, unit: 'PCE' },
      scheduledStart: '2026-01-01T06:00:00Z', scheduledEnd: '2026-01-01T14:00:00Z', priority: 1,
      operations: [{ key: '0010', sequence: 10, description: 'Pack', workCenter: 'WC-WS-40', plannedQuantity: { value: 5, unit: 'PCE' },
        qualityChecks: [{ id: 'QC-W', characteristic: 'weight', type: 'variable', nominal: 5, lowerLimit: 4.9, upperLimit: 5.1, unit: 'kg', frequency: { kind: 'first-piece' } }] }],
    };
    const post = (url, body, token = TOKEN) => fetch(`${runtime.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    assert.equal((await post('/mes/v1/orders', order)).status, 201);
    const ws40 = (body) => post('/mes/v1/workstations/WS-40/commands', { operator: 'op-nc', ...body });
    await waitFor(async () => (await ws40({ command: 'sign-on', commandId: 'nc-browser-sign-on' })).status === 200, 'sign-on at WS-40');
    // WS-40 still runs the order of an earlier test: a supervisor holds it, so the workstation is free.
    const held = await post('/mes/v1/workstations/WS-40/commands', { command: 'hold', commandId: 'nc-browser-hold-other', orderId: 'PO-BROWSER-40', operationKey: '0010', reason: 'make room' }, SUPERVISOR_TOKEN);
    assert.ok([200, 404, 409].includes(held.status), await held.text());
    let refusal = '';
    await waitFor(async () => {
      const res = await ws40({ command: 'start', commandId: 'nc-browser-start', orderId: 'PO-NC-1', operationKey: '0010' });
      if (res.status !== 200) refusal = await res.text();
      return res.status === 200;
    }, 'PO-NC-1 queued at WS-40').catch((err) => { throw new Error(`${err.message}: ${refusal}`); });
    assert.equal((await ws40({ command: 'check', commandId: 'nc-browser-check', orderId: 'PO-NC-1', operationKey: '0010', checkId: 'QC-W', value: 5.4 })).status, 200);
    const [, password] = /signing account demo-supervisor \(supervisor\), password (\S+)/.exec(runtime.output()) ?? [];
    assert.ok(password, 'the demo announces its signing account');
    const db = new (require('better-sqlite3'))(runtime.env.MES_DB, { readonly: true });
    try {
      const page = await openPage('supervisor');
      // the hold a nonconformance raised is not released before its disposition
      const holdRow = page.locator('#nrdb-ui-widget-ui-supervisor-holds tr', { hasText: 'PO-NC-1' });
      await holdRow.waitFor({ timeout: 30000 });
      await holdRow.getByRole('button', { name: 'Release' }).click();
      const dialog = page.locator('.mes-sign-dialog');
      for (const [label, value] of [['Reason', 'weighed again'], ['User id', 'demo-supervisor'], ['Password', password]]) await dialog.getByLabel(label).fill(value);
      await dialog.getByRole('button', { name: 'sign and release' }).click();
      await page.locator('#nrdb-ui-widget-ui-supervisor-holds .mes-answer').getByText(/Refused: .*\[rule: nonconformanceOpen\]/).waitFor({ timeout: 20000 });

      const ncs = page.locator('#nrdb-ui-widget-ui-supervisor-nonconformances');
      const row = ncs.locator('tr', { hasText: 'PO-NC-1' });
      await row.getByText('weight 5.4 kg outside 4.9..5.1').waitFor({ timeout: 30000 });
      await row.getByRole('button', { name: 'Dispose' }).click();
      await dialog.getByRole('radio', { name: 'scrap' }).check();
      for (const [label, value] of [['Reason', 'overweight, cannot be reworked'], ['User id', 'demo-supervisor'], ['Password', password]]) await dialog.getByLabel(label).fill(value);
      await dialog.getByRole('button', { name: 'sign and dispose' }).click();
      await ncs.locator('.mes-answer').getByText('dispose PO-NC-1 / 0010 QC-W as scrap: held, signed by Demo Supervisor (approved)').waitFor({ timeout: 20000 });
      await row.waitFor({ state: 'detached', timeout: 20000 });
      await page.context().close();

      const events = db.prepare("SELECT seq, event_id AS eventId, type, actor, payload FROM events WHERE order_id = 'PO-NC-1' ORDER BY seq").all().map((e) => ({ ...e, payload: JSON.parse(e.payload) }));
      const raised = events.find((e) => e.type === 'nonconformance.raised');
      const at = events.findIndex((e) => e.type === 'nonconformance.disposed');
      const disposed = events[at];
      assert.deepEqual([disposed.actor, disposed.payload.disposition, disposed.payload.raisedSeq, disposed.payload.signedBy], ['anna', 'scrap', raised.seq, 'Demo Supervisor']);
      assert.deepEqual([events[at + 1].type, events[at + 1].payload.action, events[at + 1].payload.signedSeq], ['signature.recorded', 'nonconformance.dispose', disposed.seq]);
      assert.equal(db.prepare('SELECT count(*) AS n FROM events WHERE payload LIKE ?').get(`%${password}%`).n, 0, 'the password is in no event');
      // now the release goes through
      const release = await post('/mes/v1/workstations/WS-40/commands', { command: 'release', commandId: 'nc-browser-release', orderId: 'PO-NC-1', operationKey: '0010', reason: 'scrapped, go on', signature: { userId: 'demo-supervisor', password, meaning: 'approved' } }, SUPERVISOR_TOKEN);
      assert.equal(release.status, 200, await release.text());
    } finally {
      db.close();
    }
  });

  it('shows the trace page', async () => {
    const page = await openPage('trace');
    await page.getByText('Trace a lot').waitFor();
    await page.context().close();
  });
});
