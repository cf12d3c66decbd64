import { COMMAND_SCHEMAS, OPERATOR_COMMANDS, SUPERVISOR_COMMANDS, type DispatchCommandType } from '../../dispatch/commands';
import genealogySchema from '../../../schemas/genealogy-command.schema.json';
import type { ApiRoute, JsonSchema } from '../route';

/**
 * Shop-floor commands, queue reads and the event feed (issue #16). The command bodies are the
 * dispatch command schemas (lib/dispatch/commands.ts) with a `command` discriminator; the path
 * fills `workstation`, the server fills `eventTime` (when absent), `supervisor` (the token's
 * subject when absent) and `via`.
 */
const FILLED_BY_SERVER = new Set(['workstation', 'eventTime', 'supervisor']);

function commandBody(type: DispatchCommandType): JsonSchema {
  const schema = COMMAND_SCHEMAS[type];
  // `via` is the MES's record of the channel, never the caller's to set.
  const properties = Object.fromEntries(Object.entries(schema.properties).filter(([name]) => name !== 'via'));
  return {
    ...schema,
    title: type,
    properties: { command: { const: type }, ...properties },
    required: ['command', ...schema.required.filter((name) => !FILLED_BY_SERVER.has(name))],
  };
}

// Qualification commands (grant, renew, revoke) are managed on mes-dispatch, not over this route.
export const COMMAND_TYPES = [...OPERATOR_COMMANDS, ...SUPERVISOR_COMMANDS].filter((type): type is DispatchCommandType => type in COMMAND_SCHEMAS);
/** Commands only the supervisor role may send. */
export const SUPERVISOR_ONLY: ReadonlySet<string> = new Set<string>(SUPERVISOR_COMMANDS);

const defs = genealogySchema.definitions;
/**
 * A lot or serial scanned at the workstation for its operation: a consumption in genealogy, with
 * the same rules as the terminal's lot scan (lib/genealogy consume), the operator as its actor.
 */
export const SCAN_LOT_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'scan-lot',
  additionalProperties: false,
  required: ['command', 'commandId', 'operator', 'orderId', 'operationKey', 'quantity', 'unit'],
  properties: {
    command: { const: 'scan-lot' },
    commandId: COMMAND_SCHEMAS.start.properties.commandId,
    eventTime: COMMAND_SCHEMAS.start.properties.eventTime,
    workstation: COMMAND_SCHEMAS.start.properties.workstation,
    operator: COMMAND_SCHEMAS.start.properties.operator,
    orderId: defs.identifier,
    operationKey: defs.identifier,
    lot: { ...defs.identifier, description: 'the lot scanned (or serial)' },
    serial: defs.identifier,
    material: { ...defs.identifier, description: 'needed only when no lot or serial is given' },
    quantity: defs.positiveNumber,
    unit: defs.unit,
    into: { ...defs.identifier, description: 'an output lot or serial of the same order the input goes into' },
  },
};
export const SCAN_LOT = 'scan-lot';

export const COMMAND_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['command'],
  properties: { command: { enum: [...COMMAND_TYPES, SCAN_LOT] } },
  oneOf: [...COMMAND_TYPES.map(commandBody), SCAN_LOT_SCHEMA],
};

const identifier = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' };
const workstationParam = { workstation: { schema: identifier, description: 'The workstation id of the plant model.', required: true } };

const EVENT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['seq', 'eventId', 'eventTime', 'recordedTime', 'type', 'orderId', 'operationKey', 'workstation', 'actor', 'payload'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    eventId: { type: 'string' },
    eventTime: { type: 'string', format: 'date-time' },
    recordedTime: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    orderId: { type: ['string', 'null'] },
    operationKey: { type: ['string', 'null'] },
    workstation: { type: ['string', 'null'] },
    actor: { type: ['string', 'null'] },
    payload: { type: 'object' },
  },
};

const OUTCOME_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['commandId', 'command', 'duplicate', 'events', 'workstations'],
  properties: {
    commandId: { type: 'string' },
    command: { enum: [...COMMAND_TYPES] },
    duplicate: { type: 'boolean', description: 'true when this command id was answered before: the stored answer, no new event' },
    orderId: { type: 'string' },
    operationKey: { type: 'string' },
    workstation: { type: 'string' },
    state: { type: 'string' },
    events: { type: 'array', items: EVENT_SCHEMA },
    workstations: { type: 'array', items: { type: 'string' } },
    workInstructions: {},
    dueChecks: { type: 'array', items: { type: 'object' } },
  },
};

const SCAN_OUTCOME_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['commandId', 'command', 'duplicate', 'status', 'lots', 'events'],
  properties: {
    commandId: { type: 'string' },
    command: { const: SCAN_LOT },
    duplicate: { type: 'boolean' },
    status: { enum: ['recorded', 'unchanged'] },
    lots: { type: 'array', items: { type: 'object', required: ['lot'], properties: { lot: { type: 'string' }, onHand: { type: 'number' }, unit: { type: 'string' } } } },
    events: { type: 'array', items: EVENT_SCHEMA },
  },
};

const SNAPSHOT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['workstation', 'name', 'site', 'area', 'line', 'workCenters', 'operators', 'current', 'queue'],
  properties: {
    workstation: { type: 'string' },
    name: { type: 'string' },
    site: { type: 'string' },
    area: { type: 'string' },
    line: { type: 'string' },
    workCenters: { type: 'array', items: { type: 'string' } },
    operators: { type: 'array', items: { type: 'string' } },
    current: { type: 'array', items: { type: 'object' } },
    queue: { type: 'array', items: { type: 'object' } },
  },
};

export const EVENT_TYPE_FILTER = '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*(\\.\\*)?$';
export const MAX_FEED_LIMIT = 1000;

const json = (schema: JsonSchema) => ({ 'application/json': schema });

export const SHOPFLOOR_ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'postWorkstationCommand',
    method: 'post',
    path: '/mes/v1/workstations/{workstation}/commands',
    tag: 'shop floor',
    summary: 'Send an operator or supervisor command to a workstation',
    description: 'The same rules, idempotent command ids and replies as the operator terminal. hold, release and resequence need the supervisor role. scan-lot books a scanned lot or serial to the operation (genealogy); the operator must be signed on at the workstation.',
    roles: ['operator', 'integration', 'supervisor'],
    pathParams: workstationParam,
    requestBody: { required: true, content: json(COMMAND_REQUEST_SCHEMA) },
    responses: { 200: { description: 'The dispatch outcome, or for scan-lot the genealogy outcome (a repeated commandId: the first answer, duplicate true).', content: json({ oneOf: [OUTCOME_SCHEMA, SCAN_OUTCOME_SCHEMA] }) } },
    errors: [400, 401, 403, 404, 409, 413, 500, 503],
  },
  {
    operationId: 'getWorkstationQueue',
    method: 'get',
    path: '/mes/v1/workstations/{workstation}/queue',
    tag: 'shop floor',
    summary: "A workstation's queue and current operations",
    roles: ['operator', 'integration', 'supervisor'],
    pathParams: workstationParam,
    responses: { 200: { description: 'The dispatch snapshot of the workstation.', content: json(SNAPSHOT_SCHEMA) } },
    errors: [400, 401, 403, 404, 500, 503],
  },
  {
    operationId: 'getEvents',
    method: 'get',
    path: '/mes/v1/events',
    tag: 'event feed',
    summary: 'The event log after a sequence number (change-data capture, audit trail)',
    description: 'Pass `next` of one page as `after` of the next: paging by seq never skips or repeats an event, also while events are written.',
    roles: ['integration', 'supervisor'],
    query: {
      after: { schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, description: 'Only events with a greater seq (default 0).' },
      limit: { schema: { type: 'integer', minimum: 1, maximum: MAX_FEED_LIMIT }, description: 'At most this many events (default 100).' },
      type: { schema: { type: 'string', maxLength: 100, pattern: EVENT_TYPE_FILTER }, description: 'An event type, or a prefix ending in .* (operation.*).' },
      orderId: { schema: identifier, description: 'Only events of this order.' },
    },
    responses: {
      200: {
        description: 'A page of events, oldest first.',
        content: json({
          type: 'object',
          required: ['events', 'next', 'hasMore'],
          properties: {
            events: { type: 'array', items: EVENT_SCHEMA },
            next: { type: 'integer', minimum: 0, description: 'The seq to pass as after for the next page.' },
            hasMore: { type: 'boolean' },
          },
        }),
      },
    },
    errors: [400, 401, 403, 500],
  },
];
