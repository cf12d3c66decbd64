import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError, type FieldError } from './errors';

/** Reports at most this many errors so that a huge malformed body cannot blow up the reply. */
const MAX_REPORTED_ERRORS = 100;

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, $data: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

/** `/operations/1/plannedQuantity/value` → `operations[1].plannedQuantity.value` */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function describe(error: ErrorObject): FieldError {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: fieldPath(error.instancePath, String(params.missingProperty)), rule: 'required', message: 'is required' };
    case 'additionalProperties':
      return { field: fieldPath(error.instancePath, String(params.additionalProperty)), rule: 'additionalProperties', message: 'is not a known property' };
    case 'enum':
      return { field: fieldPath(error.instancePath), rule: 'enum', message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'multipleOf':
      return params.multipleOf === 1
        ? { field: fieldPath(error.instancePath), rule: 'wholeNumber', message: 'must be a whole number for a unit of count (PCE, EA, PC, SET, BOX)' }
        : { field: fieldPath(error.instancePath), rule: 'multipleOf', message: error.message ?? 'multipleOf' };
    case 'formatMinimum':
      return { field: fieldPath(error.instancePath), rule: 'notBefore', message: `must not be before ${String(params.limit)}` };
    default:
      return { field: fieldPath(error.instancePath), rule: error.keyword, message: error.message ?? error.keyword };
  }
}

/** Ajv's `if` reports a second, content-free error beside the one from `then`: drop it. */
function meaningful(error: ErrorObject): boolean {
  return error.keyword !== 'if';
}

/** Turns Ajv's errors into field errors, de-duplicated and capped. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors ?? []) {
    if (!meaningful(error)) continue;
    const described = describe(error);
    const key = `${described.field}|${described.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
    if (out.length >= MAX_REPORTED_ERRORS) break;
  }
  return out;
}

/** Validates `input` and returns it typed, or throws a ValidationError listing every broken rule. */
export function validateOrThrow<T>(validate: ValidateFunction, input: unknown, subject: string): T {
  if (validate(input)) return input as T;
  throw new ValidationError(toFieldErrors(validate.errors), subject);
}
