// A dispatch core counting machine signals as fast as the store acknowledges them, printing each
// acknowledged reading, until it is killed: the crash test kills it with -9 mid-stream.
// Usage: node count-signals-child.js <database file> <plant JSON>
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');
const { Dispatcher, parseCounterSignal } = require('../../dist/lib/dispatch');
const { parsePlantModel } = require('../../dist/lib/plant');

const [file, plantJson] = process.argv.slice(2);
const store = MesStore.open(file, { components: ALL_COMPONENTS, durability: 'full' });
const dispatcher = new Dispatcher(parsePlantModel(JSON.parse(plantJson)), { overrunPercent: 0 });
const start = Date.parse('2026-11-25T09:00:00Z');

(async () => {
  for (let reading = 0; ; reading++) {
    const time = start + reading * 100;
    const signal = parseCounterSignal({ payload: { workstation: 'WS-T1', time, good: reading, reject: 0 } }, dispatcher.plant, time);
    await store.transact((s) => dispatcher.count(s, signal, time));
    process.stdout.write(`acked ${reading}\n`);
  }
})();
