import type { ValidateFunction } from 'ajv';
import type { Pool } from 'pg';
import { parseSiteQuery, runSiteQuery, type SiteQuery } from '../../site';
import { bearerToken, secretsEqual } from '../../util/auth';
import { ValidationError, type FieldError } from '../../util/errors';
import { createAjv, toFieldErrors } from '../../util/json-schema';
import type { ApiReply } from '../handler';
import { httpInUrl, type ApiRoute } from '../route';
import { requestSchema, SITE_ROUTES } from '../routes/site';

/** What the site API needs: the site database and the bearer token (MES_SITE_API_TOKEN). */
export interface SiteApiContext {
  pool: Pool;
  /** undefined: the API is not configured and refuses every request. */
  token?: string;
}

/** What the handler reads of a request (Node-RED's `msg.req` has it all). */
export interface SiteApiRequest {
  params: Record<string, string | undefined>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface SiteApiResult {
  reply: ApiReply;
  /** Set for a refused request, so the adapter can also report it to Catch nodes. */
  error?: Error;
}

/** The lib/site view each route answers with. */
const TOPIC: Record<string, SiteQuery['query']> = {
  siteOee: 'oee', siteLosses: 'losses', siteLines: 'lines', siteTrace: 'trace', siteRecall: 'recall', siteOrder: 'order', siteAudit: 'audit',
};
/** Query parameters that are numbers once their string form is valid. */
const NUMERIC = new Set(['limit', 'lagSeconds', 'heartbeatSeconds']);
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

const ajv = createAjv();
const validators = new Map<string, ValidateFunction>(SITE_ROUTES.map((r) => [r.operationId, ajv.compile(requestSchema(r))]));

/** The route a Node-RED http in node serves: its method and url (`/mes/v1/site/trace/:direction/:lot`). */
export function siteRouteOf(method: string, url: string): ApiRoute | undefined {
  return SITE_ROUTES.find((r) => r.method === method.toLowerCase() && httpInUrl(r.path) === url);
}

class SiteRequestError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`site request refused: ${errors.map((e) => `${e.field || '(root)'}: ${e.message} [${e.rule}]`).join('; ')}`);
    this.name = 'SiteRequestError';
  }
}

function refused(statusCode: number, error: string, errors: FieldError[], headers: Record<string, string> = {}): SiteApiResult {
  return { reply: { statusCode, headers: { ...JSON_TYPE, ...headers }, body: { error, errors } }, error: new SiteRequestError(errors) };
}

/**
 * Serves one site route: the bearer token first (nothing is read before it), then the request
 * schema of the route, then the rules across fields (parseSiteQuery), then the view. Bad input
 * is a 400 naming every field and rule; nothing here writes.
 */
export async function handleSiteApi(ctx: SiteApiContext, route: ApiRoute, req: SiteApiRequest): Promise<SiteApiResult> {
  if (!ctx.token) {
    return refused(503, 'notConfigured', [{ field: 'Authorization', rule: 'apiTokenConfigured', message: 'the site API has no token configured (set MES_SITE_API_TOKEN); every request is refused' }]);
  }
  const presented = bearerToken(req.headers.authorization);
  if (!presented || !secretsEqual(presented, ctx.token)) {
    return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: presented ? 'the bearer token is not valid' : 'an Authorization: Bearer <token> header is required' }],
      { 'WWW-Authenticate': 'Bearer realm="mes-site"' });
  }
  const input: Record<string, unknown> = { ...req.query };
  for (const name of Object.keys(route.pathParams ?? {})) input[name] = req.params[name];
  const validate = validators.get(route.operationId)!;
  if (!validate(input)) return refused(400, 'invalidRequest', toFieldErrors(validate.errors));
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) payload[name] = NUMERIC.has(name) ? Number(value) : value;
  let query: SiteQuery;
  try {
    query = parseSiteQuery(TOPIC[route.operationId], payload);
  } catch (err) {
    if (err instanceof ValidationError) return refused(400, 'invalidRequest', err.errors);
    throw err;
  }
  return { reply: { statusCode: 200, headers: JSON_TYPE, body: await runSiteQuery(ctx.pool, query) } };
}
