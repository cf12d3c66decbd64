const assert = require('node:assert/strict');
const { parsePlantModel, shiftAt } = require('../../dist/lib/dispatch');
const { plantConfig } = require('../support/dispatch');

function rulesOf(fn) {
  try {
    fn();
  } catch (err) {
    assert.equal(err.name, 'ValidationError');
    return err.errors.map((e) => `${e.field}:${e.rule}`);
  }
  throw new Error('expected a ValidationError');
}

describe('dispatch plant model', () => {
  it('maps each work center to its workstations and keeps site, area and line', () => {
    const plant = parsePlantModel(plantConfig());
    assert.deepEqual(plant.workCenters.get('WC-TURN'), ['WS-T1', 'WS-T2', 'WS-T3']);
    assert.deepEqual(plant.workCenters.get('WC-ASSY'), ['WS-A1']);
    assert.deepEqual(plant.workstations.get('WS-A1'), {
      id: 'WS-A1', name: 'WS-A1', site: 'PLANT-1010', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY'],
      counting: 'manual', counter: { mode: 'absolute', max: 4294967295 }, machineScrapReason: 'machine reject',
    });
  });

  it('counting defaults to manual, so a saved plant without the counting fields books as before', () => {
    const plant = parsePlantModel(plantConfig());
    assert.ok([...plant.workstations.values()].every((ws) => ws.counting === 'manual'));
    assert.deepEqual(plant.countBatch, { units: 10, seconds: 30 });
  });

  it('takes counting, counter, scrap reason of rejects and the count batch as configured', () => {
    const config = plantConfig();
    Object.assign(config.workstations[0], { counting: 'automatic', counter: { mode: 'increment' }, machineScrapReason: 'PLC reject' });
    Object.assign(config.workstations[1], { counting: 'both', counter: { max: 65535 } });
    const plant = parsePlantModel({ ...config, countBatch: { units: 50, seconds: 5 } });
    const [t1, t2] = [plant.workstations.get('WS-T1'), plant.workstations.get('WS-T2')];
    assert.deepEqual([t1.counting, t1.counter, t1.machineScrapReason], ['automatic', { mode: 'increment', max: 4294967295 }, 'PLC reject']);
    assert.deepEqual([t2.counting, t2.counter], ['both', { mode: 'absolute', max: 65535 }]);
    assert.deepEqual(plant.countBatch, { units: 50, seconds: 5 });
  });

  it('refuses bad counting settings, naming field and rule', () => {
    const config = plantConfig();
    Object.assign(config.workstations[0], { counting: 'plc', counter: { mode: 'gray', max: 1.5 }, machineScrapReason: ' ' });
    Object.assign(config.workstations[1], { counter: { max: 0 } });
    Object.assign(config.workstations[2], { counter: 'UInt32' });
    assert.deepEqual(rulesOf(() => parsePlantModel({ ...config, countBatch: { units: -1, seconds: 'x' } })).sort(), [
      'countBatch.seconds:type',
      'countBatch.units:exclusiveMinimum',
      'workstations[0].counter.max:integer',
      'workstations[0].counter.mode:enum',
      'workstations[0].counting:enum',
      'workstations[0].machineScrapReason:scrapReason',
      'workstations[1].counter.max:exclusiveMinimum',
      'workstations[2].counter:type',
    ]);
  });

  it('reports every broken rule of a bad model at once, naming field and rule', () => {
    const rules = rulesOf(() => parsePlantModel({
      site: '',
      timeZone: 'Mars/Olympus',
      shifts: [{ name: 'early', start: '6:00' }, { name: 'late', start: '14:00' }, { name: 'late', start: '14:00' }],
      workstations: [
        { id: 'WS-1', area: 'A', line: 'L1', workCenters: ['WC'] },
        { id: 'WS-1', area: 'A', line: 'L1', workCenters: ['WC'] },
        { id: 'WS-2', area: 'B', line: 'L1', workCenters: [] },
        { id: 'bad id!', area: 'A', line: 'L3', workCenters: ['WC'] },
      ],
    }));
    assert.deepEqual(rules.sort(), [
      'shifts[0].start:clockTime',
      'shifts[2].name:duplicateShift',
      'shifts[2].start:duplicateShiftStart',
      'site:required',
      'timeZone:timeZone',
      'workstations[1].id:duplicateWorkstation',
      'workstations[2].area:lineInOneArea',
      'workstations[2].workCenters:minItems',
      'workstations[3].id:identifier',
    ].sort());
  });

  it('refuses a plant without workstations', () => {
    assert.deepEqual(rulesOf(() => parsePlantModel({ site: 'S', workstations: [] })), ['workstations:minItems']);
  });

  it('names the shift an instant falls in; the night shift belongs to the day it started', () => {
    const plant = parsePlantModel(plantConfig());
    assert.equal(shiftAt(plant, '2026-11-25T05:59:59Z'), '2026-11-24/night');
    assert.equal(shiftAt(plant, '2026-11-25T06:00:00Z'), '2026-11-25/early');
    assert.equal(shiftAt(plant, '2026-11-25T13:59:00Z'), '2026-11-25/early');
    assert.equal(shiftAt(plant, '2026-11-25T14:00:00Z'), '2026-11-25/late');
    assert.equal(shiftAt(plant, '2026-11-25T23:30:00Z'), '2026-11-25/night');
    assert.equal(shiftAt(plant, '2026-11-26T02:00:00Z'), '2026-11-25/night');
  });

  it('reads shift times in the plant time zone, daylight saving included', () => {
    const plant = parsePlantModel({ ...plantConfig(), timeZone: 'Europe/Berlin' });
    assert.equal(shiftAt(plant, '2026-07-01T04:30:00Z'), '2026-07-01/early'); // 06:30 CEST
    assert.equal(shiftAt(plant, '2026-01-15T04:30:00Z'), '2026-01-14/night'); // 05:30 CET
  });

  it('without a shift calendar the whole day is one shift', () => {
    const plant = parsePlantModel({ ...plantConfig(), shifts: [] });
    assert.equal(shiftAt(plant, '2026-11-25T23:59:00Z'), '2026-11-25/day');
  });
});
