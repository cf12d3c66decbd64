import { SIGNATURE_INPUT_SCHEMA } from '../compliance/signed-actions';
import { createAjv, validateOrThrow } from '../util/json-schema';
import { ValidationError } from '../util/errors';

export type OutboxCommand =
  | { command: 'retry'; eventId?: string; orderId?: string; all?: boolean; actor: string }
  | { command: 'discard'; eventId: string; reason: string; actor: string; signature?: unknown }
  | { command: 'pause'; actor: string; reason?: string }
  | { command: 'resume'; actor: string; reason?: string }
  | { command: 'metrics' };

export const OUTBOX_COMMANDS = ['retry', 'discard', 'pause', 'resume', 'metrics'] as const;

const actor = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._@:-]*$' };
const reason = { type: 'string', minLength: 1, maxLength: 1000 };
const eventId = { type: 'string', format: 'uuid' };
const orderId = { type: 'string', minLength: 1, maxLength: 64 };

const SCHEMAS: Record<string, object> = {
  retry: {
    type: 'object', additionalProperties: false, required: ['actor'],
    properties: { eventId, orderId, all: { const: true }, actor },
    oneOf: [{ required: ['eventId'] }, { required: ['orderId'] }, { required: ['all'] }],
  },
  discard: { type: 'object', additionalProperties: false, required: ['eventId', 'reason', 'actor'], properties: { eventId, reason, actor, signature: SIGNATURE_INPUT_SCHEMA } },
  pause: { type: 'object', additionalProperties: false, required: ['actor'], properties: { actor, reason } },
  resume: { type: 'object', additionalProperties: false, required: ['actor'], properties: { actor, reason } },
};

const ajv = createAjv();
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

export function isOutboxCommand(topic: unknown): topic is OutboxCommand['command'] {
  return typeof topic === 'string' && (OUTBOX_COMMANDS as readonly string[]).includes(topic);
}

/** `msg.topic` names the command, `msg.payload` carries its fields; every broken rule is reported at once. */
export function parseOutboxCommand(topic: unknown, payload: unknown): OutboxCommand {
  if (!isOutboxCommand(topic)) {
    throw new ValidationError([{ field: 'topic', rule: 'enum', message: `must be one of ${OUTBOX_COMMANDS.join(', ')} (or a response from the http request node)` }], 'outbox command');
  }
  if (topic === 'metrics') return { command: 'metrics' };
  const fields = validateOrThrow<Record<string, unknown>>(validators[topic], payload ?? {}, `${topic} command`);
  return { command: topic, ...fields } as OutboxCommand;
}
