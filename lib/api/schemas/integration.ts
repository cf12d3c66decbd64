import type { JsonSchema } from '../route';
import { namedSchema } from '../schema-names';

/**
 * Response schemas of the integration routes, written from what the code answers
 * (lib/orders/intake.ts getOrderProgress, lib/genealogy/trace.ts, the exports). Named ones become
 * components/schemas entries of the OpenAPI document.
 */

const nullableString: JsonSchema = { type: ['string', 'null'] };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const nullableDateTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
const unitQuantity: JsonSchema = {
  type: 'object', required: ['value', 'unit'], properties: { value: { type: 'number' }, unit: { type: 'string' } },
};

export const ORDER_ACCEPTED_SCHEMA = namedSchema('OrderAccepted', {
  type: 'object',
  required: ['status', 'orderId', 'revision', 'eventSeq'],
  properties: {
    status: { enum: ['created', 'updated', 'unchanged'] },
    orderId: { type: 'string' },
    revision: { type: 'integer', minimum: 1 },
    eventSeq: { type: ['integer', 'null'], description: 'Sequence number of the event the change appended; null when nothing changed.' },
  },
});

export const ORDER_CANCELLED_SCHEMA = namedSchema('OrderCancelled', {
  type: 'object',
  required: ['status', 'orderId', 'eventSeq'],
  properties: {
    status: { enum: ['cancelled', 'unchanged'] },
    orderId: { type: 'string' },
    eventSeq: { type: ['integer', 'null'] },
  },
});

const OPERATION_PROGRESS_SCHEMA = namedSchema('OperationProgress', {
  type: 'object',
  required: ['key', 'sequence', 'workCenter', 'state', 'workstation', 'plannedQuantity', 'goodQuantity', 'scrapQuantity', 'reworkQuantity', 'inputQuantity', 'wip', 'startedAt', 'completedAt'],
  properties: {
    key: { type: 'string' },
    sequence: { type: 'integer' },
    workCenter: { type: 'string' },
    state: { enum: ['pending', 'queued', 'setup', 'running', 'paused', 'held', 'completed', 'cancelled'] },
    workstation: nullableString,
    plannedQuantity: unitQuantity,
    goodQuantity: { type: 'number' },
    scrapQuantity: { type: 'number' },
    reworkQuantity: { type: 'number' },
    inputQuantity: { type: 'number', description: "Units delivered to the operation: the previous operation's good output (the first: its planned quantity)." },
    wip: { type: 'number', description: 'Units at the operation not yet reported good or scrap.' },
    startedAt: nullableDateTime,
    completedAt: nullableDateTime,
  },
});

export const ORDER_PROGRESS_SCHEMA = namedSchema('OrderProgress', {
  type: 'object',
  required: ['orderId', 'erpReference', 'status', 'revision', 'plant', 'material', 'quantity', 'produced', 'progress', 'priority', 'scheduledStart', 'scheduledEnd', 'createdAt', 'updatedAt', 'operations'],
  properties: {
    orderId: { type: 'string' },
    erpReference: nullableString,
    status: { enum: ['released', 'in_progress', 'completed', 'cancelled'] },
    revision: { type: 'integer', minimum: 1 },
    plant: { type: 'string' },
    material: { type: 'string' },
    quantity: unitQuantity,
    produced: unitQuantity,
    progress: { type: 'number', minimum: 0, description: 'produced / ordered; above 1 on overrun.' },
    priority: { type: 'number' },
    scheduledStart: { type: 'string' },
    scheduledEnd: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    operations: { type: 'array', items: OPERATION_PROGRESS_SCHEMA },
  },
});

const LOT_INFO_SCHEMA = namedSchema('LotInfo', {
  type: 'object',
  required: ['lot', 'kind', 'material', 'quantity', 'onHand', 'unit', 'status', 'origin', 'orderId', 'operationKey', 'workstation', 'actor', 'eventTime', 'blockedBy', 'blockReason', 'blockedAt'],
  properties: {
    lot: { type: 'string' },
    kind: { enum: ['lot', 'serial'] },
    material: { type: 'string' },
    quantity: { type: 'number', description: 'Everything that ever went into the lot.' },
    onHand: { type: 'number', description: 'What it holds now.' },
    unit: { type: 'string' },
    status: { enum: ['released', 'blocked'] },
    origin: { enum: ['received', 'produced', 'split', 'merged'] },
    orderId: nullableString,
    operationKey: nullableString,
    workstation: nullableString,
    actor: nullableString,
    eventTime: nullableString,
    blockedBy: nullableString,
    blockReason: nullableString,
    blockedAt: nullableString,
  },
});

const TRACE_END_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['kind', 'id', 'material'],
  properties: { kind: { enum: ['lot', 'serial', 'order', 'material'] }, id: { type: 'string' }, material: nullableString },
};

export const TRACE_RESULT_SCHEMA = namedSchema('TraceResult', {
  type: 'object',
  required: ['direction', 'lot', 'links', 'lots', 'orders'],
  properties: {
    direction: { enum: ['backward', 'forward'] },
    lot: LOT_INFO_SCHEMA,
    links: {
      type: 'array',
      items: {
        type: 'object',
        required: ['level', 'relation', 'from', 'to', 'quantity', 'unit', 'orderId', 'operationKey', 'workstation', 'actor', 'eventTime', 'backflush', 'eventSeq'],
        properties: {
          level: { type: 'integer', minimum: 1 },
          relation: { enum: ['consumed', 'produced', 'split', 'merged'] },
          from: TRACE_END_SCHEMA,
          to: TRACE_END_SCHEMA,
          quantity: { type: 'number' },
          unit: { type: 'string' },
          orderId: nullableString,
          operationKey: nullableString,
          workstation: nullableString,
          actor: nullableString,
          eventTime: { type: 'string' },
          backflush: { type: 'boolean' },
          eventSeq: { type: 'integer' },
        },
      },
    },
    lots: { type: 'array', items: LOT_INFO_SCHEMA },
    orders: { type: 'array', items: { type: 'string' } },
  },
});

export const RECALL_REPORT_SCHEMA = namedSchema('RecallReport', {
  type: 'object',
  required: ['lot', 'finished', 'affected', 'inStock', 'orders', 'links'],
  properties: {
    lot: LOT_INFO_SCHEMA,
    finished: { type: 'array', items: LOT_INFO_SCHEMA },
    affected: { type: 'array', items: LOT_INFO_SCHEMA },
    inStock: { type: 'array', items: LOT_INFO_SCHEMA },
    orders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['orderId', 'erpReference', 'material', 'status'],
        properties: { orderId: { type: 'string' }, erpReference: nullableString, material: nullableString, status: nullableString },
      },
    },
    links: { type: 'integer', minimum: 0 },
  },
});

/** The OpenAPI document itself is answered as an object; its full shape is the OpenAPI 3.1 schema. */
export const OPENAPI_DOCUMENT_SCHEMA: JsonSchema = {
  type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
};

export { dateTime, nullableDateTime };
