// The forwarder over TLS (npm run test:site): a PostgreSQL with ssl=on and a certificate made here
// by openssl (a throwaway CA signing the server's certificate for 127.0.0.1). With verification
// on, mes-site-db trusts the server only through the CA file it names.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');
const siteDbNode = require('../../dist/nodes/mes-site-db/mes-site-db.js');
const forwarderNode = require('../../dist/nodes/mes-site-forwarder/mes-site-forwarder.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { tempDbFile } = require('../support/store');
const { startPostgres } = require('../support/postgres');
const site = require('../support/site');
const { translated } = require('../support/messages-catalog');

helper.init(require.resolve('node-red'));

function makeCertificates(dir) {
  const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=mes test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt']);
  return { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

const PLANT = { version: 2, site: 'plant1', workstations: [{ id: 'WS-A1', area: 'assembly', line: 'lineA', workCenters: ['WC-A'] }] };

describe('mes-site-forwarder over TLS (PostgreSQL ssl=on)', function () {
  this.timeout(60000);
  let pg;
  let database;
  let admin;
  let certs;
  let dbFile;
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-site-tls-'));

  before(async () => {
    certs = makeCertificates(certDir);
    pg = await startPostgres({
      options: '-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key',
      beforeStart: (data, own) => {
        for (const name of ['server.crt', 'server.key']) {
          const target = path.join(data, name);
          fs.copyFileSync(path.join(certDir, name), target);
          fs.chmodSync(target, 0o600);
          own(target);
        }
      },
    });
  });
  after(async () => {
    pg?.destroy();
    fs.rmSync(certDir, { recursive: true, force: true });
  });
  let databases = 0;
  beforeEach(async () => {
    databases += 1;
    database = (await pg.createDatabase(`site_tls_${databases}`)).database;
    admin = pg.pool({ database });
    dbFile = tempDbFile();
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    await site.append(store, [site.orderReceived('ORD-1', 'GEAR', 10, [{ key: '0010', workCenter: 'WC-A' }]), site.operationStarted('ORD-1', '0010', 'WS-A1')]);
    store.close();
  });
  afterEach(async () => {
    await helper.unload();
    await admin.end();
  });

  function flow(tls) {
    return [
      { id: 'tab', type: 'tab' },
      { id: 'store', type: 'mes-store', path: dbFile, durability: 'full' },
      { id: 'plant', type: 'mes-plant', ...PLANT },
      { id: 'sitedb', type: 'mes-site-db', version: 1, host: '127.0.0.1', port: pg.port, database, user: 'postgres', poolSize: 2, tls: true, tlsRejectUnauthorized: true, ...tls },
      { id: 'fwd', type: 'mes-site-forwarder', z: 'tab', store: 'store', siteDb: 'sitedb', plant: 'plant', line: 'lineA', batchSize: 500, metricsSeconds: 0.2, wires: [['metrics']] },
      { id: 'metrics', type: 'helper', z: 'tab' },
      { id: 'catch-errors', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ];
  }

  function received(nodeId, predicate) {
    return new Promise((resolve) => {
      const node = helper.getNode(nodeId);
      const listener = (msg) => {
        if (predicate(msg)) {
          node.removeListener('input', listener);
          resolve(msg);
        }
      };
      node.on('input', listener);
    });
  }

  it('forwards over TLS when the server certificate verifies against the CA file', async () => {
    await helper.load([storeNode, plantNode, siteDbNode, translated(forwarderNode), catchNode], flow({ tlsCaPath: certs.ca }));
    await received('metrics', (msg) => msg.payload.eventsBehind === 0 && msg.payload.siteReachable === true);
    const { rows } = await admin.query('SELECT COUNT(*) AS n FROM site_events');
    assert.equal(Number(rows[0].n), 2);
    // The forwarder's connections are encrypted (pg_stat_ssl of the backends named by the node).
    const ssl = await admin.query(`SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.application_name = 'node-red-contrib-mes'`);
    assert.ok(ssl.rows.length > 0 && ssl.rows.every((r) => r.ssl === true));
  });

  it('refuses a certificate it cannot verify (no CA given, verification on): nothing is forwarded, Catch nodes are told', async () => {
    await helper.load([storeNode, plantNode, siteDbNode, translated(forwarderNode), catchNode], flow({ tlsCaPath: '' }));
    const caught = await received('caught', () => true);
    assert.match(caught.error.message, /certificate/i);
    const metrics = await received('metrics', (msg) => msg.payload.siteReachable === false);
    assert.equal(metrics.payload.forwardedSeq, null);
    // Not even the schema was created: no statement reached the server.
    const { rows } = await admin.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'site_events'");
    assert.equal(Number(rows[0].n), 0);
  });
});
