import type { JsonSchema } from './route';

/**
 * Schemas that the OpenAPI document lists once in components/schemas and refers to by $ref
 * wherever they appear. Keyed by the object itself, so a route keeps using the very schema object.
 */
const names = new WeakMap<object, string>();

export function namedSchema<S extends JsonSchema>(name: string, schema: S): S {
  names.set(schema, name);
  return schema;
}

export function schemaName(schema: object): string | undefined {
  return names.get(schema);
}
