import type { ValidateFunction } from 'ajv';
import { ValidationError } from '../util/errors';
import { createAjv, validateOrThrow } from '../util/json-schema';
import { QUALIFICATION_COMMANDS, parseQualificationCommand, type QualificationCommand, type QualificationCommandType } from '../compliance';

/** Commands of the operators at a workstation. */
export const OPERATOR_COMMANDS = ['sign-on', 'sign-off', 'start', 'pause', 'resume', 'report', 'check', 'complete'] as const;
/** Commands of a supervisor on an operation. */
export const SUPERVISOR_COMMANDS = ['hold', 'release', 'dispose', 'resequence', ...QUALIFICATION_COMMANDS] as const;
/** What a supervisor decides about the material of a nonconformance (its disposition). */
export const DISPOSITIONS = ['use-as-is', 'rework', 'scrap', 'return-to-supplier'] as const;
export type Disposition = typeof DISPOSITIONS[number];

export type OperatorCommandType = typeof OPERATOR_COMMANDS[number];
export type SupervisorCommandType = typeof SUPERVISOR_COMMANDS[number];
export type DispatchCommandType = Exclude<CommandType, QualificationCommandType>;
export type CommandType = OperatorCommandType | SupervisorCommandType;

interface CommandBase {
  commandId: string;
  eventTime: string;
  /** The channel the command came through when not the dashboard, e.g. `api:scanner-3`; recorded on its events. */
  via?: string;
}

export interface SignCommand extends CommandBase { type: 'sign-on' | 'sign-off'; workstation: string; operator: string }

interface OperationRef extends CommandBase { orderId: string; operationKey: string }

/** A supervisor's signed permission for an operator who lacks a required skill (docs/compliance.md). */
export interface QualificationOverride { supervisor: string; reason: string; signature: unknown }
export interface StartCommand extends OperationRef { type: 'start'; workstation: string; operator: string; setup?: boolean; override?: QualificationOverride }
export interface PauseCommand extends OperationRef { type: 'pause'; workstation: string; operator: string; reasonCode: string }
export interface ResumeCommand extends OperationRef { type: 'resume'; workstation: string; operator: string }
export interface ReportCommand extends OperationRef {
  type: 'report'; workstation: string; operator: string;
  goodQuantity?: number; scrapQuantity?: number; scrapReason?: string; reworkQuantity?: number;
}
export interface CheckCommand extends OperationRef { type: 'check'; workstation: string; operator: string; checkId: string; value?: number; passed?: boolean }
export interface CompleteCommand extends OperationRef { type: 'complete'; workstation: string; operator: string; final: boolean }
export interface HoldCommand extends OperationRef { type: 'hold'; supervisor: string; reason: string }
export interface ReleaseCommand extends OperationRef { type: 'release'; supervisor: string; reason?: string; signature?: unknown }
/** Disposes of the open nonconformance of a check on an operation (the oldest, if several). */
export interface DisposeCommand extends OperationRef { type: 'dispose'; supervisor: string; checkId: string; disposition: Disposition; reason: string; signature?: unknown }
/** `position` 1 puts the operation first in the workstation's queue; null returns the queue to priority order. */
export interface ResequenceCommand extends OperationRef { type: 'resequence'; supervisor: string; workstation: string; position: number | null }

export type OperatorCommand = SignCommand | StartCommand | PauseCommand | ResumeCommand | ReportCommand | CheckCommand | CompleteCommand;
export type SupervisorCommand = HoldCommand | ReleaseCommand | DisposeCommand | ResequenceCommand | QualificationCommand;
export type Command = OperatorCommand | SupervisorCommand;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });
const identifier = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' };
const quantity = { type: 'number', minimum: 0, maximum: 10000000 };

const common = {
  commandId: text(128),
  eventTime: { type: 'string', format: 'date-time' },
  via: { type: 'string', pattern: '^[a-z]+:[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' },
};
const operation = { orderId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' }, operationKey: identifier };
const atWorkstation = { workstation: identifier, operator: text(100) };

function shape(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, properties, required };
}

const commonRequired = ['commandId', 'eventTime'];
const operatorRequired = [...commonRequired, 'workstation', 'operator'];
const operationRequired = [...operatorRequired, 'orderId', 'operationKey'];
const supervisorRequired = [...commonRequired, 'orderId', 'operationKey', 'supervisor'];

// The signature's fields are checked by the Signatures service, which names them.
const override = shape({ supervisor: text(100), reason: text(500), signature: { type: 'object' } }, ['supervisor', 'reason', 'signature']);

/** The JSON Schema of each command's payload, as parseCommand validates it (the API documents these). */
export const COMMAND_SCHEMAS: Record<DispatchCommandType, { properties: Record<string, unknown>; required: string[] }> = {
  'sign-on': shape({ ...common, ...atWorkstation }, operatorRequired),
  'sign-off': shape({ ...common, ...atWorkstation }, operatorRequired),
  start: shape({ ...common, ...atWorkstation, ...operation, setup: { type: 'boolean' }, override }, operationRequired),
  pause: shape({ ...common, ...atWorkstation, ...operation, reasonCode: text(64) }, [...operationRequired, 'reasonCode']),
  resume: shape({ ...common, ...atWorkstation, ...operation }, operationRequired),
  report: shape({
    ...common, ...atWorkstation, ...operation,
    goodQuantity: quantity, scrapQuantity: quantity, reworkQuantity: quantity, scrapReason: text(64),
  }, operationRequired),
  check: shape({ ...common, ...atWorkstation, ...operation, checkId: identifier, value: { type: 'number' }, passed: { type: 'boolean' } }, [...operationRequired, 'checkId']),
  complete: shape({ ...common, ...atWorkstation, ...operation, final: { type: 'boolean' } }, [...operationRequired, 'final']),
  hold: shape({ ...common, ...operation, supervisor: text(100), reason: text(500) }, [...supervisorRequired, 'reason']),
  release: shape({ ...common, ...operation, supervisor: text(100), reason: text(500), signature: { type: 'object' } }, supervisorRequired),
  dispose: shape({
    ...common, ...operation, supervisor: text(100), checkId: identifier, disposition: { enum: [...DISPOSITIONS] }, reason: text(500),
    signature: { type: 'object' },
  }, [...supervisorRequired, 'checkId', 'disposition', 'reason']),
  resequence: shape({
    ...common, ...operation, supervisor: text(100), workstation: identifier,
    position: { type: ['integer', 'null'], minimum: 1 },
  }, [...supervisorRequired, 'workstation', 'position']),
};

/** Whether a command runs at a workstation (false for hold, release, dispose: they name an operation). */
export function takesWorkstation(type: string): boolean {
  const schema = (COMMAND_SCHEMAS as Partial<Record<string, { properties: Record<string, unknown> }>>)[type];
  return !schema || 'workstation' in schema.properties;
}

let validators: Map<string, ValidateFunction> | undefined;

function validatorFor(type: DispatchCommandType): ValidateFunction {
  if (!validators) {
    const ajv = createAjv();
    validators = new Map(Object.entries(COMMAND_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));
  }
  return validators.get(type) as ValidateFunction;
}

export function isCommandType(topic: unknown): topic is CommandType {
  return typeof topic === 'string' && ((OPERATOR_COMMANDS as readonly string[]).includes(topic) || (SUPERVISOR_COMMANDS as readonly string[]).includes(topic));
}

/** Checks a command's payload against its shape; throws a ValidationError naming each field and rule. */
export function parseCommand(type: string, payload: unknown): Command {
  if (!isCommandType(type)) {
    throw new ValidationError([{ field: 'topic', rule: 'enum', message: `'${type}' is not a dispatch command; use one of ${[...OPERATOR_COMMANDS, ...SUPERVISOR_COMMANDS].join(', ')} (or refresh, snapshot, order.received, order.updated, order.cancelled on the node)` }], 'command');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ValidationError([{ field: 'payload', rule: 'type', message: `the ${type} command needs an object payload` }], `${type} command`);
  }
  if (type.startsWith('qualification.')) return parseQualificationCommand(type as QualificationCommandType, payload);
  const body = validateOrThrow<Omit<Command, 'type'>>(validatorFor(type as DispatchCommandType), payload, `${type} command`);
  return { ...body, type } as Command;
}
