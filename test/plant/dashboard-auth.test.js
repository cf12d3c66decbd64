const assert = require('node:assert/strict');
const path = require('node:path');
// bcryptjs as Node-RED's editor API has it (flows/settings.js uses the same copy)
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('@node-red/editor-api/package.json'))] }));
const { parseDashboardUsers, dashboardLogin, dashboardAuth, DEFAULT_LOGIN_LIMITS } = require('../../dist/lib/dashboard/auth');
const { startRuntime } = require('../support/runtime');

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const checkHash = (password, hash) => bcrypt.compare(password, hash);
const unlimited = { ...DEFAULT_LOGIN_LIMITS, maxFailures: 1e9, rememberMs: 0 };

function fakeResponse() {
  return { headers: {}, setHeader(k, v) { this.headers[k] = v; }, end(body) { this.body = body; } };
}

describe('dashboard login', () => {
  const users = parseDashboardUsers(`anna:${bcrypt.hashSync('anna-secret', 4)},sam:${bcrypt.hashSync('sam:secret', 4)}`);

  it('accepts a bcrypt hash, a password holding a colon, and refuses plain-text passwords naming the hash command', async () => {
    const login = dashboardLogin(users, checkHash, unlimited);
    assert.deepEqual(await login.verify(basic('anna', 'anna-secret'), '127.0.0.1'), { user: 'anna' });
    assert.deepEqual(await login.verify(basic('sam', 'sam:secret'), '127.0.0.1'), { user: 'sam' });
    assert.throws(() => parseDashboardUsers('anna:plain-secret'), /not a bcrypt hash.*npm run hash-password/);
  });

  it('refuses a wrong password, an unknown user and a malformed header', async () => {
    const login = dashboardLogin(users, checkHash, unlimited);
    for (const header of [basic('anna', 'nope'), basic('eve', 'anna-secret'), 'Bearer abc', undefined]) {
      assert.deepEqual(await login.verify(header, '127.0.0.1'), { refused: 'unauthorized' });
    }
  });

  it('refuses a user list it cannot read, naming the variable', () => {
    assert.throws(() => parseDashboardUsers('anna'), /MES_DASHBOARD_USERS/);
    assert.throws(() => parseDashboardUsers(' , '), /no user/);
  });

  it('answers an unknown user in about the time of a wrong password (medians of 20 within 2x)', async () => {
    const costly = parseDashboardUsers(`anna:${bcrypt.hashSync('anna-secret', 8)}`);
    const login = dashboardLogin(costly, checkHash, unlimited);
    const median = async (header) => {
      const times = [];
      for (let i = 0; i < 20; i++) {
        const t = process.hrtime.bigint();
        await login.verify(header, '127.0.0.1');
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return times.sort((a, b) => a - b)[10];
    };
    const wrong = await median(basic('anna', 'wrong'));
    const unknown = await median(basic('nobody', 'wrong'));
    assert.ok(unknown > wrong / 2 && unknown < wrong * 2, `unknown user ${unknown.toFixed(1)} ms, wrong password ${wrong.toFixed(1)} ms`);
  });

  it('limits failed attempts per user and per address (429 with Retry-After)', async () => {
    let now = 0;
    const auth = dashboardAuth(users, checkHash, { ...DEFAULT_LOGIN_LIMITS, now: () => now });
    const attempt = async (user, password, address) => {
      const res = fakeResponse();
      let passed = false;
      await auth.http({ headers: { authorization: basic(user, password) }, socket: { remoteAddress: address } }, res, () => { passed = true; });
      return passed ? 200 : res.statusCode;
    };
    for (let i = 0; i < 5; i++) assert.equal(await attempt('anna', 'guess', `10.0.0.${i}`), 401);
    assert.equal(await attempt('anna', 'anna-secret', '10.0.0.99'), 429, 'the user is locked for the window, even with the right password');
    for (let i = 0; i < 5; i++) assert.equal(await attempt(`user${i}`, 'guess', '10.0.1.1'), 401);
    assert.equal(await attempt('sam', 'sam:secret', '10.0.1.1'), 429, 'the address is locked for the window');
    now += 61_000;
    assert.equal(await attempt('anna', 'anna-secret', '10.0.0.99'), 200, 'after the window the user signs in');
  });

  it('answers 401 with a challenge without a login, and passes the user on with one', async () => {
    const auth = dashboardAuth(users, checkHash);
    const res = fakeResponse();
    let passed = false;
    await auth.http({ headers: {} }, res, () => { passed = true; });
    assert.equal(passed, false);
    assert.equal(res.statusCode, 401);
    assert.match(res.headers['WWW-Authenticate'], /^Basic realm=/);
    const req = { headers: { authorization: basic('anna', 'anna-secret') } };
    await auth.http(req, res, () => { passed = true; });
    assert.equal(passed, true);
    assert.equal(req.user, 'anna');
  });

  it('checks a login once and remembers it for the next requests', async () => {
    let comparisons = 0;
    const login = dashboardLogin(users, (p, h) => { comparisons += 1; return checkHash(p, h); });
    for (let i = 0; i < 5; i++) assert.deepEqual(await login.verify(basic('anna', 'anna-secret'), '127.0.0.1'), { user: 'anna' });
    assert.equal(comparisons, 1);
  });

  it('keeps the user on the live connection and refuses one without a login', async () => {
    const auth = dashboardAuth(users, checkHash);
    const socket = (authorization) => ({ data: {}, request: { headers: authorization ? { authorization } : {} }, handshake: { xdomain: false, address: '127.0.0.1' }, disconnect() { this.disconnected = true; } });
    const ok = socket(basic('anna', 'anna-secret'));
    let error;
    await auth.socket(ok, (err) => { error = err; });
    assert.equal(error, undefined);
    assert.equal(ok.data.user, 'anna');
    await auth.socket(socket(), (err) => { error = err; });
    assert.match(error.message, /not signed in/);
  });
});

describe('dashboard login under a burst of wrong passwords (real runtime)', function () {
  this.timeout(120000);
  let runtime;
  const TOKEN = 'burst-token';
  before(async () => {
    runtime = await startRuntime({ env: { MES_API_TOKEN: TOKEN, MES_DASHBOARD_USERS: `anna:${bcrypt.hashSync('anna-secret', 10)}` } });
  });
  after(async () => runtime && runtime.stop());

  const getLatency = async () => {
    const t = performance.now();
    const res = await fetch(`${runtime.url}/mes/v1/orders/PO-NONE`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.arrayBuffer();
    assert.equal(res.status, 404);
    return performance.now() - t;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  it('40 concurrent wrong passwords delay an order-API GET by less than 100 ms (medians)', async () => {
    const before = [];
    for (let i = 0; i < 15; i++) before.push(await getLatency());
    const burst = Array.from({ length: 40 }, (_, i) => fetch(`${runtime.url}/dashboard/`, { headers: { authorization: basic(i % 2 ? 'anna' : `nobody${i}`, `wrong${i}`) } }).then((r) => r.status));
    // GETs sent every 25 ms while the burst runs: a blocked event loop would hold every one of them.
    const during = [];
    const sampling = [getLatency().then((ms) => during.push(ms))];
    const sampler = setInterval(() => sampling.push(getLatency().then((ms) => during.push(ms))), 25);
    const statuses = Promise.all(burst).finally(() => clearInterval(sampler));
    await statuses;
    await Promise.all(sampling);
    const codes = await statuses;
    assert.ok(codes.every((c) => c === 401 || c === 429), `answers ${codes}`);
    const delay = median(during) - median(before);
    assert.ok(delay < 100, `median GET ${median(before).toFixed(1)} ms before, ${median(during).toFixed(1)} ms during the burst`);
  });
});
