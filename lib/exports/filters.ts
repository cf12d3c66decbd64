import { ValidationError, bounded, type FieldError } from '../util/errors';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Longest filter value accepted; longer is refused rather than searched for. */
export const EXPORT_TEXT_LIMIT = 100;
/** A workstation or line name as the plant model spells it. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;
// ISO 8601 date-time with a zone (RFC 3339): a time without a zone would be read in the server's zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 and a real calendar time: Date.parse alone rolls 2026-02-30 over into March. */
function isCalendarDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && sec < 60 && (!m[8] || Number(m[8].slice(1, 3)) < 24);
}

export interface ExportFilters {
  format: ExportFormat;
  /** ISO strings as the store writes them (toISOString), so they compare as text. */
  from?: string;
  to?: string;
  workstation?: string;
  line?: string;
  orderId?: string;
  actor?: string;
  type?: string;
}

type FilterName = Exclude<keyof ExportFilters, 'format'>;
const TEXT_RULES: Record<Exclude<FilterName, 'from' | 'to'>, { pattern?: RegExp; message: string }> = {
  workstation: { pattern: IDENTIFIER_PATTERN, message: 'must be 1-100 letters, digits or ._:/- starting with a letter or digit' },
  line: { pattern: IDENTIFIER_PATTERN, message: 'must be 1-100 letters, digits or ._:/- starting with a letter or digit' },
  orderId: { pattern: ORDER_ID_PATTERN, message: 'must be 1-64 letters, digits or ._:/- starting with a letter or digit' },
  actor: { message: 'must be 1-100 characters' },
  type: { pattern: TYPE_PATTERN, message: 'must be an event type such as dispatch.operation.started' },
};

export interface ExportFilterRules {
  /** The filters this export takes besides format. */
  accepts: readonly FilterName[];
  /** The plant's workstations and lines; a filter naming another is refused (a typo would give an empty file). */
  workstations?: readonly string[];
  lines?: readonly string[];
}

/**
 * Reads the query of an export: every broken rule by field, or the filters. Unknown parameters
 * are refused too, so a misspelt filter never exports everything.
 */
export function parseExportFilters(query: Record<string, unknown>, rules: ExportFilterRules): ExportFilters {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (name !== 'format' && !rules.accepts.includes(name as FilterName)) {
      errors.push({ field: bounded(name, 40), rule: 'unknownParameter', message: `is not a filter of this export; it takes format, ${rules.accepts.join(', ')}` });
    } else if (typeof raw !== 'string') {
      errors.push({ field: name, rule: 'single', message: 'must be given once, as text' });
    } else if (raw.length > EXPORT_TEXT_LIMIT) {
      errors.push({ field: name, rule: 'maxLength', message: `must be at most ${EXPORT_TEXT_LIMIT} characters, not ${raw.length}` });
    } else {
      values[name] = raw;
    }
  }
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) errors.push({ field: 'format', rule: 'enum', message: 'must be csv or xlsx' });
  const filters: ExportFilters = { format };
  for (const name of ['from', 'to'] as const) {
    const value = values[name];
    if (value === undefined) continue;
    const time = isCalendarDateTime(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(time)) errors.push({ field: name, rule: 'format', message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-02T06:00:00Z' });
    else filters[name] = new Date(time).toISOString();
  }
  if (filters.from && filters.to && filters.from > filters.to) errors.push({ field: 'to', rule: 'notBeforeFrom', message: 'must not be before from' });
  for (const name of Object.keys(TEXT_RULES) as (keyof typeof TEXT_RULES)[]) {
    const value = values[name];
    if (value === undefined) continue;
    const rule = TEXT_RULES[name];
    if (value === '' || (rule.pattern && !rule.pattern.test(value))) { errors.push({ field: name, rule: rule.pattern ? 'pattern' : 'minLength', message: rule.message }); continue; }
    filters[name] = value;
  }
  if (filters.workstation && rules.workstations && !rules.workstations.includes(filters.workstation)) {
    errors.push({ field: 'workstation', rule: 'knownWorkstation', message: `${filters.workstation} is not a workstation of the plant` });
  }
  if (filters.line && rules.lines && !rules.lines.includes(filters.line)) {
    errors.push({ field: 'line', rule: 'knownLine', message: `${filters.line} is not a line of the plant` });
  }
  if (errors.length) throw new ValidationError(errors, 'export request');
  return filters;
}

/** A file name for Content-Disposition: only letters, digits and ._- (no quote, slash or header break). */
export function exportFileName(base: string, filters: ExportFilters): string {
  const range = [filters.from, filters.to].filter(Boolean).map((t) => (t as string).slice(0, 19)).join('_');
  const name = [base, filters.line, filters.workstation, range].filter(Boolean).join('-');
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}.${filters.format}`;
}
