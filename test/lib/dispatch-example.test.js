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
