import type { ValidateFunction } from 'ajv';
import { OEE_DEFAULTS } from '../oee/config';
import { hasSignalFieldsOnly, signalSchema } from '../oee/signals';
import { ValidationError, type FieldError } from '../util/errors';
import { createAjv, toFieldErrors } from '../util/json-schema';
import { signalTime } from '../util/machine-signal';
import type { PlantModel } from '../plant';

/** The counts of one machine signal as dispatch books them; null where the signal has none. */
export interface CounterSignal {
  workstation: string;
  /** Event time, epoch ms. */
  time: number;
  good: number | null;
  reject: number | null;
}

export interface SignalMessage {
  payload?: unknown;
  /** An OPC UA value's source timestamp, used when the payload has no `time` (as the OEE node does). */
  sourceTimestamp?: unknown;
}

let validateSignal: ValidateFunction | undefined;

const isCount = (value: unknown) => value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0);

/**
 * Reads a machine signal (the message the OEE node takes, `docs/oee.md`) for its counts. A
 * signal without good or reject (a state change) is not dispatch's: null. A garbled one is
 * refused with every broken rule by field. `now` (wall clock, ms) only refuses times far ahead.
 */
export function parseCounterSignal(msg: SignalMessage, plant: PlantModel, now: number): CounterSignal | null {
  const payload = msg.payload as { workstation?: unknown; time?: unknown; good?: unknown; reject?: unknown; total?: unknown } | undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ValidationError([{ field: 'payload', rule: 'type', message: 'a machine signal is an object { workstation, time, good?, reject?, state? }' }], 'machine signal');
  }
  const { workstation, good, reject, total } = payload;
  if (good === undefined && reject === undefined && total === undefined) return null;
  let errors: FieldError[] = [];
  // The compiled schema runs only for a payload that fails the quick look, to name what is wrong.
  if (!(hasSignalFieldsOnly(payload) && typeof workstation === 'string' && isCount(good) && isCount(reject))) {
    validateSignal ??= createAjv().compile(signalSchema);
    if (!validateSignal(payload)) errors = toFieldErrors(validateSignal.errors).map((e) => ({ ...e, field: e.field ? `payload.${e.field}` : 'payload' }));
  }
  if (total !== undefined) {
    errors.push({ field: 'payload.total', rule: 'countScheme', message: 'dispatch books good and reject counters; send good and reject, not total' });
  }
  const ws = typeof workstation === 'string' ? plant.workstations.get(workstation) : undefined;
  if (typeof workstation === 'string' && !ws) {
    errors.push({ field: 'payload.workstation', rule: 'unknownWorkstation', message: `workstation '${workstation}' is not in the plant model` });
  }
  if (ws?.counter.mode === 'absolute') {
    for (const [field, value] of [['good', good], ['reject', reject]] as const) {
      if (value !== undefined && isCount(value) && !(Number.isInteger(value) && (value as number) <= ws.counter.max)) {
        errors.push({ field: `payload.${field}`, rule: 'counterRange', message: `an absolute counter of workstation ${ws.id} is an integer from 0 to ${ws.counter.max}, not ${value}` });
      }
    }
  }
  const timeField = payload.time === undefined && msg.sourceTimestamp !== undefined ? 'sourceTimestamp' : 'payload.time';
  const time = signalTime(payload.time ?? msg.sourceTimestamp, now, OEE_DEFAULTS.futureToleranceSeconds);
  if (typeof time !== 'number') errors.push({ field: timeField, ...time });
  if (errors.length > 0) throw new ValidationError(errors, 'machine signal');
  return { workstation: workstation as string, time: time as number, good: (good as number | undefined) ?? null, reject: (reject as number | undefined) ?? null };
}
