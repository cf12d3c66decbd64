import { KNOWN_UNITS } from '../genealogy/units';
import { ValidationError, type FieldError } from '../util/errors';
import { DEFAULT_SAP_BATCH_PATTERN, sapBatchPatternProblem } from './sap';
import type { BackflushMode, DialectOptions } from './types';

/** One row of the outbox's unit table: an MES unit code and the ERP's name for it. */
export interface UnitMapping {
  mes: string;
  erp: string;
}

/** The outbox settings the dialects read, as a node config (or any other caller) gives them. */
export interface DialectSettings {
  storageLocation?: string;
  backflushMode?: string;
  sapBatchPattern?: string;
  sourceWarehouse?: string;
  targetWarehouse?: string;
  company?: string;
  units?: unknown;
}

const BACKFLUSH_MODES: readonly BackflushMode[] = ['mes', 'erp'];
/** Frappe's names (a UOM is a Link) are at most 140 characters; SAP's units at most 3. */
const ERP_UNIT_LENGTH = 140;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function unitTable(value: unknown, errors: FieldError[]): Record<string, string> {
  const units: Record<string, string> = {};
  if (value === undefined || value === null || value === '') return units;
  if (!Array.isArray(value)) {
    errors.push({ field: 'units', rule: 'type', message: 'must be a list of { mes, erp } rows' });
    return units;
  }
  value.forEach((row: unknown, i) => {
    const { mes, erp } = (row ?? {}) as Record<string, unknown>;
    const code = text(mes).toUpperCase();
    const name = text(erp);
    if (!(KNOWN_UNITS as readonly string[]).includes(code)) {
      errors.push({ field: `units[${i}].mes`, rule: 'enum', message: `'${text(mes)}' is not an MES unit code (${KNOWN_UNITS.join(', ')})` });
    } else if (units[code] !== undefined) {
      errors.push({ field: `units[${i}].mes`, rule: 'unique', message: `${code} is in the unit table twice` });
    }
    if (name === '' || name.length > ERP_UNIT_LENGTH) {
      errors.push({ field: `units[${i}].erp`, rule: 'length', message: `the ERP unit of ${code || 'the row'} must be 1-${ERP_UNIT_LENGTH} characters` });
    }
    units[code] = name;
  });
  return units;
}

/**
 * The dialect options from the outbox's settings, every broken rule named by its field; empty
 * settings give the defaults (backflush by the MES, the default SAP batch pattern, the dialect's
 * own unit table).
 */
export function parseDialectOptions(settings: DialectSettings): DialectOptions {
  const errors: FieldError[] = [];
  const backflush = (text(settings.backflushMode) || 'mes') as BackflushMode;
  if (!BACKFLUSH_MODES.includes(backflush)) errors.push({ field: 'backflushMode', rule: 'enum', message: `'${backflush}' is not one of ${BACKFLUSH_MODES.join(', ')}` });
  const sapBatchPattern = text(settings.sapBatchPattern) || DEFAULT_SAP_BATCH_PATTERN;
  const patternProblem = sapBatchPatternProblem(sapBatchPattern);
  if (patternProblem) errors.push({ field: 'sapBatchPattern', rule: 'pattern', message: patternProblem });
  const units = unitTable(settings.units, errors);
  if (errors.length > 0) throw new ValidationError(errors, 'ERP outbox settings');
  return {
    storageLocation: text(settings.storageLocation) || undefined,
    backflush,
    sapBatchPattern,
    sourceWarehouse: text(settings.sourceWarehouse) || undefined,
    targetWarehouse: text(settings.targetWarehouse) || undefined,
    company: text(settings.company) || undefined,
    units,
  };
}
