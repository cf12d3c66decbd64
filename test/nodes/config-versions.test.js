// Every MES node's configuration carries a version: a configuration without one (saved before
// versions existed) is version 1 and loads as before; one of a newer release is refused at
// deploy, naming the field, instead of being read as if it were this release's.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const { configVersion } = require('../../dist/lib/util');
const { tempDbFile } = require('../support/store');
const { plantConfig } = require('../support/dispatch');

helper.init(require.resolve('node-red'));

const NODES = ['mes-store', 'mes-order-intake', 'mes-dispatch', 'mes-genealogy', 'mes-erp-order-in', 'mes-spc'];
const modules = NODES.map((type) => require(`../../dist/nodes/${type}/${type}.js`));
const plantNode = require('../../dist/nodes/mes-plant/mes-plant.js');

function flow(file, version) {
  const v = version === undefined ? {} : { version };
  return [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'mes-store', path: file, durability: 'full', ...v },
    { id: 'plant', type: 'mes-plant', ...plantConfig() },
    { id: 'intake', type: 'mes-order-intake', z: 'tab', store: 'store', ...v, wires: [[], []] },
    { id: 'dispatch', type: 'mes-dispatch', z: 'tab', store: 'store', plant: 'plant', overrunPercent: 0, releaseIntervalSeconds: 0, ...v, wires: [[], [], []] },
    { id: 'genealogy', type: 'mes-genealogy', z: 'tab', store: 'store', ...v, wires: [[], []] },
    { id: 'order-in', type: 'mes-erp-order-in', z: 'tab', dialect: 'sap', ...v, wires: [[], []] },
    { id: 'spc', type: 'mes-spc', z: 'tab', store: 'store', plant: 'plant', characteristics: [], ...v, wires: [[], [], []] },
  ];
}

const versionErrors = () => helper.log().args.map((a) => a[0]).filter((e) => e.level === helper.log().ERROR && /configuration version/.test(String(e.msg)));

describe('node configuration versions', () => {
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  afterEach(() => helper.unload());

  it('reads none as version 1, takes 1, refuses a newer one naming the field', () => {
    assert.equal(configVersion(undefined, 1, 'x'), 1);
    assert.equal(configVersion('', 2, 'x'), 1);
    assert.equal(configVersion(2, 2, 'x'), 2);
    for (const bad of [3, 0, 1.5, 'new']) {
      assert.throws(() => configVersion(bad, 2, 'x configuration'), (err) => err.errors[0].field === 'version' && err.errors[0].rule === 'supportedVersion');
    }
  });

  for (const version of [undefined, 1]) {
    it(`loads every node saved ${version === undefined ? 'without a version' : 'as version 1'}`, async () => {
      await helper.load([...modules, plantNode], flow(tempDbFile(), version));
      assert.deepEqual(versionErrors(), []);
    });
  }

  it('refuses a configuration of a newer release on every node', async () => {
    await helper.load([...modules, plantNode], flow(tempDbFile(), 99));
    const refused = new Set(versionErrors().map((e) => e.type));
    assert.deepEqual([...refused].sort(), [...NODES].sort());
  });
});
