import { ValidationError } from '../util/errors';
import { MAX_SUBGROUP_SIZE, d2, rangeConstants, sigmaConstants } from './constants';

export type ChartType = 'I-MR' | 'Xbar-R' | 'Xbar-S';

/** The chart for a subgroup size: n = 1 individuals/moving range (MR of 2), 2..10 X̄-R, above X̄-S. */
export function chartFor(subgroupSize: number): ChartType {
  checkSubgroupSize(subgroupSize);
  if (subgroupSize === 1) return 'I-MR';
  return subgroupSize <= 10 ? 'Xbar-R' : 'Xbar-S';
}

export function checkSubgroupSize(n: unknown, field = 'subgroupSize'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SUBGROUP_SIZE) {
    throw new ValidationError([{ field, rule: 'range', message: `the subgroup size must be a whole number from 1 to ${MAX_SUBGROUP_SIZE}, not ${String(n)}` }], 'SPC configuration');
  }
  return n;
}

/** Limits of the location chart (X̄ or I) and of the dispersion chart (R, S or MR). */
export interface ControlLimits {
  chart: ChartType;
  subgroupSize: number;
  center: number;
  ucl: number;
  lcl: number;
  /** σ of a plotted point: (UCL − CL)/3; the Nelson zones are multiples of it. */
  sigmaPoint: number;
  /** σ within subgroups: R̄/d2, S̄/c4 or MR̄/d2. */
  sigmaWithin: number;
  dispersion: { center: number; ucl: number; lcl: number };
  /** How many subgroups the limits were computed from. */
  subgroups: number;
}

export const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** Sample standard deviation (n − 1). */
export function stdDev(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

const range = (values: readonly number[]): number => Math.max(...values) - Math.min(...values);

/**
 * Phase I limits from baseline subgroups (each an array of n values; for n = 1, arrays of one).
 * `chart` may force X̄-S on small subgroups (the textbook examples do); by default it follows n.
 */
export function computeLimits(subgroups: readonly (readonly number[])[], chart?: ChartType): ControlLimits {
  const minimum = subgroups.length > 0 && subgroups[0].length === 1 ? 2 : 1;
  if (subgroups.length < minimum) {
    throw new ValidationError([{ field: 'baseline', rule: 'minItems', message: `control limits need at least ${minimum} baseline subgroup${minimum > 1 ? 's' : ''} (individuals need two points for a moving range); got ${subgroups.length}` }], 'SPC baseline');
  }
  const n = subgroups[0].length;
  if (subgroups.some((s) => s.length !== n)) {
    throw new ValidationError([{ field: 'baseline', rule: 'equalSize', message: 'every baseline subgroup must have the same size' }], 'SPC baseline');
  }
  const type = chart ?? chartFor(n);
  if (type === 'I-MR') {
    const xs = subgroups.map((s) => s[0]);
    const mrs = xs.slice(1).map((x, i) => Math.abs(x - xs[i]));
    const mrBar = mean(mrs);
    const { D4 } = rangeConstants(2);
    const sigma = mrBar / d2(2);
    const center = mean(xs);
    return { chart: type, subgroupSize: 1, center, ucl: center + 3 * sigma, lcl: center - 3 * sigma, sigmaPoint: sigma, sigmaWithin: sigma, dispersion: { center: mrBar, ucl: D4 * mrBar, lcl: 0 }, subgroups: xs.length };
  }
  const xbars = subgroups.map(mean);
  const center = mean(xbars);
  if (type === 'Xbar-R') {
    const rBar = mean(subgroups.map(range));
    const { A2, D3, D4, d2: d } = rangeConstants(n);
    return { chart: type, subgroupSize: n, center, ucl: center + A2 * rBar, lcl: center - A2 * rBar, sigmaPoint: (A2 * rBar) / 3, sigmaWithin: rBar / d, dispersion: { center: rBar, ucl: D4 * rBar, lcl: D3 * rBar }, subgroups: subgroups.length };
  }
  const sBar = mean(subgroups.map(stdDev));
  const { A3, B3, B4, c4 } = sigmaConstants(n);
  return { chart: type, subgroupSize: n, center, ucl: center + A3 * sBar, lcl: center - A3 * sBar, sigmaPoint: (A3 * sBar) / 3, sigmaWithin: sBar / c4, dispersion: { center: sBar, ucl: B4 * sBar, lcl: B3 * sBar }, subgroups: subgroups.length };
}

/** The value plotted on the location chart for a subgroup: its mean (the value itself for n = 1). */
export const plotted = (subgroup: readonly number[]): number => mean(subgroup);
