// Drives a mes-oee node inside node-red-node-test-helper: signals in, requested snapshots and
// query replies back (output 3), stored events (output 2), refusals through a Catch node.
const helper = require('node-red-node-test-helper');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const storeNode = require('../../dist/nodes/mes-store/mes-store.js');
const oeeNode = require('../../dist/nodes/mes-oee/mes-oee.js');
const { tempDbFile } = require('../support/store');

helper.init(require.resolve('node-red'));

const UTC_CALENDAR = {
  timeZone: 'UTC',
  shifts: [
    { name: 'early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'breakfast', start: '09:00', end: '09:30' }, { name: 'lunch', start: '12:00', end: '12:15' }] },
    { name: 'late', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '22:00' },
  ],
  exceptions: [{ date: '2026-03-06', kind: 'holiday' }],
};

const REASONS = [
  { code: 'mechanical', children: [{ code: 'jam' }, { code: 'tool-break' }] },
  { code: 'material', children: [{ code: 'missing' }] },
];

function oeeFlow(dbFile, settings = {}) {
  const oee = {
    id: 'oee', type: 'mes-oee', z: 'tab', store: 'store', line: 'LINE-1',
    workstations: JSON.stringify(settings.workstations ?? [{ id: 'WS-1', idealCycleTimeSeconds: 30 }]),
    calendar: JSON.stringify(settings.calendar ?? UTC_CALENDAR),
    reasons: JSON.stringify(REASONS),
    microStopSeconds: 120, signalTimeoutSeconds: 0, snapshotIntervalSeconds: 0, wallClock: false,
    counterMode: 'increment', counterMax: 65535, countScheme: 'good-reject', startupWindowSeconds: 0, futureToleranceSeconds: 300,
    x: 1, y: 1, wires: [['snapshots'], ['events'], ['replies']],
    ...settings.node,
  };
  return [
    { id: 'tab', type: 'tab', label: 'oee' },
    { id: 'store', type: 'mes-store', path: dbFile, durability: 'full' },
    oee,
    { id: 'snapshots', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'events', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'replies', type: 'helper', z: 'tab', x: 1, y: 1 },
    { id: 'catch', type: 'catch', z: 'tab', scope: ['oee'], x: 1, y: 1, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab', x: 1, y: 1 },
  ];
}

let sequence = 0;

/** A loaded flow with helpers to send signals at `day` + `HH:MM:SS` and read replies. */
class Line {
  constructor(day) {
    this.day = day;
    this.node = helper.getNode('oee');
    this.errors = [];
    this.events = [];
    helper.getNode('caught').on('input', (msg) => this.errors.push(msg.error));
    helper.getNode('events').on('input', (msg) => this.events.push(msg.payload));
  }

  at(time, day = this.day) {
    return `${day}T${time}Z`;
  }

  send(topic, payload) {
    this.node.receive(topic ? { topic, payload } : { payload });
  }

  /** Machine signal for `ws` at `time` (`HH:MM:SS` on the line's day, or a full ISO time). */
  signal(ws, time, fields) {
    this.send(undefined, { workstation: ws, time: time.includes('T') ? time : this.at(time), ...fields });
  }

  tick(time) {
    this.send('oee/tick', { time: time.includes('T') ? time : this.at(time) });
  }

  /** Sends a message and resolves with its reply on output 3 (after everything before it is committed). */
  request(topic, payload) {
    const replies = helper.getNode('replies');
    const id = `req-${++sequence}`;
    return new Promise((resolve) => {
      const onReply = (msg) => {
        if (msg._msgid !== id) return;
        replies.removeListener('input', onReply);
        resolve(msg.payload);
      };
      replies.on('input', onReply);
      this.node.receive({ _msgid: id, topic, payload });
    });
  }

  snapshot() {
    return this.request('oee/snapshot', {});
  }

  shifts(filter = {}) {
    return this.request('oee/query', { query: 'shifts', ...filter });
  }
}

async function loadLine(dbFile, day, settings) {
  await helper.load([catchNode, storeNode, oeeNode], oeeFlow(dbFile, settings));
  return new Line(day);
}

/**
 * The hooks of a describe block that loads OEE flows: the test helper's server for the block, a
 * fresh database file for each test, the flow unloaded after it. Returns the current test's file.
 */
function useOeeRuntime() {
  let dbFile;
  before((done) => { helper.startServer(done); });
  after((done) => { helper.stopServer(done); });
  beforeEach(() => { dbFile = tempDbFile(); });
  afterEach(async () => { await helper.unload(); });
  return () => dbFile;
}

module.exports = { helper, loadLine, oeeFlow, useOeeRuntime, catchNode, storeNode, oeeNode, UTC_CALENDAR, REASONS };
