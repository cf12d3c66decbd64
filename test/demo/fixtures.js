// Shared by the demo tests: plant models as the mes-plant editor stores them, and a probe
// module for node-red-node-test-helper that serves the runtime's HTTP node app and buffers what
// reaches its sink nodes (messages sent before a test can attach a listener are kept).
const http = require('node:http');
const { EventEmitter } = require('node:events');

/** A plant with line L1 of `count` workstations WS-1… (WS-1 with a 4 s ideal cycle) and line L2 of one. */
function plantConfig(count = 3) {
  const workstations = [];
  for (let i = 1; i <= count; i += 1) {
    workstations.push({ id: `WS-${i}`, area: 'MACHINING', line: 'L1', workCenters: [`WC-${i}`, 'WC-ANY'], ...(i === 1 ? { idealCycleTimeSeconds: 4 } : {}) });
  }
  workstations.push({ id: 'WS-A', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY'] });
  return { version: 2, site: 'PLANT-1', timeZone: 'UTC', workstations };
}

/**
 * Load it with the nodes under test: it keeps the runtime's `RED.httpNode` (a fresh express app
 * per helper.load) and registers `demo-sink`, a node that buffers every message it receives.
 */
function createProbe() {
  const events = new EventEmitter();
  const received = new Map();
  const probe = {
    app: null,
    server: null,
    module(RED) {
      probe.app = RED.httpNode;
      RED.nodes.registerType('demo-sink', function DemoSink(config) {
        RED.nodes.createNode(this, config);
        this.on('input', (msg, send, done) => {
          if (!received.has(this.id)) received.set(this.id, []);
          received.get(this.id).push(msg);
          events.emit(this.id, msg);
          done();
        });
      });
    },
    /** All messages sink `id` has received so far. */
    messages(id) {
      return received.get(id) || [];
    },
    /** The first message of sink `id` (counting those already there) that `predicate` accepts. */
    next(id, predicate = () => true, from = 0) {
      const found = probe.messages(id).slice(from).find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const listener = (msg) => {
          if (!predicate(msg)) return;
          events.removeListener(id, listener);
          resolve(msg);
        };
        events.on(id, listener);
      });
    },
    reset() {
      received.clear();
    },
    /** Serves whichever app the last load made, on `host`. */
    async listen(host = '127.0.0.1') {
      probe.server = http.createServer((req, res) => probe.app(req, res));
      await new Promise((resolve) => probe.server.listen(0, host, resolve));
      return probe.server.address().port;
    },
    close() {
      return new Promise((resolve) => (probe.server ? probe.server.close(resolve) : resolve()));
    },
  };
  return probe;
}

module.exports = { plantConfig, createProbe };
