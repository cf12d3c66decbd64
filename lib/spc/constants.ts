import { ValidationError } from '../util/errors';

/**
 * Control chart constants. d2 and d3 (mean and standard deviation of the relative range W = R/σ
 * of n normal observations) have no closed form: they are typed from the standard table,
 * ASTM STP 15D / Montgomery, "Introduction to Statistical Quality Control", 7th ed., Appendix VI.
 * c4 comes from its gamma formula. Every other constant is derived from these three, so the
 * limits do not carry the table's own rounding twice; test/spc/constants.test.js checks each
 * against the published table.
 */
const D2_D3: Record<number, [number, number]> = {
  2: [1.128, 0.853], 3: [1.693, 0.888], 4: [2.059, 0.880], 5: [2.326, 0.864], 6: [2.534, 0.848],
  7: [2.704, 0.833], 8: [2.847, 0.820], 9: [2.970, 0.808], 10: [3.078, 0.797],
};

/** Subgroup sizes this release charts: 1 (I-MR), 2..10 (X̄-R), 11..MAX (X̄-S). */
export const MAX_SUBGROUP_SIZE = 50;

/** ln Γ(x) by the Lanczos approximation (g = 7, 9 terms; relative error below 1e-13 for x > 0.5). */
function lnGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = g[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) a += g[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** c4 = sqrt(2/(n-1)) Γ(n/2) / Γ((n-1)/2): E[s] = c4 σ for n normal observations. */
export function c4(n: number): number {
  return Math.sqrt(2 / (n - 1)) * Math.exp(lnGamma(n / 2) - lnGamma((n - 1) / 2));
}

export function d2(n: number): number {
  const row = D2_D3[n];
  if (!row) throw new ValidationError([{ field: 'subgroupSize', rule: 'range', message: `d2 is tabulated for n = 2..10, not ${n}` }], 'SPC constants');
  return row[0];
}

export function d3(n: number): number {
  d2(n);
  return D2_D3[n][1];
}

/** X̄-R constants: A2 = 3/(d2 √n), D3 = max(0, 1 − 3 d3/d2), D4 = 1 + 3 d3/d2. */
export function rangeConstants(n: number): { A2: number; D3: number; D4: number; d2: number } {
  const ratio = (3 * d3(n)) / d2(n);
  return { A2: 3 / (d2(n) * Math.sqrt(n)), D3: Math.max(0, 1 - ratio), D4: 1 + ratio, d2: d2(n) };
}

/** X̄-S constants: A3 = 3/(c4 √n), B3 = max(0, 1 − 3 √(1 − c4²)/c4), B4 = 1 + 3 √(1 − c4²)/c4. */
export function sigmaConstants(n: number): { A3: number; B3: number; B4: number; c4: number } {
  const c = c4(n);
  const ratio = (3 * Math.sqrt(1 - c * c)) / c;
  return { A3: 3 / (c * Math.sqrt(n)), B3: Math.max(0, 1 - ratio), B4: 1 + ratio, c4: c };
}
