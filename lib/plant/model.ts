import { ShiftCalendar, type CalendarConfig, type ShiftDef, type Weekday } from '../oee/calendar';
import type { ReasonNode } from '../oee/types';
import { configVersion } from '../util/config-version';
import { ValidationError, type FieldError } from '../util/errors';
import { migratePlantConfig } from './migrate';
import {
  PLANT_CONFIG_VERSION, SIGNAL_TAGS,
  type CounterMode, type CountingMode, type Line, type PlantConfig, type PlantModel, type ReasonKind, type SignalSource, type SignalTag, type Workstation,
} from './types';

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** Without a shift calendar the whole day is one shift, so events still carry a shift. */
const DEFAULT_SHIFTS: ShiftDef[] = [{ name: 'day', days: EVERY_DAY, start: '00:00', end: '00:00' }];
export const DEFAULT_OPCUA_NODE_ID_TEMPLATE = 'ns=1;s={workstation}.{tag}';
export const DEFAULT_MQTT_TOPIC_TEMPLATE = '{site}/{area}/{line}/{workstation}/plc/{tag}';
const DEFAULT_MACHINE_SCRAP_REASON = 'machine reject';
/** UInt32, the usual PLC counter. */
export const DEFAULT_COUNTER_MAX = 4294967295;
const COUNTING: CountingMode[] = ['manual', 'automatic', 'both'];
const SOURCES: SignalSource[] = ['opcua', 'mqtt', 'none'];
const COUNTER_MODES: CounterMode[] = ['absolute', 'increment'];
const REASON_KINDS: ReasonKind[] = ['downtime', 'scrap', 'pause'];

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

function checkChoice<T extends string>(errors: FieldError[], field: string, value: unknown, choices: T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if ((choices as unknown[]).includes(value)) return value as T;
  errors.push({ field, rule: 'enum', message: `'${String(value)}' is not one of ${choices.join(', ')}` });
  return fallback;
}

/** A positive number from the editor (which may store numbers as text), or the fallback when blank. */
function checkPositive(errors: FieldError[], field: string, value: unknown, fallback: number | null, integer = false): number | null {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    errors.push({ field, rule: integer ? 'positiveInteger' : 'exclusiveMinimum', message: `must be a ${integer ? 'whole number' : 'number'} above 0, not '${String(value)}'` });
    return fallback;
  }
  return n;
}

function buildCalendar(errors: FieldError[], config: PlantConfig, timeZone: string): { calendar: CalendarConfig; shiftCalendar: ShiftCalendar | null } {
  const shifts = Array.isArray(config.shifts) && config.shifts.length > 0 ? config.shifts : DEFAULT_SHIFTS;
  const names = new Set<string>();
  shifts.forEach((shift, i) => {
    if (!checkIdentifier(errors, `shifts[${i}].name`, shift?.name, 'shift name')) return;
    if (names.has(shift.name)) errors.push({ field: `shifts[${i}].name`, rule: 'duplicateShift', message: `shift '${shift.name}' is defined twice` });
    names.add(shift.name);
    if (!Array.isArray(shift.days) || shift.days.length === 0) errors.push({ field: `shifts[${i}].days`, rule: 'minItems', message: `shift '${shift.name}' needs at least one weekday` });
    (shift.days ?? []).forEach((day, j) => {
      if (!EVERY_DAY.includes(day)) errors.push({ field: `shifts[${i}].days[${j}]`, rule: 'enum', message: `'${String(day)}' is not one of ${EVERY_DAY.join(', ')}` });
    });
  });
  const calendar: CalendarConfig = { timeZone, shifts, exceptions: Array.isArray(config.exceptions) ? config.exceptions : [] };
  if (errors.length > 0) return { calendar, shiftCalendar: null };
  try {
    return { calendar, shiftCalendar: new ShiftCalendar(calendar) };
  } catch (err) {
    // The calendar names its fields from its own root; here they are fields of the plant.
    // An overlap is found once per weekday: one error per field and rule is enough.
    const seen = new Set<string>();
    for (const e of (err as ValidationError).errors ?? [{ field: 'shifts', rule: 'calendar', message: (err as Error).message }]) {
      const field = e.field.replace(/^calendar\./, '');
      if (seen.has(`${field}|${e.rule}`)) continue;
      seen.add(`${field}|${e.rule}`);
      errors.push({ ...e, field, message: e.message.replace(/calendar\./g, '') });
    }
    return { calendar, shiftCalendar: null };
  }
}

/** Reason rows (`mechanical/jam`) → one tree per kind; a parent may be listed or only implied. */
function buildReasons(errors: FieldError[], config: PlantConfig): Record<ReasonKind, ReasonNode[]> {
  const trees: Record<ReasonKind, ReasonNode[]> = { downtime: [], scrap: [], pause: [] };
  const seen = new Set<string>();
  (config.reasons ?? []).forEach((row, i) => {
    const kind = checkChoice(errors, `reasons[${i}].kind`, row?.kind, REASON_KINDS, 'downtime');
    const code = typeof row?.code === 'string' ? row.code.trim() : '';
    const parts = code.split('/').map((p) => p.trim());
    if (code === '' || parts.some((p) => p === '')) {
      errors.push({ field: `reasons[${i}].code`, rule: 'reasonPath', message: `reason '${code}' must be a code, or codes joined by /, each not empty` });
      return;
    }
    const key = `${kind}:${parts.join('/')}`;
    if (seen.has(key)) errors.push({ field: `reasons[${i}].code`, rule: 'duplicateReason', message: `${kind} reason '${code}' is listed twice` });
    seen.add(key);
    let level = trees[kind];
    parts.forEach((part, depth) => {
      let node = level.find((n) => n.code === part);
      if (!node) {
        node = { code: part };
        level.push(node);
      }
      if (depth === parts.length - 1 && row.label) node.label = row.label;
      if (depth < parts.length - 1) level = node.children ??= [];
    });
  });
  return trees;
}

/** A tag's address from a template of the plant model: `{site}` `{area}` `{line}` `{workstation}` `{tag}` replaced. */
export function fillAddressTemplate(template: string, ws: { site: string; area: string; line: string; id: string }, tag: string): string {
  return template.replace(/\{site\}/g, ws.site).replace(/\{area\}/g, ws.area).replace(/\{line\}/g, ws.line)
    .replace(/\{workstation\}/g, ws.id).replace(/\{tag\}/g, tag);
}

/**
 * Checks the plant model from the editor (of any saved version) and builds its lookups, or
 * throws a ValidationError listing every broken rule by field, so a deploy with a bad model says
 * what to fix. Every node that needs the plant (dispatch, OEE, signals, the operator page) takes
 * it from here.
 */
export function parsePlantModel(input: PlantConfig | Record<string, unknown>): PlantModel {
  configVersion((input as { version?: unknown } | null)?.version, PLANT_CONFIG_VERSION, 'plant model');
  const config = migratePlantConfig(input);
  const errors: FieldError[] = [];
  checkIdentifier(errors, 'site', config.site, 'site');
  const timeZone = (typeof config.timeZone === 'string' && config.timeZone.trim()) || 'UTC';
  if (!isTimeZone(timeZone)) errors.push({ field: 'timeZone', rule: 'timeZone', message: `'${timeZone}' is not an IANA time zone (e.g. Europe/Berlin)` });
  const { calendar, shiftCalendar } = buildCalendar(errors, config, timeZone);
  const reasons = buildReasons(errors, config);
  const opcuaTemplate = config.opcuaNodeIdTemplate?.trim() || DEFAULT_OPCUA_NODE_ID_TEMPLATE;
  const mqttTemplate = config.mqttTopicTemplate?.trim() || DEFAULT_MQTT_TOPIC_TEMPLATE;

  const list = Array.isArray(config.workstations) ? config.workstations : [];
  if (list.length === 0) errors.push({ field: 'workstations', rule: 'minItems', message: 'the plant needs at least one workstation' });
  const workstations = new Map<string, Workstation>();
  const workCenters = new Map<string, string[]>();
  const lines = new Map<string, Line>();
  const areas = new Map<string, string[]>();
  list.forEach((ws, i) => {
    const at = `workstations[${i}]`;
    const idOk = checkIdentifier(errors, `${at}.id`, ws?.id, 'workstation id');
    const areaOk = checkIdentifier(errors, `${at}.area`, ws?.area, 'area');
    const lineOk = checkIdentifier(errors, `${at}.line`, ws?.line, 'line');
    if (idOk && workstations.has(ws.id)) errors.push({ field: `${at}.id`, rule: 'duplicateWorkstation', message: `workstation '${ws.id}' is defined twice` });
    if (areaOk && lineOk) {
      const line = lines.get(ws.line);
      if (line && line.area !== ws.area) {
        errors.push({ field: `${at}.area`, rule: 'lineInOneArea', message: `line '${ws.line}' is in area '${line.area}'; workstation '${ws.id}' puts it in '${ws.area}'` });
      }
    }
    const centers = Array.isArray(ws?.workCenters) ? ws.workCenters : [];
    if (centers.length === 0) errors.push({ field: `${at}.workCenters`, rule: 'minItems', message: `workstation '${ws?.id}' must belong to at least one work center` });
    centers.forEach((wc, j) => checkIdentifier(errors, `${at}.workCenters[${j}]`, wc, 'work center'));
    const ideal = checkPositive(errors, `${at}.idealCycleTimeSeconds`, ws?.idealCycleTimeSeconds, null);
    const source = checkChoice(errors, `${at}.signalSource`, ws?.signalSource, SOURCES, 'opcua');
    const counting = checkChoice(errors, `${at}.counting`, ws?.counting, COUNTING, 'manual');
    const counterMode = checkChoice(errors, `${at}.counterMode`, ws?.counterMode, COUNTER_MODES, 'absolute');
    const counterMax = checkPositive(errors, `${at}.counterMax`, ws?.counterMax, DEFAULT_COUNTER_MAX, true) as number;
    const scrapReason = ws?.machineScrapReason === undefined || ws.machineScrapReason === '' ? DEFAULT_MACHINE_SCRAP_REASON : ws.machineScrapReason;
    if (typeof scrapReason !== 'string' || scrapReason.trim() === '' || scrapReason.length > 64) {
      errors.push({ field: `${at}.machineScrapReason`, rule: 'scrapReason', message: 'must be a text of 1 to 64 characters, not blank' });
    }
    if (!idOk || !areaOk || !lineOk || workstations.has(ws.id)) return;
    const place = { site: config.site, area: ws.area, line: ws.line, id: ws.id };
    const template = source === 'mqtt' ? mqttTemplate : opcuaTemplate;
    const addresses = Object.fromEntries(SIGNAL_TAGS.map((tag) => [tag, source === 'none' ? '' : fillAddressTemplate(template, place, tag)])) as Record<SignalTag, string>;
    workstations.set(ws.id, {
      id: ws.id, name: ws.name?.trim() || ws.id, site: config.site, area: ws.area, line: ws.line, workCenters: [...new Set(centers)],
      idealCycleTimeSeconds: ideal, products: {}, signals: { source, addresses }, counting, counter: { mode: counterMode, max: counterMax }, machineScrapReason: String(scrapReason),
    });
    for (const wc of new Set(centers)) workCenters.set(wc, [...(workCenters.get(wc) ?? []), ws.id]);
    const line = lines.get(ws.line) ?? { id: ws.line, area: ws.area, workstations: [] };
    line.workstations.push(ws.id);
    if (!lines.has(ws.line)) {
      lines.set(ws.line, line);
      areas.set(ws.area, [...(areas.get(ws.area) ?? []), ws.line]);
    }
  });

  (config.products ?? []).forEach((row, i) => {
    const ws = workstations.get(row?.workstation);
    if (!ws) errors.push({ field: `products[${i}].workstation`, rule: 'unknownWorkstation', message: `workstation '${String(row?.workstation)}' is not in the plant model` });
    const materialOk = checkIdentifier(errors, `products[${i}].material`, row?.material, 'material');
    const seconds = checkPositive(errors, `products[${i}].idealCycleTimeSeconds`, row?.idealCycleTimeSeconds, null);
    if (seconds === null && (row?.idealCycleTimeSeconds === undefined || row?.idealCycleTimeSeconds === null || String(row.idealCycleTimeSeconds) === '')) {
      errors.push({ field: `products[${i}].idealCycleTimeSeconds`, rule: 'required', message: 'ideal cycle time is required' });
    }
    if (!ws || !materialOk || seconds === null) return;
    if (ws.products[row.material] !== undefined) errors.push({ field: `products[${i}].material`, rule: 'duplicateProduct', message: `material '${row.material}' at '${ws.id}' is listed twice` });
    ws.products[row.material] = seconds;
  });

  (config.signalAddresses ?? []).forEach((row, i) => {
    const ws = workstations.get(row?.workstation);
    if (!ws) errors.push({ field: `signalAddresses[${i}].workstation`, rule: 'unknownWorkstation', message: `workstation '${String(row?.workstation)}' is not in the plant model` });
    const tag = checkChoice<SignalTag | ''>(errors, `signalAddresses[${i}].tag`, row?.tag, [...SIGNAL_TAGS], '');
    const address = typeof row?.address === 'string' ? row.address.trim() : '';
    if (!ws || !tag) return;
    // An empty address switches the tag off (a machine without a reject counter, say).
    ws.signals.addresses[tag] = address;
  });

  const seenAddresses = new Map<string, string>();
  for (const ws of workstations.values()) {
    for (const tag of SIGNAL_TAGS) {
      const address = ws.signals.addresses[tag];
      if (!address) continue;
      const key = `${ws.signals.source}|${address}`;
      const other = seenAddresses.get(key);
      if (other) errors.push({ field: 'signalAddresses', rule: 'uniqueAddress', message: `${ws.id}.${tag} and ${other} both read ${address}` });
      seenAddresses.set(key, `${ws.id}.${tag}`);
    }
  }

  const workCenterSkills = new Map<string, string[]>();
  (config.workCenterSkills ?? []).forEach((row, i) => {
    const at = `workCenterSkills[${i}]`;
    const centerOk = checkIdentifier(errors, `${at}.workCenter`, row?.workCenter, 'work center');
    const skillOk = checkIdentifier(errors, `${at}.skill`, row?.skill, 'skill');
    if (!centerOk || !skillOk) return;
    if (!workCenters.has(row.workCenter)) {
      errors.push({ field: `${at}.workCenter`, rule: 'unknownWorkCenter', message: `work center '${row.workCenter}' has no workstation in the plant model` });
      return;
    }
    const skills = workCenterSkills.get(row.workCenter) ?? [];
    if (skills.includes(row.skill)) errors.push({ field: `${at}.skill`, rule: 'duplicateSkill', message: `skill '${row.skill}' of work center '${row.workCenter}' is listed twice` });
    else workCenterSkills.set(row.workCenter, [...skills, row.skill]);
  });

  const units = checkPositive(errors, 'countBatchUnits', config.countBatchUnits, 10, true) as number;
  const seconds = checkPositive(errors, 'countBatchSeconds', config.countBatchSeconds, 30) as number;
  if (errors.length > 0 || !shiftCalendar) throw new ValidationError(errors, 'plant model');
  return { site: config.site, timeZone, workstations, workCenters, lines, areas, calendar, shiftCalendar, reasons, countBatch: { units, seconds }, workCenterSkills };
}

/**
 * The shift an instant falls in, as `<local date the shift started>/<shift name>` (e.g.
 * `2026-11-25/night` for 02:00 on the 26th when the night shift starts at 22:00), from the same
 * calendar the OEE engine uses; null outside every shift.
 */
export function shiftAt(plant: PlantModel, instant: string | Date): string | null {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return plant.shiftCalendar.shiftAt(t)?.id ?? null;
}
