const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const dispatchNode = require('../../dist/nodes/mes-dispatch/mes-dispatch.js');
const terminalNode = require('../../dist/nodes/mes-operator-terminal/mes-operator-terminal.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { submitOrder } = require('../../dist/lib/orders');
const { sealOf, SEAL_PROPERTY } = require('../../dist/lib/dashboard/client-seal');
const { tempDbFile } = require('../support/store');
const { validOrder } = require('../support/orders');
const { plantConfig } = require('../support/dispatch');
const { until } = require('../support/messages');

helper.init(require.resolve('node-red'));

const at = { x: 100, y: 100 };
const OUTPUTS = ['commands', 'genealogy', 'oee', 'operation', 'queue', 'operators', 'notifications', 'selector', 'reasons'];

/** A dashboard connection's `_client` as the mes-dashboard-identity plugin seals it. */
const kiosk = (socketId) => ({ socketId, socketIp: '127.0.0.1', [SEAL_PROPERTY]: sealOf({ socketId, socketIp: '127.0.0.1' }) });

function flow(file) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full' },
    { id: 'plant', type: 'mes-plant', ...plantConfig() },
    { id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...at, wires: [[], ['terminal'], ['terminal']] },
    { id: 'terminal', type: 'mes-operator-terminal', z: 'tab', plant: 'plant', allowBadges: true, version: 1, ...at, wires: OUTPUTS.map((name) => (name === 'commands' ? ['dispatch', name] : [name])) },
    ...OUTPUTS.map((id) => ({ id, type: 'helper', z: 'tab', ...at })),
    // Refusals back to the page; the terminal's own it ignores (it told the page already).
    { id: 'refusals', type: 'catch', z: 'tab', scope: ['dispatch', 'terminal'], uncaught: false, ...at, wires: [['terminal', 'caught']] },
    { id: 'caught', type: 'helper', z: 'tab', ...at },
  ];
}

describe('mes-operator-terminal node', function () {
  this.timeout(20000);
  // Badges are taken in demo mode only (npm start's default; flows/settings.js sets mesMode).
  // Settings per test, not at helper.init: every test file calls init when mocha loads it.
  before(() => helper.settings({ mesMode: 'demo' }));
  after(() => helper.settings({ mesMode: undefined }));
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  });

  it('a page at WS-T1 starts the operation it showed, in dispatch; the answer and a refusal come back to that page only', async () => {
    const file = tempDbFile();
    const order = validOrder();
    order.operations.forEach((op) => { op.qualityChecks = []; });
    const store = MesStore.open(file, { components: ALL_COMPONENTS });
    await store.transact((s) => submitOrder(s, order, 'erp'));
    store.close();
    await helper.load([storeNode, plantNode, dispatchNode, terminalNode], flow(file));
    const terminal = helper.getNode('terminal');
    const node = Object.fromEntries([...OUTPUTS, 'caught'].map((id) => [id, helper.getNode(id)]));
    const one = kiosk('socket-1');
    const two = kiosk('socket-2');
    const noticeTo = (socketId, pattern) => until(node.notifications, (m) => m._client.socketId === socketId && pattern.test(m.payload));

    const options = until(node.selector, () => true);
    // Dispatch queues PO-1000 when it starts; the page shows it as next, whichever comes first.
    const shown = until(node.operation, (m) => m._client.socketId === 'socket-1' && m.payload.next);
    terminal.receive({ topic: '$pageview', payload: { page: { path: '/operator' }, query: { workstation: 'WS-T1' } }, _client: one });
    assert.deepEqual((await options).options.map((o) => o.value), ['WS-T1', 'WS-T2', 'WS-T3', 'WS-A1']);
    assert.equal((await shown).payload.next.orderId, 'PO-1000');
    terminal.receive({ topic: 'workstation', payload: 'WS-T3', _client: two });

    terminal.receive({ topic: 'badge', payload: 'op-anna', _client: one });
    let answer = noticeTo('socket-1', /^sign-on done/);
    terminal.receive({ topic: 'sign-on', payload: Date.now(), _client: one });
    await answer;

    const command = until(node.commands, (m) => m.topic === 'start');
    answer = noticeTo('socket-1', /^start/);
    terminal.receive({ topic: 'start', payload: Date.now(), _client: one });
    const start = await command;
    assert.deepEqual(
      { workstation: start.payload.workstation, operator: start.payload.operator, orderId: start.payload.orderId, operationKey: start.payload.operationKey },
      { workstation: 'WS-T1', operator: 'op-anna', orderId: 'PO-1000', operationKey: '0010' },
    );
    assert.equal((await answer).payload, 'start done: PO-1000 0010 → running');

    const nobody = noticeTo('socket-2', /./);
    terminal.receive({ topic: 'start', payload: Date.now(), _client: two });
    assert.equal((await nobody).payload, 'Enter your badge first.', 'the badge entered at the other browser does not act here');

    const refused = noticeTo('socket-1', /^Refused/);
    terminal.receive({ topic: 'report', payload: { goodQuantity: 1000 }, _client: one });
    assert.match((await refused).payload, /exceedsInput/);
  });

  it('bad input reaches Catch nodes naming the field and rule, and the node keeps running', async () => {
    await helper.load([storeNode, plantNode, dispatchNode, terminalNode], flow(tempDbFile()));
    const terminal = helper.getNode('terminal');
    const caught = until(helper.getNode('caught'), () => true);
    const notices = [];
    helper.getNode('notifications').on('input', (m) => notices.push(m.payload));
    terminal.receive({ topic: 'workstation', payload: 'WS-99', _client: kiosk('socket-9') });
    const msg = await caught;
    assert.match(msg.error.message, /unknownWorkstation/);
    assert.match(msg.error.message, /WS-99/);
    const options = until(helper.getNode('selector'), () => true);
    terminal.receive({ topic: '$pageview', payload: { query: {} }, _client: kiosk('socket-9') });
    assert.equal((await options).options.length, 4);
    assert.equal(notices.length, 1, 'told once, though the Catch node brings the refusal back');
    assert.match(notices[0], /^Refused: payload workstation 'WS-99' is not in the plant model/);
  });
});

describe('mes-operator-terminal with the mes-dashboard-identity plugin: a widget that mounts late', function () {
  this.timeout(20000);
  const registerIdentity = require('../../dist/nodes/mes-dashboard-identity/mes-dashboard-identity.js');
  const plugins = [];
  registerIdentity({ plugins: { registerPlugin: (id, def) => plugins.push(def) } });
  const onLoad = (widgetId, socketId, msg) => plugins[0].hooks.onLoad({ id: socketId }, widgetId, msg);
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await new Promise((resolve) => helper.stopServer(resolve));
  });

  it('gets its page\'s last answer when it loads, not another page\'s, and nothing after a redeploy', async () => {
    const file = tempDbFile();
    await helper.load([storeNode, plantNode, dispatchNode, terminalNode], flow(file));
    const terminal = helper.getNode('terminal');
    const shown = until(helper.getNode('operation'), (m) => m._client.socketId === 'socket-late' && m.payload.workstation === 'WS-T2');
    terminal.receive({ topic: '$pageview', payload: { query: { workstation: 'WS-T2' } }, _client: kiosk('socket-late') });
    const sent = await shown;
    // Dashboard 2.0 asks the plugins when the widget mounts (widget-load), with what it keeps itself (nothing for one page).
    assert.deepEqual(onLoad('operation', 'socket-late', undefined), sent);
    assert.equal(onLoad('operation', 'socket-other', undefined), undefined, 'another page gets nothing of it');
    assert.equal(onLoad('notifications', 'socket-late', undefined), undefined, 'a notice is shown once, never again on load');
    await helper.unload();
    assert.equal(onLoad('operation', 'socket-late', undefined), undefined, 'a stopped terminal leaves nothing to replay');
  });
});

describe('examples/mes-operator-terminal.json', () => {
  const example = require('../../examples/mes-operator-terminal.json');
  const byId = new Map(example.map((n) => [n.id, n]));
  const terminal = example.find((n) => n.type === 'mes-operator-terminal');
  const { TERMINAL_ACTIONS, TERMINAL_OUTPUTS } = require('../../dist/lib/dashboard/terminal');

  it('feeds each widget from the output of its role, and each of them reaches that browser only', () => {
    const widgetOf = { operation: 'ui-template', queue: 'ui-table', operators: 'ui-text', notification: 'ui-notification', selector: 'ui-dropdown' };
    const base = example.find((n) => n.type === 'ui-base');
    assert.equal(base.includeClientData, true);
    TERMINAL_OUTPUTS.forEach((role, port) => {
      const targets = terminal.wires[port].map((id) => byId.get(id).type);
      if (widgetOf[role]) {
        assert.deepEqual(targets, [widgetOf[role]], `output ${port + 1} (${role})`);
        assert.ok(base.acceptsClientConfig.includes(widgetOf[role]), `${widgetOf[role]} accepts client constraints`);
      }
    });
    assert.deepEqual(terminal.wires[0].map((id) => byId.get(id).type), ['mes-dispatch']);
    assert.ok(base.acceptsClientConfig.includes('ui-text-input'), 'a badge typed at one browser is not shown at the others');
  });

  it('sends the terminal only topics it takes, and brings dispatch answers and refusals back', () => {
    const into = example.filter((n) => (n.wires || []).some((port) => port.includes(terminal.id)));
    const topics = into.filter((n) => n.type.startsWith('ui-') && n.type !== 'ui-event').map((n) => n.topic);
    assert.deepEqual([...new Set(topics)].sort(), ['badge', 'workstation', ...TERMINAL_ACTIONS].sort());
    const dispatch = byId.get(terminal.wires[0][0]);
    assert.deepEqual([dispatch.wires[1], dispatch.wires[2]], [[terminal.id], [terminal.id]]);
    assert.ok(into.some((n) => n.type === 'catch' && n.scope.includes(dispatch.id)));
    assert.ok(into.some((n) => n.type === 'ui-event'));
  });
});
