import type { ValidateFunction } from 'ajv';
import { ValidationError } from '../util/errors';
import { createAjv, validateOrThrow } from '../util/json-schema';
import { chartFor, checkSubgroupSize } from './charts';

export type SpcReaction = 'alert' | 'hold';

/** How one characteristic is charted: at each workstation where its checks are recorded, a stream of its own. */
export interface CharacteristicConfig {
  characteristic: string;
  /** Values per subgroup: 1 individuals/moving range, 2..10 X̄-R, above X̄-S. */
  subgroupSize: number;
  /** Subgroups of the baseline (phase I) the limits are computed from before they freeze. */
  baselineSubgroups: number;
  /** `alert`: a violation is an event; `hold`: it also holds the operation the point came from. */
  reaction: SpcReaction;
}

/** The fewest baseline subgroups: individuals need two points for a moving range. */
export const minimumBaseline = (subgroupSize: number): number => (subgroupSize === 1 ? 2 : 1);

/** Checks the characteristics of an SPC configuration; throws a ValidationError naming `characteristics[i].field` and the rule. */
export function parseCharacteristics(input: unknown): CharacteristicConfig[] {
  if (!Array.isArray(input)) {
    throw new ValidationError([{ field: 'characteristics', rule: 'type', message: 'must be a list of characteristics' }], 'SPC configuration');
  }
  const errors: { field: string; rule: string; message: string }[] = [];
  const seen = new Set<string>();
  const parsed = input.map((item: Record<string, unknown> | null, i): CharacteristicConfig => {
    const at = (field: string) => `characteristics[${i}].${field}`;
    const entry = item && typeof item === 'object' ? item : {};
    const characteristic = typeof entry.characteristic === 'string' ? entry.characteristic.trim() : '';
    if (!characteristic) errors.push({ field: at('characteristic'), rule: 'required', message: 'names the characteristic of the routing\'s variable checks' });
    else if (seen.has(characteristic)) errors.push({ field: at('characteristic'), rule: 'unique', message: `'${characteristic}' is listed twice` });
    seen.add(characteristic);
    const subgroupSize = Number(entry.subgroupSize);
    try {
      checkSubgroupSize(subgroupSize, at('subgroupSize'));
    } catch (err) {
      errors.push(...(err as ValidationError).errors);
    }
    const baselineSubgroups = Number(entry.baselineSubgroups);
    const least = Number.isInteger(subgroupSize) && subgroupSize >= 1 ? minimumBaseline(subgroupSize) : 1;
    if (!Number.isInteger(baselineSubgroups) || baselineSubgroups < least || baselineSubgroups > 1000) {
      errors.push({ field: at('baselineSubgroups'), rule: 'range', message: `must be a whole number from ${least} to 1000 (20 to 25 is usual), not ${String(entry.baselineSubgroups)}` });
    }
    const reaction = entry.reaction ?? 'alert';
    if (reaction !== 'alert' && reaction !== 'hold') errors.push({ field: at('reaction'), rule: 'enum', message: `must be alert or hold, not ${String(reaction)}` });
    return { characteristic, subgroupSize, baselineSubgroups, reaction: reaction as SpcReaction };
  });
  if (errors.length > 0) throw new ValidationError(errors, 'SPC configuration');
  parsed.forEach((c) => chartFor(c.subgroupSize));
  return parsed;
}

/** Limits set by hand: the location chart's centre line and limits, and the dispersion chart's. */
export interface ExplicitLimits {
  center: number;
  ucl: number;
  lcl: number;
  dispersion: { center: number; ucl: number; lcl: number };
}

/** `spc.limits.change`: a supervisor recomputes a stream's limits from a range of its subgroups, or sets them; signed. */
export interface LimitsChangeCommand {
  commandId: string;
  eventTime?: string;
  characteristic: string;
  workstation: string;
  supervisor: string;
  reason: string;
  baseline?: { fromSubgroup: number; toSubgroup: number };
  limits?: ExplicitLimits;
  signature: unknown;
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });
const line = { type: 'object', additionalProperties: false, properties: { center: { type: 'number' }, ucl: { type: 'number' }, lcl: { type: 'number' } }, required: ['center', 'ucl', 'lcl'] };
const subgroupIndex = { type: 'integer', minimum: 1 };

/** The JSON Schema of a limits change (the signature's own fields are checked by the Signatures service). */
export const LIMITS_CHANGE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    commandId: text(128),
    eventTime: { type: 'string', format: 'date-time' },
    characteristic: text(100),
    workstation: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' },
    supervisor: text(100),
    reason: text(500),
    baseline: { type: 'object', additionalProperties: false, properties: { fromSubgroup: subgroupIndex, toSubgroup: subgroupIndex }, required: ['fromSubgroup', 'toSubgroup'] },
    limits: { ...line, properties: { ...line.properties, dispersion: line }, required: [...line.required, 'dispersion'] },
    signature: { type: 'object' },
  },
  required: ['commandId', 'characteristic', 'workstation', 'supervisor', 'reason', 'signature'],
};

let validator: ValidateFunction | undefined;

/** Checks a limits change; throws a ValidationError naming each field and the rule it breaks. */
export function parseLimitsChange(payload: unknown): LimitsChangeCommand {
  validator ??= createAjv().compile(LIMITS_CHANGE_SCHEMA);
  const command = validateOrThrow<LimitsChangeCommand>(validator, payload, 'spc.limits.change command');
  const subject = 'spc.limits.change command';
  if ((command.baseline === undefined) === (command.limits === undefined)) {
    throw new ValidationError([{ field: 'baseline', rule: 'oneOf', message: 'give either baseline (fromSubgroup, toSubgroup) to recompute the limits, or limits to set them, not both or neither' }], subject);
  }
  if (command.baseline && command.baseline.fromSubgroup > command.baseline.toSubgroup) {
    throw new ValidationError([{ field: 'baseline.toSubgroup', rule: 'range', message: `must not be before fromSubgroup ${command.baseline.fromSubgroup}` }], subject);
  }
  const limits = command.limits;
  if (limits) {
    const ordered = (l: { center: number; ucl: number; lcl: number }) => l.lcl < l.center && l.center < l.ucl;
    if (!ordered(limits)) throw new ValidationError([{ field: 'limits', rule: 'order', message: 'needs lcl < center < ucl' }], subject);
    if (!(limits.dispersion.lcl >= 0 && limits.dispersion.lcl < limits.dispersion.center && limits.dispersion.center < limits.dispersion.ucl)) {
      throw new ValidationError([{ field: 'limits.dispersion', rule: 'order', message: 'needs 0 ≤ lcl < center < ucl' }], subject);
    }
  }
  return command;
}
