import type { ApiParameter, ApiRoute, JsonSchema } from '../route';

/*
 * The site server's endpoints over PostgreSQL (docs/site.md "Site views"). Parameters arrive as
 * strings (path and query); each route's request schema below is what the handler validates
 * with before lib/site's parseSiteQuery applies the rules across fields.
 */

const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const NAME = '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$';
const WHOLE = '^[0-9]{1,9}$';

const str = (pattern: string, description: string): ApiParameter => ({ schema: { type: 'string', pattern }, description });
const time = (description: string): ApiParameter => str(DATE_TIME, `${description}: an ISO 8601 date, or a time with its zone (2026-12-01T06:00:00Z)`);

const OEE_QUERY: Record<string, ApiParameter> = {
  level: { schema: { type: 'string', enum: ['line', 'area', 'site'] }, description: 'Sum per line (default), area or site.' },
  from: time('Start of the range (shifts that started at or after it); with `to`, unless `day` is given'),
  to: time('End of the range (exclusive)'),
  day: str('^\\d{4}-\\d{2}-\\d{2}$', 'A production day (2026-12-01): the shifts of that day, a night shift counted on the day it started.'),
  shift: str('^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$', 'A shift name of the calendar (early, late, night): only those shifts.'),
};
const LOSSES_QUERY: Record<string, ApiParameter> = {
  from: { ...time('Start of the range'), required: true },
  to: { ...time('End of the range (exclusive)'), required: true },
  limit: str(WHOLE, 'At most this many rows, largest first (1-1000, default 20).'),
};
const LINES_QUERY: Record<string, ApiParameter> = {
  lagSeconds: str(WHOLE, 'A line lags when its oldest unforwarded event is older than this (default 60).'),
  heartbeatSeconds: str(WHOLE, 'A line lags when its forwarder was not heard from for this long (default 60).'),
};
const AUDIT_QUERY: Record<string, ApiParameter> = {
  orderId: str(NAME, 'Events of this order.'),
  workstation: str(NAME, 'Events at this workstation.'),
  actor: { schema: { type: 'string', minLength: 1, maxLength: 200 }, description: 'Events recorded by this actor.' },
  from: time('Events at or after this time'),
  to: time('Events before this time'),
  limit: str(WHOLE, 'At most this many events (1-10000, default 1000).'),
};
const LOT_PARAM: Record<string, ApiParameter> = { lot: { ...str(NAME, 'The lot or serial.'), required: true } };

/** The object the handler validates: path parameters and query parameters together, nothing else. */
export function requestSchema(route: ApiRoute): JsonSchema {
  const all = { ...route.pathParams, ...route.query };
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(all).map(([name, p]) => [name, p.schema])),
    required: Object.entries(all).filter(([name, p]) => p.required || route.pathParams?.[name] !== undefined).map(([name]) => name),
    additionalProperties: false,
  };
}

const nullableNumber = { type: ['number', 'null'] };
const OEE_ROW: JsonSchema = {
  type: 'object',
  required: ['site', 'area', 'line', 'shifts', 'times', 'counts', 'availability', 'performance', 'quality', 'oee'],
  properties: {
    site: { type: 'string' }, area: { type: ['string', 'null'] }, line: { type: ['string', 'null'] }, shifts: { type: 'integer' },
    times: { type: 'object', additionalProperties: { type: 'number' } },
    counts: { type: 'object', additionalProperties: { type: 'number' } },
    availability: nullableNumber, performance: nullableNumber, quality: nullableNumber, oee: nullableNumber,
  },
};
const NODE = { type: 'object', required: ['kind', 'id'], properties: { kind: { type: 'string' }, id: { type: 'string' } } };
const TRACE_LINK: JsonSchema = {
  type: 'object',
  required: ['level', 'relation', 'from', 'to', 'line', 'eventTime', 'eventId'],
  properties: { level: { type: 'integer' }, relation: { type: 'string' }, from: NODE, to: NODE, line: { type: 'string' }, eventTime: { type: 'string' }, eventId: { type: 'string' } },
};
export const SITE_RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  siteOee: { type: 'array', items: OEE_ROW },
  siteLosses: {
    type: 'array',
    items: { type: 'object', required: ['line', 'category', 'reason', 'seconds'], properties: { line: { type: 'string' }, category: { type: 'string', enum: ['stop', 'speed', 'quality'] }, reason: { type: 'string' }, seconds: { type: 'number' } } },
  },
  siteLines: {
    type: 'array',
    items: {
      type: 'object',
      required: ['site', 'line', 'lastSeq', 'forwardedSeq', 'eventsBehind', 'secondsBehind', 'heartbeatAt', 'heartbeatAgeSeconds', 'lagging'],
      properties: { site: { type: 'string' }, line: { type: 'string' }, eventsBehind: { type: 'integer' }, secondsBehind: { type: 'number' }, heartbeatAgeSeconds: { type: 'number' }, lagging: { type: 'boolean' } },
    },
  },
  siteTrace: { type: 'object', required: ['lot', 'direction', 'links'], properties: { lot: { type: 'string' }, direction: { type: 'string', enum: ['backward', 'forward'] }, links: { type: 'array', items: TRACE_LINK } } },
  siteRecall: {
    type: 'object',
    required: ['lot', 'affected', 'orders', 'lines', 'links'],
    properties: { lot: { type: 'string' }, affected: { type: 'array', items: NODE }, orders: { type: 'array', items: { type: 'string' } }, lines: { type: 'array', items: { type: 'string' } }, links: { type: 'array', items: TRACE_LINK } },
  },
  siteOrder: {
    type: 'object',
    required: ['orderId', 'order', 'operations'],
    properties: {
      orderId: { type: 'string' },
      order: { type: ['object', 'null'] },
      operations: {
        type: 'array',
        items: { type: 'object', required: ['operationKey', 'line', 'state'], properties: { operationKey: { type: 'string' }, line: { type: 'string' }, state: { type: 'string' }, workCenter: { type: ['string', 'null'] } } },
      },
    },
  },
  siteAudit: {
    type: 'array',
    items: { type: 'object', required: ['line', 'seq', 'eventId', 'eventTime', 'type', 'actor'], properties: { line: { type: 'string' }, seq: { type: 'integer' }, eventId: { type: 'string' }, type: { type: 'string' }, actor: { type: ['string', 'null'] } } },
  },
};

const ok = (operationId: string, description: string) => ({
  200: { description, content: { 'application/json': SITE_RESPONSE_SCHEMAS[operationId] } },
  // Not among the builder's shared error answers: the server runs without MES_SITE_API_TOKEN.
  503: { description: 'MES_SITE_API_TOKEN is not set: every request is refused ({error: notConfigured, errors}).' },
});
const ERRORS = [400, 401, 500] as const;

/** Routes of this family (see lib/api/route.ts). */
export const SITE_ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'siteOee', method: 'get', path: '/mes/v1/site/oee', tag: 'site', roles: ['supervisor'],
    summary: 'OEE per line, area or site for a range, a day or a shift',
    description: 'Times and counts of the shift summaries summed, then A, P, Q and OEE of the sums; percentages are never averaged.',
    query: OEE_QUERY, responses: ok('siteOee', 'One row per line, area or site.'), errors: ERRORS,
  },
  {
    operationId: 'siteLosses', method: 'get', path: '/mes/v1/site/losses', tag: 'site', roles: ['supervisor'],
    summary: 'The largest stop, speed and quality losses, in seconds per line and reason',
    query: LOSSES_QUERY, responses: ok('siteLosses', 'Largest first.'), errors: ERRORS,
  },
  {
    operationId: 'siteLines', method: 'get', path: '/mes/v1/site/lines', tag: 'site', roles: ['supervisor'],
    summary: "Each line's forwarder lag and heartbeat, the lagging ones flagged",
    query: LINES_QUERY, responses: ok('siteLines', 'One row per forwarding line.'), errors: ERRORS,
  },
  {
    operationId: 'siteTrace', method: 'get', path: '/mes/v1/site/trace/{direction}/{lot}', tag: 'site', roles: ['supervisor'],
    summary: 'Backward or forward trace of a lot or serial across lines',
    pathParams: { direction: { schema: { type: 'string', enum: ['backward', 'forward'] }, description: 'backward: what went in; forward: where it went.', required: true }, ...LOT_PARAM },
    responses: ok('siteTrace', 'The links, by generation.'), errors: ERRORS,
  },
  {
    operationId: 'siteRecall', method: 'get', path: '/mes/v1/site/recall/{lot}', tag: 'site', roles: ['supervisor'],
    summary: 'Recall of a suspect lot: the lots, serials, orders and lines it reached',
    pathParams: LOT_PARAM, responses: ok('siteRecall', 'What to recall.'), errors: ERRORS,
  },
  {
    operationId: 'siteOrder', method: 'get', path: '/mes/v1/site/orders/{orderId}', tag: 'site', roles: ['supervisor'],
    summary: 'Status of an order with its operations on every line',
    pathParams: { orderId: { ...str(NAME, 'The production order.'), required: true } },
    responses: ok('siteOrder', 'The order and its operations; order null when the site has not received it.'), errors: ERRORS,
  },
  {
    operationId: 'siteAudit', method: 'get', path: '/mes/v1/site/audit', tag: 'site', roles: ['supervisor'],
    summary: 'The audit trail of every line by order, workstation, actor and time range',
    query: AUDIT_QUERY, responses: ok('siteAudit', 'Events by event time.'), errors: ERRORS,
  },
];
