import { configVersion } from '../../lib/util';

/** Saved configs of mes-spc by version; version 1 is the first, so there is nothing to migrate yet. */
export const SPC_CONFIG_VERSION = 1;

export interface SpcConfigV1 {
  version: number;
  characteristics: unknown[];
  pollIntervalSeconds: number;
  chartPoints: number;
}

/** The config in the current format (defaults for fields left out); refuses a newer version naming the field. The saved object is not changed. */
export function migrateSpcConfig<T extends object>(saved: T): T & SpcConfigV1 {
  const config = saved as Record<string, unknown>;
  const version = configVersion(config.version, SPC_CONFIG_VERSION, 'mes-spc configuration');
  const seconds = Number(config.pollIntervalSeconds);
  const points = Number(config.chartPoints);
  return {
    ...saved,
    version,
    characteristics: Array.isArray(config.characteristics) ? config.characteristics : [],
    pollIntervalSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 2,
    chartPoints: Number.isInteger(points) && points > 0 ? points : 50,
  };
}
