// The editor is never open to the network without a login (flows/settings.js).
const assert = require('node:assert/strict');
const path = require('node:path');

const settingsFile = path.join(__dirname, '..', '..', 'flows', 'settings.js');
const VARS = ['MES_ADMIN_USER', 'MES_ADMIN_PASSWORD', 'MES_ADMIN_PASSWORD_HASH', 'MES_HOST', 'PORT', 'MES_DASHBOARD_USERS'];

function loadSettings(env) {
  const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));
  for (const k of VARS) delete process.env[k];
  Object.assign(process.env, env);
  delete require.cache[require.resolve(settingsFile)];
  try {
    return require(settingsFile);
  } finally {
    for (const k of VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

describe('npm start settings', () => {
  it('without admin credentials listens on loopback only, editor without login, port 1880', () => {
    const s = loadSettings({});
    assert.equal(s.uiHost, '127.0.0.1');
    assert.equal(s.uiPort, 1880);
    assert.equal(s.adminAuth, undefined);
    assert.equal(s.httpAdminRoot, '/admin', 'the editor is off / so that its CORS never covers /mes');
  });

  it('without admin credentials but exposed with MES_HOST, switches the editor off', () => {
    const s = loadSettings({ MES_HOST: '0.0.0.0' });
    assert.equal(s.uiHost, '0.0.0.0');
    assert.equal(s.httpAdminRoot, false);
  });

  it('with MES_ADMIN_USER and MES_ADMIN_PASSWORD requires a login and listens on all interfaces', () => {
    const s = loadSettings({ MES_ADMIN_USER: 'admin', MES_ADMIN_PASSWORD: 'correct horse', PORT: '18080' });
    assert.equal(s.uiHost, '0.0.0.0');
    assert.equal(s.uiPort, 18080);
    assert.equal(s.adminAuth.type, 'credentials');
    assert.equal(s.adminAuth.users[0].username, 'admin');
    assert.match(s.adminAuth.users[0].password, /^\$2[aby]\$/, 'the password is kept as a bcrypt hash');
    assert.notEqual(s.adminAuth.users[0].password, 'correct horse');
  });

  it('with MES_DASHBOARD_USERS puts both dashboards, pages and live connections, behind the login', async () => {
    const s = loadSettings({ MES_DASHBOARD_USERS: 'anna:$2b$04$Ec.33szcHlcKyFP2T1dXq.Ui5sb9GUukSbXEVF6l1cuBocZDd9JEC' });
    for (const part of [s.dashboard, s.ui]) {
      assert.equal(typeof part.middleware, 'function');
      assert.equal(typeof part.ioMiddleware, 'function');
      let refused;
      await part.ioMiddleware({ data: {}, request: { headers: {} }, handshake: { xdomain: false }, disconnect() {} }, (err) => { refused = err; });
      assert.ok(refused instanceof Error, 'a socket without credentials is refused');
    }
  });
});
