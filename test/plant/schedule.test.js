const assert = require('node:assert/strict');
const { LineSimulator, machineSegments, defaultScheduleOptions } = require('../../dist/dev/plant-sim/schedule');
const { plantConfigFromEnv, opcuaNodeId, isa95Topic } = require('../../dist/dev/plant-sim/config');

const line = [{ id: 'WS-10', idealCycleSeconds: 4 }, { id: 'WS-20', idealCycleSeconds: 5 }, { id: 'WS-30', idealCycleSeconds: 4.5 }];
const start = Date.parse('2026-01-05T06:00:00Z');
const hour = 3600 * 1000;

function take(gen, n) {
  const out = [];
  for (const s of gen) { out.push(s); if (out.length === n) break; }
  return out;
}

describe('plant simulator schedule', () => {
  it('gives the same signals for the same seed, however the time is stepped', () => {
    const oneStep = new LineSimulator(line, start, { seed: 7 }).advanceTo(start + hour);
    const stepped = new LineSimulator(line, start, { seed: 7 });
    const many = [];
    for (let t = start; t <= start + hour; t += 250) many.push(...stepped.advanceTo(t));
    assert.deepEqual(many.map((c) => [c.workstation, c.tag, c.value, c.timeMs]).sort(), oneStep.map((c) => [c.workstation, c.tag, c.value, c.timeMs]).sort());
    assert.notDeepEqual(new LineSimulator(line, start, { seed: 8 }).advanceTo(start + hour), oneStep);
  });

  it('runs each machine with rejects, micro-stops and faults with fault codes, and no time gaps', () => {
    const segments = take(machineSegments(line[0], start, defaultScheduleOptions), 5000);
    for (let i = 1; i < segments.length; i++) assert.equal(segments[i].startMs, segments[i - 1].startMs + segments[i - 1].durationMs);
    const kinds = (s) => s.state === 'running' ? s.output : s.state;
    const count = (k) => segments.filter((s) => kinds(s) === k).length;
    assert.ok(count('reject') > 0 && count('good') > count('reject') * 10, 'mostly good units, some rejects');
    assert.ok(count('stopped') > 0, 'micro-stops');
    assert.ok(count('faulted') > 0, 'fault stops');
    for (const s of segments) {
      if (s.state === 'faulted') assert.ok(s.faultCode > 0 && s.durationMs >= 60000, 'a fault carries a code and lasts minutes');
      if (s.state === 'stopped') assert.ok(s.faultCode === 0 && s.durationMs < 30000, 'a micro-stop is short');
      if (s.state === 'running') assert.ok(s.durationMs >= 4000 && s.speed > 0 && s.speed <= 15, 'never faster than ideal');
    }
  });

  it('counts a unit when its cycle ends, so counters equal the good and reject cycles finished', () => {
    const sim = new LineSimulator(line, start, { seed: 42 });
    sim.advanceTo(start + hour);
    const cycles = take(machineSegments(line[1], start, { ...defaultScheduleOptions, seed: 42 }), 100000)
      .filter((s) => s.state === 'running' && s.startMs + s.durationMs <= start + hour);
    const tags = sim.snapshot()['WS-20'];
    assert.equal(tags.goodCount, cycles.filter((s) => s.output === 'good').length);
    assert.equal(tags.rejectCount, cycles.filter((s) => s.output === 'reject').length);
    assert.equal(tags.running, tags.state === 'running');
  });
});

describe('the simulated line: the plant model of the flow file, endpoints from the environment', () => {
  const flows = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'flows', 'flows.json'), 'utf8'));

  it('simulates the workstations of the plant model that read a PLC, with its hierarchy and address template', () => {
    const demo = plantConfigFromEnv({}, flows);
    assert.deepEqual(demo.workstations, [{ id: 'WS-10', idealCycleSeconds: 4 }, { id: 'WS-20', idealCycleSeconds: 5 }, { id: 'WS-30', idealCycleSeconds: 4.5 }]);
    assert.equal(demo.simulatorEnabled, true);
    assert.equal(opcuaNodeId(demo, 'WS-10', 'goodCount'), 'ns=1;s=WS-10.goodCount');
    assert.equal(isa95Topic(demo, 'WS-10', 'plc/state'), 'demo-site/assembly/line-1/WS-10/plc/state');
    const changed = JSON.parse(JSON.stringify(flows));
    const plant = changed.find((n) => n.type === 'mes-plant');
    plant.opcuaNodeIdTemplate = 'ns=1;s=PLC.{line}.{workstation}.{tag}';
    plant.workstations.push({ id: 'WS-40', area: 'assembly', line: 'line-1', workCenters: ['WC-WS-40'], signalSource: 'none' });
    const config = plantConfigFromEnv({ MES_OPCUA_ENDPOINT: 'opc.tcp://127.0.0.1:4999/plc' }, changed);
    assert.equal(config.workstations.length, 3, 'a workstation without a PLC is not simulated');
    assert.equal(opcuaNodeId(config, 'WS-10', 'state'), 'ns=1;s=PLC.line-1.WS-10.state');
    assert.equal(config.opcuaEndpoint, 'opc.tcp://127.0.0.1:4999/plc');
  });

  it('reads no plant model when the simulator is off, and refuses a flow file without one when it is on', () => {
    assert.equal(plantConfigFromEnv({ MES_PLC_SIM: 'off' }, []).simulatorEnabled, false);
    assert.throws(() => plantConfigFromEnv({}, []), /no mes-plant node/);
  });
});
