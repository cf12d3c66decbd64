// The line API's reads and supervisor actions in the real runtime (npm start's script, the
// shipped flows): OEE now, per shift and per day; downtime and its classification; the ERP
// outbox's quarantine with retry and discard against an ERP that refuses and then accepts; lot
// scans at a workstation. Each family also gets 40+ malformed requests generated from its
// schemas: every one a 4xx naming the field and the rule, nothing changed, the runtime alive.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const fc = require('fast-check');
const { startRuntime } = require('../support/runtime');
const { validOrder } = require('../support/orders');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { parsePlantModel, oeeConfigForLine } = require('../../dist/lib/plant');
const { OeeEngine, OeeRecorder, OeeRepository, parseOeeConfig, commitTiming } = require('../../dist/lib/oee');
const { applyCommand } = require('../../dist/lib/genealogy');
const { addAccount } = require('../../dist/lib/compliance');
const { SCAN_LOT_SCHEMA } = require('../../dist/lib/api/routes/shopfloor');
const { OEE_ROUTES } = require('../../dist/lib/api/routes/oee');

const TOKENS = { integration: 'la-integration-token-0123', supervisor: 'la-supervisor-token-0123', operator: 'la-operator-token-01234' };
const SUBJECTS = { supervisor: 'supervisor', operator: 'operator' };
const MINUTE = 60000;
const DAY_1 = Date.parse('2026-11-30T06:00:00Z');
const END = Date.parse('2026-12-01T22:00:00Z');
/** WS-10 faults for 12 minutes each day at 08:00, the same stop the downtime tests classify. */
const faultAt = (t) => { const m = ((t - DAY_1) % (24 * 60 * MINUTE)) / MINUTE; return m >= 120 && m < 132; };

/** Two days of WS-10 and WS-30 signals through the real OEE engine into the line's store, as mes-oee writes them. */
async function recordTwoDays(store, flows) {
  const plant = parsePlantModel(flows.find((n) => n.type === 'mes-plant'));
  const config = parseOeeConfig(oeeConfigForLine(plant, 'line-1', { microStopSeconds: 120, signalTimeoutSeconds: 300 }));
  const engine = new OeeEngine(config);
  const repo = new OeeRepository(store, 'line-1');
  const recorder = new OeeRecorder(store, engine, repo, { checkpointMs: 0, ...commitTiming('durable'), onEvents: () => {} });
  const counts = { 'WS-10': 0, 'WS-30': 0 };
  for (let t = DAY_1; t <= END; t += MINUTE) {
    for (const ws of Object.keys(counts)) {
      const faulted = ws === 'WS-10' && faultAt(t);
      if (!faulted) counts[ws] += ws === 'WS-10' ? 14 : 13;
      recorder.signal(engine.indexOf(ws), t, faulted ? 'faulted' : 'running', faulted ? 'E-17' : null, counts[ws], Math.floor(counts[ws] / 100));
    }
    if ((t - DAY_1) % (60 * MINUTE) === 0) await recorder.persist();
  }
  engine.advance(END + MINUTE);
  recorder.checkpointNext();
  await recorder.persist();
}

/** An ERP that refuses every actual for good (422) until told to accept; it keeps what it accepted, by idempotency key. */
async function startRefusingErp() {
  const erp = { accept: false, accepted: [], refused: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const key = req.headers['idempotency-key'] || (() => { try { return JSON.parse(body).eventId; } catch { return undefined; } })();
      (erp.accept ? erp.accepted : erp.refused).push({ key, body });
      res.writeHead(erp.accept ? 200 : 422, { 'content-type': 'application/json' });
      res.end(erp.accept ? '{"ok":true}' : '{"error":"material master missing"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  erp.url = `http://127.0.0.1:${server.address().port}`;
  erp.stop = () => new Promise((resolve) => server.close(resolve));
  return erp;
}

describe('line API in the real runtime: OEE, downtime, quarantine, lot scans', function () {
  this.timeout(240000);
  let runtime;
  let erp;

  before(async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-line-api-'));
    const flows = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'flows', 'flows.json'), 'utf8'));
    const store = MesStore.open(path.join(userDir, 'mes', 'mes.db'), { components: ALL_COMPONENTS });
    try {
      await recordTwoDays(store, flows);
      await store.transact((s) => applyCommand(s, { action: 'receive', lot: 'RM-SCAN-1', material: 'RM-BAR', quantity: 50, unit: 'KG', actor: 'wh:dan' }));
      // A signing account for the shipped signatures node (npm run accounts makes them in a plant).
      await addAccount(store, { userId: 'sup-bo', printedName: 'Bo Supervisor', roles: ['supervisor'], password: 'correct horse' }, 4);
    } finally {
      store.close();
    }
    erp = await startRefusingErp();
    runtime = await startRuntime({
      userDir,
      env: {
        MES_API_TOKEN: TOKENS.integration, MES_SUPERVISOR_TOKEN: TOKENS.supervisor, MES_OPERATOR_TOKEN: TOKENS.operator,
        MES_DEMO_ORDERS: 'off', MES_ERP_URL: erp.url, MES_ERP_DIALECT: 'canonical',
      },
    });
  });
  // A failure shows what the runtime printed: a crash must be read, not guessed.
  afterEach(function () {
    if (this.currentTest.state === 'failed' && runtime) console.error(runtime.output().slice(-6000));
  });

  after(async () => {
    if (runtime) await runtime.stop();
    if (erp) await erp.stop();
  });

  async function request(method, p, { role = 'integration', body, raw } = {}) {
    const headers = role ? { authorization: `Bearer ${TOKENS[role]}` } : {};
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${runtime.url}${p}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = text; }
    return { status: res.status, body: parsed };
  }
  const get = (p, role) => request('GET', p, { role });
  async function until(check, what, ms = 30000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await check();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  async function lastSeq() {
    const res = await request('GET', '/mes/v1/events?after=0&limit=1000');
    let page = res.body;
    while (page.hasMore) page = (await request('GET', `/mes/v1/events?after=${page.next}&limit=1000`)).body;
    return page.next;
  }
  /**
   * The events since `after` that a request could have written: the runtime goes on by itself
   * (its outbox delivers the actuals a retry released; demo mode issues orders and receives their lots).
   */
  const byTheRuntime = (e) => String(e.orderId ?? '').startsWith('DEMO-') || e.actor === 'warehouse' || /^(outbox|machine):/.test(String(e.actor ?? ''));
  async function eventsFromRequestsSince(after) {
    const found = [];
    let page = { next: after, hasMore: true };
    while (page.hasMore) {
      page = (await request('GET', `/mes/v1/events?after=${page.next}&limit=1000`)).body;
      found.push(...page.events.filter((e) => !byTheRuntime(e)));
    }
    return found;
  }
  /** A bad request: 4xx, and its error list names the field with the rule. */
  function refusedWith(res, status, field, rule, label) {
    assert.equal(res.status, status, `${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.ok(Array.isArray(res.body.errors) && res.body.errors.some((e) => e.field === field && (rule === undefined || e.rule === rule)),
      `${label}: expected ${field}/${rule}, got ${JSON.stringify(res.body.errors)}`);
  }

  describe('OEE', () => {
    it('answers a day as the sum of its closed shifts: times and counts added, the ratios computed from the sums', async () => {
      // The runtime's wall clock closes the shifts after the recorded ones (no signal: unknown
      // time) on its first ticks; once today's are there, the recorded days are complete.
      await until(async () => (await get('/mes/v1/lines/line-1/oee/shifts?day=2026-12-02', 'operator')).body.shifts?.length > 0, 'the shifts after the recording to close');
      const shifts = await get('/mes/v1/lines/line-1/oee/shifts?limit=1000', 'operator');
      assert.equal(shifts.status, 200, JSON.stringify(shifts.body));
      const days = await get('/mes/v1/lines/line-1/oee/days', 'supervisor');
      assert.equal(days.status, 200);
      const lineDays = days.body.days.filter((d) => d.scope === 'line' && ['2026-11-30', '2026-12-01'].includes(d.day));
      assert.deepEqual(lineDays.map((d) => d.day), ['2026-12-01', '2026-11-30']);
      for (const day of lineDays) {
        const rows = shifts.body.shifts.filter((s) => s.scope === 'line' && s.day === day.day);
        assert.ok(rows.length >= 2, `shifts of ${day.day}`);
        assert.deepEqual([...day.shifts].sort(), rows.map((r) => r.shift).sort());
        const sum = (pick) => rows.reduce((total, r) => total + pick(r), 0);
        assert.equal(day.counts.good, sum((r) => r.counts.good));
        assert.equal(day.counts.total, sum((r) => r.counts.total));
        assert.ok(Math.abs(day.times.plannedSeconds - sum((r) => r.times.plannedSeconds)) < 1e-6);
        assert.ok(Math.abs(day.times.runSeconds - sum((r) => r.times.runSeconds)) < 1e-6);
        // Never the mean of the shifts' percentages: the ratio of the sums.
        assert.ok(Math.abs(day.availability - day.times.runSeconds / day.times.plannedSeconds) < 1e-9);
        assert.ok(day.counts.good > 0 && day.availability < 1, 'the faults cost availability');
      }
      // The line is its workstations summed.
      const ws = days.body.days.filter((d) => d.scope === 'workstation' && d.day === '2026-11-30');
      assert.deepEqual(ws.map((d) => d.subject).sort(), ['WS-10', 'WS-30']);
      assert.equal(lineDays[1].counts.good, ws.reduce((t, d) => t + d.counts.good, 0));
    });

    it('filters shifts and days by workstation and day, and answers now for a workstation and the line', async () => {
      const early = await get('/mes/v1/lines/line-1/oee/shifts?workstation=WS-10&day=2026-11-30&shift=early', 'operator');
      assert.equal(early.status, 200);
      assert.deepEqual(early.body.shifts.map((s) => [s.scope, s.subject, s.shift, s.day]), [['workstation', 'WS-10', 'early', '2026-11-30']]);
      assert.ok(early.body.shifts[0].downtimeReasons.some((r) => r.reason === 'unclassified' && r.seconds === 720));
      const oneDay = await get('/mes/v1/lines/line-1/oee/days?workstation=WS-30&from=2026-12-01&to=2026-12-01', 'operator');
      assert.deepEqual(oneDay.body.days.map((d) => [d.subject, d.day]), [['WS-30', '2026-12-01']]);
      const now = await get('/mes/v1/workstations/WS-10/oee', 'operator');
      assert.equal(now.status, 200);
      assert.equal(now.body.workstation, 'WS-10');
      assert.ok(now.body.time, 'restored from the stored state: it has a clock');
      const line = await get('/mes/v1/lines/line-1/oee', 'operator');
      assert.equal(line.status, 200);
      assert.deepEqual(Object.keys(line.body.states).sort(), ['WS-10', 'WS-30']);
    });
  });

  describe('downtime', () => {
    it('lists the stops with their reasons, and records who classified one and with which reason', async () => {
      const all = await get('/mes/v1/lines/line-1/downtime?workstation=WS-10', 'operator');
      assert.equal(all.status, 200);
      const faults = all.body.downtime.filter((d) => d.state === 'faulted');
      assert.equal(faults.length, 2, JSON.stringify(all.body.downtime));
      assert.ok(faults.every((d) => d.seconds === 720 && d.reason === 'unclassified' && d.faultCode === 'E-17'));
      const [target] = faults;
      const before = await lastSeq();
      const res = await request('POST', `/mes/v1/lines/line-1/downtime/${encodeURIComponent(target.downtimeId)}/classification`, { role: 'operator', body: { reason: ['mechanical', 'jam'] } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.type, 'oee.downtime.classified');
      assert.equal(res.body.actor, SUBJECTS.operator);
      assert.equal(await lastSeq(), before + 1, 'one event');
      const after = await get('/mes/v1/lines/line-1/downtime?workstation=WS-10', 'operator');
      const classified = after.body.downtime.find((d) => d.downtimeId === target.downtimeId);
      assert.equal(classified.reason, 'mechanical/jam');
      assert.equal(classified.classifiedBy, SUBJECTS.operator);
      const open = await get('/mes/v1/lines/line-1/downtime?workstation=WS-10&unclassified=true', 'operator');
      assert.ok(!open.body.downtime.some((d) => d.downtimeId === target.downtimeId));
      assert.ok(open.body.downtime.some((d) => d.downtimeId === faults[1].downtimeId));
    });
  });

  describe('quarantine', () => {
    const ORDERS = ['PO-Q-1', 'PO-Q-2'];
    before(async () => {
      for (const orderId of ORDERS) {
        const order = validOrder({
          orderId,
          operations: [{ key: '0010', sequence: 10, description: 'Turn', workCenter: 'WC-WS-10', plannedQuantity: { value: 10, unit: 'PCE' }, idealCycleTimeSeconds: 4 }],
          components: [],
        });
        assert.equal((await request('POST', '/mes/v1/orders', { body: order })).status, 201);
      }
      await until(async () => (await get('/mes/v1/workstations/WS-10/queue', 'operator')).body.queue.length >= 2, 'the orders to be queued');
      let n = 0;
      const ws10 = (body) => request('POST', '/mes/v1/workstations/WS-10/commands', { role: 'operator', body: { commandId: `q-${++n}`, ...body } })
        .then((r) => assert.equal(r.status, 200, JSON.stringify(r.body)));
      await ws10({ command: 'sign-on', operator: 'quinn' });
      for (const orderId of ORDERS) {
        await ws10({ command: 'start', operator: 'quinn', orderId, operationKey: '0010' });
        await ws10({ command: 'report', operator: 'quinn', orderId, operationKey: '0010', goodQuantity: 3 });
        await ws10({ command: 'complete', operator: 'quinn', orderId, operationKey: '0010', final: true });
      }
      await until(async () => (await get('/mes/v1/outbox/quarantine', 'supervisor')).body.messages?.length === 2, 'one quarantined actual per order');
    });

    it('lists each quarantined actual with the ERP\'s answer, and lets only a supervisor act on it', async () => {
      const q = await get('/mes/v1/outbox/quarantine', 'integration');
      assert.equal(q.status, 200);
      assert.deepEqual(q.body.messages.map((m) => m.orderId).sort(), ORDERS);
      assert.ok(q.body.messages.every((m) => m.erpStatus === '422' && /material master missing/.test(m.erpMessage)), JSON.stringify(q.body.messages));
      assert.equal(q.body.metrics.quarantined, 2);
      const [m] = q.body.messages;
      refusedWith(await request('POST', `/mes/v1/outbox/quarantine/${m.eventId}/retry`, { role: 'operator', body: {} }), 403, 'Authorization', 'role', 'operator retry');
      refusedWith(await request('POST', `/mes/v1/outbox/quarantine/${m.eventId}/discard`, { role: 'integration', body: { reason: 'x' } }), 403, 'Authorization', 'role', 'integration discard');
    });

    it('retries one: the same event id reaches the ERP once it accepts, and the quarantine no longer holds it', async () => {
      const q = await get('/mes/v1/outbox/quarantine', 'supervisor');
      const m = q.body.messages.find((x) => x.orderId === 'PO-Q-1');
      erp.accept = true;
      const res = await request('POST', `/mes/v1/outbox/quarantine/${m.eventId}/retry`, { role: 'supervisor' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.retried, 1);
      await until(() => erp.accepted.some((a) => a.key === m.eventId || a.body.includes(m.eventId)), 'the retried actual at the ERP');
      const after = await get('/mes/v1/outbox/quarantine', 'supervisor');
      assert.deepEqual(after.body.messages.map((x) => x.orderId), ['PO-Q-2']);
      const events = (await request('GET', '/mes/v1/events?type=outbox.retried')).body.events;
      assert.equal(events.at(-1).actor, SUBJECTS.supervisor);
    });

    it('discards one with its reason, who and a signature (the shipped signatures node): recorded, never sent, and refused a second time', async () => {
      const q = await get('/mes/v1/outbox/quarantine', 'supervisor');
      const m = q.body.messages.find((x) => x.orderId === 'PO-Q-2');
      const sentBefore = erp.accepted.length;
      const discard = (signature) => request('POST', `/mes/v1/outbox/quarantine/${m.eventId}/discard`, { role: 'supervisor', body: { reason: 'booked by hand in the ERP', signature } });
      refusedWith(await discard({ userId: 'sup-bo', password: 'wrong password', meaning: 'approved' }), 400, 'signature.password', 'wrongPassword', 'wrong password');
      assert.deepEqual((await get('/mes/v1/outbox/quarantine', 'supervisor')).body.messages.map((x) => x.eventId), [m.eventId], 'still quarantined');
      const res = await discard({ userId: 'sup-bo', password: 'correct horse', meaning: 'approved' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.discarded, m.eventId);
      const [event] = (await request('GET', '/mes/v1/events?type=outbox.discarded')).body.events.slice(-1);
      assert.equal(event.actor, SUBJECTS.supervisor);
      assert.equal(event.payload.eventId, m.eventId);
      assert.equal(event.payload.reason, 'booked by hand in the ERP');
      assert.deepEqual([event.payload.signedBy, event.payload.meaning], ['Bo Supervisor', 'approved']);
      const signatures = (await request('GET', `/mes/v1/events?type=signature.recorded&after=${event.seq - 1}`)).body.events;
      assert.deepEqual([signatures[0].seq, signatures[0].payload.action, signatures[0].payload.signedSeq], [event.seq + 1, 'actual.discard', event.seq]);
      const failed = (await request('GET', '/mes/v1/events?type=signature.failed')).body.events;
      assert.deepEqual(failed.map((e) => [e.payload.action, e.payload.rule]), [['actual.discard', 'wrongPassword']]);
      assert.ok(!JSON.stringify([event, signatures, failed]).includes('correct horse') && !JSON.stringify(failed).includes('wrong password'));
      refusedWith(await request('POST', `/mes/v1/outbox/quarantine/${m.eventId}/discard`, { role: 'supervisor', body: { reason: 'again' } }), 404, 'eventId', 'exists', 'second discard');
      assert.ok(!erp.accepted.slice(sentBefore).some((a) => a.key === m.eventId || a.body.includes(m.eventId)), 'a discarded actual is never sent');
    });
  });

  describe('a signed cancellation (the order API with the shipped signatures node)', () => {
    it('binds the signature to order.cancelled; a wrong password cancels nothing', async () => {
      assert.equal((await request('POST', '/mes/v1/orders', { body: validOrder({ orderId: 'PO-SIG-1' }) })).status, 201);
      const cancel = (signature) => request('POST', '/mes/v1/orders/PO-SIG-1/cancel', { role: 'supervisor', body: { reason: 'customer withdrew', signature } });
      refusedWith(await cancel({ userId: 'sup-bo', password: 'wrong password', meaning: 'approved' }), 400, 'signature.password', 'wrongPassword', 'wrong password');
      assert.equal((await get('/mes/v1/orders/PO-SIG-1')).body.status, 'released');
      const res = await cancel({ userId: 'sup-bo', password: 'correct horse', meaning: 'approved' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const events = (await request('GET', `/mes/v1/events?orderId=PO-SIG-1&after=${res.body.eventSeq - 1}`)).body.events;
      assert.deepEqual(events.map((e) => e.type), ['order.cancelled', 'signature.recorded']);
      assert.deepEqual([events[0].payload.signedBy, events[1].payload.action, events[1].payload.signedSeq], ['Bo Supervisor', 'order.force-cancel', events[0].seq]);
      assert.ok(!JSON.stringify(events).includes('correct horse'));
    });
  });

  describe('lot scans', () => {
    const ORDER = 'PO-SCAN-1';
    let n = 0;
    const scan = (fields = {}) => ({ command: 'scan-lot', commandId: `scan-${++n}`, operator: 'sam', orderId: ORDER, operationKey: '0010', lot: 'RM-SCAN-1', quantity: 2, unit: 'KG', ...fields });
    const send = (body, role = 'operator') => request('POST', '/mes/v1/workstations/WS-30/commands', { role, body });
    before(async () => {
      const order = validOrder({
        orderId: ORDER,
        operations: [{ key: '0010', sequence: 10, description: 'Assemble', workCenter: 'WC-WS-30', plannedQuantity: { value: 10, unit: 'PCE' }, idealCycleTimeSeconds: 4 }],
        components: [{ material: 'RM-BAR', quantity: { value: 25, unit: 'KG' }, operationKey: '0010', lotControlled: true }],
      });
      assert.equal((await request('POST', '/mes/v1/orders', { body: order })).status, 201);
      assert.equal((await send({ command: 'sign-on', commandId: 'scan-sign-on', operator: 'sam' })).status, 200);
    });

    it('books a scanned lot to the operation with the operator as actor; a repeat of its command id books nothing more', async () => {
      const body = scan();
      const first = await send(body);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.duplicate, false);
      assert.equal(first.body.lots[0].onHand, 48);
      const [event] = first.body.events;
      assert.deepEqual([event.type, event.actor, event.workstation, event.orderId], ['material.consumed', 'sam', 'WS-30', ORDER]);
      const before = await lastSeq();
      const again = await send(body);
      assert.equal(again.status, 200);
      assert.equal(again.body.duplicate, true);
      assert.deepEqual(again.body.events.map((e) => e.seq), [event.seq]);
      assert.equal(await lastSeq(), before, 'a repeat appends nothing');
      refusedWith(await send({ ...body, quantity: 3 }), 409, 'commandId', 'commandIdReused', 'same id, another scan');
    });

    it('refuses a scan by an operator who is not signed on there, of a blocked or unknown lot, or beyond what the lot holds', async () => {
      const before = await lastSeq();
      refusedWith(await send(scan({ operator: 'nobody' })), 409, 'operator', 'signedOn', 'not signed on');
      refusedWith(await send(scan({ lot: 'NO-SUCH' })), 400, 'lot', 'unknownLot', 'unknown lot');
      refusedWith(await send(scan({ quantity: 500 })), 409, 'quantity', 'exceedsLotQuantity', 'overdraw');
      refusedWith(await send(scan({ workstation: 'WS-10' })), 400, 'workstation', 'matchesPath', 'another workstation');
      assert.equal(await lastSeq(), before);
    });
  });

  describe('bad input, generated from the schemas: 4xx naming the field and the rule, nothing changed, the runtime alive', () => {
    /** A value that breaks a property's schema, and the rule ajv names for it. */
    function wrongValue(schema) {
      if (!schema || typeof schema !== 'object') return fc.constant({ value: {}, rule: 'type' });
      if (schema.const !== undefined) return fc.constant({ value: `${schema.const}-x`, rule: 'const' });
      if (schema.enum) return fc.constantFrom({ value: 'no-such-unit', rule: 'enum' }, { value: 7, rule: 'enum' });
      if (schema.type === 'number') return fc.constantFrom({ value: '3', rule: 'type' }, { value: 0, rule: 'exclusiveMinimum' }, { value: -5, rule: 'exclusiveMinimum' }, { value: 1e13, rule: 'maximum' });
      if (schema.format === 'date-time') return fc.constantFrom({ value: 'yesterday', rule: 'format' }, { value: 5, rule: 'type' });
      if (schema.pattern) {
        // Only strings the property's own pattern refuses: the schemas differ (an identifier, a free text).
        const breaksPattern = ['-starts-with-dash', 'has space', '   '].filter((v) => !new RegExp(schema.pattern, 'u').test(v));
        const tooLong = schema.maxLength ? [{ value: 'x'.repeat(schema.maxLength + 1), rule: 'maxLength' }] : [];
        return fc.constantFrom({ value: 7, rule: 'type' }, ...breaksPattern.map((value) => ({ value, rule: 'pattern' })), ...tooLong);
      }
      return fc.constantFrom({ value: 7, rule: 'type' }, { value: '', rule: 'minLength' });
    }

    it('lot scans (45 generated from the scan-lot schema)', async () => {
      const base = { command: 'scan-lot', operator: 'sam', orderId: 'PO-SCAN-1', operationKey: '0010', lot: 'RM-SCAN-1', quantity: 1, unit: 'KG' };
      const props = Object.keys(SCAN_LOT_SCHEMA.properties).filter((p) => p !== 'command' && p !== 'workstation');
      const malformed = fc.oneof(
        fc.constantFrom(...SCAN_LOT_SCHEMA.required.filter((p) => p !== 'command')).map((p) => { const body = { ...base }; delete body[p]; return { body, field: p, rule: 'required' }; }),
        fc.constantFrom(...props).chain((p) => wrongValue(SCAN_LOT_SCHEMA.properties[p]).map((w) => ({ body: { ...base, [p]: w.value }, field: p, rule: w.rule }))),
        fc.stringMatching(/^[a-z]{3,10}$/).filter((k) => !(k in SCAN_LOT_SCHEMA.properties)).map((k) => ({ body: { ...base, [k]: 1 }, field: k, rule: 'additionalProperties' })),
      );
      const before = await lastSeq();
      let cases = 0;
      let i = 0;
      await fc.assert(fc.asyncProperty(malformed, async (c) => {
        cases++;
        const body = { commandId: `bad-scan-${++i}`, ...c.body };
        if (c.field === 'commandId') body.commandId = c.body.commandId;
        if (c.field === 'commandId' && c.rule === 'required') delete body.commandId;
        const res = await request('POST', '/mes/v1/workstations/WS-30/commands', { role: 'operator', body });
        refusedWith(res, 400, c.field, c.rule, JSON.stringify(body));
      }), { numRuns: 45 });
      assert.ok(cases >= 45);
      assert.deepEqual(await eventsFromRequestsSince(before), [], 'nothing was booked');
    });

    it('OEE and downtime reads and classifications (50 generated from the query and body schemas)', async () => {
      const readRoutes = OEE_ROUTES.filter((r) => r.method === 'get' && r.query);
      const badQuery = fc.constantFrom(...readRoutes).chain((route) => {
        const p = route.path.replace('{line}', 'line-1');
        const names = Object.keys(route.query);
        return fc.oneof(
          fc.constantFrom(...names).chain((name) => {
            const schema = route.query[name].schema;
            const bad = schema.type === 'integer' ? fc.constantFrom({ v: '0', rule: 'minimum' }, { v: '1.5', rule: 'type' }, { v: 'ten', rule: 'type' }, { v: '100000', rule: 'maximum' })
              : schema.type === 'boolean' ? fc.constantFrom({ v: 'yes', rule: 'type' }, { v: '1', rule: 'type' })
                : schema.format === 'date-time' ? fc.constantFrom({ v: 'tomorrow', rule: 'format' }, { v: '2026-13-01T00:00:00Z', rule: 'format' })
                  : schema.pattern ? fc.constantFrom({ v: '-bad', rule: 'pattern' }, { v: 'a b', rule: 'pattern' }, { v: '', rule: 'pattern' })
                    : fc.constantFrom({ v: 'x'.repeat(65), rule: 'maxLength' });
            return bad.map((b) => ({ method: 'GET', path: `${p}?${name}=${encodeURIComponent(b.v)}`, field: name, rule: b.rule }));
          }),
          fc.stringMatching(/^[a-z]{3,9}$/).filter((k) => !names.includes(k)).map((k) => ({ method: 'GET', path: `${p}?${k}=1`, field: k, rule: 'additionalProperties' })),
          fc.constantFrom(...names).map((k) => ({ method: 'GET', path: `${p}?${k}=1&${k}=2`, field: k, rule: 'type' })),
        );
      });
      const classifyPath = (id) => `/mes/v1/lines/line-1/downtime/${encodeURIComponent(id)}/classification`;
      const badClassify = fc.oneof(
        fc.constantFrom({ body: {}, field: 'reason', rule: 'required' }, { body: { reason: '' }, field: 'reason', rule: 'anyOf' }, { body: { reason: [] }, field: 'reason', rule: 'anyOf' },
          { body: { reason: 7 }, field: 'reason', rule: 'anyOf' }, { body: { reason: 'coffee' }, field: 'reason', rule: 'reasonTree' }, { body: { reason: ['mechanical', 'coffee'] }, field: 'reason', rule: 'reasonTree' }),
        fc.stringMatching(/^[a-z]{3,9}$/).filter((k) => k !== 'reason').map((k) => ({ body: { reason: 'mechanical/jam', [k]: 1 }, field: k, rule: 'additionalProperties' })),
      ).map((c) => ({ method: 'POST', path: classifyPath('WS-10@2026-11-30T08:00:00.000Z'), ...c }));
      const before = await lastSeq();
      const downtimeBefore = (await get('/mes/v1/lines/line-1/downtime', 'operator')).body;
      let cases = 0;
      await fc.assert(fc.asyncProperty(fc.oneof(badQuery, badQuery, badClassify), async (c) => {
        cases++;
        const res = await request(c.method, c.path, { role: 'operator', body: c.body });
        refusedWith(res, 400, c.field, c.rule, `${c.method} ${c.path} ${JSON.stringify(c.body ?? '')}`);
      }), { numRuns: 50 });
      assert.ok(cases >= 50);
      assert.deepEqual(await eventsFromRequestsSince(before), []);
      assert.deepEqual((await get('/mes/v1/lines/line-1/downtime', 'operator')).body, downtimeBefore);
    });

    it('quarantine retries and discards (45 generated)', async () => {
      const uuid = '00000000-0000-4000-8000-000000000000';
      const action = fc.constantFrom('retry', 'discard');
      const bad = fc.oneof(
        fc.tuple(action, fc.constantFrom('not-a-uuid', '1234', 'x'.repeat(40))).map(([a, id]) => ({ path: `/mes/v1/outbox/quarantine/${id}/${a}`, body: a === 'discard' ? { reason: 'x' } : {}, status: 400, field: 'eventId', rule: 'format' })),
        fc.tuple(action, fc.constantFrom('-bad', 'a b', 'x'.repeat(70))).map(([a, name]) => ({ path: `/mes/v1/outbox/quarantine/${uuid}/${a}?outbox=${encodeURIComponent(name)}`, body: a === 'discard' ? { reason: 'x' } : {}, status: 400, field: 'outbox', rule: 'pattern' })),
        fc.constantFrom({ body: {}, field: 'reason', rule: 'required' }, { body: { reason: '' }, field: 'reason', rule: 'minLength' }, { body: { reason: 'x'.repeat(1001) }, field: 'reason', rule: 'maxLength' },
          { body: { reason: 5 }, field: 'reason', rule: 'type' }, { body: { reason: 'x', signature: { userId: 'ann' } }, field: 'signature.password', rule: 'required' },
          { body: { reason: 'x', signature: { userId: 'ann', password: 'p', meaning: 'liked' } }, field: 'signature.meaning', rule: 'enum' })
          .map((c) => ({ path: `/mes/v1/outbox/quarantine/${uuid}/discard`, status: 400, ...c })),
        fc.stringMatching(/^[a-z]{3,9}$/).filter((k) => k !== 'reason' && k !== 'signature').map((k) => ({ path: `/mes/v1/outbox/quarantine/${uuid}/discard`, body: { reason: 'x', [k]: 1 }, status: 400, field: k, rule: 'additionalProperties' })),
        fc.stringMatching(/^[a-z]{3,9}$/).map((k) => ({ path: `/mes/v1/outbox/quarantine/${uuid}/retry`, body: { [k]: true }, status: 400, field: k, rule: 'additionalProperties' })),
        action.map((a) => ({ path: `/mes/v1/outbox/quarantine/${uuid}/${a}`, body: a === 'discard' ? { reason: 'x' } : {}, status: 404, field: 'eventId', rule: 'exists' })),
      );
      const before = await lastSeq();
      let cases = 0;
      await fc.assert(fc.asyncProperty(bad, async (c) => {
        cases++;
        refusedWith(await request('POST', c.path, { role: 'supervisor', body: c.body }), c.status, c.field, c.rule, `${c.path} ${JSON.stringify(c.body)}`);
      }), { numRuns: 45 });
      assert.ok(cases >= 45);
      assert.deepEqual(await eventsFromRequestsSince(before), []);
      assert.equal((await get('/mes/v1/outbox/quarantine', 'supervisor')).status, 200, 'still answering');
    });
  });
});
