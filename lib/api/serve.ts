import { bounded } from '../util/errors';
import type { ApiContextBase, ApiHandler, ApiReply, Principal } from './handler';
import { failure, isRefusal, readJsonBody, refused } from '../util/http';
import { httpInUrl, type ApiRoute } from './route';
import { authenticate, authorize, type ApiToken } from './tokens';

/** The parts of an `http in` request the API needs (Node-RED's msg.req has them, msg.payload the body). */
export interface ServedRequest {
  method: string;
  /** The http in node's url, e.g. /mes/v1/workstations/:workstation/commands (msg.req.route.path). */
  routePath: string;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ServedReply {
  reply: ApiReply;
  /** Set when the request was refused or failed, for Catch nodes. */
  error?: Error;
}

export interface ServeOptions<C extends ApiContextBase> {
  routes: readonly ApiRoute[];
  handlers: Record<string, ApiHandler<C>>;
  tokens: readonly ApiToken[];
  maxBodyBytes: number;
}

const PUBLIC_PRINCIPAL: Principal = Object.freeze({ role: 'operator', subject: 'anonymous' });

/** The route an http in url and method belong to. */
export function findRoute(routes: readonly ApiRoute[], method: string, routePath: string): ApiRoute | undefined {
  const wanted = method.toLowerCase();
  return routes.find((r) => r.method === wanted && httpInUrl(r.path) === routePath);
}

/**
 * One request, in the order a client fixes its mistakes: route, token, role, body, then the
 * handler. Authentication comes before the body is parsed, so an unauthenticated request never
 * reaches parsing or the store.
 */
export async function serveRequest<C extends ApiContextBase>(ctx: C, req: ServedRequest, options: ServeOptions<C>): Promise<ServedReply> {
  const route = findRoute(options.routes, req.method, req.routePath);
  const handler = route ? options.handlers[route.operationId] : undefined;
  if (!route || !handler) {
    const { response, error } = refused(404, 'notFound', [{ field: '', rule: 'route', message: `${bounded(req.method)} ${bounded(req.routePath)} is not an endpoint of the MES API` }]);
    return { reply: response, error };
  }
  // A route open to no role needs no token (lib/api/route.ts): only the reference page's static
  // shell and files, which hold no MES data. Its handlers never look at the principal.
  const principal = route.roles.length === 0 ? PUBLIC_PRINCIPAL : authenticate(req.headers, options.tokens);
  if (isRefusal(principal)) return { reply: principal.response, error: principal.error };
  const forbidden = route.roles.length === 0 ? undefined : authorize(principal, route.roles, `${route.method.toUpperCase()} ${route.path}`);
  if (forbidden) return { reply: forbidden.response, error: forbidden.error };
  let body: unknown;
  if (route.requestBody) {
    const read = readJsonBody(req, options.maxBodyBytes, route.requestBody.required);
    if (isRefusal(read)) return { reply: read.response, error: read.error };
    body = read.value;
  }
  try {
    return { reply: await handler(ctx, { params: req.params, query: req.query, headers: req.headers, body, principal }) };
  } catch (err) {
    const { response, error } = failure(err, '', 'MES API');
    return { reply: response, error };
  }
}
