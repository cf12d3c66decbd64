// Drives a real ErpOutbox over a store against an in-process simulated ERP (sap-sim.js,
// erpnext-sim.js) without HTTP: every request is answered at once, as that ERP would, and handed
// back as Node-RED's http request node would. For tests that check what the MES sends and what
// the ERP makes of the whole sequence.
const { ErpOutbox } = require('../../dist/lib/outbox');
const { dialectNamed } = require('../../dist/lib/erp');

const BASE_URL = 'http://erp.invalid/api-root';

/** Polls `check` (no fixed sleep) until it holds or `timeoutMs` passes. */
async function until(check, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Delivers everything in the store's log to `erp` through an outbox of `dialect` and stops it
 * once every actual is delivered, skipped, or waits behind a quarantined one of its order. Returns the requests with the
 * ERP's answers and the outbox's delivery rows. `dialect`: a name or a Dialect; `retry`: an
 * orderId whose quarantined actuals are retried once the outbox runs.
 */
async function deliverAll(store, { dialect, dialectOptions = {}, erp, name = 'test', retry }) {
  const requests = [];
  const outbox = new ErpOutbox(store, {
    name, dialect: typeof dialect === 'string' ? dialectNamed(dialect) : dialect, dialectOptions, baseUrl: BASE_URL, pollIntervalMs: 20, backoff: { baseMs: 10, maxMs: 20 },
    send: (request) => {
      const path = request.url.slice(BASE_URL.length);
      const answer = erp.handle(request.method, path, request.payload);
      requests.push({ key: request.headers['Idempotency-Key'], topic: request.topic, method: request.method, path, body: request.payload, status: answer.status, answer: answer.body });
      setImmediate(() => outbox.handleResponse(request._mesOutbox, { statusCode: answer.status, headers: {}, payload: JSON.stringify(answer.body) }));
    },
  });
  const rows = () => store.db.prepare('SELECT seq, event_id, event_type, state, last_status, response FROM outbox_messages WHERE outbox = ? ORDER BY seq').all(name);
  const logEnd = store.db.prepare('SELECT MAX(seq) AS seq FROM events').get().seq;
  outbox.start();
  if (retry) await outbox.retry({ orderId: retry }, 'planner-1');
  try {
    await until(() => {
      const cursor = store.db.prepare('SELECT last_seq FROM outbox_cursor WHERE outbox = ?').get(name)?.last_seq ?? 0;
      // Done when every lane is empty or held by a quarantined actual, and nothing is on its way.
      const open = store.db.prepare('SELECT COUNT(*) AS n FROM outbox_lanes WHERE outbox = ? AND blocked = 0').get(name).n;
      return cursor >= logEnd && open === 0 && outbox.metrics().inFlight === 0;
    }, `outbox ${name} delivered the log`);
  } finally {
    await outbox.stop();
  }
  return { requests, messages: rows() };
}

module.exports = { deliverAll, until, BASE_URL };
