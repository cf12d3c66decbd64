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
    assert.deepEqual(plant.workstations.get('WS-A1'), { id: 'WS-A1', name: 'WS-A1', site: 'PLANT-1010', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY'] });
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
