import { b2mmlDialect } from './b2mml';
import { canonicalDialect } from './canonical';
import { erpnextDialect } from './erpnext';
import { sapDialect } from './sap';
import type { Dialect, DialectName } from './types';

export * from './types';
export * from './actual';
export { toOperationsPerformance, B2MML_NAMESPACE } from './b2mml';
export { fromSapProductionOrder } from './inbound-sap';
export { fromB2mmlOperationsSchedule } from './inbound-b2mml';

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  canonical: canonicalDialect,
  sap: sapDialect,
  erpnext: erpnextDialect,
  b2mml: b2mmlDialect,
};

export function dialectNamed(name: string): Dialect {
  const dialect = (DIALECTS as Record<string, Dialect | undefined>)[name];
  if (!dialect) throw new Error(`unknown ERP dialect '${name}'; one of ${Object.keys(DIALECTS).join(', ')}`);
  return dialect;
}
export { parseDialectOptions, type DialectSettings, type UnitMapping } from './dialect-options';
export { carriedIncrement, decimalLiteral, roundNano, toNano } from './decimal';
export { DEFAULT_SAP_BATCH_PATTERN, SAP_BATCH_SYSTEM, SAP_UNITS, isSapBatch, sapBatchPatternProblem } from './sap';
export { ERPNEXT_FLOAT_PRECISION, ERPNEXT_UNITS, jobCardTimeLogs } from './erpnext';
export { erpErrorMessage } from './errors';
