// Puts actuals of a store into the ERP outbox's quarantine the way a plant gets them there: the
// real outbox sends them and an ERP refuses each one for good (422), so they wait for a supervisor.
const { ErpOutbox } = require('../../dist/lib/outbox');
const { dialectNamed } = require('../../dist/lib/erp');

async function quarantineActuals(store, { name = 'erp', atLeast = 1 } = {}) {
  let outbox;
  outbox = new ErpOutbox(store, {
    name, dialect: dialectNamed('canonical'), baseUrl: 'http://erp.invalid', concurrency: 4, backoff: { baseMs: 20, maxMs: 200 }, pollIntervalMs: 20,
    send: (request) => setImmediate(() => outbox.handleResponse(request._mesOutbox, { statusCode: 422, headers: {}, payload: '{"error":"material master missing"}' })),
  });
  outbox.start();
  const deadline = Date.now() + 20000;
  // The store's list, not the outbox's counter: the counter moves before the commit is written.
  let messages = outbox.quarantine();
  while (messages.length < atLeast) {
    if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} actuals were quarantined`);
    await new Promise((r) => setTimeout(r, 20));
    messages = outbox.quarantine();
  }
  await outbox.stop();
  return messages;
}

module.exports = { quarantineActuals };
