// Node-RED settings for `npm start` and the integration tests: this package's nodes, the flows in
// this folder, a user directory inside the repository (git-ignored) and the MES database in it.
// Everything a plant changes comes from environment variables; see README "Configuration".
const path = require('node:path');

const repoRoot = path.join(__dirname, '..');
// bcryptjs comes with Node-RED's editor API, which hashes admin passwords the same way.
const bcryptPath = require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('@node-red/editor-api/package.json'))] });
const userDir = process.env.MES_USER_DIR || path.join(repoRoot, '.node-red');
const adminUser = process.env.MES_ADMIN_USER;
const adminPasswordHash = process.env.MES_ADMIN_PASSWORD_HASH ||
  (process.env.MES_ADMIN_PASSWORD ? require(bcryptPath).hashSync(process.env.MES_ADMIN_PASSWORD, 10) : undefined);
const hasAdminLogin = Boolean(adminUser && adminPasswordHash);
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);
// Without an admin login the runtime listens on loopback only, so the editor is never open to the
// network. MES_HOST can still expose the HTTP endpoints; then the editor is switched off instead.
const host = process.env.MES_HOST || (hasAdminLogin ? '0.0.0.0' : '127.0.0.1');
const editorEnabled = hasAdminLogin || loopback.has(host);
// Dashboard login (README "Dashboard access"): basic authentication over the dashboards' pages and
// their live connection when MES_DASHBOARD_USERS is set; every operator action then carries the user.
// Passwords are checked in a worker thread, so that a burst of logins never stalls the MES.
const { dashboardAuth, parseDashboardUsers } = require('../dist/lib/dashboard/auth');
const { workerHashCheck } = require('../dist/lib/dashboard/hash-worker');
const dashboardLogin = process.env.MES_DASHBOARD_USERS
  ? dashboardAuth(parseDashboardUsers(process.env.MES_DASHBOARD_USERS), workerHashCheck(bcryptPath))
  : undefined;
// Without a login the dashboards answer loopback only: a badge typed at a page is who acts, which
// is for the demo on this machine, never for a browser elsewhere on the network.
const isLoopback = (address) => /^(127\.|::1$|::ffff:127\.)/.test(String(address || ''));
const loopbackOnly = {
  http: (req, res, next) => (isLoopback(req.socket.remoteAddress) ? next() : res.status(403).json({ error: 'the dashboards need a login (MES_DASHBOARD_USERS) to be used from another machine' })),
  socket: (socket, next) => (isLoopback(socket.handshake.address) ? next() : next(new Error('the dashboards need a login (MES_DASHBOARD_USERS) to be used from another machine'))),
};
const dashboardGuard = dashboardLogin || loopbackOnly;
// The front door (scripts/start.js, SECURITY.md): cross-origin requests are refused unless their
// origin is in MES_CORS_ORIGINS; on loopback without a login only the MES's own host names answer.
const { parseOrigins, rawBodyMiddleware } = require('../dist/lib/util');
const corsOrigins = parseOrigins(process.env.MES_CORS_ORIGINS);
const port = Number(process.env.PORT) || 1880;
// Demo mode (npm start's default) runs the demo parts: simulated PLC, mock ERP, demo orders.
// MES_MODE=plant runs none of them (README "Running a plant").
const mesMode = process.env.MES_MODE === 'plant' ? 'plant' : 'demo';

module.exports = {
  uiPort: port,
  uiHost: host,
  userDir,
  flowFile: process.env.MES_FLOW_FILE || path.join(__dirname, 'flows.json'),
  // The shipped credentials hold only ${ENV} references. Set MES_CREDENTIAL_SECRET to encrypt the
  // user directory's credentials file when secrets are typed into the editor.
  credentialSecret: process.env.MES_CREDENTIAL_SECRET || false,
  flowFilePretty: true,
  // The editor and its admin API live under /admin, so that nothing of theirs (their CORS
  // included) covers the MES endpoints under /mes.
  httpAdminRoot: editorEnabled ? '/admin' : false,
  // Raw bodies for our POST routes with url parameters too (lib/util/front-door.ts rawBodyMiddleware).
  httpNodeMiddleware: rawBodyMiddleware('/mes/'),
  httpNodeCors: corsOrigins.length > 0 ? { origin: corsOrigins, methods: 'GET,POST', allowedHeaders: 'Authorization,Content-Type,X-MES-Actor' } : undefined,
  mesFrontDoor: { port, loopbackOnly: loopback.has(host) && !hasAdminLogin && !dashboardLogin, allowedOrigins: corsOrigins },
  adminAuth: hasAdminLogin ? {
    type: 'credentials',
    users: [{ username: adminUser, password: adminPasswordHash, permissions: '*' }],
  } : undefined,
  mesMode,
  dashboard: { middleware: dashboardGuard.http, ioMiddleware: dashboardGuard.socket },
  // The classic dashboard (node-red-dashboard) takes the same login for its pages and its socket.io connection.
  ui: { middleware: dashboardGuard.http, ioMiddleware: dashboardGuard.socket },
  functionExternalModules: false,
  externalModules: { palette: { allowInstall: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
  logging: { console: { level: process.env.MES_LOG_LEVEL || 'info', metrics: false, audit: false } },
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
};
