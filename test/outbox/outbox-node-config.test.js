// mes-erp-outbox config version 2 (backflush mode, SAP batch pattern, ERPNext company, unit
// table): an old saved config (no version) loads as today's format, new settings reach the
// dialect, bad settings are refused naming the field and the rule.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const httpRequestNode = require('@node-red/nodes/core/network/21-httprequest.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const outboxNode = require('../../dist/nodes/mes-erp-outbox/mes-erp-outbox.js');
const { migrateOutboxConfig, OUTBOX_CONFIG_VERSION } = require('../../dist/nodes/mes-erp-outbox/migrations.js');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { startMockErp } = require('../support/mock-erp');
const { addOrder, reportQuantities } = require('../support/actuals');
const { writeOrderDay, scenarioSite } = require('../support/erp-scenario');

helper.init(require.resolve('node-red'));

/** A mes-erp-outbox node as version 1 saved it: no version, none of the version 2 fields. */
function savedV1(url, dialect) {
  return {
    id: 'outbox', type: 'mes-erp-outbox', z: 'tab', name: '', store: 'db', outboxName: 'erp', dialect, url, concurrency: 2, backoffBaseSeconds: 0.02,
    backoffMaxSeconds: 0.2, requestTimeoutSeconds: 5, storageLocation: '0001', sourceWarehouse: 'Stores - MES', targetWarehouse: 'Finished Goods - MES', wires: [['request'], []],
  };
}

function flow(dbFile, outbox) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'db', type: 'mes-store', path: dbFile, durability: 'full' },
    outbox,
    { id: 'request', type: 'http request', z: 'tab', method: 'use', ret: 'txt', url: '', wires: [['outbox']] },
  ];
}

describe('mes-erp-outbox config versions', function () {
  this.timeout(30000);
  let erp;
  let dbFile;

  beforeEach(() => {
    dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-outbox-config-')), 'mes.db');
  });

  afterEach(async () => {
    await helper.unload();
    await erp?.stop();
    erp = undefined;
  });

  async function seed(write) {
    const store = MesStore.open(dbFile, { components: ALL_COMPONENTS });
    try {
      return await write(store);
    } finally {
      store.close();
    }
  }

  it('migrates a config without version to version 2 with today\'s behaviour as defaults, and leaves a current one alone', () => {
    const old = savedV1('http://erp', 'sap');
    const migrated = migrateOutboxConfig(old);
    assert.equal(OUTBOX_CONFIG_VERSION, 2);
    assert.deepEqual(migrated, { ...old, version: 2, backflushMode: 'mes', sapBatchPattern: '{yy}{MM}{dd}{seq:4}', company: '', units: [] });
    assert.equal(old.version, undefined, 'the saved object is not changed');
    const current = { ...old, version: 2, backflushMode: 'erp', sapBatchPattern: 'A{seq:6}', company: 'X', units: [{ mes: 'PCE', erp: 'Unit' }] };
    assert.deepEqual(migrateOutboxConfig(current), current);
    assert.throws(() => migrateOutboxConfig({ ...old, version: 3 }), /version 3 is newer than this release/);
  });

  it('an SAP outbox saved by version 1 loads and delivers, telling SAP not to backflush as the MES did before', async () => {
    erp = await startMockErp(0, { dialect: 'sap' });
    const events = await seed(async (store) => {
      await addOrder(store, 'PO-1');
      return reportQuantities(store, ['PO-1'], 2);
    });
    await helper.load([storeNode, outboxNode, httpRequestNode], flow(dbFile, savedV1(erp.url, 'sap')));
    await erp.waitFor(() => erp.acknowledged.size === 2);
    assert.deepEqual(erp.deliveredKeys(), events.map((e) => e.eventId));
    assert.ok(erp.requests.every((r) => r.body.APIConfHasNoGoodsMovements === true));
  });

  it('takes the ERPNext company and the unit table from the node', async () => {
    const site = scenarioSite();
    erp = await startMockErp(0, { erp: site });
    await seed((store) => writeOrderDay(store, 'PO-1'));
    await helper.load([storeNode, outboxNode, httpRequestNode], flow(dbFile, {
      ...savedV1(erp.url, 'erpnext'), version: 2, backflushMode: 'mes', sapBatchPattern: '{yy}{MM}{dd}{seq:4}', company: 'MES Demo', units: [{ mes: 'pce', erp: 'Unit' }],
    }));
    await erp.waitFor(() => site.stockEntries.length === 2);
    assert.equal(site.stockEntries[0].company, 'MES Demo');
    assert.equal(site.stockEntries[0].items.at(-1).uom, 'Unit');
  });

  it('refuses bad settings, naming each field and rule, and the node does not start', async () => {
    const { parseDialectOptions } = require('../../dist/lib/erp');
    const bad = { backflushMode: 'sometimes', sapBatchPattern: '{material}-{seq:4}', units: [{ mes: 'XX', erp: 'Nos' }, { mes: 'KG', erp: '' }] };
    assert.throws(() => parseDialectOptions(bad), (err) => {
      assert.deepEqual(err.errors.map((e) => `${e.field}:${e.rule}`), ['backflushMode:enum', 'sapBatchPattern:pattern', 'units[0].mes:enum', 'units[1].erp:length']);
      assert.match(err.message, /backflushMode: 'sometimes' is not one of mes, erp/);
      return true;
    });
    await helper.load([storeNode, outboxNode, httpRequestNode], flow(dbFile, { ...savedV1('http://127.0.0.1:9', 'sap'), version: 2, ...bad, company: '' }));
    const node = helper.getNode('outbox');
    const statuses = node.status.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0]);
    assert.equal(statuses.at(-1).fill, 'red');
    assert.match(statuses.at(-1).text, /^invalid ERP outbox settings/);
  });
});
