import type { FieldError } from './errors';

/**
 * Reading machine signals: their event time and their counters. Shared by OEE and dispatch,
 * which take the same signal message, so both read a time and count a counter alike.
 */

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export type SignalFault = Omit<FieldError, 'field'>;

/**
 * Event time in epoch ms from an ISO 8601 time with zone, epoch ms, or a Date (an OPC UA source
 * timestamp); or the broken rule. Returns rather than throws: it runs for every signal, and the
 * callers collect the rule with others.
 */
export function signalTime(value: unknown, now: number, futureToleranceSeconds: number): number | SignalFault {
  if (value === undefined) return { rule: 'required', message: 'the source timestamp of the signal is required (event time, not arrival time)' };
  let t = NaN;
  if (typeof value === 'number') t = value;
  else if (value instanceof Date) t = value.getTime();
  else if (typeof value === 'string' && ISO_WITH_ZONE.test(value)) t = Date.parse(value);
  if (!Number.isFinite(t)) return { rule: 'timestamp', message: 'must be an ISO 8601 time with zone (Z or ±hh:mm) or epoch milliseconds' };
  if (t > now + futureToleranceSeconds * 1000) return { rule: 'notInFuture', message: `is more than ${futureToleranceSeconds} s ahead of the clock` };
  return t;
}

/**
 * Whether an absolute counter that reads lower than `last` went past its maximum: when `last`
 * was in the top 10 % of its range. A counter read every second can skip the maximum itself, so
 * "at max" alone would take most rollovers for resets.
 */
export function isRollover(last: number, max: number): boolean {
  return last >= max * 0.9;
}

/**
 * Units counted since the last absolute reading (`last` null: the first reading, which only sets
 * the baseline). A lower value is a rollover (`isRollover`), otherwise a reset to 0: the value is
 * what was counted since the reset.
 */
export function counterDelta(last: number | null, value: number, max: number): number {
  if (last === null) return 0;
  if (value >= last) return value - last;
  return isRollover(last, max) ? max - last + value + 1 : value;
}
