import { createAjv, validateOrThrow } from '../util/json-schema';
import { ValidationError, type FieldError } from '../util/errors';
import type { OeeConfig, ReasonNode } from './types';

const hhmm = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };
const breakSchema = { type: 'object', required: ['start', 'end'], additionalProperties: false, properties: { name: { type: 'string' }, start: hhmm, end: hhmm } };
const reasonSchema = {
  $id: 'reason', type: 'object', required: ['code'], additionalProperties: false,
  properties: { code: { type: 'string', pattern: '^[^/]+$' }, label: { type: 'string' }, children: { type: 'array', items: { $ref: 'reason' } } },
};

const configSchema = {
  type: 'object',
  required: ['line', 'workstations', 'calendar'],
  additionalProperties: false,
  properties: {
    line: { type: 'string', minLength: 1 },
    workstations: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['id'], additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          idealCycleTimeSeconds: { type: 'number', exclusiveMinimum: 0 },
          products: { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0 } },
        },
      },
    },
    calendar: {
      type: 'object', required: ['timeZone', 'shifts'], additionalProperties: false,
      properties: {
        timeZone: { type: 'string', minLength: 1 },
        shifts: {
          type: 'array',
          items: {
            type: 'object', required: ['name', 'days', 'start', 'end'], additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, pattern: '^[^/]+$' },
              days: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } },
              start: hhmm, end: hhmm, breaks: { type: 'array', items: breakSchema },
            },
          },
        },
        exceptions: {
          type: 'array',
          items: {
            type: 'object', required: ['date', 'kind'], additionalProperties: false,
            properties: {
              date: { type: 'string', format: 'date' }, kind: { enum: ['holiday', 'overtime'] },
              name: { type: 'string', minLength: 1, pattern: '^[^/]+$' }, start: hhmm, end: hhmm, breaks: { type: 'array', items: breakSchema },
            },
            if: { properties: { kind: { const: 'overtime' } } },
            then: { required: ['name', 'start', 'end'] },
          },
        },
      },
    },
    reasons: { type: 'array', items: { $ref: 'reason' } },
    microStopSeconds: { type: 'number', minimum: 0 },
    signalTimeoutSeconds: { type: 'number', minimum: 0 },
    idleIsPlanned: { type: 'boolean' },
    setupIsPlanned: { type: 'boolean' },
    counterMode: { enum: ['increment', 'absolute'] },
    counterMax: { type: 'integer', minimum: 1 },
    countScheme: { enum: ['good-reject', 'total-reject'] },
    startupWindowSeconds: { type: 'number', minimum: 0 },
    futureToleranceSeconds: { type: 'number', minimum: 0 },
    topReasons: { type: 'integer', minimum: 1 },
  },
};

export const OEE_DEFAULTS = {
  reasons: [] as ReasonNode[],
  microStopSeconds: 120,
  signalTimeoutSeconds: 300,
  idleIsPlanned: false,
  setupIsPlanned: false,
  counterMode: 'increment' as const,
  counterMax: 65535,
  countScheme: 'good-reject' as const,
  startupWindowSeconds: 0,
  futureToleranceSeconds: 300,
  topReasons: 5,
};

const ajv = createAjv();
ajv.addSchema(reasonSchema);
const validateConfig = ajv.compile(configSchema);

/** Validates an OEE configuration (the node's settings) and fills in the defaults. */
export function parseOeeConfig(input: unknown): OeeConfig {
  const config = validateOrThrow<Partial<OeeConfig> & Pick<OeeConfig, 'line' | 'workstations' | 'calendar'>>(validateConfig, input, 'OEE configuration');
  // A workstation is known by its id, and by its place in this list on the hot path: one id, one place.
  const seen = new Set<string>();
  const duplicates: FieldError[] = [];
  config.workstations.forEach((ws, i) => {
    if (seen.has(ws.id)) duplicates.push({ field: `workstations[${i}].id`, rule: 'unique', message: `'${ws.id}' is listed before` });
    seen.add(ws.id);
  });
  if (duplicates.length > 0) throw new ValidationError(duplicates, 'OEE configuration');
  return { ...OEE_DEFAULTS, ...config };
}

/** Every path of the reason tree, `mechanical`, `mechanical/jam`, …: a stop may be classified at any level. */
export function reasonPaths(tree: ReasonNode[], prefix = ''): Set<string> {
  const paths = new Set<string>();
  for (const node of tree) {
    const path = prefix ? `${prefix}/${node.code}` : node.code;
    paths.add(path);
    for (const child of reasonPaths(node.children ?? [], path)) paths.add(child);
  }
  return paths;
}
