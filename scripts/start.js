#!/usr/bin/env node
// `npm start`: runs Node-RED 4 with this package's nodes and the flows in flows/.
// The package is made visible to Node-RED by a link in the user directory's node_modules,
// the same place `npm install` in a Node-RED user directory would put it.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const repoRoot = path.join(__dirname, '..');
const settingsFile = path.join(repoRoot, 'flows', 'settings.js');
process.env.MES_USER_DIR = process.env.MES_USER_DIR || path.join(repoRoot, '.node-red');
const userDir = process.env.MES_USER_DIR;

fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
const link = path.join(userDir, 'node_modules', 'node-red-contrib-mes');
try {
  if (fs.realpathSync(link) !== fs.realpathSync(repoRoot)) fs.rmSync(link, { recursive: true, force: true });
} catch {
  // no link yet
}
if (!fs.existsSync(link)) fs.symlinkSync(repoRoot, link, 'dir');
const userPackage = path.join(userDir, 'package.json');
if (!fs.existsSync(userPackage)) {
  fs.writeFileSync(userPackage, JSON.stringify({ name: 'mes-user-dir', private: true, description: 'Node-RED user directory of npm start' }, null, 2));
}

// Node-RED keeps credentials beside the user directory, not the flow file. The shipped file holds
// only ${ENV} references; merge in those the user's file lacks, never overwriting what was entered.
// MES_ROLE=site (npm run start:site): the site server's flows (flows/site.json) over the site PostgreSQL, no line.
const siteRole = process.env.MES_ROLE === 'site';
const shippedCredentials = JSON.parse(fs.readFileSync(path.join(repoRoot, 'flows', siteRole ? 'site_cred.json' : 'flows_cred.json'), 'utf8'));
const plantMode = process.env.MES_MODE === 'plant';
const shippedFlows = path.join(repoRoot, 'flows', siteRole ? 'site.json' : 'flows.json');
// The demo runs the shipped flows. A plant's flows are its own: they live in the user directory,
// started from the shipped ones once, so neither an update of the package nor a `git pull`
// touches them (README "Running a plant": how an update of the shipped flows reaches them).
const flowFile = process.env.MES_FLOW_FILE || (plantMode ? path.join(userDir, 'flows.json') : shippedFlows);
if (!fs.existsSync(flowFile)) fs.copyFileSync(shippedFlows, flowFile);
process.env.MES_FLOW_FILE = flowFile;
const userCredentialsFile = path.join(userDir, `${path.basename(flowFile, path.extname(flowFile))}_cred.json`);
const userCredentials = fs.existsSync(userCredentialsFile) ? JSON.parse(fs.readFileSync(userCredentialsFile, 'utf8')) : {};
if (!('$' in userCredentials)) {
  fs.writeFileSync(userCredentialsFile, JSON.stringify({ ...shippedCredentials, ...userCredentials }, null, 4));
}

process.env.MES_DB = process.env.MES_DB || path.join(userDir, 'mes', 'mes.db');
if (!process.env.MES_API_TOKEN) {
  process.env.MES_API_TOKEN = randomBytes(24).toString('hex');
  console.log(`MES_API_TOKEN is not set: this run accepts the generated token ${process.env.MES_API_TOKEN}\n` +
    'Set MES_API_TOKEN (and MES_SUPERVISOR_TOKEN) in the environment to choose your own.');
}
if (!process.env.MES_ADMIN_USER) {
  console.log('No MES_ADMIN_USER / MES_ADMIN_PASSWORD set: Node-RED listens on 127.0.0.1 only, so the editor is not open to the network.');
}

// The demo beside Node-RED: the simulated PLC line (OPC UA) of the flow file's plant model and an
// embedded MQTT broker, each skipped when the environment points at a real one. A plant runs
// neither unless it asks for the embedded broker (MES_MQTT_BROKER=embedded).
const { applyPlantEnvDefaults } = require('../dist/dev/plant-sim/config');
const { startPlantServices } = require('../dist/dev/plant-sim/services');
if (plantMode) {
  process.env.MES_PLC_SIM = 'off';
  if (!process.env.MES_MQTT_BROKER) process.env.MES_MQTT_BROKER = 'off';
}
applyPlantEnvDefaults(process.env, !plantMode);
if (siteRole) {
  console.log(`SITE SERVER: the site views over PostgreSQL ${process.env.MES_SITE_PG_HOST || 'localhost'}:${process.env.MES_SITE_PG_PORT || 5432}/${process.env.MES_SITE_PG_DATABASE || 'mes_site'}; API token ${process.env.MES_SITE_API_TOKEN ? 'from MES_SITE_API_TOKEN' : 'not set (MES_SITE_API_TOKEN), so the API refuses every request'}. Flows: ${flowFile}.`);
} else console.log(plantMode
  ? `PLANT MODE: no simulated PLC, no mock ERP, no demo orders. Flows: ${flowFile}. ERP: ${process.env.MES_ERP_URL || 'MES_ERP_URL is not set, so actuals wait in the outbox until it is'}.`
  : `DEMO MODE: a simulated PLC line (OPC UA ${process.env.MES_OPCUA_ENDPOINT}), the mock ERP at /mock-erp and demo orders every 10 minutes. MES_MODE=plant runs a plant instead (README "Running a plant").`);

process.argv = [process.argv[0], require.resolve('node-red/red.js'), '--settings', settingsFile, '--userDir', userDir, ...process.argv.slice(2)];
// Node-RED starts alongside: its OPC UA and MQTT clients connect as soon as the servers listen.
if (!siteRole) {
  startPlantServices(process.env, userDir, JSON.parse(fs.readFileSync(flowFile, 'utf8'))).catch((err) => {
    console.error(`The demo plant could not start: ${err.message}`);
    process.exit(1);
  });
}
// Demo mode signs with a supervisor account whose password is new each run (said on the console),
// so the signing dialogs can be tried; a plant's accounts are its own (npm run accounts).
const demoSigner = plantMode || siteRole || process.env.MES_DEMO_SIGNER === 'off' ? Promise.resolve() : demoSigningAccount();
demoSigner.catch((err) => console.error(`The demo signing account could not be set: ${err.message}`)).finally(() => {
  installFrontDoor(require(settingsFile).mesFrontDoor);
  require('node-red/red.js');
});

async function demoSigningAccount() {
  const { MesStore } = require('../dist/lib/store');
  const { ALL_COMPONENTS } = require('../dist/lib');
  const { addAccount, setPassword, listAccounts } = require('../dist/lib/compliance');
  const userId = 'demo-supervisor';
  const password = randomBytes(12).toString('base64url');
  const store = MesStore.open(process.env.MES_DB, { components: ALL_COMPONENTS });
  try {
    if (listAccounts(store).some((a) => a.userId === userId)) await setPassword(store, userId, password);
    else await addAccount(store, { userId, printedName: 'Demo Supervisor', roles: ['supervisor'], password });
  } finally {
    store.close();
  }
  console.log(`DEMO MODE: signing account ${userId} (supervisor), password ${password} for this run; MES_DEMO_SIGNER=off skips it.`);
}

/**
 * The front door (SECURITY.md): Node-RED 4 offers no hook before its editor API's CORS answer or
 * the http in nodes' raw-body capture, and no setting for the server's timeouts. So the one HTTP
 * server Node-RED creates is created here, with the limits of HTTP_SERVER_LIMITS, and every
 * request passes the origin and host checks and the order API's token and size checks first.
 */
function installFrontDoor(options) {
  const http = require('node:http');
  const { frontDoorRefusal, allowedOrigin, HTTP_SERVER_LIMITS, DEFAULT_MAX_CONNECTIONS } = require('../dist/lib/util');
  const { refuseBeforeBody } = require('../dist/lib/orders');
  const { acceptedBodyLimit } = require('../dist/lib/api');
  const answer = (res, statusCode, headers, body) => {
    // Connection: close, so that a refused body is not read to its end.
    res.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close', ...headers });
    res.end(JSON.stringify(body));
  };
  const createServer = http.createServer;
  http.createServer = function mesServer(...args) {
    http.createServer = createServer;
    const listener = args.find((arg) => typeof arg === 'function');
    const server = createServer({ ...HTTP_SERVER_LIMITS }, (req, res) => {
      const refusal = frontDoorRefusal(req, options);
      if (refusal) return answer(res, refusal.statusCode, {}, refusal.body);
      // Access-Control-Allow-Origin only ever names a configured origin, never '*' (the editor API's default).
      const setHeader = res.setHeader;
      res.setHeader = function corsAware(name, value) {
        if (String(name).toLowerCase() !== 'access-control-allow-origin') return setHeader.call(this, name, value);
        const origin = allowedOrigin(req.headers.origin, options.allowedOrigins);
        return origin ? setHeader.call(this, name, origin) : this;
      };
      if (req.url.startsWith('/mes/')) {
        // The order API's tokens, or those of the shop-floor API (operator, supervisor, integration).
        const early = refuseBeforeBody(req, undefined, acceptedBodyLimit(req.headers));
        if (early) return answer(res, early.statusCode, early.headers, early.body);
      }
      return listener(req, res);
    });
    // WebSocket upgrades (editor comms, dashboard live connections) pass the same origin and host checks.
    const emit = server.emit;
    server.emit = function frontDoorEmit(event, req, socket, ...rest) {
      if (event === 'upgrade' && frontDoorRefusal(req, options)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      return emit.call(this, event, req, socket, ...rest);
    };
    server.keepAliveTimeout = HTTP_SERVER_LIMITS.keepAliveTimeout;
    server.maxConnections = Number(process.env.MES_HTTP_MAX_CONNECTIONS) || DEFAULT_MAX_CONNECTIONS;
    return server;
  };
}
