import type { ValidateFunction } from 'ajv';
import { createAjv, toFieldErrors } from '../util/json-schema';
import { ValidationError, type FieldError } from '../util/errors';
import { signalTime } from '../util/machine-signal';
import { MACHINE_STATES, type MachineState, type OeeConfig } from './types';

/** What one input message asks of the OEE node. */
export type OeeCommand =
  /** `index`: the workstation's place in the line's configuration; counts null where not sent. */
  | { kind: 'signal'; workstation: string; index: number; time: number; state: MachineState | null; faultCode: string | null; first: number | null; reject: number | null }
  | { kind: 'tick'; time: number; workstation?: string }
  | { kind: 'operation-started'; workstation: string; time: number; orderId: string | null; operationKey: string | null; material: string | null; idealCycleTimeSeconds: number | null }
  | { kind: 'operation-completed'; workstation: string; time: number; orderId: string | null; operationKey: string | null }
  | { kind: 'classify'; downtimeId: string; reason: string; actor: string | null; time: number }
  | { kind: 'query'; query: 'shifts' | 'downtime'; workstation?: string; day?: string; shift?: string; from?: string; to?: string; limit: number }
  | { kind: 'snapshot' }
  /** Another event of the dispatch node: not for OEE. */
  | { kind: 'ignored' };

export interface InputMessage {
  topic?: unknown;
  payload?: unknown;
  sourceTimestamp?: unknown;
}

const timeSchema = { anyOf: [{ type: 'string' }, { type: 'number' }] };

/** The machine signal message, shared with dispatch (which books the counts on operations). */
export const signalSchema = {
  type: 'object',
  required: ['workstation'],
  additionalProperties: false,
  properties: {
    workstation: { type: 'string', minLength: 1 },
    time: timeSchema,
    state: { enum: [...MACHINE_STATES] },
    running: { type: 'boolean' },
    faultCode: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
    good: { type: 'number', minimum: 0 },
    total: { type: 'number', minimum: 0 },
    reject: { type: 'number', minimum: 0 },
  },
};

const tickSchema = {
  type: 'object', required: ['time'], additionalProperties: false,
  properties: { time: timeSchema, workstation: { type: 'string', minLength: 1 } },
};

const classifySchema = {
  type: 'object', required: ['downtimeId', 'reason'], additionalProperties: false,
  properties: {
    downtimeId: { type: 'string', minLength: 1 },
    reason: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] },
    actor: { type: 'string' },
    time: timeSchema,
  },
};

const querySchema = {
  type: 'object', required: ['query'], additionalProperties: false,
  properties: {
    query: { enum: ['shifts', 'downtime'] },
    workstation: { type: 'string' },
    day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    shift: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 10000 },
  },
};

/** An operation start as configured by hand (no dispatch node): the product and its ideal time. */
const productSchema = {
  type: 'object', required: ['workstation', 'time'], additionalProperties: false,
  properties: {
    workstation: { type: 'string', minLength: 1 },
    time: timeSchema,
    material: { type: 'string' },
    orderId: { type: 'string' },
    operationKey: { type: 'string' },
    idealCycleTimeSeconds: { type: 'number', exclusiveMinimum: 0 },
  },
};

/** The stored dispatch event (docs/events.md), as the dispatch node sends it. */
const dispatchEventSchema = {
  type: 'object', required: ['type', 'eventTime', 'workstation'],
  properties: {
    type: { type: 'string' },
    eventTime: { type: 'string' },
    workstation: { type: 'string', minLength: 1 },
    orderId: { type: ['string', 'null'] },
    operationKey: { type: ['string', 'null'] },
    payload: {
      type: 'object',
      properties: {
        material: { type: 'string' },
        idealCycleTimeSeconds: { type: 'number', exclusiveMinimum: 0 },
      },
    },
  },
};

/**
 * Reads input messages into commands, refusing garbled ones with every broken rule named
 * (`payload.state` / `enum`, `payload.time` / `notInFuture`, …). Validators are compiled once:
 * this runs for every signal.
 */
export class SignalParser {
  private readonly config: OeeConfig;
  private readonly reasons: Set<string>;
  /** Workstation id → its index in the configuration (the engine's and the journal's). */
  private readonly workstations: Map<string, number>;
  private readonly validateSignal: ValidateFunction;
  private readonly validateTick: ValidateFunction;
  private readonly validateClassify: ValidateFunction;
  private readonly validateQuery: ValidateFunction;
  private readonly validateProduct: ValidateFunction;
  private readonly validateDispatch: ValidateFunction;

  /**
   * `otherLines`: workstations of the plant on other lines. A plant runs one OEE node per line,
   * each fed every signal: theirs are ignored, a workstation the plant does not have is refused.
   */
  constructor(config: OeeConfig, reasons: Set<string>, private readonly otherLines: ReadonlySet<string> = new Set()) {
    this.config = config;
    this.reasons = reasons;
    this.workstations = new Map(config.workstations.map((w, i) => [w.id, i]));
    const ajv = createAjv();
    this.validateSignal = ajv.compile(signalSchema);
    this.validateTick = ajv.compile(tickSchema);
    this.validateClassify = ajv.compile(classifySchema);
    this.validateQuery = ajv.compile(querySchema);
    this.validateProduct = ajv.compile(productSchema);
    this.validateDispatch = ajv.compile(dispatchEventSchema);
  }

  /** `now` is the wall clock, used only to refuse timestamps far in the future. */
  parse(msg: InputMessage, now: number): OeeCommand {
    const topic = typeof msg.topic === 'string' ? msg.topic : '';
    const payload = msg.payload;
    switch (topic) {
      case 'oee/tick': {
        const p = this.check(this.validateTick, payload, 'time advance') as { time: unknown; workstation?: string };
        if (p.workstation !== undefined) this.knownWorkstation(p.workstation);
        return { kind: 'tick', time: this.time(p.time, 'payload.time', now), workstation: p.workstation };
      }
      case 'oee/classify': {
        const p = this.check(this.validateClassify, payload, 'downtime classification') as { downtimeId: string; reason: string | string[]; actor?: string; time?: unknown };
        const reason = Array.isArray(p.reason) ? p.reason.join('/') : p.reason;
        if (!this.reasons.has(reason)) {
          throw inputError([{ field: 'payload.reason', rule: 'reasonTree', message: `'${reason}' is not a reason of the configured reason tree` }], 'downtime classification');
        }
        return { kind: 'classify', downtimeId: p.downtimeId, reason, actor: p.actor ?? null, time: p.time === undefined ? now : this.time(p.time, 'payload.time', now) };
      }
      case 'oee/query': {
        const p = this.check(this.validateQuery, payload, 'OEE query') as { query: 'shifts' | 'downtime'; limit?: number };
        return { ...(payload as object), kind: 'query', query: p.query, limit: p.limit ?? 1000 } as OeeCommand;
      }
      case 'oee/snapshot':
        return { kind: 'snapshot' };
      case 'oee/product': {
        const p = this.check(this.validateProduct, payload, 'product') as { workstation: string; time: unknown; material?: string; orderId?: string; operationKey?: string; idealCycleTimeSeconds?: number };
        this.knownWorkstation(p.workstation);
        return {
          kind: 'operation-started', workstation: p.workstation, time: this.time(p.time, 'payload.time', now), orderId: p.orderId ?? null,
          operationKey: p.operationKey ?? null, material: p.material ?? null, idealCycleTimeSeconds: p.idealCycleTimeSeconds ?? null,
        };
      }
      default:
        break;
    }
    // A payload with signal fields only is a signal: the hot path, with no look for a dispatch event's fields.
    const signalFieldsOnly = hasSignalFieldsOnly(payload);
    if (!signalFieldsOnly && isDispatchEvent(payload)) return this.dispatchEvent(payload, now);
    return this.signal(msg, signalFieldsOnly, now);
  }

  private dispatchEvent(payload: { type: string }, now: number): OeeCommand {
    if (payload.type !== 'operation.started' && payload.type !== 'operation.completed') return { kind: 'ignored' };
    const event = this.check(this.validateDispatch, payload, `${payload.type} event`) as {
      eventTime: string; workstation: string; orderId?: string | null; operationKey?: string | null; payload?: { material?: string; idealCycleTimeSeconds?: number };
    };
    // A plant runs one OEE node per line, each fed every dispatch event: other lines' are not ours.
    if (!this.workstations.has(event.workstation)) return { kind: 'ignored' };
    const time = this.time(event.eventTime, 'payload.eventTime', now);
    if (payload.type === 'operation.completed') {
      return { kind: 'operation-completed', workstation: event.workstation, time, orderId: event.orderId ?? null, operationKey: event.operationKey ?? null };
    }
    return {
      kind: 'operation-started', workstation: event.workstation, time, orderId: event.orderId ?? null, operationKey: event.operationKey ?? null,
      material: event.payload?.material ?? null, idealCycleTimeSeconds: event.payload?.idealCycleTimeSeconds ?? null,
    };
  }

  // Runs for every machine signal: nothing is allocated on the way unless the signal is refused,
  // and each field is read once (payload shapes vary, so every read is a polymorphic lookup).
  private signal(msg: InputMessage, signalFieldsOnly: boolean, now: number): OeeCommand {
    const payload = msg.payload as {
      workstation: string; time?: unknown; state?: MachineState; running?: boolean; faultCode?: string | number | null; good?: number; total?: number; reject?: number;
    };
    // The schema (signalSchema) checked in code, each field read once; the compiled validator runs
    // only for a payload that fails here, to name what is wrong (or to accept what this is unsure of).
    const { workstation, time: payloadTime, state: reported, running, faultCode: fault, good, total, reject } = payload;
    if (!(signalFieldsOnly && typeof workstation === 'string' && workstation.length > 0
      && (payloadTime === undefined || typeof payloadTime === 'string' || isFiniteNumber(payloadTime))
      && (reported === undefined || STATE_NAMES.has(reported))
      && (running === undefined || typeof running === 'boolean')
      && (fault === undefined || fault === null || typeof fault === 'string' || isFiniteNumber(fault))
      && isCount(good) && isCount(total) && isCount(reject))) {
      this.check(this.validateSignal, payload, 'machine signal');
    }
    let errors: FieldError[] | null = null;
    const index = this.workstations.get(workstation);
    if (index === undefined) {
      if (this.otherLines.has(workstation)) return { kind: 'ignored' };
      errors = withError(errors, { field: 'payload.workstation', rule: 'knownWorkstation', message: `'${workstation}' is not a workstation of line ${this.config.line}` });
    }
    if (reported !== undefined && running !== undefined) errors = withError(errors, { field: 'payload.running', rule: 'oneStateSource', message: 'give state or running, not both' });
    const totalScheme = this.config.countScheme === 'total-reject';
    const first = totalScheme ? total : good;
    if ((totalScheme ? good : total) !== undefined) {
      const [firstField, wrongField] = totalScheme ? ['total', 'good'] : ['good', 'total'];
      errors = withError(errors, { field: `payload.${wrongField}`, rule: 'countScheme', message: `the count scheme is ${this.config.countScheme}: send ${firstField} and reject` });
    }
    if (this.config.counterMode === 'absolute') {
      if (first !== undefined && !this.inCounterRange(first)) errors = withError(errors, this.counterRangeError(totalScheme ? 'total' : 'good'));
      if (reject !== undefined && !this.inCounterRange(reject)) errors = withError(errors, this.counterRangeError('reject'));
    }
    if (reported === undefined && running === undefined && first === undefined && reject === undefined) {
      errors = withError(errors, { field: 'payload', rule: 'signalContent', message: 'a signal carries state, running or counts' });
    }
    let time = NaN;
    try {
      const sourceTimestamp = payloadTime === undefined ? msg.sourceTimestamp : undefined;
      time = this.time(payloadTime ?? sourceTimestamp, payloadTime === undefined && sourceTimestamp !== undefined ? 'sourceTimestamp' : 'payload.time', now);
    } catch (err) {
      for (const error of (err as ValidationError).errors) errors = withError(errors, error);
    }
    if (errors !== null) throw inputError(errors, 'machine signal');
    const faultCode = fault === undefined || fault === null || fault === '' || fault === 0 ? null : String(fault);
    let state: MachineState | null = reported ?? null;
    if (running !== undefined) state = running ? 'running' : faultCode !== null ? 'faulted' : 'stopped';
    return { kind: 'signal', workstation, index: index!, time, state, faultCode, first: first ?? null, reject: reject ?? null };
  }

  private inCounterRange(value: number): boolean {
    return Number.isInteger(value) && value <= this.config.counterMax;
  }

  private counterRangeError(field: string): FieldError {
    return { field: `payload.${field}`, rule: 'counterRange', message: `an absolute counter is an integer from 0 to ${this.config.counterMax}` };
  }

  private check(validate: ValidateFunction, payload: unknown, subject: string): unknown {
    if (validate(payload)) return payload;
    const errors = toFieldErrors(validate.errors).map((e) => ({ ...e, field: e.field ? `payload.${e.field}` : 'payload' }));
    throw inputError(errors, subject);
  }

  private knownWorkstation(id: string, field = 'payload.workstation'): void {
    if (!this.workstations.has(id)) {
      throw inputError([{ field, rule: 'knownWorkstation', message: `'${id}' is not a workstation of line ${this.config.line}` }], 'OEE input');
    }
  }

  /** Event time in epoch ms (see `signalTime`), or refused naming the field. */
  private time(value: unknown, field: string, now: number): number {
    const t = signalTime(value, now, this.config.futureToleranceSeconds);
    if (typeof t !== 'number') throw inputError([{ field, ...t }], 'OEE input');
    return t;
  }
}

/** Adds a refusal reason; the list exists only once there is one. */
function withError(errors: FieldError[] | null, error: FieldError): FieldError[] {
  if (errors === null) return [error];
  errors.push(error);
  return errors;
}

const STATE_NAMES: ReadonlySet<unknown> = new Set(MACHINE_STATES);

const isFiniteNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isCount = (value: unknown) => value === undefined || (isFiniteNumber(value) && (value as number) >= 0);

const SIGNAL_FIELDS: ReadonlySet<string> = new Set(Object.keys(signalSchema.properties));

/** Whether `payload` is an object whose keys are all fields of a machine signal (signalSchema's). */
export function hasSignalFieldsOnly(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false;
  for (const key in payload) if (!SIGNAL_FIELDS.has(key)) return false;
  return true;
}

function isDispatchEvent(payload: unknown): payload is { type: string } {
  return typeof payload === 'object' && payload !== null && typeof (payload as { type?: unknown }).type === 'string'
    && typeof (payload as { eventTime?: unknown }).eventTime === 'string';
}

/** A refused input whose message names each field with the broken rule: `payload.state (enum): …`. */
function inputError(errors: FieldError[], subject: string): ValidationError {
  const error = new ValidationError(errors, subject);
  error.message = `invalid ${subject}: ${errors.slice(0, 5).map((e) => `${e.field || '(root)'} (${e.rule}): ${e.message}`).join('; ')}`;
  return error;
}
