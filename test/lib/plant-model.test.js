// The plant model of the mes-plant config node: one ISA-95 model (site, areas, lines,
// workstations, shift calendar, reason trees, signal addresses, counting) that dispatch, OEE,
// the signal subscriptions and the operator page all read; saved flows of version 1 migrate.
const assert = require('node:assert/strict');
const { parsePlantModel, shiftAt, migratePlantConfig, oeeConfigForLine, PlcSignalMapper, PLANT_CONFIG_VERSION } = require('../../dist/lib/plant');
const { parseOeeConfig } = require('../../dist/lib/oee');
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

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** A version 2 model as the editor saves it: two lines in two areas, a calendar with a break. */
const plantV2 = () => ({
  version: 2,
  site: 'PLANT-1010',
  timeZone: 'Europe/Berlin',
  shifts: [
    { name: 'early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'lunch', start: '10:00', end: '10:30' }] },
    { name: 'late', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '22:00' },
  ],
  exceptions: [{ date: '2026-12-25', kind: 'holiday' }],
  workstations: [
    { id: 'WS-T1', name: 'Lathe 1', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'], idealCycleTimeSeconds: 30, signalSource: 'opcua', counting: 'automatic' },
    { id: 'WS-T2', area: 'MACHINING', line: 'L1', workCenters: ['WC-TURN'], signalSource: 'mqtt', counting: 'both' },
    { id: 'WS-A1', area: 'ASSEMBLY', line: 'L2', workCenters: ['WC-ASSY', 'WC-PACK'], signalSource: 'none', counterMode: 'increment' },
  ],
  products: [{ workstation: 'WS-T1', material: 'FG-100', idealCycleTimeSeconds: 24 }],
  opcuaNodeIdTemplate: 'ns=3;s=PLC.{line}.{workstation}.{tag}',
  signalAddresses: [{ workstation: 'WS-T1', tag: 'rejectCount', address: 'ns=3;s=PLC.L1.WS-T1.Scrap' }],
  reasons: [
    { kind: 'downtime', code: 'mechanical', label: 'Mechanical' },
    { kind: 'downtime', code: 'mechanical/jam' },
    { kind: 'downtime', code: 'material/missing' },
    { kind: 'scrap', code: 'dimension' },
    { kind: 'pause', code: 'break' },
  ],
  countBatchUnits: 5,
  countBatchSeconds: 20,
});

describe('plant model', () => {
  it('holds the ISA-95 hierarchy: areas with their lines, lines with their workstations, work centers', () => {
    const plant = parsePlantModel(plantV2());
    assert.deepEqual([...plant.areas.entries()], [['MACHINING', ['L1']], ['ASSEMBLY', ['L2']]]);
    assert.deepEqual(plant.lines.get('L1'), { id: 'L1', area: 'MACHINING', workstations: ['WS-T1', 'WS-T2'] });
    assert.deepEqual(plant.workCenters.get('WC-PACK'), ['WS-A1']);
    const t1 = plant.workstations.get('WS-T1');
    assert.equal(t1.name, 'Lathe 1');
    assert.equal(plant.workstations.get('WS-T2').name, 'WS-T2', 'the id when no name is given');
    assert.equal(t1.idealCycleTimeSeconds, 30);
    assert.deepEqual(t1.products, { 'FG-100': 24 });
    assert.deepEqual(t1.counter, { mode: 'absolute', max: 4294967295 });
    assert.equal(t1.counting, 'automatic');
    assert.deepEqual(plant.workstations.get('WS-A1').counter.mode, 'increment');
    assert.deepEqual(plant.countBatch, { units: 5, seconds: 20 });
  });

  it('derives each tag address from the template of the workstation\'s source, with overrides', () => {
    const plant = parsePlantModel(plantV2());
    assert.deepEqual(plant.workstations.get('WS-T1').signals, {
      source: 'opcua',
      addresses: { state: 'ns=3;s=PLC.L1.WS-T1.state', goodCount: 'ns=3;s=PLC.L1.WS-T1.goodCount', rejectCount: 'ns=3;s=PLC.L1.WS-T1.Scrap', faultCode: 'ns=3;s=PLC.L1.WS-T1.faultCode' },
    });
    assert.equal(plant.workstations.get('WS-T2').signals.addresses.goodCount, 'PLANT-1010/MACHINING/L1/WS-T2/plc/goodCount');
    assert.deepEqual(Object.values(plant.workstations.get('WS-A1').signals.addresses), ['', '', '', ''], 'source none reads no tags');
  });

  it('builds one reason tree per kind from paths, a parent listed or implied', () => {
    const plant = parsePlantModel(plantV2());
    assert.deepEqual(plant.reasons.downtime, [
      { code: 'mechanical', label: 'Mechanical', children: [{ code: 'jam' }] },
      { code: 'material', children: [{ code: 'missing' }] },
    ]);
    assert.deepEqual(plant.reasons.scrap, [{ code: 'dimension' }]);
    assert.deepEqual(plant.reasons.pause, [{ code: 'break' }]);
  });

  it('has one shift calendar, in the plant time zone, with weekdays, breaks and holidays', () => {
    const plant = parsePlantModel(plantV2());
    assert.equal(shiftAt(plant, '2026-12-02T05:30:00Z'), '2026-12-02/early'); // Wednesday 06:30 CET
    assert.equal(shiftAt(plant, '2026-12-02T13:00:00Z'), '2026-12-02/late');
    assert.equal(shiftAt(plant, '2026-12-02T22:00:00Z'), null, 'no shift at 23:00');
    assert.equal(shiftAt(plant, '2026-12-05T09:00:00Z'), null, 'no shift on a Saturday');
    assert.equal(shiftAt(plant, '2026-12-25T09:00:00Z'), null, 'a holiday');
    const shift = plant.shiftCalendar.shiftAt(Date.parse('2026-12-02T09:10:00Z'));
    assert.deepEqual(shift.breaks.map((b) => [b.name, new Date(b.start).toISOString()]), [['lunch', '2026-12-02T09:00:00.000Z']]);
  });

  it('reports every broken rule at once, naming field and rule', () => {
    const config = plantV2();
    config.site = '';
    config.timeZone = 'Mars/Olympus';
    config.shifts.push({ name: 'late', days: ['mon', 'xyz'], start: '6:00', end: '07:00' });
    config.workstations.push(
      { id: 'WS-T1', area: 'MACHINING', line: 'L1', workCenters: ['WC'] },
      { id: 'WS-B1', area: 'B', line: 'L1', workCenters: [], counting: 'sometimes', counterMax: -1, idealCycleTimeSeconds: 'fast' },
    );
    config.products.push({ workstation: 'WS-NOPE', material: 'FG-1', idealCycleTimeSeconds: 3 });
    config.signalAddresses.push({ workstation: 'WS-T1', tag: 'speed', address: 'x' }, { workstation: 'WS-T1', tag: 'state', address: 'ns=3;s=PLC.L1.WS-T1.Scrap' });
    config.reasons.push({ kind: 'downtime', code: 'mechanical/' }, { kind: 'scrap', code: 'dimension' });
    config.countBatchUnits = 0.5;
    assert.deepEqual(rulesOf(() => parsePlantModel(config)).sort(), [
      'countBatchUnits:positiveInteger',
      'products[1].workstation:unknownWorkstation',
      'reasons[5].code:reasonPath',
      'reasons[6].code:duplicateReason',
      'shifts[2].days[1]:enum',
      'shifts[2].name:duplicateShift',
      'signalAddresses:uniqueAddress',
      'signalAddresses[1].tag:enum',
      'site:required',
      'timeZone:timeZone',
      'workstations[3].id:duplicateWorkstation',
      'workstations[4].area:lineInOneArea',
      'workstations[4].counterMax:positiveInteger',
      'workstations[4].counting:enum',
      'workstations[4].idealCycleTimeSeconds:exclusiveMinimum',
      'workstations[4].workCenters:minItems',
    ].sort());
  });

  it('refuses overlapping shifts by field', () => {
    const config = plantV2();
    config.shifts[1].start = '13:00';
    assert.deepEqual(rulesOf(() => parsePlantModel(config)), ['shifts[1]:noOverlap']);
  });

  it('refuses a plant without workstations, and a configuration of a newer release', () => {
    assert.deepEqual(rulesOf(() => parsePlantModel({ ...plantV2(), workstations: [], products: [], signalAddresses: [] })), ['workstations:minItems']);
    assert.deepEqual(rulesOf(() => parsePlantModel({ ...plantV2(), version: PLANT_CONFIG_VERSION + 1 })), ['version:supportedVersion']);
  });

  describe('saved flows of version 1 (shifts by start time only) migrate', () => {
    it('into calendar shifts of every day that end where the next starts, order kept', () => {
      const migrated = migratePlantConfig({ site: 'S', shifts: [{ name: 'late', start: '14:00' }, { name: 'early', start: '06:00' }, { name: 'night', start: '22:00' }], workstations: [] });
      assert.equal(migrated.version, PLANT_CONFIG_VERSION, "migrated through every version");
      assert.deepEqual(migrated.shifts, [
        { name: 'late', days: EVERY_DAY, start: '14:00', end: '22:00' },
        { name: 'early', days: EVERY_DAY, start: '06:00', end: '14:00' },
        { name: 'night', days: EVERY_DAY, start: '22:00', end: '06:00' },
      ]);
    });

    it('and name the same shift for every instant as before; the night shift belongs to the day it started', () => {
      const plant = parsePlantModel(plantConfig());
      assert.equal(shiftAt(plant, '2026-11-25T05:59:59Z'), '2026-11-24/night');
      assert.equal(shiftAt(plant, '2026-11-25T06:00:00Z'), '2026-11-25/early');
      assert.equal(shiftAt(plant, '2026-11-25T13:59:00Z'), '2026-11-25/early');
      assert.equal(shiftAt(plant, '2026-11-25T14:00:00Z'), '2026-11-25/late');
      assert.equal(shiftAt(plant, '2026-11-25T23:30:00Z'), '2026-11-25/night');
      assert.equal(shiftAt(plant, '2026-11-26T02:00:00Z'), '2026-11-25/night');
    });

    it('in the plant time zone, daylight saving included', () => {
      const plant = parsePlantModel({ ...plantConfig(), timeZone: 'Europe/Berlin' });
      assert.equal(shiftAt(plant, '2026-07-01T04:30:00Z'), '2026-07-01/early'); // 06:30 CEST
      assert.equal(shiftAt(plant, '2026-01-15T04:30:00Z'), '2026-01-14/night'); // 05:30 CET
    });

    it('without a shift calendar the whole day is one shift', () => {
      const plant = parsePlantModel({ ...plantConfig(), shifts: [] });
      assert.equal(shiftAt(plant, '2026-11-25T23:59:00Z'), '2026-11-25/day');
    });

    it('keeps the rules of version 1 by field', () => {
      const rules = rulesOf(() => parsePlantModel({
        site: 'S',
        shifts: [{ name: 'early', start: '6:00' }, { name: 'late', start: '14:00' }],
        workstations: [{ id: 'WS-1', area: 'A', line: 'L1', workCenters: ['WC'] }, { id: 'WS-2', area: 'B', line: 'L1', workCenters: ['WC'] }],
      }));
      assert.deepEqual(rules.sort(), ['shifts[0].start:format', 'shifts[1].end:format', 'workstations[1].area:lineInOneArea']);
    });
  });

  describe('the OEE configuration of a line', () => {
    it('takes the line\'s workstations with their cycle times, the plant calendar and downtime reasons', () => {
      const plant = parsePlantModel(plantV2());
      const config = parseOeeConfig(oeeConfigForLine(plant, 'L1', { microStopSeconds: 30 }));
      assert.equal(config.line, 'L1');
      assert.deepEqual(config.workstations, [{ id: 'WS-T1', idealCycleTimeSeconds: 30, products: { 'FG-100': 24 } }, { id: 'WS-T2' }]);
      assert.deepEqual(config.calendar, plant.calendar);
      assert.deepEqual(config.reasons, plant.reasons.downtime);
      assert.equal(config.microStopSeconds, 30);
      assert.equal(config.counterMode, 'absolute');
    });

    it('refuses a line that the plant does not have, and a line counting two ways', () => {
      const plant = parsePlantModel(plantV2());
      assert.deepEqual(rulesOf(() => oeeConfigForLine(plant, 'L9')), ['line:unknownLine']);
      const mixed = plantV2();
      mixed.workstations[1].counterMode = 'increment';
      assert.deepEqual(rulesOf(() => oeeConfigForLine(parsePlantModel(mixed), 'L1')), ['workstations.WS-T2.counterMode:sameCounterOnLine']);
    });
  });

  describe('PLC tags → machine signals', () => {
    const t = (s) => `2026-12-02T08:00:0${s}.000Z`;

    it('subscribes to the tags of the workstations of its source only', () => {
      const plant = parsePlantModel(plantV2());
      assert.deepEqual(new PlcSignalMapper(plant, 'mqtt').subscriptions().map((s) => s.address), [
        'PLANT-1010/MACHINING/L1/WS-T2/plc/state', 'PLANT-1010/MACHINING/L1/WS-T2/plc/goodCount',
        'PLANT-1010/MACHINING/L1/WS-T2/plc/rejectCount', 'PLANT-1010/MACHINING/L1/WS-T2/plc/faultCode',
      ]);
      assert.equal(new PlcSignalMapper(plant, 'opcua').subscriptions().length, 4);
    });

    it('sends a state with the last fault code, and absolute counters as a pair', () => {
      const mapper = new PlcSignalMapper(parsePlantModel(plantV2()), 'opcua');
      assert.equal(mapper.read('ns=3;s=PLC.L1.WS-T1.faultCode', 412, t(1)), null);
      assert.deepEqual(mapper.read('ns=3;s=PLC.L1.WS-T1.state', 'faulted', t(2)), { workstation: 'WS-T1', time: t(2), state: 'faulted', faultCode: '412' });
      assert.deepEqual(mapper.read('ns=3;s=PLC.L1.WS-T1.state', true, t(3)), { workstation: 'WS-T1', time: t(3), state: 'running', faultCode: null });
      assert.equal(mapper.read('ns=3;s=PLC.L1.WS-T1.goodCount', 7, t(4)), null, 'the reject counter is not known yet');
      assert.deepEqual(mapper.read('ns=3;s=PLC.L1.WS-T1.Scrap', 1, t(5)), { workstation: 'WS-T1', time: t(5), good: 7, reject: 1 });
      assert.deepEqual(mapper.table()[0], {
        workstation: 'WS-T1', name: 'Lathe 1', line: 'L1', source: 'opcua', state: 'running', since: t(3), goodCount: 7, rejectCount: 1, faultCode: '412', updated: t(5),
      });
    });

    it('reads a message as its source delivers it: OPC UA with the source timestamp, MQTT wrapped or bare', () => {
      const plant = parsePlantModel(plantV2());
      const opcua = new PlcSignalMapper(plant, 'opcua');
      assert.deepEqual(opcua.readMessage({ topic: 'ns=3;s=PLC.L1.WS-T1.state', payload: 'running', sourceTimestamp: new Date(t(1)), serverTimestamp: new Date(t(2)) }),
        { signal: { workstation: 'WS-T1', time: t(1), state: 'running', faultCode: null }, line: 'L1' });
      const mqtt = new PlcSignalMapper(plant, 'mqtt');
      const topic = 'PLANT-1010/MACHINING/L1/WS-T2/plc/state';
      assert.equal(mqtt.readMessage({ topic, payload: { value: 'stopped', timestamp: t(3) } }).signal.time, t(3));
      assert.equal(mqtt.readMessage({ topic, payload: 'running' }, Date.parse(t(4))).signal.time, t(4), 'a bare value: the time it arrived');
      assert.deepEqual(rulesOf(() => mqtt.readMessage({ payload: 'running' })), ['topic:required']);
    });

    it('refuses an address the plant does not read and a garbled value, naming field and rule', () => {
      const mapper = new PlcSignalMapper(parsePlantModel(plantV2()), 'opcua');
      assert.deepEqual(rulesOf(() => mapper.read('ns=3;s=Other', 1, t(1))), ['topic:unknownAddress']);
      assert.deepEqual(rulesOf(() => mapper.read('ns=3;s=PLC.L1.WS-T1.state', 'dancing', t(1))), ['payload:machineState']);
      assert.deepEqual(rulesOf(() => mapper.read('ns=3;s=PLC.L1.WS-T1.goodCount', -3, t(1))), ['payload:counter']);
      assert.deepEqual(rulesOf(() => mapper.read('ns=3;s=PLC.L1.WS-T1.goodCount', 3, 'yesterday')), ['timestamp:dateTime']);
      assert.equal(mapper.table()[0].goodCount, null, 'nothing of a refused value is kept');
    });
  });
});
