import { ValidationError } from './errors';

/**
 * The version of a saved node configuration: none (saved before versions existed) is 1. A version
 * newer than this release reads is refused, naming the field, rather than read as if it were one
 * of ours; each node migrates the older ones it knows.
 */
export function configVersion(version: unknown, supported: number, subject: string): number {
  const v = version === undefined || version === null || version === '' ? 1 : Number(version);
  if (!Number.isInteger(v) || v < 1 || v > supported) {
    throw new ValidationError([{ field: 'version', rule: 'supportedVersion', message: `configuration version ${String(version)} is not one this release reads (1 to ${supported}); update node-red-contrib-mes` }], subject);
  }
  return v;
}
