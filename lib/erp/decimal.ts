/**
 * Exact decimal quantities for ERPs with fixed-scale fields. The MES keeps quantities to 9
 * decimals (genealogy's roundQuantity), so a quantity is an exact whole number of billionths;
 * sums and rounding are done on those integers, never on binary fractions.
 */
const NANO_DECIMALS = 9;

export function toNano(value: number): number {
  return Math.round(value * 10 ** NANO_DECIMALS);
}

/** A billionths count rounded to `scale` decimals, half away from zero (commercial rounding); still in billionths. */
export function roundNano(nano: number, scale: number): number {
  const step = 10 ** (NANO_DECIMALS - scale);
  const rounded = Math.floor((Math.abs(nano) + step / 2) / step) * step;
  return nano < 0 ? -rounded : rounded;
}

/**
 * What to post now so that everything posted so far equals the cumulative actual rounded:
 * round(before + value) − round(before). The rounding difference of one posting is carried into
 * the next instead of being lost, so totals match however small the single quantities are.
 */
export function carriedIncrement(beforeNano: number, valueNano: number, scale: number): number {
  return roundNano(beforeNano + valueNano, scale) - roundNano(beforeNano, scale);
}

/**
 * A billionths count as a decimal literal with at most `scale` decimals and no exponent:
 * 116666667 at scale 3 → "0.117", 100 → "0" (1e-7 rounds away), 12500000000 → "12.5".
 * Throws when the integer part has more digits than `precision − scale` allows.
 */
export function decimalLiteral(nano: number, precision: number, scale: number, field: string): string {
  const units = Math.round(roundNano(nano, scale) / 10 ** (NANO_DECIMALS - scale));
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  if (whole.length > precision - scale) {
    throw new Error(`${field}: ${nano / 10 ** NANO_DECIMALS} does not fit Edm.Decimal(${precision},${scale}) (at most ${precision - scale} digits before the point) [rule: precision]`);
  }
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const sign = units < 0 ? '-' : '';
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}
