import type { ApiParameter, ApiRole, ApiRoute, JsonSchema } from './route';
import { schemaName } from './schema-names';
import { ERROR_SCHEMA } from './schemas/error';

export { namedSchema } from './schema-names';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** Where the API is reached; relative '/' by default (the document is served by the same server). */
  servers?: { url: string; description: string }[];
}

type Doc = Record<string, unknown>;

const ROLE_TEXT: Record<ApiRole, string> = {
  operator: 'operator: shop-floor commands and reads of a workstation',
  supervisor: 'supervisor: everything an operator may do, plus hold, release, resequence, forced cancellation, quarantine decisions and exports',
  integration: 'integration: systems such as the ERP (orders, traces, reads, exports, the event feed)',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: every broken rule, by field. Nothing was changed.',
  401: 'No bearer token, or not a valid one.',
  403: "The token's role may not do this.",
  404: 'Not found.',
  409: 'Refused by a rule of the current state (e.g. cancelling a running order without force). Nothing was changed.',
  411: 'A body without a Content-Length header.',
  413: 'The body is larger than the limit.',
  500: 'Unexpected error; the answer carries the id of the log line.',
  503: 'The API has no token configured and refuses every request.',
};

const ERROR_NAME: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 411: 'LengthRequired',
  413: 'PayloadTooLarge', 500: 'InternalError', 503: 'NotConfigured',
};

const KEYWORD_TEXT: Record<string, (value: unknown) => string> = {
  mesUniqueBy: (value) => `items are unique by ${(value as string[]).join(', ')}`,
  mesComponentsReferenceOperations: () => 'the operation of each component must be one of the order\'s operations',
};

/**
 * Our JSON Schemas are draft-07 files compiled by ajv; OpenAPI 3.1 schemas are JSON Schema
 * 2020-12 inside the document. This keeps each schema's content and moves what cannot stay:
 * `definitions` become components named `<Name>.<definition>` (their $refs follow), $schema and
 * $id go (the document's dialect applies), ajv's `$data` comparisons (e.g. scheduledEnd not before
 * scheduledStart) become descriptions, and our own keywords become `x-mes-*` annotations.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly placed = new Map<object, string>();

  ref(schema: JsonSchema): JsonSchema {
    const name = schemaName(schema);
    if (!name) return this.convert(schema, undefined);
    const known = this.placed.get(schema);
    if (known) return { $ref: `#/components/schemas/${known}` };
    if (this.schemas[name]) throw new Error(`two different schemas are named ${name}`);
    this.placed.set(schema, name);
    this.schemas[name] = {};
    this.schemas[name] = this.convert(schema, name);
    return { $ref: `#/components/schemas/${name}` };
  }

  private convert(schema: JsonSchema, owner: string | undefined): JsonSchema {
    const definitions = (schema.definitions ?? schema.$defs) as Record<string, JsonSchema> | undefined;
    if (definitions && owner) {
      for (const [key, definition] of Object.entries(definitions)) this.schemas[`${owner}.${key}`] = this.walk(definition, owner);
    }
    return this.walk(schema, owner);
  }

  private walk(value: unknown, owner: string | undefined): JsonSchema {
    return this.node(value, owner, true) as JsonSchema;
  }

  private node(value: unknown, owner: string | undefined, top: boolean): unknown {
    if (Array.isArray(value)) return value.map((item) => this.node(item, owner, false));
    if (typeof value !== 'object' || value === null) return value;
    if (!top && schemaName(value)) return this.ref(value as JsonSchema);
    const out: Record<string, unknown> = {};
    const notes: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (key === '$schema' || key === '$id' || key === 'definitions' || key === '$defs') continue;
      if (key === '$ref' && typeof item === 'string' && owner) {
        out.$ref = item.replace(/^#\/(definitions|\$defs)\//, `#/components/schemas/${owner}.`);
      } else if (typeof item === 'object' && item !== null && '$data' in item) {
        notes.push(`${key} is the value of ${(item as { $data: string }).$data} (checked by the MES)`);
      } else if (/^mes[A-Z]/.test(key)) {
        // ajv keywords of ours (lib/orders/validate.ts): kept as annotations a reader can see.
        out[`x-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] = item;
        if (KEYWORD_TEXT[key]) notes.push(KEYWORD_TEXT[key](item));
      } else if (key === 'properties' || key === 'patternProperties') {
        out[key] = Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([name, s]) => [name, this.node(s, owner, false)]));
      } else {
        out[key] = this.node(item, owner, false);
      }
    }
    if (notes.length) out.description = [out.description, `${notes.join('; ')}.`].filter(Boolean).join(' ');
    return out;
  }
}

function rolesText(roles: readonly ApiRole[]): string {
  return roles.length ? `Roles: ${roles.join(', ')}.` : 'No token needed: the response holds no MES data.';
}

function parameters(where: 'path' | 'query', params: Record<string, ApiParameter> | undefined, components: Components): unknown[] {
  return Object.entries(params ?? {}).map(([name, p]) => ({
    name, in: where, description: p.description, required: where === 'path' ? true : p.required ?? false, schema: components.ref(p.schema),
  }));
}

function operation(route: ApiRoute, components: Components): Doc {
  const responses: Doc = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const response: Doc = { description: spec.description };
    if (spec.headers) response.headers = Object.fromEntries(Object.entries(spec.headers).map(([name, h]) => [name, { description: h.description, schema: h.schema }]));
    if (spec.content) response.content = Object.fromEntries(Object.entries(spec.content).map(([type, schema]) => [type, { schema: components.ref(schema) }]));
    responses[status] = response;
  }
  for (const status of route.errors) {
    if (!ERROR_NAME[status]) throw new Error(`${route.operationId}: no shared error response for status ${status}`);
    responses[String(status)] = { $ref: `#/components/responses/${ERROR_NAME[status]}` };
  }
  const op: Doc = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, rolesText(route.roles)].filter(Boolean).join('\n\n'),
    'x-mes-roles': [...route.roles],
    security: route.roles.length ? [{ bearerAuth: [] }] : [],
    responses,
  };
  const params = [...parameters('path', route.pathParams, components), ...parameters('query', route.query, components)];
  if (params.length) op.parameters = params;
  if (route.requestBody) {
    op.requestBody = {
      required: route.requestBody.required,
      content: Object.fromEntries(Object.entries(route.requestBody.content).map(([type, schema]) => [type, { schema: components.ref(schema) }])),
    };
  }
  return op;
}

const TAG_TEXT: Record<string, string> = {
  orders: 'Production orders from the ERP: intake, progress, cancellation.',
  traceability: 'Genealogy: backward and forward traces of lots and serials, recall reports.',
  reference: 'This document and the API reference page.',
  exports: 'Shift history, downtime and the audit trail as CSV or XLSX.',
};

/**
 * The OpenAPI 3.1 document of the given routes: one path item per path, one operation per route,
 * the shared error body once (components/schemas/Error) with one response per status, and every
 * named JSON Schema once in components/schemas.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], info: OpenApiInfo): Doc {
  const components = new Components();
  const paths: Record<string, Doc> = {};
  const ids = new Set<string>();
  for (const route of routes) {
    if (ids.has(route.operationId)) throw new Error(`operationId ${route.operationId} is used twice`);
    ids.add(route.operationId);
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is described twice`);
    item[route.method] = operation(route, components);
  }
  const errorRef = components.ref(ERROR_SCHEMA);
  const used = new Set(routes.flatMap((r) => r.errors));
  const responses = Object.fromEntries([...used].sort().map((status) => [ERROR_NAME[status], {
    description: ERROR_TEXT[status], content: { 'application/json': { schema: errorRef } },
    ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: 'Bearer realm="mes"', schema: { type: 'string' } } } } : {}),
  }]));
  const tags = [...new Set(routes.map((r) => r.tag))].sort().map((name) => ({ name, description: TAG_TEXT[name] ?? name }));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: info.description ?? 'The HTTP API of one production line of node-red-contrib-mes.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: info.servers ?? [{ url: '/', description: 'The Node-RED server that serves this document.' }],
    security: [{ bearerAuth: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http', scheme: 'bearer',
          description: `A bearer token carries one role; each operation lists the roles it accepts (x-mes-roles).\n\n${(Object.keys(ROLE_TEXT) as ApiRole[]).map((r) => `- ${ROLE_TEXT[r]}`).join('\n')}`,
        },
      },
      schemas: components.schemas,
      responses,
    },
  };
}
