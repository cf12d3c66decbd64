// The shop-floor API in the real runtime (npm start's script, the shipped flows): commands over
// HTTP go through the running dispatch node with role-bearing tokens; the queue and the event
// feed read what they did; bad input of every family is refused by field and rule and changes nothing.
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { startRuntime } = require('../support/runtime');
const { validOrder } = require('../support/orders');
const { COMMAND_SCHEMAS } = require('../../dist/lib/dispatch');

const TOKENS = {
  integration: 'integration-token-0123456789',
  supervisor: 'supervisor-token-0123456789',
  operator: 'operator-token-0123456789',
  scanner: 'scanner-token-0123456789ab',
};
const WS = 'WS-10';
const ORDER = 'PO-API-1';

describe('shop-floor API in the real runtime', function () {
  this.timeout(180000);
  let runtime;
  before(async () => {
    runtime = await startRuntime({
      env: {
        MES_API_TOKEN: TOKENS.integration,
        MES_SUPERVISOR_TOKEN: TOKENS.supervisor,
        MES_OPERATOR_TOKEN: TOKENS.operator,
        MES_API_TOKENS: `operator:scanner-3:${TOKENS.scanner}`,
        MES_DEMO_ORDERS: 'off',
      },
    });
    const order = validOrder({
      orderId: ORDER,
      operations: [{ key: '0010', sequence: 10, description: 'Turn', workCenter: 'WC-WS-10', plannedQuantity: { value: 100, unit: 'PCE' }, idealCycleTimeSeconds: 4 }],
      components: [],
    });
    const res = await request('POST', '/mes/v1/orders', { token: TOKENS.integration, body: order });
    assert.ok([200, 201].includes(res.status), JSON.stringify(res.body));
    await until(async () => (await queue()).queue.some((q) => q.orderId === ORDER), 'the order to be queued at WS-10');
  });
  after(async () => runtime && runtime.stop());

  async function request(method, path, { token, body, raw, contentType = 'application/json' } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${runtime.url}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = text; }
    return { status: res.status, headers: res.headers, body: parsed };
  }
  async function until(check, what) {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const command = (body, token = TOKENS.operator, ws = WS) => request('POST', `/mes/v1/workstations/${ws}/commands`, { token, body });
  const queue = async () => (await request('GET', `/mes/v1/workstations/${WS}/queue`, { token: TOKENS.operator })).body;
  /** Every event of the log, by paging the feed. */
  async function allEvents(query = '') {
    const events = [];
    let after = 0;
    for (;;) {
      const page = await request('GET', `/mes/v1/events?after=${after}&limit=1000${query}`, { token: TOKENS.integration });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      events.push(...page.body.events);
      after = page.body.next;
      if (!page.body.hasMore) return events;
    }
  }
  let n = 0;
  const id = () => `api-test-${++n}`;
  const op = { orderId: ORDER, operationKey: '0010' };

  it('refuses a missing or wrong token with 401 and a challenge, and a wrong role with 403 naming the rule', async () => {
    const none = await request('GET', `/mes/v1/workstations/${WS}/queue`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer/);
    assert.equal(none.body.errors[0].field, 'Authorization');
    const wrong = await request('GET', `/mes/v1/workstations/${WS}/queue`, { token: 'not-a-token' });
    assert.equal(wrong.status, 401);
    const feed = await request('GET', '/mes/v1/events', { token: TOKENS.operator });
    assert.equal(feed.status, 403);
    assert.deepEqual([feed.body.errors[0].field, feed.body.errors[0].rule], ['Authorization', 'role']);
    // The tab's catch node logs the refusal (its debug node writes to the console).
    await until(() => /log refused API requests[\s\S]*needs the role integration or supervisor/.test(runtime.output()), 'the catch node to see the refusal');
  });

  it('runs operator commands with the token of a scanner, records the person and the channel, and answers a repeat with the same outcome and no new events', async () => {
    const signOn = await command({ command: 'sign-on', commandId: id(), operator: 'op-anna' }, TOKENS.scanner);
    assert.equal(signOn.status, 200, JSON.stringify(signOn.body));
    assert.equal(signOn.body.events[0].actor, 'op-anna');
    assert.equal(signOn.body.events[0].payload.via, 'api:scanner-3');

    const start = { command: 'start', commandId: id(), operator: 'op-anna', ...op, eventTime: new Date().toISOString() };
    const first = await command(start, TOKENS.scanner);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.state, 'running');
    assert.equal(first.body.duplicate, false);
    const before = (await allEvents()).length;
    const again = await command(start, TOKENS.scanner);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.deepEqual(again.body.events.map((e) => e.seq), first.body.events.map((e) => e.seq));
    assert.equal((await allEvents()).length, before, 'a repeated command id appends nothing');

    const snapshot = await queue();
    assert.deepEqual(snapshot.current.map((c) => [c.orderId, c.operationKey, c.state]), [[ORDER, '0010', 'running']]);
    assert.deepEqual(snapshot.operators, ['op-anna']);
  });

  it('refuses a state conflict with 409, an unknown workstation or operation with 404, and a body workstation that is not the path\'s with 400', async () => {
    const conflict = await command({ command: 'start', commandId: id(), operator: 'op-anna', ...op });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.errors[0].rule, 'stateTransition');
    const unknownWs = await command({ command: 'sign-on', commandId: id(), operator: 'op-bob' }, TOKENS.operator, 'WS-NOPE');
    assert.deepEqual([unknownWs.status, unknownWs.body.errors[0].field], [404, 'workstation']);
    const unknownOp = await command({ command: 'pause', commandId: id(), operator: 'op-anna', orderId: 'PO-NOPE', operationKey: '0010', reasonCode: 'mechanical' });
    assert.deepEqual([unknownOp.status, unknownOp.body.errors[0].field], [404, 'operationKey']);
    const otherWs = await command({ command: 'sign-on', commandId: id(), operator: 'op-bob', workstation: 'WS-20' });
    assert.deepEqual([otherWs.status, otherWs.body.errors[0].field, otherWs.body.errors[0].rule], [400, 'workstation', 'matchesPath']);
  });

  it('lets only a supervisor hold and release, and records the token subject as the supervisor by default', async () => {
    const byOperator = await command({ command: 'hold', commandId: id(), ...op, reason: 'tool check' }, TOKENS.operator);
    assert.deepEqual([byOperator.status, byOperator.body.errors[0].rule], [403, 'role']);
    const byIntegration = await command({ command: 'hold', commandId: id(), ...op, reason: 'tool check' }, TOKENS.integration);
    assert.equal(byIntegration.status, 403);
    const hold = await command({ command: 'hold', commandId: id(), ...op, reason: 'tool check' }, TOKENS.supervisor);
    assert.equal(hold.status, 200, JSON.stringify(hold.body));
    assert.equal(hold.body.events.at(-1).type, 'operation.held');
    assert.equal(hold.body.events.at(-1).actor, 'supervisor');
    assert.equal(hold.body.events.at(-1).payload.via, 'api:supervisor');
    const release = await command({ command: 'release', commandId: id(), ...op, supervisor: 'sup-maria' }, TOKENS.supervisor);
    assert.equal(release.status, 200, JSON.stringify(release.body));
    assert.equal(release.body.events.at(-1).actor, 'sup-maria');
  });

  it('signs a release with the demo signing account that npm start announces; the signature is bound to it', async () => {
    const [, password] = /DEMO MODE: signing account demo-supervisor \(supervisor\), password (\S+) for this run/.exec(runtime.output()) ?? [];
    assert.ok(password, 'the demo announces its signing account');
    assert.equal((await command({ command: 'hold', commandId: id(), ...op, reason: 'gauge check' }, TOKENS.supervisor)).status, 200);
    const wrong = await command({ command: 'release', commandId: id(), ...op, signature: { userId: 'demo-supervisor', password: 'guess', meaning: 'approved' } }, TOKENS.supervisor);
    assert.deepEqual([wrong.status, wrong.body.errors[0].field, wrong.body.errors[0].rule], [400, 'signature.password', 'wrongPassword']);
    const signed = await command({ command: 'release', commandId: id(), ...op, reason: 'gauge ok', signature: { userId: 'demo-supervisor', password, meaning: 'approved' } }, TOKENS.supervisor);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const [released, signature] = signed.body.events.slice(-2);
    assert.deepEqual([released.type, released.payload.signedBy, signature.type, signature.payload.signedSeq, signature.payload.printedName], ['operation.released', 'Demo Supervisor', 'signature.recorded', released.seq, 'Demo Supervisor']);
    assert.ok(!JSON.stringify(await allEvents()).includes(password), 'the password is in no event');
  });

  it('disposes of a nonconformance over HTTP (supervisor only); its hold is released after the disposition, not before', async () => {
    const ncOrder = 'PO-API-NC';
    const order = validOrder({
      orderId: ncOrder,
      operations: [{
        key: '0010', sequence: 10, description: 'Turn', workCenter: 'WC-WS-20', plannedQuantity: { value: 10, unit: 'PCE' }, idealCycleTimeSeconds: 4,
        qualityChecks: [{ id: 'QC-D', characteristic: 'diameter', type: 'variable', nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm', frequency: { kind: 'first-piece' } }],
      }],
      components: [],
    });
    assert.ok([200, 201].includes((await request('POST', '/mes/v1/orders', { token: TOKENS.integration, body: order })).status));
    const nc = { orderId: ncOrder, operationKey: '0010' };
    await until(async () => (await request('GET', '/mes/v1/workstations/WS-20/queue', { token: TOKENS.operator })).body.queue.some((q) => q.orderId === ncOrder), 'the order at WS-20');
    for (const body of [{ command: 'sign-on', operator: 'op-carl' }, { command: 'start', operator: 'op-carl', ...nc }, { command: 'check', operator: 'op-carl', ...nc, checkId: 'QC-D', value: 40.3 }]) {
      const res = await command({ ...body, commandId: id() }, TOKENS.operator, 'WS-20');
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const dispose = { command: 'dispose', ...nc, checkId: 'QC-D', disposition: 'scrap', reason: 'oversize, cannot be reworked' };
    const early = await command({ command: 'release', commandId: id(), ...nc }, TOKENS.supervisor, 'WS-20');
    assert.deepEqual([early.status, early.body.errors[0].field, early.body.errors[0].rule], [409, 'operationKey', 'nonconformanceOpen']);
    const byOperator = await command({ ...dispose, commandId: id() }, TOKENS.operator, 'WS-20');
    assert.deepEqual([byOperator.status, byOperator.body.errors[0].rule], [403, 'role']);
    const badKind = await command({ ...dispose, commandId: id(), disposition: 'bin' }, TOKENS.supervisor, 'WS-20');
    assert.deepEqual([badKind.status, badKind.body.errors[0].field, badKind.body.errors[0].rule], [400, 'disposition', 'enum']);
    const done = await command({ ...dispose, commandId: id() }, TOKENS.supervisor, 'WS-20');
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const disposed = done.body.events.at(-1);
    assert.deepEqual([disposed.type, disposed.actor, disposed.payload.disposition, disposed.payload.via], ['nonconformance.disposed', 'supervisor', 'scrap', 'api:supervisor']);
    const again = await command({ ...dispose, commandId: id() }, TOKENS.supervisor, 'WS-20');
    assert.deepEqual([again.status, again.body.errors[0].rule], [409, 'noOpenNonconformance']);
    const release = await command({ command: 'release', commandId: id(), ...nc, reason: 'scrapped, go on' }, TOKENS.supervisor, 'WS-20');
    assert.equal(release.status, 200, JSON.stringify(release.body));
    assert.equal(release.body.state, 'paused');
  });

  it('filters the feed by type, type prefix and order', async () => {
    const started = await allEvents('&type=operation.started');
    assert.ok(started.length >= 1 && started.every((e) => e.type === 'operation.started'));
    const ops = await allEvents('&type=operation.*');
    assert.ok(ops.some((e) => e.type === 'operation.held') && ops.every((e) => e.type.startsWith('operation.')));
    const ofOrder = await allEvents(`&orderId=${ORDER}`);
    assert.ok(ofOrder.length >= 3 && ofOrder.every((e) => e.orderId === ORDER));
  });

  it('pages the feed without skipping or repeating an event while events are being written', async () => {
    // Released from the hold, the operation is paused: resume it so reports are accepted.
    const resume = await command({ command: 'resume', commandId: id(), operator: 'op-anna', ...op });
    assert.equal(resume.status, 200, JSON.stringify(resume.body));
    let writing = true;
    const writer = (async () => {
      try {
        for (let i = 0; i < 40; i++) {
          const res = await command({ command: 'report', commandId: id(), operator: 'op-anna', ...op, goodQuantity: 1 });
          assert.equal(res.status, 200, JSON.stringify(res.body));
        }
      } finally {
        writing = false;
      }
    })();
    const seen = [];
    let after = 0;
    let pages = 0;
    // Page with a small limit until the writer is done and the feed has no more.
    for (;;) {
      const page = await request('GET', `/mes/v1/events?after=${after}&limit=3`, { token: TOKENS.integration });
      assert.equal(page.status, 200);
      seen.push(...page.body.events.map((e) => e.seq));
      after = page.body.next;
      pages += 1;
      if (!page.body.hasMore && !writing) break;
    }
    await writer;
    // The writer may have finished between the last page and the check: read the rest.
    for (;;) {
      const page = await request('GET', `/mes/v1/events?after=${after}&limit=3`, { token: TOKENS.integration });
      seen.push(...page.body.events.map((e) => e.seq));
      after = page.body.next;
      if (!page.body.hasMore) break;
    }
    const all = (await allEvents()).map((e) => e.seq);
    assert.ok(pages > 10, `paged ${pages} times`);
    assert.deepEqual(seen, all, 'every seq exactly once, in order');
  });

  describe('bad input: each refused with 4xx naming the field and the rule, nothing changed, the runtime still answering', () => {
    const SERVER_FILLED = new Set(['workstation', 'eventTime', 'supervisor', 'via']);
    const valid = {
      'sign-on': { operator: 'op-x' }, 'sign-off': { operator: 'op-x' },
      start: { operator: 'op-anna', ...op }, pause: { operator: 'op-anna', ...op, reasonCode: 'mechanical' },
      resume: { operator: 'op-anna', ...op }, report: { operator: 'op-anna', ...op, goodQuantity: 1 },
      check: { operator: 'op-anna', ...op, checkId: 'QC-1', passed: true }, complete: { operator: 'op-anna', ...op, final: false },
      hold: { ...op, reason: 'x' }, release: { ...op }, resequence: { ...op, position: 1 },
    };
    /** A wrong value for a property of the schema: the other type, out of range, or a broken pattern. */
    function wrongValue(schema) {
      if (schema.type === 'number' || (Array.isArray(schema.type) && schema.type.includes('integer'))) {
        return fc.oneof(fc.constant('1'), fc.constant(true), schema.minimum !== undefined ? fc.constant(schema.minimum - 1) : fc.constant('x'), schema.maximum !== undefined ? fc.constant(schema.maximum * 10) : fc.constant([]));
      }
      if (schema.type === 'boolean') return fc.oneof(fc.constant('true'), fc.constant(1), fc.constant(null));
      if (schema.pattern?.startsWith('^')) return fc.oneof(fc.constant(7), fc.constant(''), fc.constant('-starts-with-dash'), fc.constant('has space'), fc.constant({}));
      if (schema.pattern) return fc.oneof(fc.constant(7), fc.constant(''), fc.constant('   '), fc.constant({}), fc.constant('x'.repeat(schema.maxLength + 1)));
      return fc.oneof(fc.constant(7), fc.constant(''), fc.constant(null), fc.constant('x'.repeat(600)));
    }
    const malformedCommand = fc.constantFrom(...Object.keys(valid)).chain((type) => {
      const schema = COMMAND_SCHEMAS[type];
      const required = schema.required.filter((p) => !SERVER_FILLED.has(p));
      const props = Object.keys(schema.properties).filter((p) => !SERVER_FILLED.has(p));
      const base = { command: type, commandId: 'bad-input', ...valid[type] };
      const supervisorOnly = ['hold', 'release', 'resequence'].includes(type);
      const token = supervisorOnly ? TOKENS.supervisor : TOKENS.operator;
      return fc.oneof(
        fc.constantFrom(...required).map((p) => { const body = { ...base }; delete body[p]; return { token, body, field: p, rule: 'required' }; }),
        fc.constantFrom(...props).chain((p) => wrongValue(schema.properties[p]).map((v) => ({ token, body: { ...base, [p]: v }, field: p }))),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => /^[a-z]+$/.test(k) && !(k in schema.properties) && k !== 'command' && k !== 'via')
          .map((k) => ({ token, body: { ...base, [k]: 1 }, field: k, rule: 'additionalProperties' })),
        fc.constant({ token, raw: '{"command": "start",', field: '', rule: 'json' }),
        fc.constant({ token, raw: JSON.stringify(base), contentType: 'text/plain', field: 'Content-Type', rule: 'contentType' }),
        fc.constant({ token, body: { ...base, command: 'explode' }, field: 'topic', rule: 'enum' }),
        fc.constant({ token, body: [base], field: '', rule: 'type' }),
      );
    });
    // Events a command over HTTP appends carry its channel (via api:<subject>); the runtime's own
    // (the outbox delivering, OEE) go on meanwhile and are not the refused requests' doing.
    const count = async () => (await allEvents()).filter((e) => String(e.payload?.via ?? '').startsWith('api:')).length;
    const alive = async () => assert.equal((await request('GET', `/mes/v1/workstations/${WS}/queue`, { token: TOKENS.operator })).status, 200);

    it('commands (60 generated from the command schemas)', async () => {
      const before = await count();
      assert.ok(before > 0, 'the earlier commands are counted: the filter sees events of requests');
      const seen = [];
      await fc.assert(fc.asyncProperty(malformedCommand, async (c) => {
        const res = await request('POST', `/mes/v1/workstations/${WS}/commands`, { token: c.token, body: c.body, raw: c.raw, contentType: c.contentType });
        assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(c)} → ${JSON.stringify(res.body)}`);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        const { field, rule } = res.body.errors[0];
        assert.equal(typeof rule, 'string');
        assert.ok(res.body.errors.some((e) => e.field === c.field && (c.rule === undefined || e.rule === c.rule)), `${JSON.stringify(c)} → ${JSON.stringify(res.body.errors)}`);
        seen.push(`${field}:${rule}`);
      }), { numRuns: 60 });
      assert.equal(await count(), before, 'no event appended');
      assert.ok(new Set(seen).size >= 10, `varied refusals: ${[...new Set(seen)]}`);
      await alive();
    });

    const badFeedQuery = fc.oneof(
      fc.oneof(fc.constant('-1'), fc.constant('abc'), fc.constant('1.5'), fc.constant('9999999999999999999')).map((v) => ({ q: `after=${v}`, field: 'after' })),
      fc.oneof(fc.constant('0'), fc.constant('1001'), fc.constant('x'), fc.integer({ min: 1001, max: 1e6 }).map(String), fc.integer({ min: -1e6, max: 0 }).map(String)).map((v) => ({ q: `limit=${v}`, field: 'limit' })),
      fc.oneof(fc.constant('Operation'), fc.constant('a..b'), fc.constant('*'), fc.constant('a.*.b'), fc.constant('x'.repeat(101)), fc.constant('%20')).map((v) => ({ q: `type=${encodeURIComponent(v)}`, field: 'type' })),
      fc.oneof(fc.constant('-PO'), fc.constant('a b'), fc.constant('x'.repeat(65))).map((v) => ({ q: `orderId=${encodeURIComponent(v)}`, field: 'orderId' })),
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[a-z]+$/.test(k) && !['after', 'limit', 'type', 'orderid'].includes(k.toLowerCase())).map((k) => ({ q: `${k}=1`, field: k, rule: 'additionalProperties' })),
      fc.constantFrom('after', 'limit').map((k) => ({ q: `${k}=1&${k}=2`, field: k, rule: 'type' })),
    );

    it('event feed and queue reads (60 generated from the query schemas)', async () => {
      const before = await count();
      await fc.assert(fc.asyncProperty(badFeedQuery, async (c) => {
        const res = await request('GET', `/mes/v1/events?${c.q}`, { token: TOKENS.integration });
        assert.equal(res.status, 400, `${c.q} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.ok(res.body.errors.some((e) => e.field === c.field && (c.rule === undefined || e.rule === c.rule)), `${c.q} → ${JSON.stringify(res.body.errors)}`);
      }), { numRuns: 60 });
      for (const ws of ['-WS', 'a%20b', 'x'.repeat(70)]) {
        const res = await request('GET', `/mes/v1/workstations/${ws}/queue`, { token: TOKENS.operator });
        assert.deepEqual([res.status, res.body.errors[0].field, res.body.errors[0].rule], [400, 'workstation', 'pattern']);
      }
      assert.equal(await count(), before);
      await alive();
    });
  });
});
