import type { IncomingMessage } from 'node:http';
import { bearerToken, secretsEqual } from '../util/auth';
import type { FieldError } from '../util/errors';

/** An answer to an HTTP request, always JSON, for the adapter to write. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export const DEFAULT_DEMO_MAX_BODY_BYTES = 1024 * 1024;

export function jsonAnswer(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body };
}

/** A refused request, shaped as the order API's refusals: `{error, errors: [{field, rule, message}]}`. */
export function refusal(statusCode: number, error: string, fieldError: FieldError, headers: Record<string, string> = {}): HttpAnswer {
  return jsonAnswer(statusCode, { error, errors: [fieldError] }, headers);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The address of the socket's peer (never a forwarded-for header, which any client can write). */
export function isLoopbackAddress(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && LOOPBACK.has(remoteAddress);
}

/**
 * Requests from this machine pass (the outbox and the dashboard of the demo run here); any other
 * must carry `Authorization: Bearer <token>`; without a configured token every other is refused.
 * Returns the refusal, or undefined when the request may go on.
 */
export function authorizeDemoRequest(remoteAddress: string | undefined, authorization: string | string[] | undefined, token: string | undefined): HttpAnswer | undefined {
  if (isLoopbackAddress(remoteAddress)) return undefined;
  const challenge = { 'WWW-Authenticate': 'Bearer realm="mes-demo"' };
  if (!token) {
    return refusal(401, 'unauthorized', { field: 'Authorization', rule: 'loopbackOrToken', message: 'only requests from this machine are accepted: no token is configured' }, challenge);
  }
  const presented = bearerToken(authorization);
  if (!presented) {
    return refusal(401, 'unauthorized', { field: 'Authorization', rule: 'bearerToken', message: 'an Authorization: Bearer <token> header is required from another machine' }, challenge);
  }
  if (!secretsEqual(presented, token)) {
    return refusal(401, 'unauthorized', { field: 'Authorization', rule: 'bearerToken', message: 'the bearer token is not valid' }, challenge);
  }
  return undefined;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/;

/**
 * Reads a request body of at most `maxBytes`: JSON bodies parsed (a JSON error is a 400), others
 * (B2MML XML from the outbox) kept as text, an empty body undefined. A body over the limit is
 * drained, not kept, and answered 413.
 */
export type BodyRead = { ok: true; value: unknown } | { ok: false; answer: HttpAnswer };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const refused = (answer: HttpAnswer): BodyRead => ({ ok: false, answer });
  const tooLarge = (size: number) => refused(refusal(413, 'payloadTooLarge', { field: '', rule: 'maxBodyBytes', message: `the body has ${size} bytes or more; the limit is ${maxBytes}` }));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve(tooLarge(declared));
  }
  // A body parser of the host (Node-RED's HTTP middleware, a dashboard) may have read the stream
  // already: then its result is the body, and waiting for 'end' would wait for ever.
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (req.readableEnded || parsed !== undefined) {
    if (Buffer.isBuffer(parsed) || typeof parsed === 'string') return Promise.resolve(fromText(parsed.toString(), req, maxBytes, tooLarge));
    const empty = parsed === undefined || (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0 && !declared);
    return Promise.resolve({ ok: true, value: empty ? undefined : parsed });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', (err) => resolve(refused(refusal(400, 'invalidRequest', { field: '', rule: 'body', message: `the body could not be read: ${err.message}` }))));
    req.on('end', () => {
      if (size > maxBytes) return resolve(tooLarge(size));
      resolve(fromText(Buffer.concat(chunks).toString('utf8'), req, maxBytes, tooLarge));
    });
  });
}

/** A body's text: JSON parsed (a JSON error is a 400), other types kept as text, empty undefined. */
function fromText(text: string, req: IncomingMessage, maxBytes: number, tooLarge: (size: number) => BodyRead): BodyRead {
  if (Buffer.byteLength(text) > maxBytes) return tooLarge(Buffer.byteLength(text));
  if (text.trim() === '') return { ok: true, value: undefined };
  if (!JSON_TYPE.test(String(req.headers['content-type'] ?? '').toLowerCase())) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, answer: refusal(400, 'invalidRequest', { field: '', rule: 'json', message: `the body is not valid JSON: ${(err as Error).message}` }) };
  }
}
