// Node-RED settings for `npm start` and the integration tests: this package's nodes, the flows in
// this folder, a user directory inside the repository (git-ignored) and the MES database in it.
// Everything a plant changes comes from environment variables; see README "Configuration".
const path = require('node:path');

const repoRoot = path.join(__dirname, '..');
// bcryptjs comes with Node-RED's editor API, which hashes admin passwords the same way.
const requireFromNodeRed = (name) => require(require.resolve(name, { paths: [path.dirname(require.resolve('@node-red/editor-api/package.json'))] }));
const userDir = process.env.MES_USER_DIR || path.join(repoRoot, '.node-red');
const adminUser = process.env.MES_ADMIN_USER;
const adminPasswordHash = process.env.MES_ADMIN_PASSWORD_HASH ||
  (process.env.MES_ADMIN_PASSWORD ? requireFromNodeRed('bcryptjs').hashSync(process.env.MES_ADMIN_PASSWORD, 10) : undefined);
const hasAdminLogin = Boolean(adminUser && adminPasswordHash);
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);
// Without an admin login the runtime listens on loopback only, so the editor is never open to the
// network. MES_HOST can still expose the HTTP endpoints; then the editor is switched off instead.
const host = process.env.MES_HOST || (hasAdminLogin ? '0.0.0.0' : '127.0.0.1');
const editorEnabled = hasAdminLogin || loopback.has(host);
// Dashboard login (README "Dashboard access"): basic authentication over the dashboards' pages and
// their live connection when MES_DASHBOARD_USERS is set; every operator action then carries the user.
const { dashboardAuth, parseDashboardUsers } = require('../dist/lib/dashboard/auth');
const dashboardLogin = process.env.MES_DASHBOARD_USERS
  ? dashboardAuth(parseDashboardUsers(process.env.MES_DASHBOARD_USERS), (password, hash) => requireFromNodeRed('bcryptjs').compareSync(password, hash))
  : undefined;

module.exports = {
  uiPort: Number(process.env.PORT) || 1880,
  uiHost: host,
  userDir,
  flowFile: process.env.MES_FLOW_FILE || path.join(__dirname, 'flows.json'),
  // The shipped credentials hold only ${ENV} references. Set MES_CREDENTIAL_SECRET to encrypt the
  // user directory's credentials file when secrets are typed into the editor.
  credentialSecret: process.env.MES_CREDENTIAL_SECRET || false,
  flowFilePretty: true,
  httpAdminRoot: editorEnabled ? '/' : false,
  adminAuth: hasAdminLogin ? {
    type: 'credentials',
    users: [{ username: adminUser, password: adminPasswordHash, permissions: '*' }],
  } : undefined,
  dashboard: dashboardLogin ? { middleware: dashboardLogin.http, ioMiddleware: dashboardLogin.socket } : {},
  // The classic dashboard (node-red-dashboard) takes the same login for its pages and its socket.io connection.
  ui: dashboardLogin ? { middleware: dashboardLogin.http, ioMiddleware: dashboardLogin.socket } : {},
  functionExternalModules: false,
  externalModules: { palette: { allowInstall: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
  logging: { console: { level: process.env.MES_LOG_LEVEL || 'info', metrics: false, audit: false } },
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
};
