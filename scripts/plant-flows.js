#!/usr/bin/env node
// Writes the plant application's tabs into flows/flows.json (and the classic dashboard example).
// The flows are data; this script exists so that what repeats per workstation (an operator page
// each) is written once. It replaces only nodes whose id starts with "plant-" and appends them at
// the end, leaving every other tab of flows.json as it is. Run it after changing the plant tabs:
//   node scripts/plant-flows.js
// Workstation pages follow DEMO_WORKSTATIONS; a plant with other workstations edits the list here
// (or copies a page in the editor) and sets MES_LINE_WORKSTATIONS for the signal subscriptions.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const flowFile = path.join(root, 'flows', 'flows.json');
const DEMO_WORKSTATIONS = ['WS-10', 'WS-20', 'WS-30'];
const SCRAP_REASONS = ['dimension out of tolerance', 'surface damage', 'material defect', 'setup scrap'];
// Reason codes as the OEE reason tree names them ("parent/child"); shown with a › separator.
const STOP_REASONS = ['mechanical/jam', 'mechanical/tool-wear', 'material/missing', 'quality/adjustment', 'organisational/no-operator'];
const reasonTree = Object.entries(STOP_REASONS.reduce((tree, code) => {
  const [parent, child] = code.split('/');
  (tree[parent] = tree[parent] || []).push({ code: child });
  return tree;
}, {})).map(([code, children]) => ({ code, children }));

const nodes = [];
/** Adds a node; x/y from a grid cell so that tabs stay readable in the editor. */
function add(node, col, row) {
  if (col !== undefined) Object.assign(node, { x: 170 + col * 240, y: 60 + row * 60 });
  if (node.type !== 'tab' && node.wires === undefined && col !== undefined) node.wires = [];
  nodes.push(node);
  return node;
}
const tab = (id, label, info) => add({ id, type: 'tab', label, disabled: false, info });
const comment = (id, z, name, info, col = 0, row = 0) => add({ id, type: 'comment', z, name, info }, col, row);
const fn = (id, z, name, func, outputs, col, row, wires) => add({ id, type: 'function', z, name, func, outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires }, col, row);
const linkIn = (id, z, name, links, col, row, wires) => add({ id, type: 'link in', z, name, links, wires }, col, row);
const linkOut = (id, z, name, links, col, row) => add({ id, type: 'link out', z, name, mode: 'link', links }, col, row);
// Errors also go to the console log, where a plant's log collection finds them.
const debug = (id, z, name, col, row, complete = 'payload') => add({ id, type: 'debug', z, name, active: true, tosidebar: true, console: complete === 'error', tostatus: true, complete, targetType: 'msg', statusVal: 'payload', statusType: 'auto' }, col, row);
const catchNode = (id, z, name, scope, col, row, wires) => add({ id, type: 'catch', z, name, scope, uncaught: false, wires }, col, row);
const inject = (id, z, name, { repeat = '', once = true, onceDelay = 1, topic = '' } = {}, col, row, wires) =>
  add({ id, type: 'inject', z, name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat, crontab: '', once, onceDelay, topic, payload: '', payloadType: 'date', wires }, col, row);
const httpIn = (id, z, name, method, url, col, row, wires) => add({ id, type: 'http in', z, name, url, method, upload: false, skipBodyParsing: false, swaggerDoc: '', wires }, col, row);
const httpResponse = (id, z, name, col, row) => add({ id, type: 'http response', z, name, statusCode: '', headers: {} }, col, row);
const httpRequest = (id, z, name, col, row, wires) => add({ id, type: 'http request', z, name, method: 'use', ret: 'obj', paytoqs: 'ignore', url: '', tls: '', persist: true, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], wires }, col, row);
const rateLimit = (id, z, name, rate, col, row, wires) => add({ id, type: 'delay', z, name, pauseType: 'rate', timeout: '5', timeoutUnits: 'seconds', rate: String(rate), nbRateUnits: '1', rateUnits: 'second', randomFirst: '1', randomLast: '5', randomUnits: 'seconds', drop: false, allowrate: false, outputs: 1, wires }, col, row);
const envSwitch = (id, z, name, envName, value, col, row, wires) => add({ id, type: 'switch', z, name, property: envName, propertyType: 'env', rules: [{ t: 'eq', v: value, vt: 'str' }], checkall: 'true', repair: false, outputs: 1, wires }, col, row);

const L = {
  signals: 'plant-link-machine-signals-in',
  events: 'plant-link-mes-events-in',
  operatorActions: 'plant-link-operator-actions-in',
  erpState: 'plant-link-erp-state-in',
  machineTable: 'plant-link-machine-table-in',
  notify: 'plant-link-notify-in',
};

// ---------------------------------------------------------------- Line signals (OPC UA)
{
  const z = 'plant-tab-line-signals';
  tab(z, 'Line signals', 'PLC → MES over OPC UA: one subscription per workstation tag of the line (node-red-contrib-opcua). The endpoint is ${MES_OPCUA_ENDPOINT}; node ids come from the template ${MES_OPCUA_NODE_ID}, with {workstation} and {tag} replaced for each entry of ${MES_LINE_WORKSTATIONS}. With MES_PLC_SIM=off, point these at the plant PLC; see README "Connecting a real plant".');
  comment('plant-comment-line-signals', z, 'PLC tags → machine signals (OPC UA subscriptions, source timestamps kept)', 'When the client has a session (its status output says "session active"), the subscription list is built from the environment and fed to the OPC UA client one node id at a time. Every change arrives with its source timestamp (the moment the PLC saw it), which the OEE engine uses as event time.\n\nOnly when MES_SIGNAL_SOURCE is "opcua" (the default) are the signals passed on; set it to "mqtt" to take the same tags from the MQTT tab instead.');
  add({ id: 'plant-opcua-endpoint', type: 'OpcUa-Endpoint', name: 'line PLC', endpoint: '${MES_OPCUA_ENDPOINT}', secpol: 'None', secmode: 'None', none: true, login: false, usercert: false, usercertificate: '', userprivatekey: '' });
  fn('plant-fn-subscription-list', z, 'tags to subscribe', `// Each time the client opens a session (at start, or a new one after a lost connection), one message per
// workstation tag: topic = OPC UA node id; workstation and tag ride along and come back on every
// change (the client copies the subscribing message). The client ignores tags already subscribed.
if (msg.status !== 'session active') return null;
const template = env.get('MES_OPCUA_NODE_ID') || 'ns=1;s={workstation}.{tag}';
const tags = ['state', 'running', 'goodCount', 'rejectCount', 'faultCode', 'speed', 'idealCycleTime'];
const stations = String(env.get('MES_LINE_WORKSTATIONS') || '').split(',').map((s) => s.trim().split(':')[0]).filter(Boolean);
const out = [];
for (const workstation of stations) {
    for (const tag of tags) {
        out.push({ topic: template.replace(/\\{workstation\\}/g, workstation).replace(/\\{tag\\}/g, tag), interval: 250, workstation, tag });
    }
}
node.status({ text: out.length + ' tags' });
return [out];`, 1, 1, 1, [['plant-delay-subscribe']]);
  rateLimit('plant-delay-subscribe', z, 'one by one', 20, 2, 1, [['plant-opcua-client']]);
  add({ id: 'plant-opcua-client', type: 'OpcUa-Client', z, endpoint: 'plant-opcua-endpoint', action: 'subscribe', deadbandtype: 'a', deadbandvalue: 1, time: 250, timeUnit: 'ms', certificate: 'n', localfile: '', localkeyfile: '', securitymode: 'None', securitypolicy: 'None', useTransport: false, maxChunkCount: 1, maxMessageSize: 8192, receiveBufferSize: 8192, sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true, name: 'subscribe line tags', applicationName: '', applicationUri: '' }, 3, 1);
  nodes[nodes.length - 1].wires = [['plant-fn-opcua-signal'], ['plant-fn-subscription-list'], []];
  fn('plant-fn-opcua-signal', z, 'OPC UA change → machine signal', `if (msg.topic === 'subscriptionId' || !msg.workstation) return null;
const ts = msg.sourceTimestamp || msg.serverTimestamp;
msg.topic = msg.workstation + '/' + msg.tag;
msg.payload = { workstation: msg.workstation, tag: msg.tag, value: msg.payload, timestamp: new Date(ts).toISOString(), source: 'opcua' };
return msg;`, 1, 0, 3, [['plant-switch-opcua-source']]);
  envSwitch('plant-switch-opcua-source', z, 'MES_SIGNAL_SOURCE = opcua', 'MES_SIGNAL_SOURCE', 'opcua', 1, 3, [['plant-link-out-opcua-signals']]);
  linkOut('plant-link-out-opcua-signals', z, 'machine signals', [L.signals], 2, 3);
  catchNode('plant-catch-opcua', z, 'OPC UA errors', ['plant-opcua-client', 'plant-fn-subscription-list'], 0, 5, [['plant-debug-opcua-errors']]);
  debug('plant-debug-opcua-errors', z, 'log OPC UA errors', 1, 5, 'error');
}

// ---------------------------------------------------------------- MQTT: signals in, events out (UNS)
{
  const z = 'plant-tab-mqtt';
  tab(z, 'MQTT', 'The unified namespace: the same machine signals over MQTT, and every MES event published under site/area/line/workstation/event. Broker ${MES_MQTT_URL}; `npm start` runs an embedded broker there unless MES_MQTT_BROKER=off.');
  add({ id: 'plant-mqtt-broker', type: 'mqtt-broker', name: 'plant broker', broker: '${MES_MQTT_URL}', port: '', clientid: '', autoConnect: true, usetls: false, protocolVersion: '4', keepalive: '60', cleansession: true, autoUnsubscribe: true, birthTopic: '', birthQos: '0', birthRetain: 'false', birthPayload: '', birthMsg: {}, closeTopic: '', closeQos: '0', closeRetain: 'false', closePayload: '', closeMsg: {}, willTopic: '', willQos: '0', willRetain: 'false', willPayload: '', willMsg: {}, userProps: '', sessionExpiry: '' });
  comment('plant-comment-mqtt-signals', z, 'PLC tags over MQTT: site/area/line/<workstation>/plc/<tag>, payload {value, timestamp}', 'Used instead of OPC UA when MES_SIGNAL_SOURCE=mqtt. Subscribes to ${MES_MQTT_SIGNAL_TOPIC} (default <site>/<area>/<line>/+/plc/+). A gateway or PLC publishing other topics is mapped in the function below (topic levels 4 and 6 are workstation and tag).');
  add({ id: 'plant-mqtt-in-signals', type: 'mqtt in', z, name: 'PLC tags', topic: '${MES_MQTT_SIGNAL_TOPIC}', qos: '1', datatype: 'json', broker: 'plant-mqtt-broker', nl: false, rap: true, rh: 0, inputs: 0 }, 0, 1);
  nodes[nodes.length - 1].wires = [['plant-fn-mqtt-signal']];
  fn('plant-fn-mqtt-signal', z, 'MQTT tag → machine signal', `const levels = String(msg.topic).split('/');
const workstation = levels[3];
const tag = levels[5];
const body = msg.payload || {};
if (!workstation || !tag || body.value === undefined) return null;
msg.topic = workstation + '/' + tag;
msg.payload = { workstation, tag, value: body.value, timestamp: body.timestamp || new Date().toISOString(), source: 'mqtt' };
return msg;`, 1, 1, 1, [['plant-switch-mqtt-source']]);
  envSwitch('plant-switch-mqtt-source', z, 'MES_SIGNAL_SOURCE = mqtt', 'MES_SIGNAL_SOURCE', 'mqtt', 2, 1, [['plant-link-out-mqtt-signals']]);
  linkOut('plant-link-out-mqtt-signals', z, 'machine signals', [L.signals], 3, 1);

  comment('plant-comment-uns', z, 'MES events → ISA-95 topics: site/area/line/<workstation or "line">/<event type>', 'Every event of the MES (orders, operations, quantities, OEE, lots, deliveries) arrives here through the "MES events" link and is published with QoS 1. Events without a workstation (an order received) go under "line". The MQTT nodes drop messages while disconnected: this is a live feed for the plant, not a delivery guarantee; the ERP gets its actuals from the outbox, which reads the durable event log.', 0, 3);
  linkIn(L.events, z, 'MES events', ['order-events-out'], 0, 4, [['plant-fn-uns-topic']]);
  fn('plant-fn-uns-topic', z, 'ISA-95 topic', `const e = msg.payload || {};
if (!e.type) return null;
const level = (s) => String(s).replace(/[+#/]/g, '_');
msg.topic = [env.get('MES_SITE'), env.get('MES_AREA'), env.get('MES_LINE'), level(e.workstation || 'line'), level(e.type)].join('/');
return msg;`, 1, 1, 4, [['plant-mqtt-out-events']]);
  add({ id: 'plant-mqtt-out-events', type: 'mqtt out', z, name: 'publish MES events', topic: '', qos: '1', retain: 'false', respTopic: '', contentType: '', userProps: '', correl: '', expiry: '', broker: 'plant-mqtt-broker' }, 2, 4);
}

// ---------------------------------------------------------------- Machine signals: live line state
{
  const z = 'plant-tab-machine-state';
  tab(z, 'Machine state', 'Machine signals from the PLC (OPC UA or MQTT) fan out from here: to the live machine table of the supervisor page, and to the OEE engine.');
  comment('plant-comment-machine-state', z, 'machine signals → live machine table', 'The function keeps the last value of every tag per workstation in flow context and sends the table at most once a second.');
  linkIn(L.signals, z, 'machine signals', ['plant-link-out-opcua-signals', 'plant-link-out-mqtt-signals'], 0, 1, [['plant-fn-machine-table']]);
  fn('plant-fn-machine-table', z, 'latest tag values', `const s = msg.payload;
const machines = flow.get('machines') || {};
const m = machines[s.workstation] || { workstation: s.workstation };
m[s.tag] = s.value;
m.source = s.source;
if (s.tag === 'state') m.since = s.timestamp;
m.updated = s.timestamp;
machines[s.workstation] = m;
flow.set('machines', machines);
return { topic: 'machines', payload: Object.values(machines).sort((a, b) => a.workstation.localeCompare(b.workstation)) };`, 1, 1, 1, [['plant-delay-machine-table']]);
  add({ id: 'plant-delay-machine-table', type: 'delay', z, name: 'at most 1/s', pauseType: 'rate', timeout: '5', timeoutUnits: 'seconds', rate: '1', nbRateUnits: '1', rateUnits: 'second', randomFirst: '1', randomLast: '5', randomUnits: 'seconds', drop: true, allowrate: false, outputs: 1 }, 2, 1);
  nodes[nodes.length - 1].wires = [['plant-link-out-machine-table']];
  linkOut('plant-link-out-machine-table', z, 'machine table', [L.machineTable], 3, 1);
}

// ---------------------------------------------------------------- ERP: mock ERP and demo orders
{
  const z = 'plant-tab-erp';
  tab(z, 'ERP', 'ERP side of the demo: a mock ERP that accepts orders and confirmations (and can be switched down from the supervisor page to show store-and-forward), and a demo order generator that releases an order to the MES order API now and then. A plant removes this tab and points the outbox at its ERP (MES_ERP_URL).');
  comment('plant-comment-mock-erp', z, 'Mock ERP: POST /mock-erp/api/... records each message by idempotency key; 503 while switched down', 'GET /mock-erp/received lists what arrived (newest last, at most 1000) with counts; POST /mock-erp/state {"up": false} switches it down, {"up": true} back up (the supervisor page does the same).');
  httpIn('plant-http-mock-erp', z, 'ERP receives', 'post', '/mock-erp/api/*', 0, 1, [['plant-fn-mock-erp']]);
  fn('plant-fn-mock-erp', z, 'accept or refuse', `if (global.get('mockErpUp') === false) {
    msg.statusCode = 503;
    msg.headers = { 'Retry-After': '5' };
    msg.payload = { error: 'ERP unavailable (switched down from the MES dashboard)' };
    return msg;
}
const key = msg.req.get('idempotency-key') || msg.req.get('x-idempotency-key') || (msg.payload && msg.payload.idempotencyKey) || null;
const log = flow.get('received') || [];
const seen = flow.get('seenKeys') || {};
const duplicate = key !== null && seen[key] === true;
if (key !== null) seen[key] = true;
log.push({ key, path: msg.req.path, duplicate, receivedAt: new Date().toISOString(), body: msg.payload });
if (log.length > 1000) log.splice(0, log.length - 1000);
flow.set('received', log);
flow.set('seenKeys', seen);
flow.set('receivedCount', (flow.get('receivedCount') || 0) + 1);
node.status({ text: (flow.get('receivedCount')) + ' received' });
msg.statusCode = 201;
msg.payload = { accepted: true, duplicate };
return msg;`, 1, 1, 1, [['plant-http-mock-erp-reply']]);
  httpResponse('plant-http-mock-erp-reply', z, 'reply', 2, 1);
  httpIn('plant-http-mock-erp-received', z, 'what the ERP received', 'get', '/mock-erp/received', 0, 2, [['plant-fn-mock-erp-received']]);
  fn('plant-fn-mock-erp-received', z, 'list', `const received = flow.get('received') || [];
msg.payload = { up: global.get('mockErpUp') !== false, count: flow.get('receivedCount') || 0, received };
return msg;`, 1, 1, 2, [['plant-http-mock-erp-reply']]);
  httpIn('plant-http-mock-erp-state', z, 'switch up/down', 'post', '/mock-erp/state', 0, 3, [['plant-fn-mock-erp-state']]);
  linkIn(L.erpState, z, 'ERP switch (dashboard)', ['plant-link-out-erp-switch'], 0, 4, [['plant-fn-mock-erp-state']]);
  inject('plant-inject-erp-up', z, 'up at start', { onceDelay: 1 }, 0, 5, [['plant-fn-mock-erp-state']]);
  fn('plant-fn-mock-erp-state', z, 'set up/down', `const up = typeof msg.payload === 'object' && msg.payload !== null ? msg.payload.up !== false : msg.payload !== false;
global.set('mockErpUp', up);
node.status({ fill: up ? 'green' : 'red', shape: 'dot', text: up ? 'ERP up' : 'ERP down' });
if (msg.req) {
    msg.payload = { up };
    return [msg, { payload: up }];
}
return [null, { payload: up }];`, 2, 1, 3, [['plant-http-mock-erp-reply'], ['plant-link-out-erp-state-ui']]);
  linkOut('plant-link-out-erp-state-ui', z, 'ERP state → supervisor', ['plant-link-erp-state-ui-in'], 2, 4);

  comment('plant-comment-demo-orders', z, 'Demo order generator: releases an order to POST /mes/v1/orders at start and every 10 minutes', 'Off with MES_DEMO_ORDERS=off. The order runs through the three workstations of the demo line (one operation each) with work instructions, quality checks and components, authenticated with MES_API_TOKEN like any ERP.', 0, 6);
  inject('plant-inject-demo-order', z, 'at start, every 10 min', { repeat: '600', onceDelay: 5 }, 0, 7, [['plant-fn-demo-order']]);
  fn('plant-fn-demo-order', z, 'demo order', `if (/^(off|false|0|no)$/i.test(env.get('MES_DEMO_ORDERS') || '')) return null;
const now = new Date();
const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
const stations = String(env.get('MES_LINE_WORKSTATIONS')).split(',').map((s) => s.trim().split(':')).filter((p) => p[0]);
const qty = (value) => ({ value, unit: 'PCE' });
const checks = [
    [{ id: 'QC-VIS', characteristic: 'visual', type: 'attribute', frequency: { kind: 'first-piece' } }],
    [{ id: 'QC-DIA', characteristic: 'diameter', type: 'variable', nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm', frequency: { kind: 'every-n', n: 20 } }],
    [{ id: 'QC-FUN', characteristic: 'function test', type: 'attribute', frequency: { kind: 'at-completion' } }],
];
const quantity = Number(env.get('MES_DEMO_ORDER_QUANTITY')) || 60;
msg.payload = {
    orderId: 'DEMO-' + stamp,
    erpReference: 'ERP-' + stamp,
    plant: env.get('MES_SITE'),
    material: 'FG-100',
    materialDescription: 'Gear housing',
    quantity: qty(quantity),
    scheduledStart: now.toISOString(),
    scheduledEnd: new Date(now.getTime() + 8 * 3600 * 1000).toISOString(),
    priority: 100,
    operations: stations.map(([ws, cycle], i) => ({
        key: String((i + 1) * 10).padStart(4, '0'),
        sequence: (i + 1) * 10,
        description: 'Step ' + (i + 1) + ' at ' + ws,
        workCenter: 'WC-' + ws,
        allowedWorkstations: [ws],
        plannedQuantity: qty(quantity),
        idealCycleTimeSeconds: Number(cycle) || 5,
        workInstructions: [{ step: 1, text: 'Check the setup sheet for ' + ws }, { step: 2, text: 'Run the cycle; report good and scrap' }],
        qualityChecks: checks[i % checks.length],
    })),
    components: [
        { material: 'RM-BAR', quantity: { value: quantity * 0.25, unit: 'KG' }, operationKey: '0010', lotControlled: true },
        { material: 'SCREW-M4', quantity: qty(quantity * 4), operationKey: stations.length > 1 ? '0020' : '0010', backflush: true },
    ],
};
msg.method = 'POST';
msg.url = 'http://127.0.0.1:' + (env.get('PORT') || 1880) + '/mes/v1/orders';
msg.headers = { 'content-type': 'application/json', authorization: 'Bearer ' + env.get('MES_API_TOKEN') };
return msg;`, 1, 1, 7, [['plant-http-post-demo-order']]);
  httpRequest('plant-http-post-demo-order', z, 'POST order', 2, 7, [['plant-debug-demo-order']]);
  debug('plant-debug-demo-order', z, 'order API answer', 3, 7, 'statusCode');
}

// ---------------------------------------------------------------- Dashboard 2.0: base, theme, pages
add({ id: 'plant-ui-base', type: 'ui-base', name: 'MES', path: '/dashboard', appIcon: '', includeClientData: true, acceptsClientConfig: ['ui-notification', 'ui-control', 'ui-text', 'ui-template', 'ui-table'], showPathInSidebar: false, headerContent: 'page', navigationStyle: 'icon', titleBarStyle: 'default', showReconnectNotification: true, notificationDisplayTime: 5, showDisconnectNotification: true, allowInstall: false });
add({ id: 'plant-ui-theme', type: 'ui-theme', name: 'MES', colors: { surface: '#1f3a5f', primary: '#0d74ce', bgPage: '#f4f6f9', groupBg: '#ffffff', groupOutline: '#d9d9e0' }, sizes: { density: 'default', pagePadding: '12px', groupGap: '12px', groupBorderRadius: '6px', widgetGap: '12px' } });
const breakpoints = [{ name: 'Default', px: 0, cols: 3 }, { name: 'Tablet', px: 576, cols: 6 }, { name: 'Small Desktop', px: 768, cols: 9 }, { name: 'Desktop', px: 1024, cols: 12 }];
let pageOrder = 0;
const page = (id, name, urlPath, icon) => add({ id, type: 'ui-page', name, ui: 'plant-ui-base', path: urlPath, icon, layout: 'grid', theme: 'plant-ui-theme', breakpoints, order: ++pageOrder, className: '', visible: 'true', disabled: 'false' });
let groupOrder = 0;
const group = (id, name, pageId, width) => add({ id, type: 'ui-group', name, page: pageId, width, height: 1, order: ++groupOrder, showTitle: true, className: '', visible: 'true', disabled: 'false', groupType: 'default' }).id;
const widgetBase = (id, type, z, groupId, order, extra) => ({ id, type, z, group: groupId, order, width: 0, height: 0, className: '', name: '', ...extra });
const uiButton = (id, z, groupId, order, label, topic, col, row, wires, color = '') => add(widgetBase(id, 'ui-button', z, groupId, order, {
  label, emulateClick: false, tooltip: '', color: '', bgcolor: color, icon: '', iconPosition: 'left', payload: '', payloadType: 'date', topic, topicType: 'str', buttonColor: color, textColor: '', iconColor: '', enableClick: true, enablePointerdown: false, pointerdownPayload: '', pointerdownPayloadType: 'str', enablePointerup: false, pointerupPayload: '', pointerupPayloadType: 'str', wires,
}), col, row);
const uiText = (id, z, groupId, order, label, col, row) => add(widgetBase(id, 'ui-text', z, groupId, order, { label, format: '{{msg.payload}}', layout: 'row-left', style: false, font: '', fontSize: 16, color: '#000000', wrapText: true, value: 'payload', valueType: 'msg' }), col, row);
const uiTable = (id, z, groupId, order, label, columns, col, row) => add(widgetBase(id, 'ui-table', z, groupId, order, { label, maxrows: 0, passthru: false, autocols: columns === null, showSearch: false, deselect: true, selectionType: 'none', columns, mobileBreakpoint: 'sm', mobileBreakpointType: 'defaults', action: 'replace', width: 0 }), col, row);
const column = (key, label, type = 'text') => ({ title: label, key, keyType: 'key', type, width: '', align: 'start' });
const formField = (key, label, type, required = false) => ({ label, key, type, required, rows: null });
const uiForm = (id, z, groupId, order, label, options, dropdownOptions, topic, col, row, wires) => add(widgetBase(id, 'ui-form', z, groupId, order, {
  label, options, formValue: Object.fromEntries(options.map((o) => [o.key, o.type === 'checkbox' ? false : ''])), payload: '', submit: 'submit', cancel: 'clear', resetOnSubmit: true, topic, topicType: 'str', splitLayout: '', passthru: false, dropdownOptions, wires,
}), col, row);
const dropdownOptionsFor = (key, values) => values.map((v) => ({ dropdown: key, value: v, label: v.replace('/', ' › ') }));

// ---------------------------------------------------------------- Operator pages (one per workstation)
{
  const z = 'plant-tab-operator';
  tab(z, 'Operator dashboard', 'Dashboard 2.0 pages /dashboard/operator-<workstation>: sign-on, current operation and work instructions, start / pause / complete, good and scrap with reason, quality checks, lot scan, downtime reason. Every action becomes one operator command with who (the dashboard login, or the badge signed on when the dashboard runs without login), when and a command id.');
  comment('plant-comment-operator', z, 'operator widgets → "operator command" (topic "<workstation>/<action>") → dispatch', 'Widgets carry their workstation and action in the topic, so one function turns any of them into a command. The operator identity is the dashboard login (msg._client.user, see README "Dashboard access"); without a login configured, the badge entered at sign-on. Commands from nobody signed on are refused with a notification.');
  DEMO_WORKSTATIONS.forEach((ws, i) => {
    const p = `plant-ui-page-${ws}`;
    page(p, `Operator ${ws}`, `/operator-${ws}`, 'account-hard-hat');
    const gSign = group(`plant-ui-group-${ws}-sign`, `${ws} · operator`, p, 4);
    const gOp = group(`plant-ui-group-${ws}-operation`, `${ws} · operation`, p, 8);
    const gReport = group(`plant-ui-group-${ws}-report`, `${ws} · report`, p, 12);
    const col = 1 + (i % 3);
    const row0 = 2 + i * 14;
    const toCommand = [[L.operatorActions + '-out-' + ws]];
    uiText(`plant-ui-${ws}-who`, z, gSign, 1, 'Signed on', col, row0);
    add(widgetBase(`plant-ui-${ws}-badge`, 'ui-text-input', z, gSign, 2, { label: 'Badge', topic: `${ws}/badge`, topicType: 'str', mode: 'text', tooltip: 'operator badge (when the dashboard has no login)', delay: 300, passthru: false, sendOnDelay: false, sendOnBlur: true, sendOnEnter: true, clearable: false, sendOnClear: false, icon: '', iconPosition: 'left', iconInnerPosition: 'inside', wires: toCommand }), col, row0 + 1);
    uiButton(`plant-ui-${ws}-sign-on`, z, gSign, 3, 'Sign on', `${ws}/sign-on`, col, row0 + 2, toCommand);
    uiButton(`plant-ui-${ws}-sign-off`, z, gSign, 4, 'Sign off', `${ws}/sign-off`, col, row0 + 3, toCommand);
    add(widgetBase(`plant-ui-${ws}-current`, 'ui-template', z, gOp, 1, {
      page: '', ui: '', head: '', storeOutMessages: true, passthru: false, resendOnRefresh: true, templateScope: 'local',
      format: `<template>
  <div v-if="msg && msg.payload && msg.payload.operation" class="mes-current">
    <div class="text-h6">{{ msg.payload.operation.orderId }} · {{ msg.payload.operation.operationKey }} — {{ msg.payload.operation.state }}</div>
    <div>{{ msg.payload.operation.description }}: good {{ msg.payload.operation.goodQuantity }} of {{ msg.payload.operation.plannedQuantity }} {{ msg.payload.operation.unit }}, scrap {{ msg.payload.operation.scrapQuantity }}</div>
    <ol class="mt-2"><li v-for="w in (msg.payload.operation.workInstructions || [])" :key="w.step">{{ w.text }}</li></ol>
    <div v-if="msg.payload.dueChecks.length" class="mt-2"><b>Checks due:</b> <span v-for="c in msg.payload.dueChecks" :key="c.checkId || c.id">{{ c.checkId || c.id }} ({{ c.characteristic }}) </span></div>
  </div>
  <div v-else-if="msg && msg.payload && msg.payload.next">Next: <b>{{ msg.payload.next.orderId }} · {{ msg.payload.next.operationKey }}</b> {{ msg.payload.next.description }} — press Start.</div>
  <div v-else>No operation at this workstation.</div>
</template>`,
    }), col, row0 + 4);
    uiTable(`plant-ui-${ws}-queue`, z, gOp, 2, 'Queue', [column('orderId', 'Order'), column('operationKey', 'Op'), column('state', 'State'), column('plannedQuantity', 'Planned')], col, row0 + 5);
    uiButton(`plant-ui-${ws}-start`, z, gOp, 3, 'Start', `${ws}/start`, col, row0 + 6, toCommand, '#2e7d32');
    uiButton(`plant-ui-${ws}-resume`, z, gOp, 4, 'Resume', `${ws}/resume`, col, row0 + 7, toCommand);
    uiForm(`plant-ui-${ws}-pause`, z, gOp, 5, 'Pause', [formField('reasonCode', 'Pause reason', 'dropdown', true)], dropdownOptionsFor('reasonCode', STOP_REASONS), `${ws}/pause`, col, row0 + 8, toCommand);
    uiForm(`plant-ui-${ws}-complete`, z, gOp, 6, 'Complete', [formField('final', 'Final confirmation', 'checkbox')], [], `${ws}/complete`, col, row0 + 9, toCommand);
    uiForm(`plant-ui-${ws}-report`, z, gReport, 1, 'Good and scrap', [formField('goodQuantity', 'Good', 'number'), formField('scrapQuantity', 'Scrap', 'number'), formField('scrapReason', 'Scrap reason', 'dropdown')], dropdownOptionsFor('scrapReason', SCRAP_REASONS), `${ws}/report`, col, row0 + 10, toCommand);
    uiForm(`plant-ui-${ws}-check`, z, gReport, 2, 'Quality check', [formField('checkId', 'Check', 'text', true), formField('value', 'Measured value', 'number'), formField('passed', 'Passed', 'checkbox')], [], `${ws}/check`, col, row0 + 11, toCommand);
    uiForm(`plant-ui-${ws}-lot`, z, gReport, 3, 'Lot scan', [formField('lot', 'Lot', 'text', true), formField('material', 'Material', 'text', true), formField('quantity', 'Quantity', 'number', true), formField('unit', 'Unit', 'text', true)], [], `${ws}/consume`, col, row0 + 12, toCommand);
    uiForm(`plant-ui-${ws}-downtime`, z, gReport, 4, 'Downtime reason', [formField('reason', 'Reason of the last stop', 'dropdown', true)], dropdownOptionsFor('reason', STOP_REASONS), `${ws}/downtime-reason`, col, row0 + 13, toCommand);
    linkOut(L.operatorActions + '-out-' + ws, z, `${ws} actions`, [L.operatorActions], col + 1, row0 + 6);
  });
  linkIn(L.operatorActions, z, 'operator actions', DEMO_WORKSTATIONS.map((ws) => L.operatorActions + '-out-' + ws), 5, 2, [['plant-fn-operator-command']]);
  fn('plant-fn-operator-command', z, 'operator command', `// topic "<workstation>/<action>" → one command with who, when and a command id, to the part that
// owns it: dispatch (sign-on … complete), genealogy (lot scan), OEE (downtime reason).
const [workstation, action] = String(msg.topic).split('/');
const client = msg._client || {};
const login = client.user && (client.user.userId || client.user.username);
const badges = flow.get('badges') || {};
const socket = client.socketId || 'anonymous';
if (action === 'badge') {
    badges[socket] = String(msg.payload || '').trim();
    flow.set('badges', badges);
    return null;
}
// Without a dashboard login, a workstation terminal acts for the operator signed on there.
const signedOn = global.get('signedOn') || {};
const who = login || (action === 'sign-on' ? badges[socket] : signedOn[workstation]);
const tell = (text) => ({ payload: text, _client: msg._client });
if (!who) return [null, tell(action === 'sign-on' ? 'Enter your badge first.' : 'Sign on at ' + workstation + ' first.'), null, null, null];
if (action === 'sign-on') signedOn[workstation] = who;
if (action === 'sign-off') delete signedOn[workstation];
global.set('signedOn', signedOn);
// Blank form fields are left out: the MES refuses unknown or empty fields rather than guess.
const fields = {};
const input = typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {};
for (const [k, v] of Object.entries(input)) if (v !== '' && v !== null && v !== undefined) fields[k] = v;
const now = new Date().toISOString();
const commandId = RED.util.generateId() + RED.util.generateId();
const current = (global.get('dispatchTargets') || {})[workstation] || {};
const onOperation = { orderId: current.orderId, operationKey: current.operationKey };
if (action === 'downtime-reason') {
    const downtimeId = (global.get('oeeLastDowntime') || {})[workstation];
    if (!downtimeId) return [null, tell('No stop recorded at ' + workstation + ' to classify.'), null, null, null];
    return [null, null, null, null, { topic: 'oee/classify', payload: { downtimeId, reason: fields.reason, actor: who, time: now }, _client: msg._client }];
}
if (action === 'consume') {
    if (!current.orderId) return [null, tell('No operation at ' + workstation + ' to consume into.'), null, null, null];
    const consume = { action: 'consume', orderId: current.orderId, operationKey: current.operationKey, lot: fields.lot, material: fields.material, quantity: fields.quantity, unit: fields.unit, actor: who, workstation, eventTime: now };
    return [null, null, null, { topic: 'consume', payload: consume, _client: msg._client }, null];
}
if (action === 'check') {
    // a measured value for a variable check, pass/fail for an attribute check
    if (typeof fields.value === 'number') delete fields.passed; else fields.passed = fields.passed === true;
}
if (action === 'complete') fields.final = fields.final === true;
const command = { topic: action, payload: Object.assign({ commandId, eventTime: now, workstation, operator: who }, fields), _client: msg._client };
if (action !== 'sign-on' && action !== 'sign-off') {
    if (!current.orderId) return [null, tell('No operation at ' + workstation + ': start one from the queue.'), null, null, null];
    Object.assign(command.payload, onOperation);
}
const shown = action === 'sign-on' || action === 'sign-off' ? { topic: workstation, payload: action === 'sign-on' ? who : '—' } : null;
return [command, null, shown, null, null];`, 5, 6, 2, [['plant-link-out-operator-commands'], [L.notify + '-out-operator'], ['plant-fn-who-to-page'], ['plant-link-out-lot-scans'], ['plant-link-out-downtime-reasons']]);
  linkOut('plant-link-out-operator-commands', z, 'operator commands', [], 7, 2);
  linkOut('plant-link-out-lot-scans', z, 'lot scans', [], 7, 5);
  linkOut('plant-link-out-downtime-reasons', z, 'downtime reasons', [], 7, 6);
  linkOut(L.notify + '-out-operator', z, 'notify operator', [L.notify], 7, 3);
  fn('plant-fn-who-to-page', z, 'to workstation page', `const index = ${JSON.stringify(DEMO_WORKSTATIONS)}.indexOf(msg.topic);
if (index < 0) return null;
const out = new Array(${DEMO_WORKSTATIONS.length}).fill(null);
out[index] = msg;
return out;`, DEMO_WORKSTATIONS.length, 7, 4, DEMO_WORKSTATIONS.map((ws) => [`plant-ui-${ws}-who`]));
  linkIn(L.notify, z, 'notifications', [L.notify + '-out-operator'], 5, 6, [['plant-ui-notification']]);
  add({ id: 'plant-ui-notification', type: 'ui-notification', z, ui: 'plant-ui-base', position: 'top right', colorDefault: true, color: '', displayTime: '5', showCountdown: true, outputs: 0, allowDismiss: true, dismissText: 'Close', allowConfirm: false, confirmText: 'Confirm', raw: false, className: '', name: 'tell the operator' }, 6, 6);
}

// ---------------------------------------------------------------- Supervisor page
{
  const z = 'plant-tab-supervisor';
  tab(z, 'Supervisor dashboard', 'Dashboard 2.0 page /dashboard/supervisor: live machine state, OEE per workstation and line with A/P/Q and a trend, downtime Pareto, order progress and WIP (read from the MES database), ERP up/down and the outbox, OEE history per shift.');
  const p = 'plant-ui-page-supervisor';
  page(p, 'Supervisor', '/supervisor', 'chart-line');
  const gMachines = group('plant-ui-group-sup-machines', 'Machines', p, 6);
  const gErp = group('plant-ui-group-sup-erp', 'ERP', p, 6);
  const gOee = group('plant-ui-group-sup-oee', 'OEE', p, 12);
  const gOrders = group('plant-ui-group-sup-orders', 'Orders and WIP', p, 12);
  const gHistory = group('plant-ui-group-sup-history', 'OEE history per shift', p, 12);
  comment('plant-comment-supervisor', z, 'supervisor page', 'Machine table from the Machine state tab; order progress polled from the MES database every 5 s (read-only SQLite connection, prepared statement); ERP switch drives the mock ERP.');
  linkIn('plant-link-machine-table-in', z, 'machine table', ['plant-link-out-machine-table'], 0, 1, [['plant-ui-sup-machines']]);
  uiTable('plant-ui-sup-machines', z, gMachines, 1, 'Live machine state', [column('workstation', 'Workstation'), column('state', 'State'), column('goodCount', 'Good'), column('rejectCount', 'Reject'), column('faultCode', 'Fault'), column('speed', 'Speed /min')], 1, 1);
  add(widgetBase('plant-ui-sup-erp-switch', 'ui-switch', z, gErp, 1, { label: 'Mock ERP up', passthru: false, decouple: true, topic: 'erp', topicType: 'str', style: '', layout: 'row-spread', clickableArea: 'switch', onvalue: true, onvalueType: 'bool', onicon: '', oncolor: '', offvalue: false, offvalueType: 'bool', officon: '', offcolor: '', wires: [['plant-link-out-erp-switch']] }), 1, 3);
  linkOut('plant-link-out-erp-switch', z, 'ERP switch', [L.erpState], 2, 3);
  linkIn('plant-link-erp-state-ui-in', z, 'ERP state', ['plant-link-out-erp-state-ui'], 0, 4, [['plant-ui-sup-erp-switch', 'plant-fn-erp-state-text']]);
  fn('plant-fn-erp-state-text', z, 'ERP state text', `msg.payload = msg.payload ? 'up: the ERP accepts actuals' : 'DOWN: actuals wait in the outbox';
return msg;`, 1, 1, 4, [['plant-ui-sup-erp-state']]);
  uiText('plant-ui-sup-erp-state', z, gErp, 2, 'ERP', 2, 4);

  inject('plant-inject-orders-poll', z, 'every 5 s', { repeat: '5', onceDelay: 3 }, 0, 6, [['plant-fn-orders-params']]);
  fn('plant-fn-orders-params', z, 'query parameters', `msg.params = { $limit: 20 };
return msg;`, 1, 1, 6, [['plant-sqlite-orders']]);
  add({ id: 'plant-sqlite-orders', type: 'sqlite', z, mydb: 'plant-sqlitedb', sqlquery: 'prepared', sql: "SELECT o.order_id AS orderId, o.material, o.status, printf('%g %s', o.quantity, o.unit) AS quantity, group_concat(op.operation_key || ' ' || op.state || ' ' || printf('%g', op.good_quantity) || '/' || printf('%g', op.planned_quantity) || ' wip ' || printf('%g', op.wip), ', ') AS operations FROM orders o JOIN (SELECT order_id, operation_key, sequence, state, good_quantity, planned_quantity, CASE WHEN state = 'completed' THEN 0 ELSE max(0, coalesce(lag(good_quantity) OVER (PARTITION BY order_id ORDER BY sequence), planned_quantity) - good_quantity - scrap_quantity) END AS wip FROM operations WHERE state <> 'cancelled') op ON op.order_id = o.order_id GROUP BY o.order_id ORDER BY o.created_at DESC LIMIT $limit", name: 'orders and operations' }, 2, 6);
  nodes[nodes.length - 1].wires = [['plant-ui-sup-orders']];
  uiTable('plant-ui-sup-orders', z, gOrders, 1, 'Orders', [column('orderId', 'Order'), column('material', 'Material'), column('status', 'Status'), column('quantity', 'Quantity'), column('operations', 'Operations (state, good/planned, WIP)')], 3, 6);

  add(widgetBase('plant-ui-sup-history-ws', 'ui-dropdown', z, gHistory, 1, { label: 'Workstation', tooltip: '', passthru: false, multiple: false, chips: false, clearable: false, options: [{ label: 'all', value: '%', type: 'str' }, ...DEMO_WORKSTATIONS.map((ws) => ({ label: ws, value: ws, type: 'str' }))], payload: '', topic: 'workstation', topicType: 'str', typeIsComboBox: true, msgTrigger: 'onChange', wires: [['plant-fn-history-params']] }), 0, 8);
  fn('plant-fn-history-params', z, 'query parameters', `// Parameters only: the SQL is a prepared statement in the sqlite node, never built from input.
msg.params = { $workstation: String(msg.payload || '%'), $type: 'oee.shift-summary', $limit: 50 };
return msg;`, 1, 1, 8, [['plant-sqlite-history']]);
  add({ id: 'plant-sqlite-history', type: 'sqlite', z, mydb: 'plant-sqlitedb', sqlquery: 'prepared', sql: "SELECT workstation, json_extract(payload, '$.shift') AS shift, json_extract(payload, '$.shiftStart') AS shiftStart, round(json_extract(payload, '$.availability') * 100, 1) AS availability, round(json_extract(payload, '$.performance') * 100, 1) AS performance, round(json_extract(payload, '$.quality') * 100, 1) AS quality, round(json_extract(payload, '$.oee') * 100, 1) AS oee FROM events WHERE type = $type AND workstation LIKE $workstation ORDER BY seq DESC LIMIT $limit", name: 'OEE per shift' }, 2, 8);
  nodes[nodes.length - 1].wires = [['plant-ui-sup-history']];
  uiTable('plant-ui-sup-history', z, gHistory, 2, 'OEE per shift (%)', [column('workstation', 'Workstation'), column('shift', 'Shift'), column('shiftStart', 'Start'), column('availability', 'A'), column('performance', 'P'), column('quality', 'Q'), column('oee', 'OEE')], 3, 8);
  add({ id: 'plant-sqlitedb', type: 'sqlitedb', db: '${MES_DB}', mode: 'RO' });
  catchNode('plant-catch-supervisor', z, 'query errors', ['plant-sqlite-orders', 'plant-sqlite-history'], 0, 10, [['plant-debug-supervisor-errors']]);
  debug('plant-debug-supervisor-errors', z, 'log query errors', 1, 10, 'error');
  uiText('plant-ui-sup-oee-note', z, gOee, 1, 'OEE appears here once the mes-oee node is part of this build', 3, 10);
}

// ---------------------------------------------------------------- Trace page
{
  const z = 'plant-tab-trace';
  tab(z, 'Trace dashboard', 'Dashboard 2.0 page /dashboard/trace: backward (what went into a lot) and forward (where a lot went) trace.');
  const p = 'plant-ui-page-trace';
  page(p, 'Trace', '/trace', 'family-tree');
  const g = group('plant-ui-group-trace', 'Lot trace', p, 12);
  comment('plant-comment-trace', z, 'lot + direction → genealogy trace → table', '');
  uiForm('plant-ui-trace-form', z, g, 1, 'Trace a lot', [formField('lot', 'Lot', 'text', true), formField('direction', 'Direction', 'dropdown', true)], dropdownOptionsFor('direction', ['backward', 'forward']), 'trace', 0, 1, [['plant-link-out-trace-query']]);
  linkOut('plant-link-out-trace-query', z, 'trace query', [], 1, 1);
  uiTable('plant-ui-trace-result', z, g, 2, 'Trace', null, 3, 1);
}

// ---------------------------------------------------------------- MES nodes, wired when this package registers them
const registered = new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))['node-red'].nodes));
const byId = (id) => nodes.find((n) => n.id === id);
/** Wires a link out to a link in, on both sides as the editor does. */
function connect(outId, inId) {
  const out = byId(outId) || existingNode(outId);
  const into = byId(inId) || existingNode(inId);
  if (!out.links.includes(inId)) out.links.push(inId);
  if (!into.links.includes(outId)) into.links.push(outId);
}
const existingFlows = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
const existingNode = (id) => existingFlows.find((n) => n.id === id);
// Links and wires into the plant nodes are rebuilt below; drop those of an earlier run.
for (const n of existingFlows) {
  if (String(n.id).startsWith('plant-')) continue;
  if (Array.isArray(n.links)) n.links = n.links.filter((id) => !id.startsWith('plant-'));
  if (Array.isArray(n.wires)) n.wires = n.wires.map((port) => port.filter((id) => !id.startsWith('plant-')));
}
/**
 * A Catch node's refusal back to the dashboard session whose message was refused: the caught msg
 * is the original one, so msg._client names the operator's browser, and ui-notification answers
 * that session only. A message from no dashboard (a PLC signal, an HTTP request, the demo
 * warehouse) has no _client; a notification of it would reach every open page, so it only goes
 * to the log (the Catch node's other wire). Returns the function's id, for the Catch node's wires.
 */
function refusalToOperator(prefix, z, col, row) {
  const id = `plant-fn-${prefix}-refusal`;
  fn(id, z, 'refusal → operator', `if (!msg._client) return null;
return { payload: 'Refused: ' + msg.error.message, _client: msg._client };`, 1, col, row, [[`plant-link-out-${prefix}-refusal`]]);
  linkOut(`plant-link-out-${prefix}-refusal`, z, 'notify operator', [], col + 1, row);
  connect(`plant-link-out-${prefix}-refusal`, L.notify);
  return id;
}

if (registered.has('mes-dispatch') && registered.has('mes-plant')) {
  const z = 'plant-tab-dispatch';
  tab(z, 'Dispatch', 'Released orders → operations queued at the workstations of the plant model below; operator commands from the operator pages; events to the rest of the MES, snapshots to the operator pages, answers and refusals back to the operator who acted.');
  comment('plant-comment-dispatch', z, 'order events + operator commands → dispatch → events / workstation snapshots / replies', 'The plant model (config node "demo plant") maps each demo workstation to its own work center WC-<workstation>, the work centers the demo orders route to. A plant edits it in the editor: workstations, areas, lines, shifts.');
  add({ id: 'plant-mes-plant', type: 'mes-plant', name: 'demo plant', site: '${MES_SITE}', timeZone: 'UTC', shifts: [{ name: 'early', start: '06:00' }, { name: 'late', start: '14:00' }, { name: 'night', start: '22:00' }], workstations: DEMO_WORKSTATIONS.map((ws) => ({ id: ws, area: '${MES_AREA}', line: '${MES_LINE}', workCenters: [`WC-${ws}`] })) });
  linkIn('plant-link-dispatch-in', z, 'order events, operator commands', [], 0, 1, [['plant-dispatch']]);
  connect('order-events-out', 'plant-link-dispatch-in');
  connect('plant-link-out-operator-commands', 'plant-link-dispatch-in');
  inject('plant-inject-dispatch-snapshot', z, 'snapshots at start', { onceDelay: 3, topic: 'snapshot' }, 0, 2, [['plant-dispatch']]);
  add({ id: 'plant-dispatch', type: 'mes-dispatch', z, name: 'dispatch', store: 'mes-store-main', plant: 'plant-mes-plant', overrunPercent: 0, releaseIntervalSeconds: 30 }, 1, 1);
  byId('plant-dispatch').wires = [['plant-link-out-dispatch-events'], ['plant-fn-snapshot-to-page'], ['plant-fn-dispatch-reply']];
  linkOut('plant-link-out-dispatch-events', z, 'dispatch events', [], 2, 0);
  connect('plant-link-out-dispatch-events', L.events);
  fn('plant-fn-snapshot-to-page', z, 'snapshot → workstation page', `// The operation in work (or else the next in the queue) becomes the target of the page's buttons.
const stations = ${JSON.stringify(DEMO_WORKSTATIONS)};
const s = msg.payload || {};
const i = stations.indexOf(s.workstation);
if (i < 0) return null;
const op = (s.current || [])[0] || null;
const next = op || (s.queue || [])[0] || null;
// Global: the operator tab reads it when it builds a command.
const targets = global.get('dispatchTargets') || {};
targets[s.workstation] = next ? { orderId: next.orderId, operationKey: next.operationKey } : {};
global.set('dispatchTargets', targets);
const out = new Array(stations.length * 3).fill(null);
out[3 * i] = { payload: { operation: op, next: op ? null : next, dueChecks: op ? op.dueChecks || [] : [] } };
out[3 * i + 1] = { payload: (s.queue || []).map((q) => ({ orderId: q.orderId, operationKey: q.operationKey, state: q.state, plannedQuantity: q.plannedQuantity + ' ' + q.unit })) };
out[3 * i + 2] = { payload: (s.operators || []).join(', ') || '—' };
const signedOn = global.get('signedOn') || {};
if ((s.operators || []).length > 0) signedOn[s.workstation] = s.operators[0]; else delete signedOn[s.workstation];
global.set('signedOn', signedOn);
return out;`, DEMO_WORKSTATIONS.length * 3, 2, 1, DEMO_WORKSTATIONS.flatMap((ws) => [[`plant-ui-${ws}-current`], [`plant-ui-${ws}-queue`], [`plant-ui-${ws}-who`]]));
  fn('plant-fn-dispatch-reply', z, 'reply → operator', `const r = msg.payload || {};
msg.payload = r.command + (r.duplicate ? ' (already done)' : ' done') + (r.orderId ? ': ' + r.orderId + ' ' + r.operationKey : '') + (r.state ? ' → ' + r.state : '');
return msg;`, 1, 2, 2, [['plant-link-out-dispatch-notify']]);
  linkOut('plant-link-out-dispatch-notify', z, 'notify operator', [], 3, 2);
  connect('plant-link-out-dispatch-notify', L.notify);
  catchNode('plant-catch-dispatch', z, 'refused commands', ['plant-dispatch'], 0, 4, [[refusalToOperator('dispatch', z, 1, 4), 'plant-debug-dispatch-refusals']]);
  debug('plant-debug-dispatch-refusals', z, 'log refusals', 1, 5, 'error');
}

if (registered.has('mes-oee')) {
  const z = 'plant-tab-oee';
  tab(z, 'OEE', 'Machine signals (OPC UA or MQTT) and operation starts from dispatch → live OEE per workstation and line; snapshots to the supervisor page, OEE events (intervals, downtime, shift summaries) to the event log and the unified namespace.');
  comment('plant-comment-oee', z, 'PLC tags → OEE signals (event time = PLC source timestamp) → mes-oee → supervisor page', 'A state change carries the last fault code; a counter change carries both absolute counters (good, reject; counter mode absolute, UInt32). Stops under ${MES_OEE_MICRO_STOP_SECONDS} (default 30 s) are micro-stops (performance loss); longer ones are downtime to classify from the operator page. The shift calendar comes from ${MES_OEE_CALENDAR} (default: three 8-hour shifts every day in UTC with a 30-minute break each). Signals finish when applied: nothing upstream of an OPC UA subscription or mqtt in waits for done(), and the group commit follows within 25 ms; choose "when durable" if a Complete node acknowledges the PLC.');
  linkIn('plant-link-oee-in', z, 'machine signals, dispatch events, downtime reasons', [], 0, 1, [['plant-fn-oee-input']]);
  connect('plant-link-out-opcua-signals', 'plant-link-oee-in');
  connect('plant-link-out-mqtt-signals', 'plant-link-oee-in');
  connect('plant-link-out-downtime-reasons', 'plant-link-oee-in');
  if (byId('plant-link-out-dispatch-events')) connect('plant-link-out-dispatch-events', 'plant-link-oee-in');
  fn('plant-fn-oee-input', z, 'to OEE input', `if (msg.topic === 'oee/classify') return msg;
const p = msg.payload || {};
if (typeof p.type === 'string' && typeof p.eventTime === 'string') return msg; // a dispatch event: OEE takes operation starts and completions
const plc = flow.get('plc') || {};
const m = plc[p.workstation] = plc[p.workstation] || {};
let out = null;
if (p.tag === 'faultCode') m.faultCode = p.value;
else if (p.tag === 'state') out = { workstation: p.workstation, time: p.timestamp, state: p.value, faultCode: m.faultCode || null };
else if (p.tag === 'goodCount' || p.tag === 'rejectCount') {
    m[p.tag] = p.value;
    if (m.goodCount !== undefined && m.rejectCount !== undefined) out = { workstation: p.workstation, time: p.timestamp, good: m.goodCount, reject: m.rejectCount };
}
flow.set('plc', plc);
return out ? { topic: 'signal', payload: out } : null;`, 1, 1, 1, [['plant-oee']]);
  add({ id: 'plant-oee', type: 'mes-oee', z, name: 'OEE', store: 'mes-store-main', line: '${MES_LINE}', workstations: JSON.stringify(DEMO_WORKSTATIONS.map((id, i) => ({ id, idealCycleTimeSeconds: [4, 5, 4.5][i] }))), calendar: '${MES_OEE_CALENDAR}', reasons: JSON.stringify(reasonTree), microStopSeconds: '${MES_OEE_MICRO_STOP_SECONDS}', signalTimeoutSeconds: 300, snapshotIntervalSeconds: 2, wallClock: true, wallClockGraceSeconds: 10, idleIsPlanned: false, setupIsPlanned: false, counterMode: 'absolute', counterMax: 4294967295, countScheme: 'good-reject', startupWindowSeconds: 0, futureToleranceSeconds: 300, finishSignals: 'applied' }, 2, 1);
  byId('plant-oee').wires = [['plant-fn-oee-to-supervisor'], ['plant-link-out-oee-events', 'plant-fn-oee-last-stop'], ['plant-fn-oee-classified']];
  fn('plant-fn-oee-last-stop', z, 'last stop per workstation', `// The stop an operator's downtime reason is for: the workstation's latest downtime, from its event.
// Not from the snapshots: the OEE clock follows the wall clock only after a grace period, so a stop
// that ends soon after passing the micro-stop threshold never shows as open in a snapshot.
const e = msg.payload || {};
if (e.type !== 'oee.downtime.started') return null;
const last = global.get('oeeLastDowntime') || {};
last[e.workstation] = e.payload.downtimeId;
global.set('oeeLastDowntime', last);
node.status({ text: e.payload.downtimeId });
return null;`, 1, 3, 5, [[]]);
  fn('plant-fn-oee-classified', z, 'classification → operator', `// Output 3 answers a classification with its stored event, on the operator's own msg (_client).
const e = msg.payload || {};
if (!msg._client || e.type !== 'oee.downtime.classified') return null;
return { payload: 'Stop ' + e.payload.downtimeId + ' classified: ' + e.payload.reason + ' (by ' + e.actor + ')', _client: msg._client };`, 1, 3, 3, [['plant-link-out-oee-classified']]);
  linkOut('plant-link-out-oee-classified', z, 'notify operator', [], 4, 3);
  connect('plant-link-out-oee-classified', L.notify);
  linkOut('plant-link-out-oee-events', z, 'OEE events', [], 3, 2);
  connect('plant-link-out-oee-events', L.events);
  fn('plant-fn-oee-to-supervisor', z, 'snapshot → supervisor', `// Table of the current shift per workstation and line; a trend point per series every 30 s;
// the line's downtime Pareto.
const s = msg.payload || {};
const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
const key = s.scope === 'line' ? 'line ' + s.line : s.workstation;
const window = s.shift || s.lastHour;
const rows = flow.get('oeeRows') || {};
rows[key] = { subject: key, state: s.scope === 'line' ? '' : s.state.state, availability: pct(window.availability), performance: pct(window.performance), quality: pct(window.quality), oee: pct(window.oee), good: window.counts.good, reject: window.counts.reject };
flow.set('oeeRows', rows);
const table = { payload: Object.values(rows).sort((a, b) => a.subject.localeCompare(b.subject)) };
const lastPoint = flow.get('lastPoint') || {};
let trend = null;
if (window.oee !== null && (lastPoint[key] || 0) < Date.now() - 30000) {
    lastPoint[key] = Date.now();
    flow.set('lastPoint', lastPoint);
    trend = { topic: key, payload: pct(window.oee) };
}
const pareto = s.scope === 'line' ? { payload: (window.topDowntimeReasons || []).map((r) => ({ reason: r.reason || 'unclassified', minutes: Math.round(r.seconds / 6) / 10 })) } : null;
return [table, trend, pareto];`, 3, 3, 1, [['plant-link-out-oee-table'], ['plant-link-out-oee-trend'], ['plant-link-out-oee-pareto']]);
  linkOut('plant-link-out-oee-table', z, 'OEE table', [], 4, 0);
  linkOut('plant-link-out-oee-trend', z, 'OEE trend', [], 4, 1);
  linkOut('plant-link-out-oee-pareto', z, 'downtime Pareto', [], 4, 2);
  // a refused downtime classification goes back to the operator; every refusal to the log
  catchNode('plant-catch-oee', z, 'refused OEE input', ['plant-oee'], 0, 4, [[refusalToOperator('oee', z, 1, 4), 'plant-debug-oee-refusals']]);
  debug('plant-debug-oee-refusals', z, 'log refused OEE input', 1, 5, 'error');

  // supervisor widgets for OEE
  const sz = 'plant-tab-supervisor';
  const gOee = 'plant-ui-group-sup-oee';
  nodes.splice(nodes.indexOf(byId('plant-ui-sup-oee-note')), 1);
  linkIn('plant-link-oee-table-in', sz, 'OEE table', [], 0, 12, [['plant-ui-sup-oee']]);
  connect('plant-link-out-oee-table', 'plant-link-oee-table-in');
  uiTable('plant-ui-sup-oee', sz, gOee, 1, 'Current shift (%)', [column('subject', 'Workstation / line'), column('state', 'State'), column('availability', 'A'), column('performance', 'P'), column('quality', 'Q'), column('oee', 'OEE'), column('good', 'Good'), column('reject', 'Reject')], 1, 12);
  linkIn('plant-link-oee-trend-in', sz, 'OEE trend', [], 0, 13, [['plant-ui-sup-oee-trend']]);
  connect('plant-link-out-oee-trend', 'plant-link-oee-trend-in');
  const chart = (id, order, label, extra, col, row) => add(widgetBase(id, 'ui-chart', sz, gOee, order, {
    label, chartType: 'line', category: 'topic', categoryType: 'msg', xAxisLabel: '', xAxisProperty: '', xAxisPropertyType: 'timestamp', xAxisType: 'time', xAxisFormat: '', xAxisFormatType: 'auto', xmin: '', xmax: '', yAxisLabel: '', yAxisProperty: 'payload', yAxisPropertyType: 'msg', ymin: '', ymax: '', bins: 10, action: 'append', stackSeries: false, pointShape: 'circle', pointRadius: 3, showLegend: true, removeOlder: 8, removeOlderUnit: '3600', removeOlderPoints: '', colors: ['#0095FF', '#FF0000', '#FF7F0E', '#2CA02C', '#A347E1', '#D62728', '#FF9896', '#9467BD', '#C5B0D5'], textColor: ['#666666'], textColorDefault: true, gridColor: ['#e5e5e5'], gridColorDefault: true, width: 6, height: 5, interpolation: 'linear', ...extra,
  }), col, row);
  chart('plant-ui-sup-oee-trend', 2, 'OEE trend (%)', { ymin: '0', ymax: '100' }, 1, 13);
  linkIn('plant-link-oee-pareto-in', sz, 'downtime Pareto', [], 0, 14, [['plant-ui-sup-pareto']]);
  connect('plant-link-out-oee-pareto', 'plant-link-oee-pareto-in');
  chart('plant-ui-sup-pareto', 3, 'Downtime Pareto, line, current shift (min)', { chartType: 'bar', category: 'downtime', categoryType: 'str', xAxisProperty: 'reason', xAxisPropertyType: 'property', xAxisType: 'category', yAxisProperty: 'minutes', yAxisPropertyType: 'property', action: 'replace', showLegend: false }, 1, 14);
}

if (registered.has('mes-erp-outbox')) {
  const z = 'plant-tab-erp';
  comment('plant-comment-outbox', z, 'ERP outbox: actuals from the event log → http request → ERP (${MES_ERP_URL}, dialect ${MES_ERP_DIALECT}); answers back into the outbox', 'Store-and-forward: the outbox reads ERP-relevant events from the durable log and keeps every actual until the ERP acknowledges it; switch the mock ERP down on the supervisor page and watch the queue grow, then drain in order. The function adds ${MES_ERP_AUTHORIZATION} as the Authorization header when set (e.g. "Basic …" or "Bearer …"); TLS and proxies go on the http request node.', 0, 9);
  add({ id: 'plant-outbox', type: 'mes-erp-outbox', z, name: 'ERP outbox', store: 'mes-store-main', outboxName: 'erp', dialect: '${MES_ERP_DIALECT}', url: '${MES_ERP_URL}', concurrency: 4, backoffBaseSeconds: 1, backoffMaxSeconds: 30, requestTimeoutSeconds: 30, storageLocation: '${MES_ERP_STORAGE_LOCATION}', sourceWarehouse: '${MES_ERP_SOURCE_WAREHOUSE}', targetWarehouse: '${MES_ERP_TARGET_WAREHOUSE}' }, 1, 10);
  byId('plant-outbox').wires = [['plant-fn-erp-auth'], ['plant-link-out-outbox-metrics']];
  fn('plant-fn-erp-auth', z, 'ERP authentication', `const auth = env.get('MES_ERP_AUTHORIZATION');
if (auth) msg.headers = Object.assign({}, msg.headers, { authorization: auth });
return msg;`, 1, 2, 10, [['plant-http-erp']]);
  add({ id: 'plant-http-erp', type: 'http request', z, name: 'ERP', method: 'use', ret: 'txt', paytoqs: 'ignore', url: '', tls: '', persist: true, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [] }, 3, 10);
  byId('plant-http-erp').wires = [['plant-outbox']];
  linkIn('plant-link-outbox-in', z, 'dispatch events (wake-up), supervisor commands', [], 0, 10, [['plant-outbox']]);
  if (byId('plant-link-out-dispatch-events')) connect('plant-link-out-dispatch-events', 'plant-link-outbox-in');
  linkOut('plant-link-out-outbox-metrics', z, 'outbox metrics', [], 2, 11);
  catchNode('plant-catch-outbox', z, 'refused outbox commands', ['plant-outbox'], 0, 12, [['plant-debug-outbox-errors']]);
  debug('plant-debug-outbox-errors', z, 'log refused commands', 1, 12, 'error');

  // supervisor: outbox depth, quarantine and its actions
  const sz = 'plant-tab-supervisor';
  const gErp = 'plant-ui-group-sup-erp';
  linkIn('plant-link-outbox-metrics-in', sz, 'outbox metrics', [], 4, 3, [['plant-fn-outbox-text']]);
  connect('plant-link-out-outbox-metrics', 'plant-link-outbox-metrics-in');
  fn('plant-fn-outbox-text', sz, 'outbox status', `const m = msg.payload || {};
if (msg.topic !== 'metrics') return null;
const age = m.oldestAgeMs ? ', oldest ' + Math.round(m.oldestAgeMs / 1000) + ' s' : '';
msg.payload = m.queueDepth + ' waiting' + age + ', ' + m.quarantined + ' quarantined, ' + m.delivered + ' delivered' + (m.paused ? ', PAUSED' : '') + (m.erpReachable === false ? ', ERP unreachable' : '');
return [msg, m.quarantined !== (context.get('quarantined') || 0) ? (context.set('quarantined', m.quarantined), { topic: 'refresh' }) : null];`, 2, 5, 3, [['plant-ui-sup-outbox'], ['plant-fn-quarantine-params']]);
  uiText('plant-ui-sup-outbox', sz, gErp, 3, 'Outbox', 6, 3);
  fn('plant-fn-quarantine-params', sz, 'query parameters', `msg.params = { $state: 'quarantined', $limit: 50 };
return msg;`, 1, 5, 4, [['plant-sqlite-quarantine']]);
  add({ id: 'plant-sqlite-quarantine', type: 'sqlite', z: sz, mydb: 'plant-sqlitedb', sqlquery: 'prepared', sql: 'SELECT m.event_id AS eventId, m.lane AS orderId, m.event_type AS type, m.last_status AS status, substr(m.last_error, 1, 120) AS error FROM outbox_messages m WHERE m.state = $state ORDER BY m.seq LIMIT $limit', name: 'quarantined actuals' }, 6, 4);
  byId('plant-sqlite-quarantine').wires = [['plant-ui-sup-quarantine']];
  add(widgetBase('plant-ui-sup-quarantine', 'ui-table', sz, gErp, 4, { label: 'Quarantine (click a row to select)', maxrows: 0, passthru: false, autocols: false, showSearch: false, deselect: true, selectionType: 'click', columns: [column('orderId', 'Order'), column('type', 'Actual'), column('status', 'Status'), column('error', 'ERP answer')], mobileBreakpoint: 'sm', mobileBreakpointType: 'defaults', action: 'replace', wires: [['plant-fn-quarantine-select']] }), 7, 4);
  fn('plant-fn-quarantine-select', sz, 'remember selection', `flow.set('selectedActual', msg.payload && msg.payload.eventId);
return null;`, 1, 8, 4, [[]]);
  uiButton('plant-ui-sup-retry-all', sz, gErp, 5, 'Retry all quarantined', 'retry-all', 5, 5, [['plant-fn-outbox-command']]);
  uiButton('plant-ui-sup-retry', sz, gErp, 6, 'Retry selected', 'retry', 5, 6, [['plant-fn-outbox-command']]);
  uiButton('plant-ui-sup-discard', sz, gErp, 7, 'Discard selected', 'discard', 5, 7, [['plant-fn-outbox-command']]);
  fn('plant-fn-outbox-command', sz, 'outbox command', `// who: the dashboard login, or "supervisor" when the dashboard runs without one
const client = msg._client || {};
const actor = String((client.user && (client.user.userId || client.user.username)) || 'supervisor').replace(/[^A-Za-z0-9._@:-]/g, '_');
const eventId = flow.get('selectedActual');
if (msg.topic === 'retry-all') return [{ topic: 'retry', payload: { all: true, actor } }, { topic: 'refresh' }];
if (!eventId) return null;
flow.set('selectedActual', null);
if (msg.topic === 'retry') return [{ topic: 'retry', payload: { eventId, actor } }, { topic: 'refresh' }];
return [{ topic: 'discard', payload: { eventId, actor, reason: 'discarded by ' + actor + ' from the supervisor page' } }, { topic: 'refresh' }];`, 2, 6, 6, [['plant-link-out-outbox-command'], ['plant-fn-quarantine-params']]);
  linkOut('plant-link-out-outbox-command', sz, 'outbox commands', [], 7, 6);
  connect('plant-link-out-outbox-command', 'plant-link-outbox-in');
}

// The genealogy engineer's "Traceability" tab offers link nodes by name; the plant wires to them.
const namedLink = (type, name) => existingFlows.find((n) => n.type === type && n.name === name);
const genealogyCommands = namedLink('link in', 'genealogy commands');
const genealogyResults = namedLink('link out', 'genealogy results');
const genealogyEvents = namedLink('link out', 'genealogy events');
const genealogyCatch = namedLink('catch', 'refused genealogy input');
if (registered.has('mes-genealogy') && genealogyCommands && genealogyResults) {
  // A refused lot scan (unknown or blocked lot, wrong material) back to the operator who scanned:
  // the catch node has to sit on the genealogy tab, so the plant's nodes join it there.
  if (genealogyCatch) {
    const catchRow = Math.round((genealogyCatch.y - 60) / 60);
    genealogyCatch.wires[0].push(refusalToOperator('genealogy', genealogyCatch.z, 1, catchRow + 1));
  }
  connect('plant-link-out-lot-scans', genealogyCommands.id);
  connect('plant-link-out-trace-query', genealogyCommands.id);
  // the warehouse delivers the raw material lot of each demo order, for the operator to scan
  const ez = 'plant-tab-erp';
  byId('plant-http-post-demo-order').wires[0].push('plant-fn-demo-lot');
  fn('plant-fn-demo-lot', ez, 'warehouse delivers its lot', `if (msg.statusCode !== 201) return null;
const order = msg.payload;
const lot = 'RM-BAR-' + order.orderId;
node.status({ text: lot });
return { topic: 'receive', payload: { action: 'receive', lot, material: 'RM-BAR', quantity: 100, unit: 'KG', supplier: 'DEMO-SUPPLIER', actor: 'warehouse' } };`, 1, 3, 8, [['plant-link-out-demo-lot']]);
  linkOut('plant-link-out-demo-lot', ez, 'genealogy commands', [], 4, 8);
  connect('plant-link-out-demo-lot', genealogyCommands.id);
  if (genealogyEvents) connect(genealogyEvents.id, L.events);
  const z = 'plant-tab-trace';
  byId('plant-ui-trace-form').wires = [['plant-fn-trace-query']];
  fn('plant-fn-trace-query', z, 'trace command', `msg.payload = { action: 'trace', lot: String(msg.payload.lot).trim(), direction: msg.payload.direction || 'backward' };
msg.mesTracePage = true;
return msg;`, 1, 1, 2, [['plant-link-out-trace-query']]);
  byId('plant-link-out-trace-query').x += 240;
  linkIn('plant-link-trace-results-in', z, 'genealogy results', [], 0, 3, [['plant-fn-trace-rows']]);
  connect(genealogyResults.id, 'plant-link-trace-results-in');
  fn('plant-fn-trace-rows', z, 'trace → table rows', `// only the answers to this page's queries (the flag rides along on the msg)
if (!msg.mesTracePage) return null;
const t = msg.payload || {};
const id = (end) => end ? end.kind + ' ' + end.id + (end.material ? ' (' + end.material + ')' : '') : '';
return { payload: (t.links || []).map((l) => ({ level: l.level, relation: l.relation, from: id(l.from), to: id(l.to), quantity: l.quantity + ' ' + l.unit, order: l.orderId, workstation: l.workstation, who: l.actor, when: l.eventTime })) };`, 1, 1, 3, [['plant-ui-trace-result']]);
}

// ---------------------------------------------------------------- classic dashboard example
// For plants still on node-red-dashboard (Dashboard 1): OEE gauges and the work queue of one
// workstation. Written when the OEE and dispatch nodes it shows are registered.
function classicDashboardExample() {
  const ex = [];
  const put = (node, col, row) => { ex.push({ ...node, x: 170 + col * 240, y: 60 + row * 60 }); return node.id; };
  const signal = (id, name, payload, row) => put({ id, type: 'inject', name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', payload, payloadType: 'jsonata', wires: [['ex-classic-oee']] }, 0, row);
  put({ id: 'ex-classic-comment', type: 'comment', name: 'Dashboard 1 (node-red-dashboard): OEE gauges and the work queue of WS-1', info: 'Open /ui. Click the inject nodes to run WS-1 (running, +1 good, +1 reject, fault); the gauges show Availability, Performance, Quality and OEE of the current shift (or the last hour outside shifts). The work queue shows the operations queued at WS-1: post an order with an operation at work center WC-1 to the order API. In the plant application the same nodes are fed by the PLC (tab "Line signals").', wires: [] }, 0, 0);
  signal('ex-classic-run', 'WS-1 running', '{"workstation":"WS-1","time":$millis(),"state":"running"}', 1);
  signal('ex-classic-good', 'WS-1 +1 good', '{"workstation":"WS-1","time":$millis(),"good":1}', 2);
  signal('ex-classic-reject', 'WS-1 +1 reject', '{"workstation":"WS-1","time":$millis(),"reject":1}', 3);
  signal('ex-classic-fault', 'WS-1 fault', '{"workstation":"WS-1","time":$millis(),"running":false,"faultCode":"E42"}', 4);
  const allWeek = { timeZone: 'UTC', shifts: [{ name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '22:00', breaks: [] }] };
  put({ id: 'ex-classic-oee', type: 'mes-oee', name: 'OEE', store: 'ex-classic-store', line: 'LINE-1', workstations: JSON.stringify([{ id: 'WS-1', idealCycleTimeSeconds: 30 }]), calendar: JSON.stringify(allWeek), reasons: JSON.stringify(reasonTree), microStopSeconds: 120, signalTimeoutSeconds: 300, snapshotIntervalSeconds: 1, wallClock: true, wallClockGraceSeconds: 10, idleIsPlanned: false, setupIsPlanned: false, counterMode: 'increment', counterMax: 65535, countScheme: 'good-reject', startupWindowSeconds: 0, futureToleranceSeconds: 300, wires: [['ex-classic-gauges'], [], []] }, 1, 2);
  put({ id: 'ex-classic-gauges', type: 'function', name: 'A, P, Q, OEE in %', func: `const s = msg.payload;
if (s.scope !== 'workstation') return null;
const w = s.shift || s.lastHour;
const pct = (v) => ({ payload: v === null ? 0 : Math.round(v * 1000) / 10 });
return [pct(w.availability), pct(w.performance), pct(w.quality), pct(w.oee)];`, outputs: 4, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires: [['ex-classic-gauge-a'], ['ex-classic-gauge-p'], ['ex-classic-gauge-q'], ['ex-classic-gauge-oee']] }, 2, 2);
  ['A', 'P', 'Q', 'OEE'].forEach((title, i) => put({ id: `ex-classic-gauge-${title.toLowerCase()}`, type: 'ui_gauge', name: '', group: 'ex-classic-group-oee', order: i + 1, width: title === 'OEE' ? 6 : 2, height: title === 'OEE' ? 4 : 3, gtype: 'gage', title: title === 'OEE' ? 'OEE' : { A: 'Availability', P: 'Performance', Q: 'Quality' }[title], label: '%', format: '{{value}}', min: 0, max: '100', colors: ['#ca3838', '#e6e600', '#00b500'], seg1: '60', seg2: '85', diff: false, className: '', wires: [] }, 3, 1 + i));
  put({ id: 'ex-classic-refresh', type: 'inject', name: 'queue now and every 10 s', props: [{ p: 'topic', vt: 'str' }], repeat: '10', crontab: '', once: true, onceDelay: 1, topic: 'snapshot', wires: [['ex-classic-dispatch']] }, 0, 6);
  put({ id: 'ex-classic-dispatch', type: 'mes-dispatch', name: 'dispatch', store: 'ex-classic-store', plant: 'ex-classic-plant', overrunPercent: 0, releaseIntervalSeconds: 10, wires: [[], ['ex-classic-queue'], []] }, 1, 6);
  put({ id: 'ex-classic-queue', type: 'ui_template', name: 'work queue', group: 'ex-classic-group-queue', order: 1, width: 6, height: 6, format: '<table style="width:100%">\n  <tr><th>#</th><th>Order</th><th>Op</th><th>State</th><th>Planned</th></tr>\n  <tr ng-repeat="q in msg.payload.queue"><td>{{q.position}}</td><td>{{q.orderId}}</td><td>{{q.operationKey}}</td><td>{{q.state}}</td><td>{{q.plannedQuantity}} {{q.unit}}</td></tr>\n</table>\n<p ng-if="msg.payload.current.length">Running: {{msg.payload.current[0].orderId}} {{msg.payload.current[0].operationKey}}</p>', storeOutMessages: true, fwdInMessages: false, resendOnRefresh: true, templateScope: 'local', className: '', wires: [[]] }, 2, 6);
  put({ id: 'ex-classic-catch', type: 'catch', name: 'refused input', scope: ['ex-classic-oee', 'ex-classic-dispatch'], uncaught: false, wires: [['ex-classic-errors']] }, 0, 8);
  put({ id: 'ex-classic-errors', type: 'debug', name: 'errors', active: true, tosidebar: true, console: false, tostatus: false, complete: 'error', targetType: 'msg', statusVal: '', statusType: 'auto', wires: [] }, 1, 8);
  ex.push({ id: 'ex-classic-store', type: 'mes-store', name: 'MES database', path: 'mes/mes.db', durability: 'full' });
  ex.push({ id: 'ex-classic-plant', type: 'mes-plant', name: 'plant', site: 'SITE-1', timeZone: 'UTC', shifts: [{ name: 'day', start: '06:00' }], workstations: [{ id: 'WS-1', area: 'AREA-1', line: 'LINE-1', workCenters: ['WC-1'] }] });
  ex.push({ id: 'ex-classic-tab', type: 'ui_tab', name: 'MES', icon: 'dashboard', order: 1, disabled: false, hidden: false });
  ex.push({ id: 'ex-classic-group-oee', type: 'ui_group', name: 'OEE WS-1', tab: 'ex-classic-tab', order: 1, disp: true, width: '6', collapse: false, className: '' });
  ex.push({ id: 'ex-classic-group-queue', type: 'ui_group', name: 'Work queue WS-1', tab: 'ex-classic-tab', order: 2, disp: true, width: '6', collapse: false, className: '' });
  return ex;
}
const classicFile = path.join(root, 'examples', 'dashboard-classic.json');
if (registered.has('mes-oee') && registered.has('mes-dispatch')) {
  fs.writeFileSync(classicFile, JSON.stringify(classicDashboardExample(), null, 4) + '\n');
  console.log(`classic dashboard example written to ${path.relative(root, classicFile)}`);
}

// ---------------------------------------------------------------- write flows.json

const kept = existingFlows.filter((n) => !String(n.id).startsWith('plant-'));
connect('order-events-out', L.events);
// Non-ASCII as \u escapes, as the file has always been written, so that diffs show only changes.
const ascii = (text) => text.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
fs.writeFileSync(flowFile, ascii(JSON.stringify([...kept, ...nodes], null, 4)) + '\n');
console.log(`${nodes.length} plant nodes written to ${path.relative(root, flowFile)}`);
