// A small plant and helpers to drive the dispatch core the way the node does: every command in
// its own store.transact unit.
const { parseCommand, parseCounterSignal, Dispatcher } = require('../../dist/lib/dispatch');
const { parsePlantModel } = require('../../dist/lib/plant');
const { submitOrder } = require('../../dist/lib/orders');

const plantConfig = () => ({
  site: 'PLANT-1010',
  timeZone: 'UTC',
  shifts: [{ name: 'early', start: '06:00' }, { name: 'late', start: '14:00' }, { name: 'night', start: '22:00' }],
  workstations: [
    { id: 'WS-T1', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'] },
    { id: 'WS-T2', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'] },
    { id: 'WS-T3', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'] },
    { id: 'WS-A1', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY'] },
  ],
});

function createDispatch(store, options = {}) {
  const dispatcher = new Dispatcher(parsePlantModel(options.plant || plantConfig()), {
    overrunPercent: options.overrunPercent || 0, signatures: options.signatures, qualificationNoticeDays: options.qualificationNoticeDays,
    remoteGoodQuantity: options.remoteGoodQuantity,
  });
  let counter = 0;
  let clock = Date.parse(options.startTime || '2026-11-25T07:00:00Z');
  const defaults = { orderId: 'PO-1000', operationKey: '0010', workstation: 'WS-T1', operator: 'op-anna' };
  const supervisorDefaults = { orderId: 'PO-1000', operationKey: '0010', supervisor: 'sup-bo' };
  return {
    dispatcher,
    submit: (order, actor = 'erp') => store.transact((s) => submitOrder(s, order, actor)),
    release: () => store.transact((s) => dispatcher.release(s)),
    /** Builds a command with defaults, a fresh id and an event time one minute after the last. */
    command(type, payload = {}) {
      counter += 1;
      clock += 60000;
      const base = type.startsWith('qualification.') ? {}
        : ['hold', 'release', 'dispose', 'resequence'].includes(type) ? supervisorDefaults
        : ['sign-on', 'sign-off'].includes(type) ? { workstation: defaults.workstation, operator: defaults.operator } : defaults;
      return { commandId: `cmd-${counter}`, eventTime: new Date(clock).toISOString(), ...base, ...payload };
    },
    run(type, payload) {
      const body = payload && payload.commandId ? payload : this.command(type, payload);
      return store.transact((s) => dispatcher.execute(s, parseCommand(type, body)));
    },
    /** As `run`, with the command's asynchronous checks (an override's signature) first, as the node does. */
    async runPrepared(type, payload) {
      const command = parseCommand(type, payload && payload.commandId ? payload : this.command(type, payload));
      const context = await dispatcher.prepare(store, command);
      return store.transact((s) => dispatcher.execute(s, command, context));
    },
    snapshot: (ws) => dispatcher.snapshot(store, ws),
    /**
     * A machine counter signal through the parser and the core, as the node takes it; `wallMs`
     * (default: the signal's time) is the wall clock that opens a batch.
     */
    async signal(payload, wallMs) {
      const time = payload.time === undefined ? clock : Date.parse(payload.time);
      const signal = parseCounterSignal({ payload: { workstation: defaults.workstation, time: new Date(time).toISOString(), ...payload } }, dispatcher.plant, time);
      return signal ? store.transact((s) => dispatcher.count(s, signal, wallMs ?? time)) : null;
    },
    /** Closes the batches open for countBatch.seconds by the wall clock `wallMs`, as the node's timer does. */
    closeQuiet: (wallMs) => store.transact((s) => dispatcher.closeQuietCounts(s, wallMs)),
    /** The event time of the last command: signals placed after it. */
    get clock() { return clock; },
  };
}

/** Rejects unless `promise` fails with an error carrying `rule` among its field errors or conflicts. */
async function refusedWith(promise, rule) {
  try {
    await promise;
  } catch (err) {
    const rules = (err.errors || err.conflicts || []).map((e) => e.rule);
    if (rules.includes(rule)) return err;
    throw new Error(`expected rule ${rule}, got ${err.name}: ${err.message} (${rules.join(', ')})`, { cause: err });
  }
  throw new Error(`expected a refusal with rule ${rule}, but the command was accepted`);
}

/** The test plant with machine counting on WS-T1 and WS-A1 (and `overrides` merged into every workstation). */
/** The plant model of version 2 (the counting fields are of that version) with the same shifts. */
function migratedShifts(shifts) {
  return require('../../dist/lib/plant').migratePlantConfig({ shifts }).shifts;
}

function countingPlant(counting = 'automatic', overrides = {}, countBatch = { units: 10, seconds: 30 }) {
  const plant = plantConfig();
  for (const ws of plant.workstations) if (ws.id === 'WS-T1' || ws.id === 'WS-A1') Object.assign(ws, { counting, ...overrides });
  return { ...plant, version: 2, shifts: migratedShifts(plant.shifts), countBatchUnits: countBatch.units, countBatchSeconds: countBatch.seconds };
}

module.exports = { plantConfig, countingPlant, createDispatch, refusedWith };
