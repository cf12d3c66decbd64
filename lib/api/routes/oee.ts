import type { ApiRoute, JsonSchema } from '../route';

/**
 * OEE and downtime reads, and classifying a downtime (issue #16). "Now" is the running OEE
 * engine's live figures (the current shift so far, the open order, the last hour); shifts and
 * days are the closed shifts stored in the line's database, a day being its shifts' times and
 * counts summed, so no percentage is ever averaged.
 */
const identifier = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' };
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar day of the plant, YYYY-MM-DD' };
const dateTime = { type: 'string', format: 'date-time' };
export const MAX_OEE_LIMIT = 1000;

const ratio = { type: ['number', 'null'], minimum: 0, description: 'null when its denominator is zero' };
/** The figures of a window (lib/oee/totals.ts computeMetrics): times, counts, A, P, Q, OEE and the losses. */
const METRICS: Record<string, JsonSchema> = {
  times: { type: 'object', required: ['plannedSeconds', 'runSeconds', 'stopSeconds'], properties: { plannedSeconds: { type: 'number' }, runSeconds: { type: 'number' }, stopSeconds: { type: 'number' } } },
  counts: { type: 'object', required: ['total', 'good', 'reject'], properties: { total: { type: 'number' }, good: { type: 'number' }, reject: { type: 'number' } } },
  availability: ratio,
  performance: ratio,
  quality: ratio,
  oee: ratio,
  losses: { type: 'object' },
};
const METRIC_NAMES = ['times', 'counts', 'availability', 'performance', 'quality', 'oee', 'losses'];

const windowReport = (extra: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema => ({
  type: 'object',
  required: ['from', 'to', ...METRIC_NAMES, ...required],
  properties: { from: dateTime, to: dateTime, ...METRICS, topDowntimeReasons: { type: 'array', items: { type: 'object' } }, ...extra },
});
const shiftWindow = { anyOf: [{ type: 'null' }, windowReport({ id: { type: 'string' }, name: { type: 'string' }, day: { type: 'string' } }, ['id', 'name', 'day'])] };

const NOT_YET = 'null until the first machine signal';

const WORKSTATION_OEE: JsonSchema = {
  type: 'object',
  required: ['scope', 'line', 'workstation', 'time', 'state', 'shift', 'order', 'lastHour'],
  properties: {
    scope: { const: 'workstation' }, line: { type: 'string' }, workstation: { type: 'string' },
    time: { anyOf: [{ type: 'null' }, dateTime], description: NOT_YET },
    state: { anyOf: [{ type: 'null' }, { type: 'object', required: ['state', 'since'], properties: { state: { type: 'string' }, since: dateTime, reason: { type: ['string', 'null'] } } }], description: NOT_YET },
    product: { type: 'object' },
    shift: shiftWindow,
    order: { anyOf: [{ type: 'null' }, windowReport({ orderId: { type: ['string', 'null'] }, operationKey: { type: ['string', 'null'] } })] },
    lastHour: { anyOf: [{ type: 'null' }, windowReport()], description: NOT_YET },
  },
};

const LINE_OEE: JsonSchema = {
  type: 'object',
  required: ['scope', 'line', 'time', 'states', 'shift', 'lastHour'],
  properties: {
    scope: { const: 'line' }, line: { type: 'string' }, time: { anyOf: [{ type: 'null' }, dateTime], description: NOT_YET },
    states: { type: 'object', additionalProperties: { type: 'string' }, description: 'the machine state of each workstation that has signalled' },
    shift: shiftWindow,
    lastHour: { anyOf: [{ type: 'null' }, windowReport()], description: NOT_YET },
  },
};

const SHIFT_ROW: JsonSchema = {
  type: 'object',
  required: ['scope', 'subject', 'shiftId', 'shift', 'day', 'start', 'end', ...METRIC_NAMES, 'downtimeReasons'],
  properties: {
    scope: { enum: ['workstation', 'line'] }, subject: { type: 'string', description: 'the workstation, or the line' },
    shiftId: { type: 'string' }, shift: { type: 'string' }, day: { type: 'string' }, start: dateTime, end: dateTime, ...METRICS,
    downtimeReasons: { type: 'array', items: { type: 'object', required: ['reason', 'seconds', 'stops'], properties: { reason: { type: 'string' }, seconds: { type: 'number' }, stops: { type: 'integer' } } } },
  },
};

const DAY_ROW: JsonSchema = {
  type: 'object',
  required: ['scope', 'subject', 'day', 'shifts', ...METRIC_NAMES],
  properties: { scope: { enum: ['workstation', 'line'] }, subject: { type: 'string' }, day: { type: 'string' }, shifts: { type: 'array', items: { type: 'string' } }, ...METRICS },
};

const DOWNTIME_ROW: JsonSchema = {
  type: 'object',
  required: ['downtimeId', 'workstation', 'start', 'end', 'seconds', 'state', 'reason'],
  properties: {
    downtimeId: { type: 'string' }, workstation: { type: 'string' }, start: dateTime, end: { type: ['string', 'null'] }, seconds: { type: ['number', 'null'] },
    state: { type: 'string' }, faultCode: { type: ['string', 'null'] }, orderId: { type: ['string', 'null'] }, operationKey: { type: ['string', 'null'] },
    reason: { type: 'string', description: "the reason path, or 'unclassified'" }, classifiedBy: { type: ['string', 'null'] }, classifiedAt: { type: ['string', 'null'] },
  },
};

export const CLASSIFY_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: {
      description: "a reason of the plant's downtime reason tree: its path as text (Mechanical/Jam) or as a list of names",
      anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 64 } }],
    },
  },
};

const json = (schema: JsonSchema) => ({ 'application/json': schema });
const list = (key: string, items: JsonSchema): JsonSchema => ({ type: 'object', required: ['line', key], properties: { line: { type: 'string' }, [key]: { type: 'array', items } } });
const lineParam = { line: { schema: identifier, description: 'The line id of the plant model.', required: true } };
const workstationParam = { workstation: { schema: identifier, description: 'The workstation id of the plant model.', required: true } };
const ALL_ROLES = ['operator', 'integration', 'supervisor'] as const;
const range = {
  workstation: { schema: identifier, description: 'Only this workstation (without it: the line and each of its workstations).' },
  limit: { schema: { type: 'integer', minimum: 1, maximum: MAX_OEE_LIMIT }, description: 'At most this many rows (days for /days; default 100).' },
};

export const OEE_ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'getWorkstationOee',
    method: 'get',
    path: '/mes/v1/workstations/{workstation}/oee',
    tag: 'oee',
    summary: "A workstation's OEE now: its state, the current shift so far, the open order and the last hour",
    roles: ALL_ROLES,
    pathParams: workstationParam,
    responses: { 200: { description: 'The live figures of the running OEE engine.', content: json(WORKSTATION_OEE) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'getLineOee',
    method: 'get',
    path: '/mes/v1/lines/{line}/oee',
    tag: 'oee',
    summary: "A line's OEE now: every workstation's times and counts summed (never averaged)",
    roles: ALL_ROLES,
    pathParams: lineParam,
    responses: { 200: { description: 'The live figures of the line.', content: json(LINE_OEE) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'getOeeShifts',
    method: 'get',
    path: '/mes/v1/lines/{line}/oee/shifts',
    tag: 'oee',
    summary: 'OEE per closed shift, for the line and each workstation, with the downtime reasons of the shift',
    roles: ALL_ROLES,
    pathParams: lineParam,
    query: {
      ...range,
      day: { schema: day, description: 'Only the shifts of this day.' },
      shift: { schema: { type: 'string', minLength: 1, maxLength: 64 }, description: 'Only shifts of this name (Early, Late, …).' },
      from: { schema: dateTime, description: 'Only shifts that started at or after this time.' },
      to: { schema: dateTime, description: 'Only shifts that started before this time.' },
    },
    responses: { 200: { description: 'Newest shift first.', content: json(list('shifts', SHIFT_ROW)) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'getOeeDays',
    method: 'get',
    path: '/mes/v1/lines/{line}/oee/days',
    tag: 'oee',
    summary: 'OEE per day: the closed shifts of each day summed, for the line and each workstation',
    roles: ALL_ROLES,
    pathParams: lineParam,
    query: {
      ...range,
      from: { schema: day, description: 'First day (inclusive).' },
      to: { schema: day, description: 'Last day (inclusive).' },
    },
    responses: { 200: { description: 'Newest day first.', content: json(list('days', DAY_ROW)) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'getDowntime',
    method: 'get',
    path: '/mes/v1/lines/{line}/downtime',
    tag: 'downtime',
    summary: 'Downtimes of a line with their reasons and durations',
    roles: ALL_ROLES,
    pathParams: lineParam,
    query: {
      ...range,
      day: { schema: day, description: 'Only downtimes that fall in a shift of this day.' },
      shift: { schema: { type: 'string', minLength: 1, maxLength: 64 }, description: 'Only downtimes that fall in a shift of this name.' },
      from: { schema: dateTime, description: 'Only downtimes that started at or after this time.' },
      to: { schema: dateTime, description: 'Only downtimes that started before this time.' },
      unclassified: { schema: { type: 'boolean' }, description: 'true: only downtimes without a reason yet.' },
    },
    responses: { 200: { description: 'Newest downtime first.', content: json(list('downtime', DOWNTIME_ROW)) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'classifyDowntime',
    method: 'post',
    path: '/mes/v1/lines/{line}/downtime/{downtimeId}/classification',
    tag: 'downtime',
    summary: 'Give a downtime its reason from the reason tree',
    description: 'The caller (the token subject) is recorded as who classified it; a later classification replaces the reason and is recorded too.',
    roles: ALL_ROLES,
    pathParams: { ...lineParam, downtimeId: { schema: { type: 'string', minLength: 1, maxLength: 200 }, description: 'The downtime id (WS-1@2026-…).', required: true } },
    requestBody: { required: true, content: json(CLASSIFY_REQUEST_SCHEMA) },
    responses: { 200: { description: 'The oee.downtime.classified event.', content: json({ type: 'object', required: ['seq', 'eventId', 'type', 'payload'], properties: { seq: { type: 'integer' }, eventId: { type: 'string' }, type: { const: 'oee.downtime.classified' }, actor: { type: ['string', 'null'] }, payload: { type: 'object' } } }) } },
    errors: [400, 401, 403, 404, 413, 500, 503],
  },
];
