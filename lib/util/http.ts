import { randomUUID } from 'node:crypto';
import { bounded, ConflictError, NotFoundError, ValidationError, type FieldError } from './errors';
import { jsonStructureError } from './json-scan';

/**
 * What every JSON endpoint of the MES (order API, shop-floor API) answers with, and how it reads a
 * request body: one implementation, so that refusals look the same on every route.
 */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A refused request: the answer, and the error that Catch nodes get. */
export interface HttpRefusal {
  response: HttpResponse;
  error: Error;
}

/** The parts of a request a body reader looks at. */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** Raw body (Buffer or string) from an `http in` node with body parsing off, or an already parsed value. */
  body: unknown;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body };
}

export function refused(statusCode: number, error: string, errors: FieldError[], exception?: Error, headers?: Record<string, string>): HttpRefusal {
  const err = exception ?? new ValidationError(errors, 'request');
  return { response: json(statusCode, { error, errors }, headers), error: err };
}

export function isRefusal(value: unknown): value is HttpRefusal {
  return typeof value === 'object' && value !== null && 'response' in value && 'error' in value;
}

export function header(req: Pick<HttpRequestLike, 'headers'>, name: string): string | undefined {
  const value = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function tooLarge(size: number | string, maxBodyBytes: number): HttpRefusal {
  return refused(413, 'payloadTooLarge', [{ field: '', rule: 'maxBodyBytes', message: `the body has ${bounded(String(size))} bytes; the limit is ${maxBodyBytes}` }]);
}

function bodyBytes(req: HttpRequestLike): number {
  if (Buffer.isBuffer(req.body)) return req.body.length;
  if (typeof req.body === 'string') return Buffer.byteLength(req.body, 'utf8');
  const declared = Number(header(req, 'content-length'));
  if (Number.isFinite(declared)) return declared;
  return req.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(req.body) ?? '', 'utf8');
}

/** Parses the body as JSON, or returns the refusal; an already parsed object passes through. */
export function readJsonBody(req: HttpRequestLike, maxBodyBytes: number, required: boolean): { value: unknown } | HttpRefusal {
  const size = bodyBytes(req);
  if (size > maxBodyBytes) return tooLarge(size, maxBodyBytes);
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body;
  if (typeof raw !== 'string') return { value: raw };
  if (raw.trim() === '') {
    if (!required) return { value: undefined };
    return refused(400, 'invalidRequest', [{ field: '', rule: 'required', message: 'the request body is empty; a JSON document is required' }]);
  }
  const contentType = (header(req, 'content-type') ?? '').toLowerCase();
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/.test(contentType)) {
    return refused(400, 'invalidRequest', [{ field: 'Content-Type', rule: 'contentType', message: `must be application/json, not '${bounded(contentType) || '(none)'}'` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return refused(400, 'invalidRequest', [{ field: '', rule: 'json', message: `the body is not valid JSON: ${bounded((err as Error).message)}` }]);
  }
  const structure = jsonStructureError(raw);
  return structure ? refused(400, 'invalidRequest', [structure]) : { value };
}

/** An unexpected exception: answered 500 with an id that the log line carries too, never with its text. */
export class InternalApiError extends Error {
  readonly errorId: string;
  constructor(cause: unknown, subject = 'API') {
    const errorId = randomUUID();
    super(`${subject}: unexpected error ${errorId}: ${bounded(cause instanceof Error ? cause.stack ?? cause.message : String(cause), 4000)}`);
    this.name = 'InternalApiError';
    this.errorId = errorId;
  }
}

/** Something the request names does not exist; `field` says which part of the request named it. */
export class ApiNotFoundError extends NotFoundError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** A part of the MES the request needs is not running (a node of the flows is missing or stopped). */
export class UnavailableError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'UnavailableError';
    this.field = field;
  }
}

/** A rule of the call needs a role the caller's token lacks: answered 403. */
export class ForbiddenError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ForbiddenError';
    this.errors = errors;
  }
}

/**
 * The answer to an exception: 400 for bad input, 409 for a state conflict, 404 for an unknown
 * thing (`notFoundField` names what was looked up), 503 for a part that is not running, 500 otherwise.
 */
export function failure(err: unknown, notFoundField: string, subject?: string): HttpRefusal {
  if (err instanceof ValidationError) return { response: json(400, { error: 'invalidRequest', errors: err.errors }), error: err };
  if (err instanceof ConflictError) return { response: json(409, { error: 'conflict', errors: err.conflicts, conflicts: err.conflicts }), error: err };
  if (err instanceof NotFoundError) {
    const message = bounded(err.message);
    const field = err instanceof ApiNotFoundError ? err.field : notFoundField;
    return { response: json(404, { error: 'notFound', errors: [{ field, rule: 'exists', message }], message }), error: err };
  }
  if (err instanceof ForbiddenError) return { response: json(403, { error: 'forbidden', errors: err.errors }), error: err };
  if (err instanceof UnavailableError) {
    return { response: json(503, { error: 'unavailable', errors: [{ field: err.field, rule: 'running', message: bounded(err.message) }] }), error: err };
  }
  const internal = new InternalApiError(err, subject);
  return {
    response: json(500, { error: 'internalError', errorId: internal.errorId, errors: [{ field: '', rule: 'internal', message: `the MES could not answer; the log has error ${internal.errorId}` }] }),
    error: internal,
  };
}
