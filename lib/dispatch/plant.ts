import { ValidationError, type FieldError } from '../util/errors';

/** One workstation as configured in the editor (`mes-plant` config node). */
export interface WorkstationConfig {
  id: string;
  name?: string;
  area: string;
  line: string;
  /** Work centers of the routing whose operations this workstation can run. */
  workCenters: string[];
}

/** A shift starts at `start` (local HH:MM) every day and lasts until the next shift starts. */
export interface ShiftConfig {
  name: string;
  start: string;
}

/** The plant model as the editor stores it; `parsePlantModel` checks it and builds the lookups. */
export interface PlantConfig {
  site: string;
  /** IANA time zone of the plant, for shift boundaries; defaults to UTC. */
  timeZone?: string;
  shifts?: ShiftConfig[];
  workstations: WorkstationConfig[];
}

export interface Workstation {
  id: string;
  name: string;
  site: string;
  area: string;
  line: string;
  workCenters: string[];
}

interface Shift {
  name: string;
  /** Minutes after local midnight. */
  startMinute: number;
}

export interface PlantModel {
  site: string;
  timeZone: string;
  workstations: Map<string, Workstation>;
  /** Work center → its workstations, in configuration order. */
  workCenters: Map<string, string[]>;
  shifts: Shift[];
  /** Local date and minute of the day of an instant, in the plant's time zone. */
  localClock: (instant: Date) => { day: string; minute: number };
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Without a shift calendar the whole day is one shift, so events still carry a shift. */
const DEFAULT_SHIFTS: ShiftConfig[] = [{ name: 'day', start: '00:00' }];

function clockFor(timeZone: string): (instant: Date) => { day: string; minute: number } {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  // Commands arrive in bursts within the same minute: formatting is the costly part, so the
  // last minute's answer is kept.
  let lastMinute = NaN;
  let lastAnswer = { day: '', minute: 0 };
  return (instant) => {
    const epochMinute = Math.floor(instant.getTime() / 60000);
    if (epochMinute === lastMinute) return lastAnswer;
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
    lastMinute = epochMinute;
    lastAnswer = { day: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
    return lastAnswer;
  };
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function checkIdentifier(errors: FieldError[], field: string, value: unknown, what: string): value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push({ field, rule: 'required', message: `${what} is required` });
    return false;
  }
  if (!IDENTIFIER.test(value)) {
    errors.push({ field, rule: 'identifier', message: `${what} '${value}' must start with a letter or digit and hold only letters, digits and . _ : / - (at most 64)` });
    return false;
  }
  return true;
}

function parseShifts(errors: FieldError[], shifts: ShiftConfig[] | undefined): Shift[] {
  const list = shifts && shifts.length > 0 ? shifts : DEFAULT_SHIFTS;
  const names = new Set<string>();
  const starts = new Map<number, string>();
  const parsed: Shift[] = [];
  list.forEach((shift, i) => {
    const at = `shifts[${i}]`;
    if (!checkIdentifier(errors, `${at}.name`, shift?.name, 'shift name')) return;
    if (names.has(shift.name)) errors.push({ field: `${at}.name`, rule: 'duplicateShift', message: `shift '${shift.name}' is defined twice` });
    names.add(shift.name);
    const match = typeof shift.start === 'string' ? CLOCK.exec(shift.start) : null;
    if (!match) {
      errors.push({ field: `${at}.start`, rule: 'clockTime', message: `start of shift '${shift.name}' must be HH:MM (00:00 to 23:59), not '${String(shift.start)}'` });
      return;
    }
    const minute = Number(match[1]) * 60 + Number(match[2]);
    const other = starts.get(minute);
    if (other !== undefined) errors.push({ field: `${at}.start`, rule: 'duplicateShiftStart', message: `shifts '${other}' and '${shift.name}' both start at ${shift.start}` });
    starts.set(minute, shift.name);
    parsed.push({ name: shift.name, startMinute: minute });
  });
  return parsed.sort((a, b) => a.startMinute - b.startMinute);
}

/**
 * Checks the plant model from the editor and builds its lookups, or throws a ValidationError
 * listing every broken rule, so a deploy with a bad model says what to fix.
 */
export function parsePlantModel(config: PlantConfig): PlantModel {
  const errors: FieldError[] = [];
  checkIdentifier(errors, 'site', config?.site, 'site');
  const timeZone = config?.timeZone?.trim() || 'UTC';
  if (!isTimeZone(timeZone)) errors.push({ field: 'timeZone', rule: 'timeZone', message: `'${timeZone}' is not an IANA time zone (e.g. Europe/Berlin)` });
  const shifts = parseShifts(errors, config?.shifts);
  const list = Array.isArray(config?.workstations) ? config.workstations : [];
  if (list.length === 0) errors.push({ field: 'workstations', rule: 'minItems', message: 'the plant needs at least one workstation' });
  const workstations = new Map<string, Workstation>();
  const workCenters = new Map<string, string[]>();
  const areaOfLine = new Map<string, string>();
  list.forEach((ws, i) => {
    const at = `workstations[${i}]`;
    const idOk = checkIdentifier(errors, `${at}.id`, ws?.id, 'workstation id');
    const areaOk = checkIdentifier(errors, `${at}.area`, ws?.area, 'area');
    const lineOk = checkIdentifier(errors, `${at}.line`, ws?.line, 'line');
    if (idOk && workstations.has(ws.id)) errors.push({ field: `${at}.id`, rule: 'duplicateWorkstation', message: `workstation '${ws.id}' is defined twice` });
    if (areaOk && lineOk) {
      const area = areaOfLine.get(ws.line);
      if (area !== undefined && area !== ws.area) {
        errors.push({ field: `${at}.area`, rule: 'lineInOneArea', message: `line '${ws.line}' is in area '${area}'; workstation '${ws.id}' puts it in '${ws.area}'` });
      }
      areaOfLine.set(ws.line, area ?? ws.area);
    }
    const centers = Array.isArray(ws?.workCenters) ? ws.workCenters : [];
    if (centers.length === 0) errors.push({ field: `${at}.workCenters`, rule: 'minItems', message: `workstation '${ws?.id}' must belong to at least one work center` });
    centers.forEach((wc, j) => checkIdentifier(errors, `${at}.workCenters[${j}]`, wc, 'work center'));
    if (!idOk || workstations.has(ws.id)) return;
    workstations.set(ws.id, { id: ws.id, name: ws.name?.trim() || ws.id, site: config.site, area: ws.area, line: ws.line, workCenters: [...new Set(centers)] });
    for (const wc of new Set(centers)) workCenters.set(wc, [...(workCenters.get(wc) ?? []), ws.id]);
  });
  if (errors.length > 0) throw new ValidationError(errors, 'plant model');
  return { site: config.site, timeZone, workstations, workCenters, shifts, localClock: clockFor(timeZone) };
}

function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The shift an instant falls in, as `<day the shift started>/<shift name>`, e.g.
 * `2026-11-25/night` for 02:00 on the 26th when the night shift starts at 22:00: an operation
 * running across a boundary keeps running, and each event names the shift it happened in.
 */
export function shiftAt(plant: PlantModel, instant: string | Date): string {
  const { day, minute } = plant.localClock(typeof instant === 'string' ? new Date(instant) : instant);
  let current: Shift | undefined;
  for (const shift of plant.shifts) if (shift.startMinute <= minute) current = shift;
  if (current) return `${day}/${current.name}`;
  return `${previousDay(day)}/${plant.shifts[plant.shifts.length - 1].name}`;
}
