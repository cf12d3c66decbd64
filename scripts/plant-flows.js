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
const STOP_REASONS = ['mechanical › jam', 'mechanical › tool wear', 'material › missing', 'quality › adjustment', 'organisational › no operator'];

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
const debug = (id, z, name, col, row, complete = 'payload') => add({ id, type: 'debug', z, name, active: true, tosidebar: true, console: false, tostatus: true, complete, targetType: 'msg', statusVal: 'payload', statusType: 'auto' }, col, row);
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
  comment('plant-comment-line-signals', z, 'PLC tags → machine signals (OPC UA subscriptions, source timestamps kept)', 'At start the subscription list is built from the environment and fed to the OPC UA client one node id at a time. Every change arrives with its source timestamp (the moment the PLC saw it), which the OEE engine uses as event time.\n\nOnly when MES_SIGNAL_SOURCE is "opcua" (the default) are the signals passed on; set it to "mqtt" to take the same tags from the MQTT tab instead.');
  add({ id: 'plant-opcua-endpoint', type: 'OpcUa-Endpoint', name: 'line PLC', endpoint: '${MES_OPCUA_ENDPOINT}', secpol: 'None', secmode: 'None', none: true, login: false, usercert: false, usercertificate: '', userprivatekey: '' });
  inject('plant-inject-subscribe', z, 'at start', { onceDelay: 2 }, 0, 1, [['plant-fn-subscription-list']]);
  fn('plant-fn-subscription-list', z, 'tags to subscribe', `// One message per workstation tag: topic = OPC UA node id; workstation and tag ride along and
// come back on every change (the client copies the subscribing message).
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
  nodes[nodes.length - 1].wires = [['plant-fn-opcua-signal'], [], []];
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
add({ id: 'plant-ui-base', type: 'ui-base', name: 'MES', path: '/dashboard', appIcon: '', includeClientData: true, acceptsClientConfig: ['ui-notification', 'ui-control', 'ui-text', 'ui-template', 'ui-table'], showPathInSidebar: false, headerContent: 'page', navigationStyle: 'default', titleBarStyle: 'default', showReconnectNotification: true, notificationDisplayTime: 5, showDisconnectNotification: true, allowInstall: false });
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
const dropdownOptionsFor = (key, values) => values.map((v) => ({ dropdown: key, value: v, label: v }));

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
    <div class="text-h6">{{ msg.payload.operation.orderId }} · {{ msg.payload.operation.operationKey }} <span class="text-caption">{{ msg.payload.operation.state }}</span></div>
    <div>{{ msg.payload.operation.description }} — good {{ msg.payload.operation.goodQuantity }} / {{ msg.payload.operation.plannedQuantity }}, scrap {{ msg.payload.operation.scrapQuantity }}</div>
    <ol class="mt-2"><li v-for="w in (msg.payload.operation.workInstructions || [])" :key="w.step">{{ w.text }}</li></ol>
    <div v-if="(msg.payload.dueChecks || []).length" class="mt-2"><b>Checks due:</b> <span v-for="c in msg.payload.dueChecks" :key="c.id || c.checkId">{{ c.id || c.checkId }} ({{ c.characteristic }}) </span></div>
  </div>
  <div v-else>No operation running at this workstation.</div>
</template>`,
    }), col, row0 + 4);
    uiTable(`plant-ui-${ws}-queue`, z, gOp, 2, 'Queue', [column('orderId', 'Order'), column('operationKey', 'Op'), column('state', 'State'), column('plannedQuantity', 'Planned')], col, row0 + 5);
    uiButton(`plant-ui-${ws}-start`, z, gOp, 3, 'Start', `${ws}/start`, col, row0 + 6, toCommand, '#2e7d32');
    uiButton(`plant-ui-${ws}-resume`, z, gOp, 4, 'Resume', `${ws}/resume`, col, row0 + 7, toCommand);
    uiForm(`plant-ui-${ws}-pause`, z, gOp, 5, 'Pause', [formField('reasonCode', 'Pause reason', 'dropdown', true)], dropdownOptionsFor('reasonCode', STOP_REASONS), `${ws}/pause`, col, row0 + 8, toCommand);
    uiForm(`plant-ui-${ws}-complete`, z, gOp, 6, 'Complete', [formField('final', 'Final confirmation', 'checkbox')], [], `${ws}/complete`, col, row0 + 9, toCommand);
    uiForm(`plant-ui-${ws}-report`, z, gReport, 1, 'Good and scrap', [formField('good', 'Good', 'number', true), formField('scrap', 'Scrap', 'number'), formField('scrapReason', 'Scrap reason', 'dropdown')], dropdownOptionsFor('scrapReason', SCRAP_REASONS), `${ws}/report`, col, row0 + 10, toCommand);
    uiForm(`plant-ui-${ws}-check`, z, gReport, 2, 'Quality check', [formField('checkId', 'Check', 'text', true), formField('value', 'Measured value', 'number'), formField('passed', 'Passed', 'checkbox')], [], `${ws}/check`, col, row0 + 11, toCommand);
    uiForm(`plant-ui-${ws}-lot`, z, gReport, 3, 'Lot scan', [formField('lot', 'Lot', 'text', true), formField('material', 'Material', 'text', true), formField('quantity', 'Quantity', 'number', true)], [], `${ws}/consume`, col, row0 + 12, toCommand);
    uiForm(`plant-ui-${ws}-downtime`, z, gReport, 4, 'Downtime reason', [formField('reason', 'Reason of the last stop', 'dropdown', true)], dropdownOptionsFor('reason', STOP_REASONS), `${ws}/downtime-reason`, col, row0 + 13, toCommand);
    linkOut(L.operatorActions + '-out-' + ws, z, `${ws} actions`, [L.operatorActions], col + 1, row0 + 6);
  });
  linkIn(L.operatorActions, z, 'operator actions', DEMO_WORKSTATIONS.map((ws) => L.operatorActions + '-out-' + ws), 5, 2, [['plant-fn-operator-command']]);
  fn('plant-fn-operator-command', z, 'operator command', `// topic "<workstation>/<action>"; one command per action with who, when and a command id.
const [workstation, action] = String(msg.topic).split('/');
const client = msg._client || {};
const login = client.user && (client.user.userId || client.user.username);
const badges = flow.get('badges') || {};
const signedOn = flow.get('signedOn') || {};
if (action === 'badge') {
    badges[client.socketId || 'anonymous'] = String(msg.payload || '').trim();
    flow.set('badges', badges);
    return null;
}
const who = login || (action === 'sign-on' ? badges[client.socketId || 'anonymous'] : signedOn[workstation]);
const refuse = (text) => [null, { payload: text, _client: msg._client }, null];
if (!who) return refuse(action === 'sign-on' ? 'Enter your badge, then sign on.' : 'Sign on at ' + workstation + ' first.');
if (action !== 'sign-on' && signedOn[workstation] !== who) return refuse(who + ' is not signed on at ' + workstation + '.');
if (action === 'sign-on') signedOn[workstation] = who;
if (action === 'sign-off') delete signedOn[workstation];
flow.set('signedOn', signedOn);
const fields = typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {};
const current = (flow.get('current') || {})[workstation] || {};
const command = {
    topic: action,
    payload: Object.assign({}, fields, {
        workstation,
        operator: who,
        orderId: fields.orderId || current.orderId,
        operationKey: fields.operationKey || current.operationKey,
        eventTime: new Date().toISOString(),
        commandId: RED.util.generateId() + RED.util.generateId(),
    }),
    _client: msg._client,
};
const shown = { topic: workstation, payload: signedOn[workstation] || '—' };
return [command, null, shown];`, 3, 6, 2, [['plant-link-out-operator-commands'], [L.notify + '-out-operator'], ['plant-fn-who-to-page']]);
  linkOut('plant-link-out-operator-commands', z, 'operator commands', [], 7, 2);
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
  add({ id: 'plant-sqlite-orders', type: 'sqlite', z, mydb: 'plant-sqlitedb', sqlquery: 'prepared', sql: "SELECT o.order_id AS orderId, o.material, o.status, o.quantity || ' ' || o.unit AS quantity, (SELECT group_concat(op.operation_key || ' ' || op.state || ' ' || op.good_quantity || '/' || op.planned_quantity, ', ') FROM operations op WHERE op.order_id = o.order_id) AS operations, (SELECT COALESCE(SUM(op.good_quantity), 0) FROM operations op WHERE op.order_id = o.order_id) AS goodTotal FROM orders o ORDER BY o.created_at DESC LIMIT $limit", name: 'orders and operations' }, 2, 6);
  nodes[nodes.length - 1].wires = [['plant-ui-sup-orders']];
  uiTable('plant-ui-sup-orders', z, gOrders, 1, 'Orders', [column('orderId', 'Order'), column('material', 'Material'), column('status', 'Status'), column('quantity', 'Quantity'), column('operations', 'Operations (state good/planned)')], 3, 6);

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
  uiText('plant-ui-sup-oee-note', z, gOee, 1, 'OEE', 3, 10);
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

// ---------------------------------------------------------------- write flows.json
const existing = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
const kept = existing.filter((n) => !String(n.id).startsWith('plant-'));
const eventsLink = kept.find((n) => n.id === 'order-events-out');
if (eventsLink && !eventsLink.links.includes(L.events)) eventsLink.links.push(L.events);
// Non-ASCII as \u escapes, as the file has always been written, so that diffs show only changes.
const ascii = (text) => text.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
fs.writeFileSync(flowFile, ascii(JSON.stringify([...kept, ...nodes], null, 4)) + '\n');
console.log(`${nodes.length} plant nodes written to ${path.relative(root, flowFile)}`);
