// A line's forwarder in a process of its own, for the crash test: argv = store file, connection
// (JSON), and the batch at which to stop inside the transaction (after the events are inserted,
// before the cursor moves and the commit), tell the parent, and wait to be killed; 0: never.
const { Pool } = require('pg');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { SiteForwarder } = require('../../dist/lib/site');

const [file, connection, holdAt] = [process.argv[2], JSON.parse(process.argv[3]), Number(process.argv[4])];
const store = MesStore.open(file, { components: ALL_COMPONENTS });
const pool = new Pool({ ...connection, max: 2 });
pool.on('error', () => undefined);
let batches = 0;
const connect = pool.connect.bind(pool);
pool.connect = async () => {
  const client = await connect();
  if (client.mesHeld) return client;
  client.mesHeld = true;
  const query = client.query.bind(client);
  client.query = (...args) => {
    // The statement that moves the cursor (its 8th parameter true: the batch carried events).
    if (typeof args[0] === 'string' && args[0].includes('UPDATE site_cursors SET last_seq') && args[1]?.[7] === true) {
      batches += 1;
      if (batches === holdAt) {
        process.send({ midBatch: batches });
        return new Promise(() => undefined);
      }
    }
    return query(...args);
  };
  return client;
};
const forwarder = new SiteForwarder(store, pool, { site: 'plant1', area: 'assembly', line: 'lineA', batchSize: 100, pollIntervalMs: 20, onMetrics: (m) => process.send({ metrics: m }) });
forwarder.start();
