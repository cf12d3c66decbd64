// The shift calendar in the plant's time zone: daylight-saving changes, shifts across midnight,
// holidays and overtime, and refused configurations.
const assert = require('node:assert/strict');
const { ShiftCalendar } = require('../../dist/lib/oee');

const HOUR = 3600000;
const night = { name: 'night', days: ['sat'], start: '22:00', end: '06:00', breaks: [{ start: '02:00', end: '02:30' }] };

describe('OEE shift calendar', () => {
  it('a night shift across the spring daylight-saving change lasts 7 h, across the autumn change 9 h', () => {
    const calendar = new ShiftCalendar({ timeZone: 'Europe/Berlin', shifts: [night] });
    // 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    const [spring] = calendar.shiftsOn('2026-03-28');
    assert.equal(spring.start, Date.parse('2026-03-28T21:00:00Z')); // 22:00 CET
    assert.equal(spring.end, Date.parse('2026-03-29T04:00:00Z')); // 06:00 CEST
    assert.equal(spring.end - spring.start, 7 * HOUR);
    // The break 02:00–02:30 falls into the skipped hour: it moves forward by the gap, 03:00–03:30 CEST.
    assert.deepEqual(spring.breaks.map((b) => [b.start, b.end]), [[Date.parse('2026-03-29T01:00:00Z'), Date.parse('2026-03-29T01:30:00Z')]]);
    const [autumn] = calendar.shiftsOn('2026-10-24');
    assert.equal(autumn.end - autumn.start, 9 * HOUR);
    assert.equal(autumn.breaks[0].end - autumn.breaks[0].start, 30 * 60000);
    assert.equal(calendar.workingMsBetween(autumn.start, autumn.end), 9 * HOUR - 30 * 60000);
  });

  it('knows the period of any instant: shift, break, or off', () => {
    const calendar = new ShiftCalendar({ timeZone: 'America/New_York', shifts: [{ name: 'day', days: ['mon'], start: '08:00', end: '16:00', breaks: [{ start: '12:00', end: '12:30' }] }] });
    const at = (iso) => calendar.periodAt(Date.parse(iso));
    assert.equal(at('2026-07-06T12:00:00Z').kind, 'shift'); // 08:00 EDT
    assert.equal(at('2026-07-06T11:59:59Z').kind, 'off');
    assert.equal(at('2026-07-06T16:15:00Z').kind, 'break');
    assert.equal(at('2026-07-06T16:15:00Z').shift.id, '2026-07-06/day');
    assert.equal(at('2026-07-06T20:00:00Z').kind, 'off');
  });

  it('removes shifts on holidays and adds overtime shifts', () => {
    const calendar = new ShiftCalendar({
      timeZone: 'UTC',
      shifts: [{ name: 'early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00' }],
      exceptions: [{ date: '2026-12-25', kind: 'holiday' }, { date: '2026-12-26', kind: 'overtime', name: 'saturday-extra', start: '08:00', end: '12:00' }],
    });
    assert.deepEqual(calendar.shiftsOn('2026-12-25'), []);
    const [extra] = calendar.shiftsOn('2026-12-26');
    assert.equal(extra.id, '2026-12-26/saturday-extra');
    assert.equal(extra.end - extra.start, 4 * HOUR);
  });

  it('refuses overlapping shifts and an unknown time zone, naming field and rule', () => {
    assert.throws(() => new ShiftCalendar({ timeZone: 'Mars/Olympus', shifts: [] }), (err) => err.errors.some((e) => e.field === 'calendar.timeZone' && e.rule === 'timeZone'));
    assert.throws(() => new ShiftCalendar({
      timeZone: 'UTC',
      shifts: [{ name: 'a', days: ['mon'], start: '06:00', end: '14:00' }, { name: 'b', days: ['mon'], start: '13:00', end: '20:00' }],
    }), (err) => err.errors.some((e) => e.field === 'calendar.shifts[1]' && e.rule === 'noOverlap'));
  });
});
