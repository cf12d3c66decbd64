/** A JSON Schema object (the shape lib/api/route.ts takes). */
type JsonSchema = Record<string, unknown>;

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const fromEvent = { seq: { type: 'integer' }, eventTime: { type: 'string' }, actor: nullable('string') };
const entry: JsonSchema = { type: 'object', required: ['seq', 'eventTime', 'type', 'summary'], properties: { ...fromEvent, type: { type: 'string' }, summary: { type: 'string' } } };
const quantity: JsonSchema = { type: ['object', 'null'], required: ['value', 'unit'], properties: { value: { type: 'number' }, unit: { type: 'string' } } };

/** The JSON of GET /mes/v1/orders/{orderId}/batch-record (lib/records/batch-record.ts BatchRecord). */
export const BATCH_RECORD_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['orderId', 'status', 'operations', 'deviations', 'signatures', 'summary', 'generatedAt', 'generatedBy'],
  properties: {
    orderId: { type: 'string' },
    erpReference: nullable('string'),
    plant: nullable('string'),
    material: nullable('string'),
    materialDescription: nullable('string'),
    quantity,
    revision: nullable('integer'),
    status: { enum: ['released', 'in_progress', 'completed', 'cancelled'] },
    scheduledStart: nullable('string'),
    scheduledEnd: nullable('string'),
    receivedAt: nullable('string'),
    startedAt: nullable('string'),
    completedAt: nullable('string'),
    operations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'state', 'workstations', 'operators', 'goodQuantity', 'scrapQuantity', 'reworkQuantity', 'checks', 'nonconformances', 'holds', 'consumed', 'produced'],
        properties: {
          key: { type: 'string' },
          sequence: nullable('integer'),
          description: nullable('string'),
          workCenter: nullable('string'),
          plannedQuantity: quantity,
          state: { type: 'string' },
          workstations: { type: 'array', items: { type: 'string' } },
          operators: { type: 'array', items: { type: 'object', required: ['actor', 'actions'], properties: { actor: { type: 'string' }, signedOnAt: nullable('string'), actions: { type: 'array', items: { type: 'string' } } } } },
          startedAt: nullable('string'),
          completedAt: nullable('string'),
          unit: nullable('string'),
          goodQuantity: { type: 'number' },
          scrapQuantity: { type: 'number' },
          reworkQuantity: { type: 'number' },
          scrapReasons: { type: 'array', items: { type: 'object', required: ['reason', 'quantity'], properties: { reason: { type: 'string' }, quantity: { type: 'number' } } } },
          checks: {
            type: 'array',
            items: {
              type: 'object', required: ['seq', 'checkId', 'passed'],
              properties: {
                ...fromEvent, checkId: { type: 'string' }, characteristic: { type: 'string' }, type: { type: 'string' }, value: nullable('number'), passed: { type: 'boolean' },
                limits: { type: ['object', 'null'], properties: { lower: nullable('number'), upper: nullable('number'), nominal: nullable('number'), unit: nullable('string') } },
              },
            },
          },
          nonconformances: {
            type: 'array',
            items: { type: 'object', required: ['seq', 'reason', 'dispositions'], properties: { ...fromEvent, checkId: nullable('string'), characteristic: nullable('string'), value: nullable('number'), reason: { type: 'string' }, dispositions: { type: 'array', items: entry } } },
          },
          holds: { type: 'array', items: { type: 'object', required: ['seq', 'type', 'reason'], properties: { ...fromEvent, type: { enum: ['held', 'released'] }, reason: { type: 'string' } } } },
          spcViolations: { type: 'array', items: entry },
          consumed: { type: 'array', items: { type: 'object', required: ['seq', 'quantity'], properties: { ...fromEvent, material: nullable('string'), lot: nullable('string'), serial: nullable('string'), quantity: { type: 'number' }, unit: nullable('string'), backflush: { type: 'boolean' } } } },
          produced: { type: 'array', items: { type: 'object', required: ['seq', 'quantity'], properties: { ...fromEvent, material: nullable('string'), lot: nullable('string'), serials: { type: 'array', items: { type: 'string' } }, quantity: { type: 'number' }, unit: nullable('string') } } },
        },
      },
    },
    deviations: { type: 'array', items: entry },
    signatures: {
      type: 'array',
      items: {
        type: 'object', required: ['printedName', 'userId', 'meaning', 'action', 'signedAt', 'signedSeq', 'signedEventId'],
        properties: { ...fromEvent, printedName: { type: 'string' }, userId: { type: 'string' }, meaning: { type: 'string' }, action: { type: 'string' }, signedAt: { type: 'string' }, signedSeq: { type: 'integer' }, signedEventId: { type: 'string' }, signedType: nullable('string') },
      },
    },
    summary: {
      type: 'object',
      required: ['producedQuantity', 'scrapQuantity', 'reworkQuantity', 'events', 'eventsHash'],
      properties: {
        unit: nullable('string'), plannedQuantity: nullable('number'), producedQuantity: { type: 'number' }, scrapQuantity: { type: 'number' }, reworkQuantity: { type: 'number' },
        checksPassed: { type: 'integer' }, checksFailed: { type: 'integer' }, nonconformances: { type: 'integer' }, holds: { type: 'integer' }, spcViolations: { type: 'integer' },
        deviations: { type: 'integer' }, signatures: { type: 'integer' }, events: { type: 'integer' }, firstSeq: nullable('integer'), lastSeq: nullable('integer'), eventsHash: { type: 'string' },
      },
    },
    generatedAt: { type: 'string', format: 'date-time' },
    generatedBy: { type: 'string' },
  },
};
