// Where required skills come from: the plant model's work centers and the order's routing.
const assert = require('node:assert/strict');
const { parsePlantModel, migratePlantConfig, PLANT_CONFIG_VERSION } = require('../../dist/lib/plant');
const { parseProductionOrder, submitOrder, getOrderDocument } = require('../../dist/lib/orders');
const { requiredSkillsOf } = require('../../dist/lib/compliance');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const { plantConfig } = require('../support/dispatch');

const rulesOf = (fn) => {
  try {
    fn();
  } catch (err) {
    return (err.errors || []).map((e) => `${e.field}:${e.rule}`);
  }
  throw new Error('expected a ValidationError');
};

describe('required skills', () => {
  describe('per work center in the plant model (version 3)', () => {
    it('a plant saved at version 2 migrates to version 3 requiring no skills', () => {
      const v2 = { ...plantConfig(), version: 2, shifts: [] };
      assert.equal(PLANT_CONFIG_VERSION, 3);
      const migrated = migratePlantConfig(v2);
      assert.equal(migrated.version, 3);
      assert.deepEqual(migrated.workCenterSkills, []);
      assert.deepEqual([...parsePlantModel(v2).workCenterSkills], []);
    });

    it('lists the skills of each work center', () => {
      const model = parsePlantModel({ ...plantConfig(), workCenterSkills: [
        { workCenter: 'WC-TURN', skill: 'lathe' }, { workCenter: 'WC-TURN', skill: 'safety-1' }, { workCenter: 'WC-ASSY', skill: 'safety-1' },
      ] });
      assert.deepEqual(model.workCenterSkills.get('WC-TURN'), ['lathe', 'safety-1']);
      assert.deepEqual(model.workCenterSkills.get('WC-ASSY'), ['safety-1']);
    });

    it('refuses a row of an unknown work center, a bad skill or a skill listed twice, naming the row', () => {
      assert.deepEqual(rulesOf(() => parsePlantModel({ ...plantConfig(), workCenterSkills: [
        { workCenter: 'WC-PAINT', skill: 'spray' },
        { workCenter: 'WC-TURN', skill: 'lathe work' },
        { workCenter: 'WC-TURN', skill: 'lathe' },
        { workCenter: 'WC-TURN', skill: 'lathe' },
        { workCenter: 'WC-TURN' },
      ] })), [
        'workCenterSkills[0].workCenter:unknownWorkCenter',
        'workCenterSkills[1].skill:identifier',
        'workCenterSkills[3].skill:duplicateSkill',
        'workCenterSkills[4].skill:required',
      ]);
    });
  });

  describe('per operation in the routing', () => {
    it('order intake accepts requiredSkills and keeps them in the order', async () => {
      const store = openTempStore();
      try {
        const order = validOrder();
        order.operations[0].requiredSkills = ['cnc-program', 'lathe'];
        await store.transact((s) => submitOrder(s, parseProductionOrder(order), 'erp'));
        assert.deepEqual(getOrderDocument(store, 'PO-1000').operations[0].requiredSkills, ['cnc-program', 'lathe']);
      } finally {
        store.close();
      }
    });

    it('refuses a skill that is no identifier or listed twice', () => {
      const order = validOrder();
      order.operations[0].requiredSkills = ['cnc program'];
      assert.deepEqual(rulesOf(() => parseProductionOrder(order)), ['operations[0].requiredSkills[0]:pattern']);
      order.operations[0].requiredSkills = ['lathe', 'lathe'];
      assert.deepEqual(rulesOf(() => parseProductionOrder(order)), ['operations[0].requiredSkills:uniqueItems']);
    });

    it('an operation needs its work center\'s skills and its routing\'s, each once', () => {
      assert.deepEqual(requiredSkillsOf(['cnc-program', 'lathe'], ['lathe']), [
        { skill: 'lathe', source: 'workCenter' }, { skill: 'cnc-program', source: 'routing' },
      ]);
      assert.deepEqual(requiredSkillsOf(undefined, undefined), []);
    });
  });
});
