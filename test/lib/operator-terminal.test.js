const assert = require('node:assert/strict');
const { OperatorTerminal, byOutput, terminalSettings, TERMINAL_OUTPUTS, REPEAT_WINDOW_MS } = require('../../dist/lib/dashboard/terminal');
const { sealOf, SEAL_PROPERTY, verifiedConnection } = require('../../dist/lib/dashboard/client-seal');
const { parsePlantModel } = require('../../dist/lib/plant');
const { plantConfig } = require('../support/dispatch');

/** A `_client` as Dashboard 2.0 and the mes-dashboard-identity plugin leave it. */
function sealedClient(socketId, { user, ip = '127.0.0.1' } = {}) {
  return { socketId, socketIp: ip, ...(user ? { user: { userId: user, username: user } } : {}), [SEAL_PROPERTY]: sealOf({ socketId, socketIp: ip, userId: user }) };
}

function snapshot(workstation, { current = [], queue = [], operators = [] } = {}) {
  return { workstation, name: workstation, site: 'PLANT-1010', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'], operators, current, queue };
}
const queued = (orderId, operationKey, extra = {}) => ({
  position: 1, orderId, operationKey, state: 'queued', priority: 100, dueDate: '2026-11-25T14:00:00Z', material: 'FG-100',
  description: 'Turn', workCenter: 'WC-TURN', plannedQuantity: 100, unit: 'PCE', ready: true, holdReason: null, ...extra,
});
const running = (orderId, operationKey) => ({
  orderId, operationKey, state: 'running', material: 'FG-100', description: 'Turn', plannedQuantity: 100, unit: 'PCE', inputQuantity: 100,
  goodQuantity: 0, scrapQuantity: 0, reworkQuantity: 0, progress: 0, startedAt: '2026-11-25T07:00:00Z', pauseReason: null,
  workInstructions: [{ step: 1, text: 'Clamp the blank' }], dueChecks: [{ checkId: 'QC-V', characteristic: 'visual' }],
});

/** A terminal on the test plant with a clock the test moves, and readable command ids. */
function createTerminal({ allowBadges = false, plant = plantConfig() } = {}) {
  let clock = Date.parse('2026-11-25T07:00:00Z');
  let ids = 0;
  let model = parsePlantModel(plant);
  const terminal = new OperatorTerminal({
    allowBadges, ownErrorSource: 'terminal-node', workstations: () => model.workstations,
    now: () => new Date(clock), newCommandId: () => `cmd-${++ids}`,
  });
  return {
    terminal,
    advance(ms) { clock += ms; },
    redeploy(config) { model = parsePlantModel(config); },
    /** What one input produced, by output role. */
    send(msg) {
      const result = terminal.receive(msg);
      const out = Object.fromEntries(TERMINAL_OUTPUTS.map((name) => [name, result.messages.filter((m) => m.output === name).map((m) => m.msg)]));
      return { ...out, refusal: result.refusal };
    },
  };
}

describe('operator terminal (lib/dashboard/terminal)', () => {
  const anna = sealedClient('socket-anna', { user: 'anna' });
  const bo = sealedClient('socket-bo', { user: 'bo' });

  it('two pages at two workstations: each command names the operation its own page showed', () => {
    const t = createTerminal();
    t.send({ topic: '$pageview', payload: { page: { path: '/operator' }, query: { workstation: 'WS-T1' } }, _client: anna });
    t.send({ topic: '$pageview', payload: { page: { path: '/operator' }, query: {} }, _client: bo });
    t.send({ topic: 'workstation', payload: 'WS-T2', _client: bo });
    const views = t.send({ topic: 'WS-T1', payload: snapshot('WS-T1', { current: [running('PO-1', '0010')], operators: ['anna'] }) });
    assert.deepEqual(views.operation.map((m) => m._client.socketId), ['socket-anna'], 'only the page at WS-T1 gets its view');
    assert.equal(views.operation[0].payload.operation.orderId, 'PO-1');
    assert.deepEqual(views.operation[0].payload.dueChecks, [{ checkId: 'QC-V', characteristic: 'visual' }]);
    assert.equal(views.operators[0].payload, 'anna');
    t.send({ topic: 'WS-T2', payload: snapshot('WS-T2', { queue: [queued('PO-2', '0010', { ready: false }), queued('PO-3', '0020', { position: 2 })] }) });

    const annaStarts = t.send({ topic: 'start', payload: 1764054000000, _client: anna });
    const boStarts = t.send({ topic: 'start', payload: 1764054000000, _client: bo });
    assert.deepEqual(annaStarts.dispatch.map((m) => m.payload), [{
      commandId: 'cmd-1', eventTime: '2026-11-25T07:00:00.000Z', workstation: 'WS-T1', operator: 'anna', orderId: 'PO-1', operationKey: '0010',
    }]);
    // PO-2 is first in the queue but waits for its previous operation: the page showed PO-3 as next.
    assert.equal(boStarts.dispatch[0].payload.workstation, 'WS-T2');
    assert.equal(boStarts.dispatch[0].payload.orderId, 'PO-3');
    assert.equal(boStarts.dispatch[0].payload.operator, 'bo');
    assert.equal(boStarts.dispatch[0]._client, bo, 'the command keeps its _client, for the reply and a refusal');
    assert.deepEqual(boStarts.dispatch[0].operatorCommand, { action: 'start', commandId: 'cmd-2' });
  });

  it('a page that was shown nothing gets a notification, not a command', () => {
    const t = createTerminal();
    const none = t.send({ topic: 'start', payload: 1, _client: anna });
    assert.deepEqual(none.notification.map((m) => m.payload), ['Select a workstation first.']);
    t.send({ topic: 'workstation', payload: 'WS-T1', _client: anna });
    const nothingShown = t.send({ topic: 'report', payload: { goodQuantity: 5 }, _client: anna });
    assert.deepEqual(nothingShown.dispatch, []);
    assert.match(nothingShown.notification[0].payload, /No operation at WS-T1/);
    assert.equal(nothingShown.notification[0]._client.socketId, 'socket-anna');
  });

  it('a pageview sends the page everything: workstation options in model order, view, queue, who is signed on', () => {
    const t = createTerminal({ plant: { ...plantConfig(), workstations: [{ id: 'WS-T2', name: 'Lathe 2', area: 'A', line: 'L1', workCenters: ['WC-TURN'] }, { id: 'WS-T1', area: 'A', line: 'L1', workCenters: ['WC-TURN'] }] } });
    t.send({ topic: 'WS-T2', payload: snapshot('WS-T2', { queue: [queued('PO-2', '0010', { state: 'held', holdReason: 'gauge broken', ready: true })], operators: ['anna', 'bo'] }) });
    const page = t.send({ topic: '$pageview', payload: { page: {}, query: { workstation: 'WS-T2' } }, _client: anna });
    assert.deepEqual(page.selector.map((m) => ({ options: m.options, payload: m.payload })), [{ options: [{ label: 'WS-T2 · Lathe 2', value: 'WS-T2' }, { label: 'WS-T1', value: 'WS-T1' }], payload: 'WS-T2' }]);
    assert.deepEqual(page.operation[0].payload, { workstation: 'WS-T2', name: 'Lathe 2', operation: null, next: null, dueChecks: [], lastStop: null });
    assert.deepEqual(page.queue[0].payload, [{ position: 1, orderId: 'PO-2', operationKey: '0010', description: 'Turn', state: 'held: gauge broken', planned: '100 PCE', due: '2026-11-25T14:00:00Z', ready: true }]);
    assert.equal(page.operators[0].payload, 'anna, bo');
    for (const out of ['selector', 'operation', 'queue', 'operators']) assert.deepEqual(page[out][0]._client, { socketId: 'socket-anna' });
  });

  it('a workstation added to the plant and deployed appears in the options; one not in the model is refused', () => {
    const t = createTerminal();
    const config = plantConfig();
    config.workstations.push({ id: 'WS-NEW', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'] });
    t.redeploy(config);
    const page = t.send({ topic: '$pageview', payload: { query: { workstation: 'WS-9' } }, _client: anna });
    assert.deepEqual(page.selector[0].options.map((o) => o.value), ['WS-T1', 'WS-T2', 'WS-T3', 'WS-A1', 'WS-NEW']);
    assert.deepEqual(page.refusal.errors.map((e) => [e.field, e.rule]), [['payload.query.workstation', 'unknownWorkstation']]);
    assert.match(page.notification[0].payload, /^Refused: payload.query.workstation workstation 'WS-9' is not in the plant model/);
    const picked = t.send({ topic: 'workstation', payload: 'WS-X', _client: anna });
    assert.equal(picked.refusal.errors[0].rule, 'unknownWorkstation');
    assert.equal(picked.notification[0]._client.socketId, 'socket-anna');
  });

  describe('who the operator is', () => {
    const kiosk1 = sealedClient('socket-kiosk-1');
    const kiosk2 = sealedClient('socket-kiosk-2');

    it('a badge entered at one browser acts for that browser only', () => {
      const t = createTerminal({ allowBadges: true });
      for (const client of [kiosk1, kiosk2]) t.send({ topic: 'workstation', payload: 'WS-T1', _client: client });
      t.send({ topic: 'badge', payload: ' op-anna ', _client: kiosk1 });
      const signOn = t.send({ topic: 'sign-on', payload: 1, _client: kiosk1 });
      assert.deepEqual(signOn.dispatch[0].payload, { commandId: 'cmd-1', eventTime: '2026-11-25T07:00:00.000Z', workstation: 'WS-T1', operator: 'op-anna' });
      t.send({ topic: 'WS-T1', payload: snapshot('WS-T1', { current: [running('PO-1', '0010')], operators: ['op-anna'] }) });
      const other = t.send({ topic: 'report', payload: { goodQuantity: 5 }, _client: kiosk2 });
      assert.deepEqual(other.dispatch, [], 'op-anna is signed on at WS-T1, but not at this browser');
      assert.deepEqual(other.notification.map((m) => [m._client.socketId, m.payload]), [['socket-kiosk-2', 'Enter your badge first.']]);
    });

    it('signing off forgets the badge of that browser', () => {
      const t = createTerminal({ allowBadges: true });
      t.send({ topic: 'workstation', payload: 'WS-T1', _client: kiosk1 });
      t.send({ topic: 'badge', payload: 'op-anna', _client: kiosk1 });
      assert.equal(t.send({ topic: 'sign-off', payload: 1, _client: kiosk1 }).dispatch[0].payload.operator, 'op-anna');
      assert.equal(t.send({ topic: 'sign-on', payload: 1, _client: kiosk1 }).notification[0].payload, 'Enter your badge first.');
    });

    it('the login is the operator, always; without a login and without badges nobody is', () => {
      const t = createTerminal({ allowBadges: true });
      t.send({ topic: 'workstation', payload: 'WS-T1', _client: anna });
      assert.match(t.send({ topic: 'badge', payload: 'op-bo', _client: anna }).notification[0].payload, /Signed in as anna/);
      assert.equal(t.send({ topic: 'sign-on', payload: 1, _client: anna }).dispatch[0].payload.operator, 'anna');

      const strict = createTerminal({ allowBadges: false });
      strict.send({ topic: 'workstation', payload: 'WS-T1', _client: kiosk1 });
      assert.match(strict.send({ topic: 'badge', payload: 'op-bo', _client: kiosk1 }).notification[0].payload, /does not take badges/);
      const refused = strict.send({ topic: 'sign-on', payload: 1, _client: kiosk1 });
      assert.deepEqual(refused.dispatch, []);
      assert.equal(refused.notification[0].payload, 'Sign in to the dashboard first.');
    });

    it('a _client the browser wrote is not trusted: no seal, a seal of another user, a forged socket', () => {
      const t = createTerminal({ allowBadges: true });
      const unsealed = { socketId: 'socket-x', socketIp: '127.0.0.1', user: { userId: 'boss' } };
      const otherUser = { ...sealedClient('socket-x'), user: { userId: 'boss' } };
      const otherSocket = { ...sealedClient('socket-x', { user: 'boss' }), socketId: 'socket-anna' };
      for (const _client of [unsealed, otherUser, otherSocket, undefined]) {
        const result = t.send({ topic: 'sign-on', payload: 1, _client });
        assert.deepEqual(result.dispatch, []);
        assert.deepEqual(result.refusal.errors.map((e) => [e.field, e.rule]), [['_client', 'dashboardConnection']]);
      }
      assert.equal(verifiedConnection(sealedClient('socket-x', { user: 'boss' })).userId, 'boss');
    });

    it('a form may not name the operator or the operation; a badge must be an id, typed on this machine', () => {
      const t = createTerminal({ allowBadges: true });
      t.send({ topic: 'workstation', payload: 'WS-T1', _client: kiosk1 });
      const named = t.send({ topic: 'report', payload: { goodQuantity: 1, operator: 'boss' }, _client: kiosk1 });
      assert.deepEqual(named.refusal.errors.map((e) => [e.field, e.rule]), [['payload.operator', 'reserved']]);
      assert.equal(named.notification[0]._client.socketId, 'socket-kiosk-1');
      const formula = t.send({ topic: 'badge', payload: '=HYPERLINK("http://x","y")', _client: kiosk1 });
      assert.deepEqual(formula.refusal.errors.map((e) => [e.field, e.rule]), [['payload', 'actor']]);
      assert.equal(t.send({ topic: 'sign-on', payload: 1, _client: kiosk1 }).notification[0].payload, 'Enter your badge first.');
      const remote = t.send({ topic: 'badge', payload: 'op-anna', _client: sealedClient('socket-lan', { ip: '10.0.0.7' }) });
      assert.deepEqual(remote.refusal.errors.map((e) => [e.field, e.rule]), [['_client.socketIp', 'loopbackOnly']]);
    });

    it('a login that is no id is refused as actor', () => {
      const t = createTerminal();
      const odd = sealedClient('socket-odd', { user: '+cmd' });
      t.send({ topic: 'workstation', payload: 'WS-T1', _client: odd });
      assert.deepEqual(t.send({ topic: 'sign-on', payload: 1, _client: odd }).refusal.errors.map((e) => [e.field, e.rule]), [['_client.user.userId', 'actor']]);
    });
  });

  describe('command ids', () => {
    function started() {
      const t = createTerminal();
      t.send({ topic: 'workstation', payload: 'WS-T1', _client: anna });
      t.send({ topic: 'WS-T1', payload: snapshot('WS-T1', { current: [running('PO-1', '0010')], operators: ['anna'] }) });
      return t;
    }

    it('a double click is one report; the same report again later is a new command with a new id', () => {
      const t = started();
      const first = t.send({ topic: 'report', payload: { goodQuantity: 5, scrapQuantity: null, scrapReason: '' }, _client: anna });
      t.advance(300);
      const again = t.send({ topic: 'report', payload: { goodQuantity: 5, scrapQuantity: null, scrapReason: '' }, _client: anna });
      assert.deepEqual(first.dispatch[0].payload, { goodQuantity: 5, commandId: 'cmd-1', eventTime: '2026-11-25T07:00:00.000Z', workstation: 'WS-T1', operator: 'anna', orderId: 'PO-1', operationKey: '0010' }, 'blank fields are left out');
      assert.deepEqual(again.dispatch, []);
      assert.equal(again.notification[0].payload, 'report: already sent.');
      const other = t.send({ topic: 'report', payload: { goodQuantity: 6 }, _client: anna });
      assert.equal(other.dispatch[0].payload.commandId, 'cmd-2', 'other values are another command');
      t.advance(REPEAT_WINDOW_MS);
      const later = t.send({ topic: 'report', payload: { goodQuantity: 6 }, _client: anna });
      assert.equal(later.dispatch[0].payload.commandId, 'cmd-3');
      assert.equal(later.dispatch[0].payload.eventTime, '2026-11-25T07:00:02.300Z');
    });

    it('ids are unique without an injected generator', () => {
      const terminal = new OperatorTerminal({ allowBadges: false, workstations: () => parsePlantModel(plantConfig()).workstations });
      terminal.receive({ topic: 'workstation', payload: 'WS-T1', _client: anna });
      const ids = ['sign-on', 'sign-off', 'sign-on'].map((topic) => terminal.receive({ topic, payload: 1, _client: anna }).messages[0].msg.payload.commandId);
      assert.equal(new Set(ids).size, 3);
      for (const id of ids) assert.match(id, /^terminal-[0-9a-f-]{36}$/);
    });

    it('checks send a value or pass/fail, completion says whether it is final', () => {
      const t = started();
      assert.deepEqual(t.send({ topic: 'check', payload: { checkId: 'QC-D', value: 40.01, passed: false }, _client: anna }).dispatch[0].payload.passed, undefined);
      const attribute = t.send({ topic: 'check', payload: { checkId: 'QC-V', value: null, passed: true }, _client: anna }).dispatch[0].payload;
      assert.equal(attribute.passed, true);
      assert.equal('value' in attribute, false);
      assert.equal(t.send({ topic: 'complete', payload: {}, _client: anna }).dispatch[0].payload.final, false);
    });
  });

  it('a lot scan goes to genealogy and a downtime reason to OEE, for the operation and the stop the page showed', () => {
    const t = createTerminal();
    t.send({ topic: 'workstation', payload: 'WS-T1', _client: anna });
    t.send({ topic: 'WS-T1', payload: snapshot('WS-T1', { current: [running('PO-1', '0010')] }) });
    const scan = t.send({ topic: 'consume', payload: { lot: 'RM-1', material: 'RM-BAR', quantity: 2, unit: 'KG' }, _client: anna });
    assert.deepEqual(scan.genealogy.map((m) => [m.topic, m.payload]), [['consume', {
      lot: 'RM-1', material: 'RM-BAR', quantity: 2, unit: 'KG', action: 'consume', orderId: 'PO-1', operationKey: '0010', workstation: 'WS-T1', actor: 'anna', eventTime: '2026-11-25T07:00:00.000Z',
    }]]);
    assert.match(t.send({ topic: 'downtime-reason', payload: { reason: 'mechanical/jam' }, _client: anna }).notification[0].payload, /No stop recorded at WS-T1/);
    t.send({ topic: 'oee.downtime.ended', payload: { type: 'oee.downtime.ended', eventTime: '2026-11-25T07:01:00Z', workstation: 'WS-T1', payload: { downtimeId: 'DT-0' } } });
    const stop = t.send({ topic: 'oee.downtime.started', payload: { type: 'oee.downtime.started', eventTime: '2026-11-25T07:02:00Z', workstation: 'WS-T1', payload: { downtimeId: 'DT-7', state: 'faulted', faultCode: 101 } } });
    assert.deepEqual(stop.operation[0].payload.lastStop, { downtimeId: 'DT-7', start: '2026-11-25T07:02:00Z', state: 'faulted', faultCode: 101 });
    const reason = t.send({ topic: 'downtime-reason', payload: { reason: 'mechanical/jam' }, _client: anna });
    assert.deepEqual(reason.oee.map((m) => [m.topic, m.payload]), [['oee/classify', { reason: 'mechanical/jam', downtimeId: 'DT-7', actor: 'anna', time: '2026-11-25T07:00:00.000Z' }]]);
    assert.equal(reason.oee[0]._client, anna);
  });

  it('replies and refusals go to the page whose command it was, and only to a page it serves', () => {
    const t = createTerminal();
    for (const client of [anna, bo]) t.send({ topic: 'workstation', payload: 'WS-T1', _client: client });
    const reply = t.send({ topic: 'start', payload: { commandId: 'cmd-1', command: 'start', duplicate: false, orderId: 'PO-1', operationKey: '0010', state: 'running', events: [] }, _client: bo, operatorCommand: { action: 'start', commandId: 'cmd-1' } });
    assert.deepEqual(reply.notification.map((m) => [m._client, m.payload]), [[{ socketId: 'socket-bo' }, 'start done: PO-1 0010 → running']]);
    const repeat = t.send({ topic: 'start', payload: { commandId: 'cmd-1', command: 'start', duplicate: true, orderId: 'PO-1', operationKey: '0010', state: 'running' }, _client: bo, operatorCommand: { action: 'start' } });
    assert.equal(repeat.notification[0].payload, 'start (already done): PO-1 0010 → running');
    const lot = t.send({ topic: 'consume', payload: { action: 'consume', status: 'recorded', lots: [{ lot: 'RM-1', onHand: 98, unit: 'KG' }] }, _client: anna, operatorCommand: { action: 'consume' } });
    assert.deepEqual(lot.genealogy, [], 'a reply is not a new lot scan');
    assert.equal(lot.notification[0].payload, 'lot scan recorded: RM-1 (98 KG left)');
    const classified = t.send({ topic: 'oee/classify', payload: { type: 'oee.downtime.classified', eventTime: '2026-11-25T07:03:00Z', payload: { reason: 'mechanical/jam' } }, _client: anna, operatorCommand: { action: 'downtime-reason' } });
    assert.equal(classified.notification[0].payload, 'stop classified: mechanical/jam');

    const refused = t.send({ topic: 'start', payload: {}, _client: bo, operatorCommand: { action: 'start' }, error: { message: 'conflict: operatorNotSignedOn', source: { id: 'dispatch-node' } } });
    assert.deepEqual(refused.notification.map((m) => [m._client.socketId, m.payload]), [['socket-bo', 'Refused: conflict: operatorNotSignedOn']]);
    assert.deepEqual(t.send({ topic: 'start', error: { message: 'x' }, _client: { socketId: 'socket-gone' } }).notification, [], 'a page it does not serve');
    assert.deepEqual(t.send({ topic: 'signal', error: { message: 'x' } }).notification, [], 'no page: never a notification to every page');
    assert.deepEqual(t.send({ topic: 'workstation', _client: anna, error: { message: 'x', source: { id: 'terminal-node' } } }).notification, [], 'its own refusals: the page was told already');
  });

  it('a widget message shaped like a snapshot or a stop changes nothing that other pages act on', () => {
    const t = createTerminal();
    for (const client of [anna, bo]) t.send({ topic: 'workstation', payload: 'WS-T1', _client: client });
    t.send({ topic: 'WS-T1', payload: snapshot('WS-T1', { current: [running('PO-1', '0010')] }) });
    const forged = t.send({ topic: 'report', payload: snapshot('WS-T1', { current: [running('PO-666', '0010')] }), _client: bo });
    assert.deepEqual(forged.operation, []);
    assert.equal(forged.refusal.errors[0].rule, 'reserved');
    const stop = { type: 'oee.downtime.started', eventTime: '2026-11-25T07:02:00Z', workstation: 'WS-T1', payload: { downtimeId: 'DT-fake' } };
    assert.equal(t.send({ topic: 'workstation', payload: stop, _client: bo }).refusal.errors[0].rule, 'unknownWorkstation');
    assert.equal(t.send({ topic: 'start', payload: 1, _client: anna }).dispatch[0].payload.orderId, 'PO-1');
    assert.match(t.send({ topic: 'downtime-reason', payload: { reason: 'mechanical/jam' }, _client: anna }).notification[0].payload, /No stop recorded/);
  });

  it('refuses an input it does not know, naming the topic', () => {
    const t = createTerminal();
    const result = t.send({ topic: 'launch', payload: 1, _client: anna });
    assert.deepEqual(result.refusal.errors.map((e) => [e.field, e.rule]), [['topic', 'enum']]);
    assert.deepEqual(t.send({ topic: '$pageleave', payload: {}, _client: anna }).refusal, undefined);
    assert.deepEqual(t.send({ topic: 'report', payload: [1], _client: anna }).refusal.errors.map((e) => [e.field, e.rule]), [['payload', 'type']]);
  });

  it('reads config version 1 (or none) and refuses a newer one; badges only when ticked', () => {
    assert.deepEqual(terminalSettings({}), { allowBadges: false });
    assert.deepEqual(terminalSettings({ version: 1, allowBadges: true }), { allowBadges: true });
    assert.throws(() => terminalSettings({ version: 2 }), /configuration version 2/);
  });

  it('sends a page the reason lists of the plant model for its forms, every level, labelled', () => {
    const plant = { ...plantConfig(), version: 2, shifts: [], reasons: [
      { kind: 'pause', code: 'break', label: 'Break' },
      { kind: 'scrap', code: 'dimension' },
      { kind: 'downtime', code: 'mechanical', label: 'Mechanical' }, { kind: 'downtime', code: 'mechanical/jam', label: 'Jam' },
    ] };
    const model = parsePlantModel(plant);
    const terminal = new OperatorTerminal({ allowBadges: false, workstations: () => model.workstations, reasons: () => model.reasons });
    const socketId = 'socket-reasons';
    const out = terminal.receive({ topic: '$pageview', payload: { query: {} }, _client: { socketId, socketIp: '127.0.0.1', [SEAL_PROPERTY]: sealOf({ socketId, socketIp: '127.0.0.1' }) } });
    const lists = out.messages.filter((m) => m.output === 'reasons');
    assert.equal(lists.length, 1);
    assert.deepEqual(lists[0].msg.ui_update.dropdownOptions, [
      { dropdown: 'reasonCode', value: 'break', label: 'Break' },
      { dropdown: 'scrapReason', value: 'dimension', label: 'dimension' },
      { dropdown: 'reason', value: 'mechanical', label: 'Mechanical' },
      { dropdown: 'reason', value: 'mechanical/jam', label: 'Mechanical › Jam' },
    ]);
    assert.equal(lists[0].msg._client, undefined, 'the first time to every page: the dashboard keeps it for forms that load later');
    const again = terminal.receive({ topic: '$pageview', payload: { query: {} }, _client: { socketId, socketIp: '127.0.0.1', [SEAL_PROPERTY]: sealOf({ socketId, socketIp: '127.0.0.1' }) } });
    const refreshed = again.messages.filter((m) => m.output === 'reasons');
    assert.deepEqual(refreshed[0].msg.ui_update, lists[0].msg.ui_update);
    assert.deepEqual(refreshed[0].msg._client, { socketId }, 'unchanged lists: to that page only');
  });

  it('leaves alone the answers dispatch gives to commands of other senders', () => {
    const { send } = createTerminal();
    // what mes-dispatch sends on output 3 for a command that came over HTTP, say: the command's topic, its outcome
    const out = send({ topic: 'sign-on', payload: { command: 'sign-on', workstation: 'WS-T1', operator: 'bo', duplicate: false } });
    assert.equal(out.refusal, undefined);
    assert.deepEqual(TERMINAL_OUTPUTS.flatMap((name) => out[name]), []);
    // the same topic from a browser without a trusted connection is still refused
    assert.equal(send({ topic: 'sign-on', payload: {}, _client: { socketId: 'x' } }).refusal.errors[0].rule, 'dashboardConnection');
  });

  it('leaves alone the answers to what the supervisor page sent, which come from a dashboard too', () => {
    const { send } = createTerminal();
    // the supervisor page's connection, which the terminal sees as every page's (its page views)
    const supervisor = sealedClient('socket-supervisor', { user: 'anna' });
    send({ topic: '$pageview', payload: { page: { path: '/supervisor' }, query: {} }, _client: supervisor });
    // mes-dispatch answers the supervisor page's release on the same output, with that page's _client
    const out = send({ topic: 'release', payload: { commandId: 'supervisor-1', command: 'release', duplicate: false, orderId: 'PO-1', operationKey: '0010', state: 'queued', events: [] }, _client: supervisor, supervisorForm: 'holds' });
    assert.equal(out.refusal, undefined);
    assert.deepEqual(TERMINAL_OUTPUTS.flatMap((name) => out[name]), []);
    // and their refusals, which the Catch node of dispatch sends here too, are that page's to show
    const refused = send({ topic: 'release', payload: {}, _client: supervisor, supervisorForm: 'holds', error: { message: 'invalid release command: signature: … [rule: required]', source: { id: 'dispatch-node' } } });
    assert.deepEqual(TERMINAL_OUTPUTS.flatMap((name) => refused[name]), []);
    // an operator command's topic from a browser is still the terminal's to check
    assert.equal(send({ topic: 'start', payload: { command: 'start' }, _client: { socketId: 'x' } }).refusal.errors[0].rule, 'dashboardConnection');
  });

  it('groups messages by output, in port order', () => {
    const grouped = byOutput([{ output: 'notification', msg: { payload: 'a' } }, { output: 'dispatch', msg: { payload: 'b' } }]);
    assert.equal(grouped.length, 9);
    assert.deepEqual(grouped[0], [{ payload: 'b' }]);
    assert.deepEqual(grouped[6], [{ payload: 'a' }]);
  });
});
