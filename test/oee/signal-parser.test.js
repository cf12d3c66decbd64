// Machine signals are checked in code first (the hot path) and by the compiled JSON schema only
// when that check fails. Payloads near the edges of the schema must be refused exactly as the
// schema refuses them, with the field and the rule named, and accepted ones read in full.
const assert = require('node:assert/strict');
const { SignalParser, parseOeeConfig, reasonPaths } = require('../../dist/lib/oee');

const config = parseOeeConfig({
  line: 'L1',
  workstations: [{ id: 'WS-1', idealCycleTimeSeconds: 1 }, { id: 'WS-2', idealCycleTimeSeconds: 1 }],
  calendar: { timeZone: 'UTC', shifts: [] },
});
const time = '2026-03-02T06:10:00Z';
const now = Date.parse(time);
const parser = new SignalParser(config, reasonPaths(config.reasons));
const parse = (payload) => parser.parse({ payload }, now);

describe('OEE machine signal parsing', () => {
  it('ignores the signals of the plant\'s other lines and refuses a workstation the plant does not have', () => {
    const onLine = new SignalParser(config, reasonPaths(config.reasons), new Set(['WS-9']));
    assert.equal(onLine.parse({ payload: { workstation: 'WS-1', time, good: 1 } }, now).kind, 'signal');
    assert.deepEqual(onLine.parse({ payload: { workstation: 'WS-9', time, good: 1 } }, now), { kind: 'ignored' });
    assert.throws(() => onLine.parse({ payload: { workstation: 'WS-77', time, good: 1 } }, now), /payload.workstation \(knownWorkstation\)/);
  });

  const inherited = Object.assign(Object.create({ inherited: 1 }), { workstation: 'WS-1', time, good: 1 });
  const refused = [
    ['a count that is NaN', { workstation: 'WS-1', time, good: NaN }, 'payload.good', 'type'],
    ['an infinite count', { workstation: 'WS-1', time, reject: Infinity }, 'payload.reject', 'type'],
    ['a negative count', { workstation: 'WS-1', time, good: -1 }, 'payload.good', 'minimum'],
    ['a time that is NaN', { workstation: 'WS-1', time: NaN, good: 1 }, 'payload.time', 'type'],
    ['a time that is a boolean', { workstation: 'WS-1', time: true, good: 1 }, 'payload.time', 'type'],
    ['a fault code that is NaN', { workstation: 'WS-1', time, state: 'faulted', faultCode: NaN }, 'payload.faultCode', 'type'],
    ['a fault code that is an object', { workstation: 'WS-1', time, state: 'faulted', faultCode: {} }, 'payload.faultCode', 'anyOf'],
    ['an unknown field', { workstation: 'WS-1', time, good: 1, speed: 2 }, 'payload.speed', 'additionalProperties'],
    ['an inherited enumerable field', inherited, 'payload.inherited', 'additionalProperties'],
    ['an array', [{ workstation: 'WS-1', time, good: 1 }], 'payload', 'type'],
    ['an empty workstation', { workstation: '', time, good: 1 }, 'payload.workstation', 'minLength'],
    ['a workstation that is a number', { workstation: 1, time, good: 1 }, 'payload.workstation', 'type'],
    ['a state that is an Object method name', { workstation: 'WS-1', time, state: 'toString' }, 'payload.state', 'enum'],
    ['running and state together', { workstation: 'WS-1', time, state: 'running', running: true }, 'payload.running', 'oneStateSource'],
  ];
  for (const [name, payload, field, rule] of refused) {
    it(`refuses ${name}: ${field} (${rule})`, () => {
      assert.throws(() => parse(payload), (err) => err.message.includes(`${field} (${rule})`) || assert.fail(err.message));
    });
  }

  it('refuses a configuration that lists a workstation twice (signals would reach the wrong one)', () => {
    assert.throws(() => parseOeeConfig({
      line: 'L1', workstations: [{ id: 'A' }, { id: 'B' }, { id: 'A' }], calendar: { timeZone: 'UTC', shifts: [] },
    }), /workstations\[2\]\.id: 'A' is listed before \[rule: unique\]/);
  });

  it('reads every field of a well-formed signal, the workstation with its index in the configuration', () => {
    assert.deepEqual(parse({ workstation: 'WS-2', time, state: 'faulted', faultCode: 17, good: 3, reject: 1 }), {
      kind: 'signal', workstation: 'WS-2', index: 1, time: now, state: 'faulted', faultCode: '17', first: 3, reject: 1,
    });
    assert.deepEqual(parse({ workstation: 'WS-1', time: now - 1000, running: false, faultCode: null, reject: undefined }), {
      kind: 'signal', workstation: 'WS-1', index: 0, time: now - 1000, state: 'stopped', faultCode: null, first: null, reject: null,
    });
  });
});
