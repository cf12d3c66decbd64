import type { ValidateFunction } from 'ajv';
import { ValidationError, type FieldError } from '../util/errors';
import { createAjv, toFieldErrors } from '../util/json-schema';
import type { ApiParameter, ApiRoute } from './route';

/**
 * Path and query parameters of a call, checked against the route's own parameter schemas (the
 * ones the OpenAPI document lists) and converted to their types: `limit=5` becomes 5.
 */
const compiled = new WeakMap<ApiRoute, ValidateFunction>();

function validatorOf(route: ApiRoute): ValidateFunction {
  let validate = compiled.get(route);
  if (!validate) {
    const params: Record<string, ApiParameter> = { ...route.pathParams, ...route.query };
    validate = createAjv().compile({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(params).map(([name, p]) => [name, p.schema])),
      required: Object.entries(params).filter(([name, p]) => p.required || (route.pathParams && name in route.pathParams)).map(([name]) => name),
    });
    compiled.set(route, validate);
  }
  return validate;
}

function typed(value: string, schema: Record<string, unknown>): unknown {
  const type = schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function parseParams(route: ApiRoute, params: Record<string, string>, query: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const schemas: Record<string, ApiParameter> = { ...route.pathParams, ...route.query };
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries({ ...query, ...params })) {
    if (raw === undefined) continue;
    if (Array.isArray(raw)) {
      errors.push({ field: name, rule: 'type', message: 'must be given once' });
      continue;
    }
    values[name] = schemas[name] ? typed(raw, schemas[name].schema) : raw;
  }
  const validate = validatorOf(route);
  if (!validate(values)) errors.push(...toFieldErrors(validate.errors));
  if (errors.length > 0) throw new ValidationError(errors, `${route.method.toUpperCase()} ${route.path} parameters`);
  return values;
}
