import { ValidationError } from '../util/errors';
import { stdDev, mean } from './charts';

export interface Capability { cp: number | null; cpk: number | null; pp: number | null; ppk: number | null; sigmaWithin: number; sigmaOverall: number; mean: number }

/**
 * Cp = (USL − LSL)/6σw, Cpk = min(USL − x̄, x̄ − LSL)/3σw with σw the within-subgroup σ of the
 * chart (R̄/d2, S̄/c4, MR̄/d2); Pp and Ppk the same with σ overall, the sample standard deviation
 * of all values. A one-sided specification has no Cp/Pp, and Cpk/Ppk from its one side.
 */
export function capability(values: readonly number[], sigmaWithin: number, spec: { lower?: number | null; upper?: number | null }): Capability {
  const lower = spec.lower ?? null;
  const upper = spec.upper ?? null;
  if (lower === null && upper === null) throw new ValidationError([{ field: 'limits', rule: 'required', message: 'capability needs a lower or an upper specification limit' }], 'SPC capability');
  if (values.length < 2) throw new ValidationError([{ field: 'values', rule: 'minItems', message: 'capability needs at least two values' }], 'SPC capability');
  const m = mean(values);
  const sigmaOverall = stdDev(values);
  const both = (sigma: number) => (lower !== null && upper !== null ? (upper - lower) / (6 * sigma) : null);
  const oneSide = (sigma: number) => Math.min(upper !== null ? (upper - m) / (3 * sigma) : Infinity, lower !== null ? (m - lower) / (3 * sigma) : Infinity);
  return { cp: both(sigmaWithin), cpk: oneSide(sigmaWithin), pp: both(sigmaOverall), ppk: oneSide(sigmaOverall), sigmaWithin, sigmaOverall, mean: m };
}
