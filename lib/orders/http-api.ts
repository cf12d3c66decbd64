import { verifySent } from '../compliance/signed-actions';
import type { Signatures } from '../compliance/signature-types';
import type { MesStore, StoredEvent } from '../store';
import { bearerToken, secretsEqual } from '../util/auth';
import { failure as httpFailure, header, isRefusal, json, readJsonBody, refused, tooLarge, type HttpResponse } from '../util/http';
import { bounded } from '../util/errors';
import { cancelOrder, getOrderProgress, submitOrder } from './intake';
import { parseCancelRequest, parseProductionOrder } from './validate';

/** The parts of an HTTP request the order API looks at (Node-RED's `msg.req` has them all). */
export interface ApiRequest {
  method: string;
  path: string;
  params: { orderId?: string };
  headers: Record<string, string | string[] | undefined>;
  /** Raw body (Buffer or string) from an `http in` node with body parsing off, or an already parsed value. */
  body: unknown;
}

export type ApiResponse = HttpResponse;

export interface ApiConfig {
  /** Bearer token of the ERP; undefined means the API is not configured and refuses everything. */
  token?: string;
  /** Bearer token of supervisors: everything the ERP may do, plus forcing a running order's cancellation. */
  supervisorToken?: string;
  maxBodyBytes: number;
  /** The plant's signature rules (a mes-signatures node): forcing a running order's cancellation may need one. */
  signatures?: Signatures;
}

export interface ApiResult {
  response: ApiResponse;
  /** The event an accepted change appended, for the node's event output. */
  event?: StoredEvent;
  /** The `signature.recorded` bound to `event`, when the change was signed. */
  signature?: StoredEvent;
  /** Set for refused input so the adapter can also report it to Catch nodes. */
  error?: Error;
}

/** The parts of a request known before its body is read. */
export type ApiRequestHead = Pick<ApiRequest, 'method' | 'headers'>;

export { DEFAULT_MAX_BODY_BYTES, InternalApiError } from '../util/http';
const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/;
const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

type Role = 'erp' | 'supervisor';

function authenticate(req: Pick<ApiRequest, 'headers'>, config: ApiConfig): Role | ApiResult {
  if (!config.token) {
    return refused(503, 'notConfigured', [{ field: 'Authorization', rule: 'apiTokenConfigured', message: 'the MES order API has no token configured (set MES_API_TOKEN); every request is refused' }]);
  }
  const presented = bearerToken(header(req, 'authorization'));
  const challenge = { 'WWW-Authenticate': 'Bearer realm="mes"' };
  if (!presented) {
    return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: 'an Authorization: Bearer <token> header is required' }], undefined, challenge);
  }
  // Both comparisons always run so that timing does not tell which token matched.
  const isSupervisor = config.supervisorToken ? secretsEqual(presented, config.supervisorToken) : false;
  const isErp = secretsEqual(presented, config.token);
  if (isSupervisor) return 'supervisor';
  if (isErp) return 'erp';
  return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: 'the bearer token is not valid' }], undefined, challenge);
}

function actorOf(req: ApiRequest, role: Role): string | ApiResult {
  const declared = header(req, 'x-mes-actor');
  if (declared === undefined) return role;
  if (!ACTOR_PATTERN.test(declared)) {
    return refused(400, 'invalidRequest', [{ field: 'X-MES-Actor', rule: 'pattern', message: 'must be 1-100 letters, digits or ._@:- and start with a letter or digit' }]);
  }
  return `${role}:${declared}`;
}

const failure = (err: unknown): ApiResult => httpFailure(err, 'orderId', 'order API');

const isResult = (value: unknown): value is ApiResult => isRefusal(value);

type Route = 'submit' | 'get' | 'cancel';

function routeOf(req: ApiRequest): Route | undefined {
  const method = req.method.toUpperCase();
  if (req.params.orderId === undefined) return method === 'POST' ? 'submit' : undefined;
  if (method === 'GET') return 'get';
  if (method === 'POST' && /\/cancel\/?$/.test(req.path)) return 'cancel';
  return undefined;
}

/**
 * The order API: POST /orders (create or replace), GET /orders/:orderId, POST /orders/:orderId/cancel.
 * Authentication comes first, so an unauthenticated request never reaches parsing or the store.
 */
export async function handleOrderApi(store: MesStore, req: ApiRequest, config: ApiConfig): Promise<ApiResult> {
  const role = authenticate(req, config);
  if (isResult(role)) return role;
  const route = routeOf(req);
  if (!route) {
    return refused(405, 'methodNotAllowed', [{ field: '', rule: 'route', message: `${bounded(req.method)} ${bounded(req.path)} is not part of the order API` }]);
  }
  const orderId = req.params.orderId;
  if (orderId !== undefined && !ORDER_ID_PATTERN.test(orderId)) {
    return refused(400, 'invalidRequest', [{ field: 'orderId', rule: 'pattern', message: 'must be 1-64 letters, digits or ._:/- starting with a letter or digit' }]);
  }
  const actor = actorOf(req, role);
  if (isResult(actor)) return actor;
  try {
    if (route === 'get') {
      return { response: json(200, getOrderProgress(store, orderId as string)) };
    }
    const body = readJsonBody(req, config.maxBodyBytes, route === 'submit');
    if (isRefusal(body)) return body;
    if (route === 'submit') {
      const order = parseProductionOrder(body.value);
      const outcome = await store.transact((s) => submitOrder(s, order, actor));
      const statusCode = outcome.status === 'created' ? 201 : 200;
      const headers: Record<string, string> = outcome.status === 'created' ? { Location: `${req.path.replace(/\/$/, '')}/${encodeURIComponent(order.orderId)}` } : {};
      return {
        response: json(statusCode, { status: outcome.status, orderId: outcome.orderId, revision: outcome.revision, eventSeq: outcome.event?.seq ?? null }, headers),
        event: outcome.event,
      };
    }
    const request = parseCancelRequest(body.value);
    // The password check (bcrypt) is asynchronous: before the transaction, which binds the signature.
    // The person who asks (body actor, else X-MES-Actor) is the performer of the two-person rule.
    const performer = request.actor ?? header(req, 'x-mes-actor');
    const signing = await verifySent(store, config.signatures, 'order.force-cancel', request.signature, performer, 'this order intake');
    const authority = { supervisor: role === 'supervisor', signatures: config.signatures, signing };
    const outcome = await store.transact((s) => cancelOrder(s, orderId as string, request, request.actor ? `${actor}:${request.actor}` : actor, authority));
    return {
      response: json(200, { status: outcome.status, orderId: outcome.orderId, eventSeq: outcome.event?.seq ?? null }),
      event: outcome.event,
      signature: outcome.signature,
    };
  } catch (err) {
    return failure(err);
  }
}

/** The order APIs of the running flows (one per mes-order-intake node), for checks made before a body is read. */
const registered = new Set<ApiConfig>();

/** Called by each mes-order-intake node; the returned function removes it again (on close). */
export function registerOrderApi(config: ApiConfig): () => void {
  registered.add(config);
  return () => { registered.delete(config); };
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication and the size limit, decided from the headers before the body is read: the
 * answer to send instead of reading it, or undefined to go on. A request no registered order API
 * accepts is refused with that API's own answer; a body without a declared length is refused
 * (411), so the declared length bounds what is read.
 */
export function refuseBeforeBody(req: ApiRequestHead, configs: Iterable<ApiConfig> = registered, shopFloorLimit?: number): ApiResponse | undefined {
  if (!WITH_BODY.has(req.method.toUpperCase())) return undefined;
  let firstRefusal: ApiResult | undefined;
  // `shopFloorLimit`: the body limit of the shop-floor API whose token the request carries
  // (lib/api/tokens.ts acceptedBodyLimit, passed by the front door); such a request passes too.
  let accepting: Pick<ApiConfig, 'maxBodyBytes'> | undefined = shopFloorLimit === undefined ? undefined : { maxBodyBytes: shopFloorLimit };
  for (const config of accepting ? [] : configs) {
    const role = authenticate(req, config);
    if (!isResult(role)) {
      accepting = config;
      break;
    }
    firstRefusal ??= role;
  }
  if (!accepting) return firstRefusal?.response;
  const declared = header(req, 'content-length');
  if (declared === undefined) {
    if (header(req, 'transfer-encoding') === undefined) return undefined;
    return refused(411, 'lengthRequired', [{ field: 'Content-Length', rule: 'required', message: 'a request body needs a Content-Length header' }]).response;
  }
  return Number(declared) > accepting.maxBodyBytes ? tooLarge(declared, accepting.maxBodyBytes).response : undefined;
}
