// The very objects lib/orders/validate.ts compiles (one JSON module, loaded once; the cancel
// request with the signature schema of lib/compliance).
import PRODUCTION_ORDER_SCHEMA from '../../../schemas/production-order.schema.json';
import { CANCEL_REQUEST_SCHEMA } from '../../orders/validate';
import { DOCS_ASSETS } from '../docs-page';
import { EXPORT_FORMATS, EXPORT_TEXT_LIMIT, IDENTIFIER_PATTERN } from '../../exports/filters';
import { namedSchema } from '../schema-names';
import type { ApiParameter, ApiResponseSpec, ApiRole, ApiRoute, JsonSchema } from '../route';
import { ORDER_ACCEPTED_SCHEMA, ORDER_CANCELLED_SCHEMA, ORDER_PROGRESS_SCHEMA, OPENAPI_DOCUMENT_SCHEMA, RECALL_REPORT_SCHEMA, TRACE_RESULT_SCHEMA } from '../schemas/integration';

// The request schemas are the validators' own objects, named for components/schemas.
namedSchema('ProductionOrder', PRODUCTION_ORDER_SCHEMA);
namedSchema('CancelRequest', CANCEL_REQUEST_SCHEMA);

const ANY_ROLE: readonly ApiRole[] = ['operator', 'supervisor', 'integration'];
const JSON_TYPE = 'application/json';
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const attachment = {
  'Content-Disposition': { description: 'On a file (CSV, XLSX): attachment; filename="…", a name of letters, digits and ._- only.', schema: { type: 'string' } },
};

// Order ids and lot numbers follow the order schema's identifier rule (the APIs check the same).
const IDENTIFIER = PRODUCTION_ORDER_SCHEMA.definitions.identifier;
const orderIdParam: ApiParameter = {
  description: "The order's id (1-64 letters, digits or ._:/- starting with a letter or digit; URL-encode a /).",
  schema: IDENTIFIER,
};
const lotParam: ApiParameter = {
  description: 'Lot or serial number (1-64 letters, digits or ._:/- starting with a letter or digit).',
  schema: IDENTIFIER,
};
const actorHeader = 'An optional `X-MES-Actor` header names the person behind the token; it is recorded as `<role>:<actor>`.';

/** The order API: served by the mes-order-intake node of the "Order API" tab. */
const ORDER_ROUTES: ApiRoute[] = [
  {
    operationId: 'submitOrder', method: 'post', path: '/mes/v1/orders', tag: 'orders',
    summary: 'Create or replace a production order',
    description: `Idempotent by orderId: the same document again answers 200 \`unchanged\`; a changed one before the start replaces it (\`updated\`). ${actorHeader}`,
    roles: ['integration', 'supervisor'],
    requestBody: { required: true, content: { [JSON_TYPE]: PRODUCTION_ORDER_SCHEMA } },
    responses: {
      201: { description: 'Created.', content: { [JSON_TYPE]: ORDER_ACCEPTED_SCHEMA }, headers: { Location: { description: 'The URL of the new order.', schema: { type: 'string' } } } },
      200: { description: 'Replaced (`updated`) or the same document again (`unchanged`).', content: { [JSON_TYPE]: ORDER_ACCEPTED_SCHEMA } },
    },
    errors: [400, 401, 409, 411, 413, 503],
  },
  {
    operationId: 'getOrder', method: 'get', path: '/mes/v1/orders/{orderId}', tag: 'orders',
    summary: "An order's status and progress, per operation",
    roles: ['integration', 'supervisor'],
    pathParams: { orderId: orderIdParam },
    responses: { 200: { description: 'The order as the MES runs it.', content: { [JSON_TYPE]: ORDER_PROGRESS_SCHEMA } } },
    errors: [400, 401, 404, 503],
  },
  {
    operationId: 'cancelOrder', method: 'post', path: '/mes/v1/orders/{orderId}/cancel', tag: 'orders',
    summary: 'Cancel a production order',
    description: `A running order is cancelled only with \`force\` and the supervisor token; otherwise 409. ${actorHeader}`,
    roles: ['integration', 'supervisor'],
    pathParams: { orderId: orderIdParam },
    requestBody: { required: true, content: { [JSON_TYPE]: CANCEL_REQUEST_SCHEMA } },
    responses: { 200: { description: 'Cancelled, or already cancelled (`unchanged`).', content: { [JSON_TYPE]: ORDER_CANCELLED_SCHEMA } } },
    errors: [400, 401, 404, 409, 411, 413, 503],
  },
];

const traceFormat: ApiParameter = { description: 'json (default) or csv.', schema: { enum: ['json', 'csv'], default: 'json' } };

function traceRoute(direction: 'backward' | 'forward' | 'recall', summary: string, schema: JsonSchema): ApiRoute {
  const name = direction[0].toUpperCase() + direction.slice(1);
  return {
    operationId: `trace${name}`, method: 'get', path: `/mes/v1/trace/${direction}/{lot}`, tag: 'traceability', summary,
    roles: ['integration'],
    pathParams: { lot: lotParam },
    query: { format: traceFormat },
    responses: { 200: { description: 'The trace, as JSON or CSV (text in formula position is prefixed with an apostrophe).', content: { [JSON_TYPE]: schema, [CSV]: { type: 'string' } }, headers: attachment } },
    errors: [400, 401, 404, 503],
  };
}

/** The trace API: served by the mes-genealogy node of the "Traceability" tab. */
const TRACE_ROUTES: ApiRoute[] = [
  traceRoute('backward', 'Where a lot or serial came from: every input, down to the received lots', TRACE_RESULT_SCHEMA),
  traceRoute('forward', 'Where a lot or serial went: everything made from it', TRACE_RESULT_SCHEMA),
  traceRoute('recall', 'A recall report for a component lot: finished goods, stock and orders it reached', RECALL_REPORT_SCHEMA),
];

/** The document and the reference page (handlers/integration.ts, served by the mes-api node). */
const DOC_ROUTES: ApiRoute[] = [
  {
    operationId: 'getOpenApiDocument', method: 'get', path: '/mes/v1/openapi.json', tag: 'reference',
    summary: 'This OpenAPI 3.1 document', roles: ANY_ROLE,
    responses: { 200: { description: 'The document of every endpoint the line serves.', content: { [JSON_TYPE]: OPENAPI_DOCUMENT_SCHEMA } } },
    errors: [401, 403],
  },
  {
    operationId: 'getApiDocsPage', method: 'get', path: '/mes/v1/docs', tag: 'reference',
    summary: 'The API reference page (Swagger UI)',
    description: 'A static page with no MES data: it asks for a bearer token and loads the document with it (see docs/api.md). The page and its assets need no token, everything they show does.',
    roles: [],
    responses: { 200: { description: 'The page.', content: { 'text/html': { type: 'string' } } } },
    errors: [],
  },
  {
    operationId: 'getApiDocsAsset', method: 'get', path: '/mes/v1/docs/{asset}', tag: 'reference',
    summary: 'A file of the reference page (from the installed swagger-ui-dist package)',
    roles: [],
    pathParams: { asset: { description: 'One of the files the page needs.', schema: { enum: Object.keys(DOCS_ASSETS) } } },
    responses: { 200: { description: 'The file.', content: { 'application/javascript': { type: 'string' }, 'text/css': { type: 'string' }, 'image/png': { type: 'string', contentMediaType: 'image/png' } } } },
    errors: [404],
  },
];

const text = (description: string): ApiParameter => ({ description, schema: { type: 'string', pattern: IDENTIFIER_PATTERN.source, maxLength: EXPORT_TEXT_LIMIT } });
const EXPORT_FILTERS: Record<string, ApiParameter> = {
  format: { description: 'csv (default) or xlsx.', schema: { enum: [...EXPORT_FORMATS], default: 'csv' } },
  from: { description: 'Start of the time range (inclusive), ISO 8601 with a time zone.', schema: { type: 'string', format: 'date-time' } },
  to: { description: 'End of the time range (exclusive), ISO 8601 with a time zone; not before `from`.', schema: { type: 'string', format: 'date-time' } },
  workstation: text('Only this workstation (it must be one of the plant).'),
};

function exportRoute(operationId: string, name: string, summary: string, description: string, query: Record<string, ApiParameter>): ApiRoute {
  const file: ApiResponseSpec = {
    description: 'The table as CSV (RFC 4180, header row) or XLSX (one sheet, header row frozen). Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe; numbers stay numbers.',
    content: { [CSV]: { type: 'string' }, [XLSX]: { type: 'string', contentMediaType: XLSX } },
    headers: attachment,
  };
  return {
    operationId, method: 'get', path: `/mes/v1/exports/${name}`, tag: 'exports', summary, description,
    roles: ['supervisor', 'integration'], query, responses: { 200: file }, errors: [400, 401, 403],
  };
}

const EXPORT_ROUTES: ApiRoute[] = [
  exportRoute('exportShiftHistory', 'shift-history', 'Shift history: OEE per shift and workstation (and the line)',
    "One row per shift and subject: times (seconds) and counts, and A, P, Q and OEE computed from those sums.",
    { ...EXPORT_FILTERS, line: text('Only this line.') }),
  exportRoute('exportDowntime', 'downtime', 'Downtime intervals with their reason',
    'One row per downtime interval that starts in the range: times, machine state, fault code, order, reason code and label, who classified it.',
    { ...EXPORT_FILTERS, line: text('Only this line.') }),
  exportRoute('exportAuditTrail', 'audit-trail', 'The audit trail: every event of the log, who did what, when',
    'One row per event, in log order (seq), by event time in the range. Streams, so a large range does not fill memory.',
    { ...EXPORT_FILTERS, orderId: { description: 'Only events of this order.', schema: IDENTIFIER },
      actor: { description: 'Only events recorded by this actor.', schema: { type: 'string', minLength: 1, maxLength: EXPORT_TEXT_LIMIT } },
      type: { description: 'Only events of this type, e.g. dispatch.operation.started.', schema: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,99}$' } } }),
];

/** Routes of this family (see lib/api/route.ts). */
export const INTEGRATION_ROUTES: readonly ApiRoute[] = [...ORDER_ROUTES, ...TRACE_ROUTES, ...DOC_ROUTES, ...EXPORT_ROUTES];

/**
 * Operations that keep being served by their own nodes and http in nodes of the shipped flows
 * (tabs "Order API" and "Traceability"), not by the mes-api node: they are documented here only.
 */
export const NODE_SERVED_OPERATIONS: ReadonlySet<string> = new Set([...ORDER_ROUTES, ...TRACE_ROUTES].map((r) => r.operationId));
