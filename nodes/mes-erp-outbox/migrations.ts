import { DEFAULT_SAP_BATCH_PATTERN } from '../../lib/erp';

/**
 * Saved configs of mes-erp-outbox by version. A config without `version` is version 1, the
 * format before backflush mode, SAP batch pattern, ERPNext company and unit table existed.
 */
export const OUTBOX_CONFIG_VERSION = 2;

export interface OutboxConfigV2 {
  version: number;
  backflushMode: 'mes' | 'erp';
  sapBatchPattern: string;
  company: string;
  units: { mes: string; erp: string }[];
}

type Migration = (config: Record<string, unknown>) => Record<string, unknown>;

const MIGRATIONS: Record<number, Migration> = {
  // 1 → 2: the MES keeps posting its backflushes (and now tells SAP not to), lots get SAP batches
  // from the default pattern, the company is to be set, the dialect's own unit table applies.
  1: (config) => ({ backflushMode: 'mes', sapBatchPattern: DEFAULT_SAP_BATCH_PATTERN, company: '', units: [], ...config, version: 2 }),
};

/** The config in the current format; the saved object is not changed. */
export function migrateOutboxConfig<T extends object>(saved: T): T & OutboxConfigV2 {
  let config = { ...saved } as Record<string, unknown>;
  let version = typeof config.version === 'number' ? config.version : Number(config.version) || 1;
  if (version > OUTBOX_CONFIG_VERSION) throw new Error(`mes-erp-outbox config version ${version} is newer than this release (${OUTBOX_CONFIG_VERSION}); update node-red-contrib-mes`);
  while (version < OUTBOX_CONFIG_VERSION) {
    config = MIGRATIONS[version](config);
    version = config.version as number;
  }
  return config as T & OutboxConfigV2;
}
