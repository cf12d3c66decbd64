/**
 * One HTTP endpoint of the MES, described once: the node that serves it routes by it, and the
 * OpenAPI document (lib/api/openapi.ts) is built from it, so the two cannot drift apart. Schemas
 * are the same JSON Schema objects the nodes validate with (imported, never copied).
 */
export type ApiRole = 'operator' | 'supervisor' | 'integration';

export type JsonSchema = Record<string, unknown>;

export interface ApiParameter {
  schema: JsonSchema;
  description: string;
  required?: boolean;
}

export interface ApiResponseSpec {
  description: string;
  /** Body schema per media type, e.g. { 'application/json': schema, 'text/csv': { type: 'string' } }. */
  content?: Record<string, JsonSchema>;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface ApiRoute {
  operationId: string;
  method: 'get' | 'post';
  /** OpenAPI form: /mes/v1/workstations/{workstation}/commands (the http in node's url uses :workstation). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The token roles that may call it; empty means no token is needed (none so far). */
  roles: readonly ApiRole[];
  pathParams?: Record<string, ApiParameter>;
  query?: Record<string, ApiParameter>;
  requestBody?: { required: boolean; content: Record<string, JsonSchema> };
  /** Keyed by status code; the shared error answers (400, 401, 403, 404, 409, 413, 500) are added by the builder where listed in `errors`. */
  responses: Record<string, ApiResponseSpec>;
  /** Status codes answered with the shared error body `{error, errors: [{field, rule, message}]}`. */
  errors: readonly number[];
}

/** The Node-RED http in url of a route: {name} becomes :name. */
export function httpInUrl(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
