const assert = require('node:assert/strict');
const jsonata = require('jsonata');
const example = require('../../examples/mes-dispatch.json');
const { parseCommand } = require('../../dist/lib/dispatch');
const { parsePlantModel } = require('../../dist/lib/plant');

describe('mes-dispatch example flow', () => {
  it('has a comment, a valid plant model and inject nodes that send valid commands', async () => {
    assert.ok(example.some((n) => n.type === 'comment'));
    const configs = example.filter((n) => n.type === 'mes-plant' || n.type === 'mes-store');
    assert.equal(configs.length, 1, 'one config node, so an import does not duplicate the store');
    parsePlantModel(configs[0]);
    const injects = example.filter((n) => n.type === 'inject' && n.payloadType === 'jsonata');
    assert.ok(injects.length >= 8);
    for (const inject of injects) {
      parseCommand(inject.topic, await jsonata(inject.payload).evaluate({}));
    }
  });
});

describe('mes-dispatch example flow, pressed in order', () => {
  const { Dispatcher } = require('../../dist/lib/dispatch');
  const { submitOrder } = require('../../dist/lib/orders');
  const { openTempStore } = require('../support/store');
  const { validOrder } = require('../support/orders');
  const injects = new Map(example.filter((n) => n.type === 'inject' && n.payloadType === 'jsonata').map((n) => [n.name, n]));

  it('a diameter outside its limits holds the operation; the release waits for the disposition', async () => {
    const store = openTempStore();
    try {
      const dispatcher = new Dispatcher(parsePlantModel(example.find((n) => n.type === 'mes-plant')), { overrunPercent: 0 });
      await store.transact((s) => submitOrder(s, validOrder(), 'erp'));
      await store.transact((s) => dispatcher.release(s));
      const press = async (name) => {
        const inject = injects.get(name);
        assert.ok(inject, `an inject node '${name}'`);
        const command = parseCommand(inject.topic, await jsonata(inject.payload).evaluate({}));
        return store.transact((s) => dispatcher.execute(s, command, {}));
      };
      for (const name of ['sign-on', 'start', 'report 10 good']) await press(name);
      assert.equal((await press('diameter 40.2 mm (nonconformance)')).state, 'held');
      await assert.rejects(press('release (supervisor)'), (err) => err.conflicts.some((c) => c.rule === 'nonconformanceOpen'));
      const disposed = await press('dispose: rework (supervisor)');
      assert.deepEqual(disposed.events.map((e) => [e.type, e.payload.disposition]), [['nonconformance.disposed', 'rework']]);
      assert.equal((await press('release (supervisor)')).state, 'paused');
    } finally {
      store.close();
    }
  });
});
