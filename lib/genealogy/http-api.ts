import type { MesStore } from '../store';
import { bearerToken, secretsEqual } from '../util/auth';
import { NotFoundError, type FieldError } from '../util/errors';
import { recall, recallCsv, trace, traceCsv } from './trace';

/** What the trace API reads of a request (Node-RED's `msg.req` has it all). */
export interface TraceRequest {
  method: string;
  path: string;
  params: { lot?: string };
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface TraceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface TraceApiConfig {
  /** Bearer token; undefined means the API is not configured and refuses everything. */
  token?: string;
}

export interface TraceApiResult {
  response: TraceResponse;
  /** Set for a refused request so the adapter can also report it to Catch nodes. */
  error?: Error;
}

const LOT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

class TraceRequestError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`trace request refused: ${errors.map((e) => `${e.field || '(root)'}: ${e.message} [${e.rule}]`).join('; ')}`);
    this.name = 'TraceRequestError';
  }
}

function refused(statusCode: number, error: string, errors: FieldError[], headers: Record<string, string> = {}): TraceApiResult {
  return { response: { statusCode, headers: { ...JSON_TYPE, ...headers }, body: { error, errors } }, error: new TraceRequestError(errors) };
}

type Route = 'backward' | 'forward' | 'recall';

function routeOf(path: string): Route | undefined {
  const match = /\/trace\/(backward|forward|recall)\/[^/]+\/?$/.exec(path);
  return match ? (match[1] as Route) : undefined;
}

/**
 * GET /mes/v1/trace/backward/:lot, /forward/:lot and /recall/:lot, as JSON or (`?format=csv`) CSV.
 * The same bearer-token scheme as the order API; authentication comes before anything is read.
 */
export function handleTraceApi(store: MesStore, req: TraceRequest, config: TraceApiConfig): TraceApiResult {
  if (!config.token) {
    return refused(503, 'notConfigured', [{ field: 'Authorization', rule: 'apiTokenConfigured', message: 'the MES trace API has no token configured (set MES_API_TOKEN); every request is refused' }]);
  }
  const authorization = req.headers.authorization;
  const presented = bearerToken(authorization);
  if (!presented || !secretsEqual(presented, config.token)) {
    return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: presented ? 'the bearer token is not valid' : 'an Authorization: Bearer <token> header is required' }],
      { 'WWW-Authenticate': 'Bearer realm="mes"' });
  }
  const route = routeOf(req.path);
  if (req.method.toUpperCase() !== 'GET' || !route) {
    return refused(405, 'methodNotAllowed', [{ field: '', rule: 'route', message: `${req.method} ${req.path} is not part of the trace API` }]);
  }
  const lot = req.params.lot ?? '';
  if (!LOT_PATTERN.test(lot)) {
    return refused(400, 'invalidRequest', [{ field: 'lot', rule: 'pattern', message: 'must be 1-64 letters, digits or ._:/- starting with a letter or digit' }]);
  }
  const format = req.query.format ?? 'json';
  if (format !== 'json' && format !== 'csv') {
    return refused(400, 'invalidRequest', [{ field: 'format', rule: 'enum', message: 'must be json or csv' }]);
  }
  try {
    const name = `${route === 'recall' ? 'recall' : `trace-${route}`}-${lot.replace(/[^A-Za-z0-9._-]/g, '_')}.csv`;
    const csvHeaders = { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` };
    if (route === 'recall') {
      const report = recall(store, lot);
      return { response: format === 'csv' ? { statusCode: 200, headers: csvHeaders, body: recallCsv(report) } : { statusCode: 200, headers: JSON_TYPE, body: report } };
    }
    const result = trace(store, lot, route);
    return { response: format === 'csv' ? { statusCode: 200, headers: csvHeaders, body: traceCsv(result) } : { statusCode: 200, headers: JSON_TYPE, body: result } };
  } catch (err) {
    if (err instanceof NotFoundError) {
      return refused(404, 'notFound', [{ field: 'lot', rule: 'unknownLot', message: `lot or serial ${lot} is not known to the MES` }]);
    }
    throw err;
  }
}
