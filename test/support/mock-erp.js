// A mock ERP for the outbox tests and benchmark: a real HTTP server that can be up, down
// (connection refused: the port is closed), slow, failing with 500, throttling with 429 and
// Retry-After, or refusing with 400, and that records every request it answered by its
// Idempotency-Key header. With `dialect: 'sap'` or `'erpnext'` it answers while up as that ERP
// would (test/support/sap-sim.js, erpnext-sim.js): it refuses what the real one refuses, with the
// ERP's status and error body, so an outage test runs against an ERP that can say no.
const http = require('node:http');
const { SapSystem } = require('./sap-sim');
const { ErpNextSite } = require('./erpnext-sim');

class MockErp {
  /**
   * @param {{ record?: boolean, csrf?: boolean, dialect?: 'sap' | 'erpnext', erp?: SapSystem | ErpNextSite }} [options]
   * record: false keeps only counts (benchmarks with millions of requests); erp: the simulated ERP behind the dialect.
   */
  constructor(options = {}) {
    this.record = options.record !== false;
    /** The simulated ERP answering while up (none: every request is acknowledged). */
    this.erp = options.erp ?? (options.dialect === 'sap' ? new SapSystem() : options.dialect === 'erpnext' ? new ErpNextSite() : undefined);
    /** SAP Gateway behaviour: modifying requests need the token handed out by GET with x-csrf-token: Fetch, and its session cookie. */
    this.csrf = options.csrf === true;
    this.csrfToken = undefined;
    this.csrfFetches = 0;
    /** Requests answered with 2xx, duplicates included. */
    this.acknowledgedCount = 0;
    this.mode = 'up';
    this.delayMs = 0;
    this.retryAfter = '1';
    /** Requests in the order they arrived: { key, method, path, headers, body, status, answer (the simulated ERP's body), at }. */
    this.requests = [];
    /** Idempotency key → number of requests that carried it and were acknowledged with 2xx. */
    this.acknowledged = new Map();
    /** Per-request answer that overrides the mode, e.g. (req) => req.key === k ? 400 : undefined. */
    this.override = undefined;
    this.server = undefined;
    this.port = undefined;
    this.sockets = new Set();
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port || this.port || 0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  /** Connection refused from now on: the listening socket and every open connection are closed. */
  async down() {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }

  async up() {
    this.mode = 'up';
    if (!this.server) await this.start(this.port);
  }

  /** 'up' | 'slow' | '500' | '429' | '400' */
  set(mode, options = {}) {
    this.mode = mode;
    if (options.delayMs !== undefined) this.delayMs = options.delayMs;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  /** Keys of acknowledged requests, in arrival order, first acknowledgement only. */
  deliveredKeys() {
    const seen = new Set();
    const keys = [];
    for (const r of this.requests) {
      if (r.status >= 200 && r.status < 300 && !seen.has(r.key)) {
        seen.add(r.key);
        keys.push(r.key);
      }
    }
    return keys;
  }

  waitFor(predicate, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this)) return resolve();
        if (Date.now() > deadline) return reject(new Error(`mock ERP: condition not met within ${timeoutMs} ms (${this.requests.length} requests, ${this.acknowledged.size} keys acknowledged)`));
        setTimeout(check, 20);
      };
      check();
    });
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body = text;
      try {
        body = JSON.parse(text);
      } catch {
        // XML or text bodies are kept as they came
      }
      const record = { key: req.headers['idempotency-key'], method: req.method, path: req.url, headers: req.headers, body, status: 0, at: Date.now() };
      if (this.csrf && req.method === 'GET' && String(req.headers['x-csrf-token']).toLowerCase() === 'fetch') {
        this.csrfFetches += 1;
        this.csrfToken = `token-${this.csrfFetches}`;
        res.writeHead(200, { 'x-csrf-token': this.csrfToken, 'Set-Cookie': [`SAP_SESSIONID=s${this.csrfFetches}; path=/; HttpOnly`, 'sap-usercontext=sap-client=100; path=/'] });
        res.end('{}');
        return;
      }
      if (this.csrf && req.method !== 'GET' && (req.headers['x-csrf-token'] !== this.csrfToken || !String(req.headers.cookie).includes(`SAP_SESSIONID=s${this.csrfFetches}`))) {
        record.status = 403;
        if (this.record) this.requests.push(record);
        res.writeHead(403, { 'x-csrf-token': 'Required', 'Content-Type': 'text/plain' });
        res.end('CSRF token validation failed');
        return;
      }
      const answer = () => {
        const forced = (this.override && this.override(record)) || { 500: 500, 429: 429, 400: 400 }[this.mode];
        const simulated = !forced && this.erp ? this.erp.handle(req.method, req.url, body) : undefined;
        const status = forced || simulated?.status || 201;
        record.status = status;
        record.answer = simulated?.body;
        if (status >= 200 && status < 300) this.acknowledgedCount += 1;
        if (this.record) this.requests.push(record);
        const headers = { 'Content-Type': 'application/json' };
        if (status === 429) headers['Retry-After'] = this.retryAfter;
        if (this.record && status >= 200 && status < 300) this.acknowledged.set(record.key, (this.acknowledged.get(record.key) || 0) + 1);
        const reply = simulated ? simulated.body
          : status === 400 ? { error: { code: 'CO/055', message: { lang: 'en', value: 'Operation 9999 does not exist' } } }
            : status >= 300 ? { error: `mock ERP answers ${status}` } : { d: { ConfirmationGroup: String(this.requests.length) } };
        res.writeHead(status, headers);
        res.end(JSON.stringify(reply));
      };
      if (this.mode === 'slow' || this.delayMs > 0) setTimeout(answer, this.delayMs || 200);
      else answer();
    });
  }

  async stop() {
    await this.down();
  }
}

async function startMockErp(port, options) {
  return new MockErp(options).start(port);
}

module.exports = { MockErp, startMockErp };
