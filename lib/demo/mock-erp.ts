import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../util/errors';
import { authorizeDemoRequest, jsonAnswer, readBody, refusal, type HttpAnswer } from './http';

/** What `GET <base>/received` lists: the newest messages, at most this many. */
export const MOCK_ERP_MAX_RECEIVED = 1000;
/** Idempotency keys remembered for the duplicate flag; the oldest are forgotten first. */
export const MOCK_ERP_MAX_KEYS = 100000;
/** Seconds a client is told to wait while the mock ERP is switched down. */
export const MOCK_ERP_RETRY_AFTER_SECONDS = 5;

export interface ReceivedMessage {
  key: string | null;
  path: string;
  duplicate: boolean;
  receivedAt: string;
  body: unknown;
}

export interface MockErpSnapshot {
  up: boolean;
  /** Every message accepted since start, also those no longer listed. */
  count: number;
  received: ReceivedMessage[];
}

/**
 * The ERP of the demo: accepts every message, flags a repeated idempotency key as a duplicate,
 * and can be switched down to show the outbox holding actuals until it is back. Memory only and
 * bounded: it is a demo, not a record.
 */
export class MockErp {
  private upNow = true;
  private total = 0;
  private readonly log: ReceivedMessage[] = [];
  private readonly keys = new Set<string>();

  get up(): boolean {
    return this.upNow;
  }

  get count(): number {
    return this.total;
  }

  /** Returns whether the state changed. */
  setUp(up: boolean): boolean {
    const changed = up !== this.upNow;
    this.upNow = up;
    return changed;
  }

  record(key: string | null, path: string, body: unknown, now: Date = new Date()): { accepted: true; duplicate: boolean } {
    const duplicate = key !== null && this.keys.has(key);
    if (key !== null && !duplicate) {
      this.keys.add(key);
      if (this.keys.size > MOCK_ERP_MAX_KEYS) this.keys.delete(this.keys.values().next().value as string);
    }
    this.log.push({ key, path, duplicate, receivedAt: now.toISOString(), body });
    if (this.log.length > MOCK_ERP_MAX_RECEIVED) this.log.shift();
    this.total += 1;
    return { accepted: true, duplicate };
  }

  snapshot(): MockErpSnapshot {
    return { up: this.upNow, count: this.total, received: [...this.log] };
  }
}

/** `msg.payload` of the node's input, or the body of `POST <base>/state`: a boolean or `{up: boolean}`. */
export function parseUpDown(value: unknown, field = 'payload'): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { up?: unknown }).up === 'boolean') return (value as { up: boolean }).up;
  throw new ValidationError([{ field, rule: 'upDown', message: 'must be true or false, or {"up": true|false}' }], 'mock ERP state');
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.trim() !== '' ? first.trim() : undefined;
}

/** Headers `Idempotency-Key` or `X-Idempotency-Key`, else the body's `idempotencyKey`; null without one. */
export function idempotencyKeyOf(headers: IncomingMessage['headers'], body: unknown): string | null {
  const fromHeader = firstHeader(headers['idempotency-key']) ?? firstHeader(headers['x-idempotency-key']);
  if (fromHeader) return fromHeader;
  const fromBody = body !== null && typeof body === 'object' ? (body as { idempotencyKey?: unknown }).idempotencyKey : undefined;
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : null;
}

export type MockErpRoute = 'api' | 'received' | 'state';

export interface MockErpHttpOptions {
  /** Bearer token that requests from other machines must carry; none: only loopback is served. */
  token?: string;
  maxBodyBytes: number;
  /** Called after the state was switched over HTTP. */
  onStateChange(up: boolean): void;
  /** Called after a message was recorded. */
  onReceived(): void;
}

async function answer(erp: MockErp, route: MockErpRoute, req: IncomingMessage, options: MockErpHttpOptions): Promise<HttpAnswer> {
  const denied = authorizeDemoRequest(req.socket.remoteAddress, req.headers.authorization, options.token);
  if (denied) return denied;
  if (route === 'received') return jsonAnswer(200, erp.snapshot());
  if (route === 'api' && !erp.up) {
    return refusal(503, 'unavailable', { field: '', rule: 'erpUp', message: 'the mock ERP is switched down (dashboard or POST /state)' }, { 'Retry-After': String(MOCK_ERP_RETRY_AFTER_SECONDS) });
  }
  const read = await readBody(req, options.maxBodyBytes);
  if (!read.ok) return read.answer;
  if (route === 'state') {
    let up: boolean;
    try {
      up = parseUpDown(read.value, 'up');
    } catch (err) {
      return jsonAnswer(400, { error: 'invalidRequest', errors: (err as ValidationError).errors });
    }
    if (erp.setUp(up)) options.onStateChange(up);
    return jsonAnswer(200, { up });
  }
  const path = (req.url ?? '').split('?')[0];
  const result = erp.record(idempotencyKeyOf(req.headers, read.value), path, read.value ?? null);
  options.onReceived();
  return jsonAnswer(201, result);
}

/**
 * A plain `node:http` handler for one route of the mock ERP (`POST <base>/api/*`,
 * `GET <base>/received`, `POST <base>/state`): every answer is JSON, refusals included.
 */
export function mockErpHandler(erp: MockErp, route: MockErpRoute, options: MockErpHttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    answer(erp, route, req, options).catch((err: unknown) => jsonAnswer(500, { error: 'internal', message: (err as Error).message })).then((a) => {
      res.writeHead(a.statusCode, a.headers);
      res.end(JSON.stringify(a.body));
    });
  };
}

const BASE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/** `/mock-erp` by default; a path of plain segments (no wildcards or parameters), no trailing slash. */
export function parseBasePath(value: unknown): string {
  const raw = typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : '/mock-erp';
  if (!BASE_PATH.test(raw)) {
    throw new ValidationError([{ field: 'basePath', rule: 'path', message: `'${raw}' must be a path such as /mock-erp: segments of letters, digits and . _ ~ -` }], 'mock ERP configuration');
  }
  return raw;
}
