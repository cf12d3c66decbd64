// Issue #13 through the real runtime (npm start's script): no web page reaches the admin API or
// /mes, a refused body is never read, and a slow client does not hold a connection.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const { startRuntime, adminUrl } = require('../support/runtime');

const TOKEN = 'front-door-token';

function residentBytes(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
  return Number(kb) * 1024;
}

/**
 * Declares a body of `declared` bytes and sends only the headers: an answer can only come from
 * checks made before the body is read (without them, the request waits for its body).
 */
function postHuge(runtime, path, headers, declared) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${runtime.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': declared, ...headers } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { resolve({ status: res.statusCode, headers: res.headers, body }); req.destroy(); });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

function rawRequest(runtime, { method = 'GET', path = '/', headers = {} }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: runtime.port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('front door of the real runtime (issue #13)', function () {
  this.timeout(60000);
  let runtime;

  before(async () => {
    runtime = await startRuntime({ env: { MES_API_TOKEN: TOKEN } });
  });
  after(async () => runtime && runtime.stop());

  it('refuses a cross-origin preflight to the admin API and to /mes, and never answers Access-Control-Allow-Origin: *', async () => {
    for (const path of ['/admin/flows', '/mes/v1/orders']) {
      const res = await fetch(`${runtime.url}${path}`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(res.status, 403, path);
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
      assert.equal((await res.json()).errors[0].rule, 'sameOrigin');
    }
    const deploy = await fetch(`${adminUrl(runtime)}/flows`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '[]' });
    assert.equal(deploy.status, 403);
    const own = await fetch(`${adminUrl(runtime)}/flows`, { headers: { origin: runtime.url } });
    assert.equal(own.status, 200, 'the editor itself still works');
    assert.equal(own.headers.get('access-control-allow-origin'), null);
    assert.equal((await fetch(`${runtime.url}/flows`)).status, 404, 'the admin API is no longer at /');
  });

  it('on loopback without a login refuses a request under another host name (DNS rebinding)', async () => {
    const res = await rawRequest(runtime, { path: '/admin/flows', headers: { host: `rebind.example:${runtime.port}` } });
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).errors[0].rule, 'loopbackHost');
  });

  it('answers an unauthenticated 300 MiB body with 401 before reading it', async () => {
    const before = residentBytes(runtime.child.pid);
    const started = Date.now();
    const res = await postHuge(runtime, '/mes/v1/orders', {}, 300 * 1024 * 1024);
    const elapsed = Date.now() - started;
    assert.equal(res.status, 401);
    assert.equal(JSON.parse(res.body).errors[0].rule, 'bearerToken');
    const grown = residentBytes(runtime.child.pid) - before;
    assert.ok(grown < 20 * 1024 * 1024, `resident memory grew by ${grown} bytes`);
    assert.ok(elapsed < 5000, `answered after ${elapsed} ms`);
  });

  it('answers an authenticated body over the limit with a JSON 413, cancel included', async () => {
    for (const path of ['/mes/v1/orders', '/mes/v1/orders/PO-1/cancel']) {
      const res = await postHuge(runtime, path, { authorization: `Bearer ${TOKEN}` }, 200 * 1024 * 1024);
      assert.equal(res.status, 413, path);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.deepEqual(JSON.parse(res.body).errors.map((e) => e.rule), ['maxBodyBytes']);
    }
  });

  it('closes a connection whose headers never end (headers timeout)', async () => {
    const socket = net.connect(runtime.port, '127.0.0.1');
    const started = Date.now();
    socket.write(`POST /mes/v1/orders HTTP/1.1\r\nHost: 127.0.0.1:${runtime.port}\r\nX-Slow: `);
    await new Promise((resolve) => { socket.on('close', resolve); socket.on('error', () => {}); socket.resume(); });
    const held = Date.now() - started;
    assert.ok(held < 15000, `the connection was held ${held} ms`);
  });
});
