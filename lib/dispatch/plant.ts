import { ValidationError, type FieldError } from '../util/errors';

/**
 * How dispatch books the quantities of the operation running at a workstation: `manual` from
 * operator reports only (machine counts go to OEE alone); `automatic` from the PLC's good and
 * reject counters (good and scrap); `both` good from the PLC, scrap and corrections by the operator.
 */
export type CountingMode = 'manual' | 'automatic' | 'both';
export const COUNTING_MODES: readonly CountingMode[] = ['manual', 'automatic', 'both'];

/** A PLC counter: `absolute` readings that wrap from `max` to 0, or `increment`s (each signal carries a delta). */
export interface CounterConfig {
  mode: 'absolute' | 'increment';
  max: number;
}

/** Machine counts are booked in batches: one closes every `units` units or `seconds` seconds. */
export interface CountBatch {
  units: number;
  seconds: number;
}

/** One workstation as configured in the editor (`mes-plant` config node). */
export interface WorkstationConfig {
  id: string;
  name?: string;
  area: string;
  line: string;
  /** Work centers of the routing whose operations this workstation can run. */
  workCenters: string[];
  /** Default `manual`, as before machine counting existed. */
  counting?: CountingMode;
  /** Default absolute, UInt32 (max 4294967295). */
  counter?: Partial<CounterConfig>;
  /** Scrap reason of the PLC's rejects under automatic counting; default `machine reject`. */
  machineScrapReason?: string;
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
  /** Default 10 units / 30 seconds. */
  countBatch?: Partial<CountBatch>;
}

export interface Workstation {
  id: string;
  name: string;
  site: string;
  area: string;
  line: string;
  workCenters: string[];
  counting: CountingMode;
  counter: CounterConfig;
  machineScrapReason: string;
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
  countBatch: CountBatch;
  /** Local date and minute of the day of an instant, in the plant's time zone. */
  localClock: (instant: Date) => { day: string; minute: number };
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Without a shift calendar the whole day is one shift, so events still carry a shift. */
const DEFAULT_SHIFTS: ShiftConfig[] = [{ name: 'day', start: '00:00' }];
/** A UInt32 counter, the common PLC type. */
const DEFAULT_COUNTER: CounterConfig = { mode: 'absolute', max: 4294967295 };
const DEFAULT_COUNT_BATCH: CountBatch = { units: 10, seconds: 30 };
const DEFAULT_MACHINE_SCRAP_REASON = 'machine reject';

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

function checkPositive(errors: FieldError[], field: string, value: unknown, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push({ field, rule: 'type', message: `must be a number, not ${JSON.stringify(value)}` });
  } else if (integer && !Number.isSafeInteger(value)) {
    errors.push({ field, rule: 'integer', message: `must be a whole number up to ${Number.MAX_SAFE_INTEGER}, not ${value}` });
  } else if (value <= 0) {
    errors.push({ field, rule: 'exclusiveMinimum', message: `must be above 0, not ${value}` });
  }
  return value as number;
}

/** How a workstation's quantities are counted: mode, counter and scrap reason of its rejects. */
function parseCounting(errors: FieldError[], at: string, ws: WorkstationConfig): Pick<Workstation, 'counting' | 'counter' | 'machineScrapReason'> {
  const counting = ws.counting ?? 'manual';
  if (!COUNTING_MODES.includes(counting)) {
    errors.push({ field: `${at}.counting`, rule: 'enum', message: `must be one of ${COUNTING_MODES.join(', ')}, not '${String(counting)}'` });
  }
  const counter = ws.counter ?? {};
  if (typeof counter !== 'object' || counter === null) {
    errors.push({ field: `${at}.counter`, rule: 'type', message: 'must be an object { mode, max }' });
    return { counting, counter: DEFAULT_COUNTER, machineScrapReason: DEFAULT_MACHINE_SCRAP_REASON };
  }
  const mode = counter.mode ?? DEFAULT_COUNTER.mode;
  if (mode !== 'absolute' && mode !== 'increment') {
    errors.push({ field: `${at}.counter.mode`, rule: 'enum', message: `must be absolute or increment, not '${String(mode)}'` });
  }
  const max = checkPositive(errors, `${at}.counter.max`, counter.max, DEFAULT_COUNTER.max, true);
  const reason = ws.machineScrapReason ?? DEFAULT_MACHINE_SCRAP_REASON;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 64) {
    errors.push({ field: `${at}.machineScrapReason`, rule: 'scrapReason', message: 'must be a text of 1 to 64 characters, not blank' });
  }
  return { counting, counter: { mode, max }, machineScrapReason: reason };
}

function parseCountBatch(errors: FieldError[], batch: Partial<CountBatch> | undefined): CountBatch {
  if (batch === undefined) return DEFAULT_COUNT_BATCH;
  if (typeof batch !== 'object' || batch === null) {
    errors.push({ field: 'countBatch', rule: 'type', message: 'must be an object { units, seconds }' });
    return DEFAULT_COUNT_BATCH;
  }
  return {
    units: checkPositive(errors, 'countBatch.units', batch.units, DEFAULT_COUNT_BATCH.units, false),
    seconds: checkPositive(errors, 'countBatch.seconds', batch.seconds, DEFAULT_COUNT_BATCH.seconds, false),
  };
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
  const countBatch = parseCountBatch(errors, config?.countBatch);
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
    const counting = parseCounting(errors, at, ws ?? {});
    if (!idOk || workstations.has(ws.id)) return;
    workstations.set(ws.id, { id: ws.id, name: ws.name?.trim() || ws.id, site: config.site, area: ws.area, line: ws.line, workCenters: [...new Set(centers)], ...counting });
    for (const wc of new Set(centers)) workCenters.set(wc, [...(workCenters.get(wc) ?? []), ws.id]);
  });
  if (errors.length > 0) throw new ValidationError(errors, 'plant model');
  return { site: config.site, timeZone, workstations, workCenters, shifts, countBatch, localClock: clockFor(timeZone) };
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
