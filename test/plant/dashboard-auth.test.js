const assert = require('node:assert/strict');
const path = require('node:path');
// bcryptjs as Node-RED's editor API has it (flows/settings.js uses the same copy)
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('@node-red/editor-api/package.json'))] }));
const { parseDashboardUsers, basicAuthUser, dashboardAuth } = require('../../dist/lib/dashboard/auth');

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const checkHash = (password, hash) => bcrypt.compareSync(password, hash);

describe('dashboard login', () => {
  const users = parseDashboardUsers(`anna:plain-secret,sam:${bcrypt.hashSync('sam:secret', 4)}`);

  it('accepts a plain demo password and a bcrypt hash, and a password holding a colon', () => {
    assert.equal(basicAuthUser(basic('anna', 'plain-secret'), users, checkHash), 'anna');
    assert.equal(basicAuthUser(basic('sam', 'sam:secret'), users, checkHash), 'sam');
  });

  it('refuses a wrong password, an unknown user and a malformed header', () => {
    assert.equal(basicAuthUser(basic('anna', 'nope'), users, checkHash), undefined);
    assert.equal(basicAuthUser(basic('eve', 'plain-secret'), users, checkHash), undefined);
    assert.equal(basicAuthUser('Bearer abc', users, checkHash), undefined);
    assert.equal(basicAuthUser(undefined, users, checkHash), undefined);
  });

  it('refuses a user list it cannot read, naming the variable', () => {
    assert.throws(() => parseDashboardUsers('anna'), /MES_DASHBOARD_USERS/);
    assert.throws(() => parseDashboardUsers(' , '), /no user/);
  });

  it('answers 401 with a challenge without a login, and passes the user on with one', () => {
    const auth = dashboardAuth(users, checkHash);
    const res = { headers: {}, setHeader(k, v) { this.headers[k] = v; }, end(body) { this.body = body; } };
    let passed = false;
    auth.http({ headers: {} }, res, () => { passed = true; });
    assert.equal(passed, false);
    assert.equal(res.statusCode, 401);
    assert.match(res.headers['WWW-Authenticate'], /^Basic realm=/);
    const req = { headers: { authorization: basic('anna', 'plain-secret') } };
    auth.http(req, res, () => { passed = true; });
    assert.equal(passed, true);
    assert.equal(req.user, 'anna');
  });

  it('keeps the user on the live connection and refuses one without a login', () => {
    const auth = dashboardAuth(users, checkHash);
    const socket = (authorization) => ({ data: {}, request: { headers: authorization ? { authorization } : {} }, handshake: { xdomain: false }, disconnect() { this.disconnected = true; } });
    const ok = socket(basic('anna', 'plain-secret'));
    let error;
    auth.socket(ok, (err) => { error = err; });
    assert.equal(error, undefined);
    assert.equal(ok.data.user, 'anna');
    auth.socket(socket(), (err) => { error = err; });
    assert.match(error.message, /not signed in/);
  });
});
