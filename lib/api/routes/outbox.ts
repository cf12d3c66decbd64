import { SIGNATURE_INPUT_SCHEMA } from '../../compliance/signed-actions';
import type { ApiRoute, JsonSchema } from '../route';

/**
 * The ERP outbox's quarantine over HTTP (issue #16): actuals the ERP refused for good wait there,
 * blocking the later actuals of their order, until a supervisor retries them (after fixing the
 * cause in the ERP) or discards them (the ERP will never get that actual, so the reason is kept
 * and, where the plant requires it, a signature).
 */
const eventId = { type: 'string', format: 'uuid' };
const outboxName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' };
const outboxQuery = { outbox: { schema: outboxName, description: 'The outbox (its name on the mes-erp-outbox node); needed only when more than one runs.' } };
const eventParam = { eventId: { schema: eventId, description: 'The event id of the quarantined actual (its idempotency key at the ERP).', required: true } };

export const RETRY_REQUEST_SCHEMA: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

export const DISCARD_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'Why the ERP will never get this actual (kept with the discard).' },
    signature: SIGNATURE_INPUT_SCHEMA,
  },
};

const MESSAGE: JsonSchema = {
  type: 'object',
  required: ['eventId', 'seq', 'type', 'orderId', 'attempts', 'enqueuedAt', 'quarantinedAt', 'erpStatus', 'erpMessage'],
  properties: {
    eventId, seq: { type: 'integer' }, type: { type: 'string' }, orderId: { type: ['string', 'null'] }, attempts: { type: 'integer' },
    enqueuedAt: { type: 'string' }, quarantinedAt: { type: ['string', 'null'] },
    erpStatus: { type: ['string', 'null'], description: "the ERP's HTTP status, or what went wrong before sending (mapping)" },
    erpMessage: { type: ['string', 'null'], description: "the ERP's own message" },
  },
};

const METRICS: JsonSchema = { type: 'object', required: ['outbox', 'queueDepth', 'quarantined'], properties: { outbox: { type: 'string' }, queueDepth: { type: 'integer' }, quarantined: { type: 'integer' } } };

const json = (schema: JsonSchema) => ({ 'application/json': schema });

export const OUTBOX_ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'getQuarantine',
    method: 'get',
    path: '/mes/v1/outbox/quarantine',
    tag: 'erp outbox',
    summary: 'Actuals the ERP refused for good, with its answer, oldest first',
    roles: ['supervisor', 'integration'],
    query: outboxQuery,
    responses: { 200: { description: 'The quarantine of the outbox.', content: json({ type: 'object', required: ['outbox', 'messages', 'metrics'], properties: { outbox: { type: 'string' }, messages: { type: 'array', items: MESSAGE }, metrics: METRICS } }) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'retryQuarantined',
    method: 'post',
    path: '/mes/v1/outbox/quarantine/{eventId}/retry',
    tag: 'erp outbox',
    summary: 'Send a quarantined actual again (the same event id, so the ERP still sees it once)',
    roles: ['supervisor'],
    pathParams: eventParam,
    query: outboxQuery,
    requestBody: { required: false, content: json(RETRY_REQUEST_SCHEMA) },
    responses: { 200: { description: 'Back in the queue.', content: json({ type: 'object', required: ['retried', 'metrics'], properties: { retried: { type: 'integer' }, metrics: METRICS } }) } },
    errors: [400, 401, 403, 404, 409, 413, 500, 503],
  },
  {
    operationId: 'discardQuarantined',
    method: 'post',
    path: '/mes/v1/outbox/quarantine/{eventId}/discard',
    tag: 'erp outbox',
    summary: 'Give up a quarantined actual for good, with the reason (and a signature where the plant requires one)',
    description: "The order's later actuals flow again. Recorded as an outbox.discarded event with who and why.",
    roles: ['supervisor'],
    pathParams: eventParam,
    query: outboxQuery,
    requestBody: { required: true, content: json(DISCARD_REQUEST_SCHEMA) },
    responses: { 200: { description: 'Discarded.', content: json({ type: 'object', required: ['discarded', 'metrics'], properties: { discarded: eventId, metrics: METRICS } }) } },
    errors: [400, 401, 403, 404, 409, 413, 500, 503],
  },
];
