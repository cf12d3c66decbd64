// Genealogy: links recorded per second through the commands (validated, durable group commits),
// side by side with bare event appends in the same batches; then a genealogy of 1,000,000 links,
// 10 levels deep, and the latency of a backward and a forward trace (recursive CTE) side by side
// with a node-by-node walk over the same indexes.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { submitOrder } = require('../dist/lib/orders');
const g = require('../dist/lib/genealogy');
const { validOrder } = require('../test/support/orders');
const { percentile, formatRate, ms, mb } = require('./support');

const LEVELS = 10;
const TARGET_LINKS = Number(process.env.BENCH_LINKS) || 1000000;
/** Each order of levels 1..9 consumes this many lots of the level below and makes one lot. */
const FAN_IN = 2;
const COMMANDS = Number(process.env.BENCH_COMMANDS) || 20000;
const BATCH = 200;
const TRACE_RUNS = 300;

const now = () => Number(process.hrtime.bigint()) / 1e6;

function tempStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-bench-genealogy-'));
  return { dir, store: MesStore.open(path.join(dir, 'mes.db'), { components: ALL_COMPONENTS }) };
}

/** Submits `count` units of work in batches of BATCH (one group commit each); returns units/s. */
async function rate(store, count, work) {
  const t0 = now();
  for (let i = 0; i < count; i += BATCH) {
    const units = [];
    for (let j = i; j < Math.min(count, i + BATCH); j += 1) units.push(store.transact((s) => work(s, j)));
    await Promise.all(units);
  }
  return (count / (now() - t0)) * 1000;
}

async function recordingRate() {
  const { dir, store } = tempStore();
  try {
    const orders = 100;
    for (let i = 0; i < orders; i += 1) {
      await store.transact((s) => submitOrder(s, validOrder({ orderId: `PO-${i}` }), 'bench'));
      await store.transact((s) => g.receive(s, { action: 'receive', lot: `RM-${i}`, material: 'RM-BAR', quantity: 1e9, unit: 'KG' }));
    }
    const baseline = await rate(store, COMMANDS, (s, j) => s.appendEvent({ type: 'bench.append', orderId: `PO-${j % orders}`, payload: { material: 'RM-BAR', lot: `RM-${j % orders}`, quantity: 1, unit: 'KG' } }));
    const consumed = await rate(store, COMMANDS, (s, j) => g.consume(s, {
      action: 'consume', orderId: `PO-${j % orders}`, operationKey: '0010', lot: `RM-${(j * 7) % orders}`, quantity: 1, unit: 'KG', workstation: 'WS-T1', actor: 'op:bench',
    }));
    const produced = await rate(store, COMMANDS / 4, (s, j) => g.produce(s, { action: 'produce', orderId: `PO-${j % orders}`, operationKey: '0020', quantity: 1 }));
    return { baseline, consumed, produced };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A deterministic pseudo-random sequence, so every run builds the same genealogy. */
function lcg(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * Bulk-loads the graph in the shape the commands write (one order node per produced lot, FAN_IN
 * consumption links and one production link each), straight through SQL: 1,000,000 links through
 * the commands would take minutes of the two shared cores without telling more than the rate above.
 */
function buildGenealogy(store) {
  const perLevel = Math.ceil(TARGET_LINKS / ((LEVELS - 1) * (FAN_IN + 1)));
  const random = lcg(42);
  const insertNode = store.db.prepare(`INSERT INTO genealogy_nodes (kind, key, material, unit, quantity, on_hand, origin, order_id, operation_key, event_time, event_seq)
    VALUES (?, ?, ?, 'PCE', ?, ?, ?, ?, ?, ?, 0)`);
  const insertLink = store.db.prepare(`INSERT INTO genealogy_links (from_node, to_node, relation, quantity, unit, order_id, operation_key, workstation, actor, event_time, event_seq)
    VALUES (?, ?, ?, ?, 'PCE', ?, '0010', ?, ?, ?, 0)`);
  const levels = [];
  let links = 0;
  const t0 = now();
  store.db.transaction(() => {
    for (let level = 0; level < LEVELS; level += 1) {
      const ids = [];
      const time = `2026-11-${String(level + 1).padStart(2, '0')}T08:00:00.000Z`;
      for (let i = 0; i < perLevel; i += 1) {
        const key = `L${level}-${i}`;
        if (level === 0) {
          ids.push(Number(insertNode.run('lot', key, 'M0', 100, 100, 'received', null, null, time).lastInsertRowid));
          continue;
        }
        const orderId = `PO-${level}-${i}`;
        const order = Number(insertNode.run('order', orderId, null, 0, 0, 'order', orderId, null, null).lastInsertRowid);
        for (let k = 0; k < FAN_IN; k += 1) {
          const input = levels[level - 1][Math.floor(random() * perLevel)];
          insertLink.run(input, order, 'consumed', 1, orderId, `WS-${level}`, 'op:bench', time);
        }
        const lot = Number(insertNode.run('lot', key, `M${level}`, 1, 1, 'produced', orderId, '0010', time).lastInsertRowid);
        insertLink.run(order, lot, 'produced', 1, orderId, `WS-${level}`, 'op:bench', time);
        links += FAN_IN + 1;
        ids.push(lot);
      }
      levels.push(ids);
    }
  }).immediate();
  store.db.pragma('optimize');
  return { perLevel, links, loadRate: (links / (now() - t0)) * 1000 };
}

/** The baseline: a walk that asks the database for each node's links one query at a time. */
function nodeByNodeTrace(store, lot, direction) {
  const root = store.db.prepare("SELECT id FROM genealogy_nodes WHERE key = ? AND kind IN ('lot', 'serial')").get(lot);
  const next = direction === 'backward'
    ? store.statement('SELECT * FROM genealogy_links WHERE to_node = ?')
    : store.statement('SELECT * FROM genealogy_links WHERE from_node = ?');
  const seen = new Set([root.id]);
  const queue = [root.id];
  const links = [];
  while (queue.length > 0) {
    for (const link of next.all(queue.pop())) {
      links.push(link);
      const far = direction === 'backward' ? link.from_node : link.to_node;
      if (!seen.has(far)) {
        seen.add(far);
        queue.push(far);
      }
    }
  }
  return links;
}

/**
 * Wall time and CPU time of each run: on the shared cores a run can wait for a CPU, which the
 * wall time counts and the CPU time (this process, user + system) does not.
 */
function latency(fn) {
  for (let i = 0; i < 20; i += 1) fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < TRACE_RUNS; i += 1) {
    const c0 = process.cpuUsage();
    const t0 = now();
    fn();
    wall.push(now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { p50: percentile(wall, 50), p99: percentile(wall, 99), cpu50: percentile(cpu, 50), cpu99: percentile(cpu, 99) };
}

async function run() {
  const recorded = await recordingRate();
  console.log(`links recorded through the commands (durable group commits of ${BATCH}, ${COMMANDS.toLocaleString('en-US')} commands):`);
  console.log(`  consume (validated, 1 link + 1 event)   ${formatRate(recorded.consumed).padStart(12)}`);
  console.log(`  produce (numbered lot, 1 link + 1 event) ${formatRate(recorded.produced).padStart(11)}`);
  console.log(`  baseline: bare event append             ${formatRate(recorded.baseline).padStart(12)}`);

  const { dir, store } = tempStore();
  try {
    const built = buildGenealogy(store);
    const size = fs.statSync(path.join(dir, 'mes.db')).size + (fs.existsSync(path.join(dir, 'mes.db-wal')) ? fs.statSync(path.join(dir, 'mes.db-wal')).size : 0);
    console.log(`genealogy: ${built.links.toLocaleString('en-US')} links, ${LEVELS} levels of ${built.perLevel.toLocaleString('en-US')} lots, fan-in ${FAN_IN}; bulk-loaded at ${formatRate(built.loadRate)}, ${mb(size)}`);
    const finished = `L${LEVELS - 1}-${Math.floor(built.perLevel / 2)}`;
    const backward = g.trace(store, finished, 'backward');
    const raw = backward.lots.find((l) => l.lot.startsWith('L0-')).lot;
    const forward = g.trace(store, raw, 'forward');
    const rows = [
      [`backward trace of finished lot ${finished}`, backward, () => g.trace(store, finished, 'backward'), () => nodeByNodeTrace(store, finished, 'backward')],
      [`forward trace of finished lot ${finished}`, g.trace(store, finished, 'forward'), () => g.trace(store, finished, 'forward'), () => nodeByNodeTrace(store, finished, 'forward')],
      [`forward trace of component lot ${raw} (recall case)`, forward, () => g.trace(store, raw, 'forward'), () => nodeByNodeTrace(store, raw, 'forward')],
    ];
    console.log(`trace latency, ${TRACE_RUNS} runs each (goal p99 < 50 ms); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores:`);
    for (const [label, result, traced, walked] of rows) {
      const a = latency(traced);
      const b = latency(walked);
      const levels = result.links.length > 0 ? Math.max(...result.links.map((l) => l.level)) : 0;
      console.log(`  ${label}: ${result.links.length} links, ${levels} levels`);
      console.log(`    trace (recursive CTE, full result)  wall p50 ${ms(a.p50).padStart(10)}  p99 ${ms(a.p99).padStart(10)} | cpu p50 ${ms(a.cpu50).padStart(10)}  p99 ${ms(a.cpu99).padStart(10)}`);
      console.log(`    baseline: node-by-node, links only  wall p50 ${ms(b.p50).padStart(10)}  p99 ${ms(b.p99).padStart(10)} | cpu p50 ${ms(b.cpu50).padStart(10)}  p99 ${ms(b.cpu99).padStart(10)}`);
    }
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run, buildGenealogy };
if (require.main === module) run().catch((err) => { console.error(err); process.exit(1); });
