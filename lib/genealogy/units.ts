import type { Unit } from '../orders/types';

/** Each unit's dimension and its size in the dimension's base unit. */
const UNITS: Record<Unit, { dimension: string; factor: number }> = {
  PCE: { dimension: 'count', factor: 1 },
  EA: { dimension: 'count', factor: 1 },
  PC: { dimension: 'count', factor: 1 },
  SET: { dimension: 'set', factor: 1 },
  BOX: { dimension: 'box', factor: 1 },
  KG: { dimension: 'mass', factor: 1 },
  G: { dimension: 'mass', factor: 1e-3 },
  MG: { dimension: 'mass', factor: 1e-6 },
  T: { dimension: 'mass', factor: 1e3 },
  LB: { dimension: 'mass', factor: 0.45359237 },
  L: { dimension: 'volume', factor: 1 },
  ML: { dimension: 'volume', factor: 1e-3 },
  M3: { dimension: 'volume', factor: 1e3 },
  M: { dimension: 'length', factor: 1 },
  CM: { dimension: 'length', factor: 1e-2 },
  MM: { dimension: 'length', factor: 1e-3 },
  M2: { dimension: 'area', factor: 1 },
  H: { dimension: 'time', factor: 3600 },
  MIN: { dimension: 'time', factor: 60 },
  S: { dimension: 'time', factor: 1 },
};

export const KNOWN_UNITS = Object.keys(UNITS) as Unit[];

/**
 * A material's own conversion across dimensions, e.g. 1 BOX of SCREW-M4 = 100 PCE, or
 * 1 PCE of RM-BAR = 2.5 KG. It also converts the other way and to every unit of the same
 * dimensions (1 BOX = 0.1 … once PCE → KG is defined for the material).
 */
export interface MaterialConversion {
  material: string;
  from: Unit;
  to: Unit;
  /** How many `to` units one `from` unit is. */
  factor: number;
}

/** Rounds away binary noise (0.1 + 0.2) so stored quantities compare as people expect. */
export function roundQuantity(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/**
 * `value` in `from` expressed in `to`: within a dimension by the standard factors, across
 * dimensions only by a conversion defined for the material. Undefined when no conversion exists.
 */
export function convertQuantity(value: number, from: Unit, to: Unit, material: string | null, conversions: MaterialConversion[] = []): number | undefined {
  const a = UNITS[from];
  const b = UNITS[to];
  if (!a || !b) return undefined;
  if (a.dimension === b.dimension) return roundQuantity((value * a.factor) / b.factor);
  for (const c of conversions) {
    if (c.material !== material || !(c.factor > 0)) continue;
    const cf = UNITS[c.from];
    const ct = UNITS[c.to];
    if (!cf || !ct) continue;
    if (cf.dimension === a.dimension && ct.dimension === b.dimension) {
      // value → c.from, × factor → c.to, → to
      return roundQuantity((((value * a.factor) / cf.factor) * c.factor * ct.factor) / b.factor);
    }
    if (ct.dimension === a.dimension && cf.dimension === b.dimension) {
      return roundQuantity((((value * a.factor) / ct.factor) / c.factor * cf.factor) / b.factor);
    }
  }
  return undefined;
}

export function isCountUnit(unit: Unit): boolean {
  return UNITS[unit]?.dimension === 'count';
}
