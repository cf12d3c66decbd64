// Child process of bench/outbox.bench.js: drains the backlog in the database given as argv[2]
// to the mock ERP at argv[3], sampling its own memory, and prints one JSON line of figures.
const { ErpOutbox } = require('../dist/lib/outbox');
const { dialectNamed } = require('../dist/lib/erp');
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { httpTransport } = require('../test/support/transport');

async function main() {
  const [, , dbFile, url, expected] = process.argv;
  const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  let outbox;
  outbox = new ErpOutbox(store, { name: 'bench', dialect: dialectNamed('canonical'), baseUrl: url, concurrency: 8, pageSize: 1000, pollIntervalMs: 200, send: httpTransport(() => outbox) });
  const started = Date.now();
  outbox.start();
  const count = () => store.db.prepare("SELECT COUNT(*) AS n FROM outbox_messages WHERE outbox = 'bench' AND state = 'delivered'").get().n;
  await new Promise((resolve) => {
    const check = () => (outbox.metrics().queueDepth === 0 && count() >= Number(expected) ? resolve() : setTimeout(check, 1000));
    setTimeout(check, 1000);
  });
  const seconds = (Date.now() - started) / 1000;
  await outbox.stop();
  sample();
  clearInterval(sampler);
  store.close();
  process.stdout.write(`${JSON.stringify({ delivered: Number(expected), seconds, peakRss, peakHeap })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
