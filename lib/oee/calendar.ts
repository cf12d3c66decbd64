import { ValidationError, type FieldError } from '../util/errors';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface BreakDef {
  name?: string;
  /** Local wall time `HH:MM`; a break before the shift's start time lies on the next day. */
  start: string;
  end: string;
}

export interface ShiftDef {
  name: string;
  days: Weekday[];
  /** Local wall time `HH:MM`; an end at or before the start means the shift ends the next day. */
  start: string;
  end: string;
  breaks?: BreakDef[];
}

export type CalendarException =
  | { date: string; kind: 'holiday' }
  | { date: string; kind: 'overtime'; name: string; start: string; end: string; breaks?: BreakDef[] };

export interface CalendarConfig {
  /** IANA time zone of the plant, e.g. `Europe/Berlin`; shift times are wall-clock times there. */
  timeZone: string;
  shifts: ShiftDef[];
  exceptions?: CalendarException[];
}

export interface BreakInstance {
  name: string;
  start: number;
  end: number;
}

/** One occurrence of a shift, in epoch milliseconds. */
export interface ShiftInstance {
  /** `YYYY-MM-DD/name`, the local date on which the shift starts. */
  id: string;
  name: string;
  day: string;
  start: number;
  end: number;
  breaks: BreakInstance[];
}

/** A stretch of time with one calendar meaning: outside any shift, in a shift, or in a break. */
export interface Period {
  kind: 'off' | 'shift' | 'break';
  shift: ShiftInstance | null;
  start: number;
  end: number;
}

const HOUR = 3_600_000;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function minutesOf(hhmm: string): number {
  const m = TIME_RE.exec(hhmm);
  if (!m) return NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

/**
 * Shifts and breaks of one line, turned from local wall-clock times into instants. Local times are
 * converted with the plant's time zone on each date, so a night shift across the spring
 * daylight-saving change is one hour shorter and across the autumn change one hour longer, as
 * worked. A time that falls into the hour skipped in spring moves forward by the gap (02:30 → 03:30),
 * a time that occurs twice in autumn means its second occurrence (standard time).
 */
export class ShiftCalendar {
  readonly timeZone: string;
  private readonly shifts: ShiftDef[];
  private readonly holidays = new Set<string>();
  private readonly overtime = new Map<string, ShiftDef[]>();
  private readonly partsFormat: Intl.DateTimeFormat;
  private readonly dayCache = new Map<string, ShiftInstance[]>();
  private cached: Period | null = null;

  constructor(config: CalendarConfig) {
    validateCalendar(config);
    this.timeZone = config.timeZone;
    this.shifts = config.shifts;
    for (const exception of config.exceptions ?? []) {
      if (exception.kind === 'holiday') this.holidays.add(exception.date);
      else {
        const list = this.overtime.get(exception.date) ?? [];
        list.push({ name: exception.name, days: [], start: exception.start, end: exception.end, breaks: exception.breaks });
        this.overtime.set(exception.date, list);
      }
    }
    this.partsFormat = new Intl.DateTimeFormat('en-US', {
      timeZone: config.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  /** Offset of the zone from UTC at instant `t`, in ms (positive east of Greenwich). */
  private offsetAt(t: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.partsFormat.formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return asUtc - Math.floor(t / 1000) * 1000;
  }

  /** The instant at which the plant's clocks show `date` `minutes` after midnight. */
  localToInstant(date: string, minutes: number): number {
    const [y, m, d] = date.split('-').map(Number);
    const wall = Date.UTC(y, m - 1, d, 0, minutes);
    const first = wall - this.offsetAt(wall);
    const second = wall - this.offsetAt(first);
    return second;
  }

  /** Local calendar date (`YYYY-MM-DD`) at instant `t`. */
  localDate(t: number): string {
    return new Date(t + this.offsetAt(t)).toISOString().slice(0, 10);
  }

  /** The shifts that start on local date `date`, holidays removed, overtime added, sorted. */
  shiftsOn(date: string): ShiftInstance[] {
    const hit = this.dayCache.get(date);
    if (hit) return hit;
    const weekday = weekdayOf(date);
    const defs = this.holidays.has(date) ? [] : this.shifts.filter((s) => s.days.includes(weekday));
    const all = [...defs, ...(this.overtime.get(date) ?? [])];
    const list = all.map((def) => this.instantiate(date, def)).sort((a, b) => a.start - b.start);
    if (this.dayCache.size > 64) this.dayCache.clear();
    this.dayCache.set(date, list);
    return list;
  }

  private instantiate(date: string, def: ShiftDef): ShiftInstance {
    const startMin = minutesOf(def.start);
    let endMin = minutesOf(def.end);
    if (endMin <= startMin) endMin += 1440;
    const at = (minutes: number) => this.localToInstant(minutes >= 1440 ? addDays(date, 1) : date, minutes % 1440);
    const start = at(startMin);
    const end = at(endMin);
    const breaks = (def.breaks ?? []).map((b, i) => {
      let bs = minutesOf(b.start);
      if (bs < startMin) bs += 1440;
      let be = minutesOf(b.end);
      while (be <= bs) be += 1440;
      return { name: b.name ?? `break ${i + 1}`, start: Math.max(start, at(bs)), end: Math.min(end, at(be)) };
    }).filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
    return { id: `${date}/${def.name}`, name: def.name, day: date, start, end, breaks };
  }

  /** The calendar period containing instant `t`; cached, since signals arrive in time order. */
  periodAt(t: number): Period {
    const c = this.cached;
    if (c && t >= c.start && t < c.end) return c;
    const today = this.localDate(t);
    const candidates = [...this.shiftsOn(addDays(today, -1)), ...this.shiftsOn(today), ...this.shiftsOn(addDays(today, 1))];
    let period: Period | null = null;
    let prevEnd = -Infinity;
    let nextStart = Infinity;
    for (const shift of candidates) {
      if (t >= shift.start && t < shift.end) {
        period = periodInShift(shift, t);
        break;
      }
      if (shift.end <= t) prevEnd = Math.max(prevEnd, shift.end);
      if (shift.start > t) nextStart = Math.min(nextStart, shift.start);
    }
    // No shift of tomorrow starts within 12 h of `t` unless listed above, so that bound is safe.
    period ??= { kind: 'off', shift: null, start: Number.isFinite(prevEnd) ? prevEnd : t, end: Math.min(nextStart, t + 12 * HOUR) };
    this.cached = period;
    return period;
  }

  /** The shift containing `t`, if any. */
  shiftAt(t: number): ShiftInstance | null {
    return this.periodAt(t).shift;
  }

  /** Milliseconds of shift time outside breaks between `a` and `b`. */
  workingMsBetween(a: number, b: number): number {
    let total = 0;
    for (let t = a; t < b;) {
      const p = this.periodAt(t);
      const e = Math.min(b, p.end);
      if (p.kind === 'shift') total += e - t;
      t = e;
    }
    return total;
  }
}

function periodInShift(shift: ShiftInstance, t: number): Period {
  let start = shift.start;
  for (const b of shift.breaks) {
    if (t >= b.start && t < b.end) return { kind: 'break', shift, start: b.start, end: b.end };
    if (b.end <= t) start = Math.max(start, b.end);
    else return { kind: 'shift', shift, start, end: b.start };
  }
  return { kind: 'shift', shift, start, end: shift.end };
}

function validateCalendar(config: CalendarConfig): void {
  const errors: FieldError[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone });
  } catch {
    errors.push({ field: 'calendar.timeZone', rule: 'timeZone', message: `'${config.timeZone}' is not a known IANA time zone` });
  }
  const checkTimes = (field: string, def: { start: string; end: string; breaks?: BreakDef[] }) => {
    if (Number.isNaN(minutesOf(def.start))) errors.push({ field: `${field}.start`, rule: 'format', message: 'must be HH:MM' });
    if (Number.isNaN(minutesOf(def.end))) errors.push({ field: `${field}.end`, rule: 'format', message: 'must be HH:MM' });
    (def.breaks ?? []).forEach((b, j) => {
      if (Number.isNaN(minutesOf(b.start))) errors.push({ field: `${field}.breaks[${j}].start`, rule: 'format', message: 'must be HH:MM' });
      if (Number.isNaN(minutesOf(b.end))) errors.push({ field: `${field}.breaks[${j}].end`, rule: 'format', message: 'must be HH:MM' });
    });
  };
  config.shifts.forEach((s, i) => checkTimes(`calendar.shifts[${i}]`, s));
  (config.exceptions ?? []).forEach((e, i) => {
    if (!DATE_RE.test(e.date)) errors.push({ field: `calendar.exceptions[${i}].date`, rule: 'format', message: 'must be YYYY-MM-DD' });
    if (e.kind === 'overtime') checkTimes(`calendar.exceptions[${i}]`, e);
  });
  if (errors.length === 0) {
    // Shifts of the weekly pattern must not overlap: in local minutes of a week, wrapping Sunday.
    const ranges: { field: string; from: number; to: number }[] = [];
    config.shifts.forEach((s, i) => {
      for (const day of s.days) {
        const base = WEEKDAYS.indexOf(day) * 1440;
        const from = base + minutesOf(s.start);
        let to = base + minutesOf(s.end);
        if (to <= from) to += 1440;
        ranges.push({ field: `calendar.shifts[${i}]`, from, to });
      }
    });
    const week = 7 * 1440;
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const a = ranges[i];
        const b = ranges[j];
        const overlaps = [-week, 0, week].some((shift) => a.from < b.to + shift && b.from + shift < a.to);
        if (overlaps) errors.push({ field: b.field, rule: 'noOverlap', message: `overlaps ${a.field}` });
      }
    }
  }
  if (errors.length > 0) throw new ValidationError(errors, 'OEE calendar');
}
