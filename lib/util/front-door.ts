/**
 * The MES's front door: decides from a request's headers alone, before any body is read and
 * before Node-RED's editor API or http in nodes see it, whether the request may come in.
 *
 * - Cross-origin requests (an `Origin` that is not the MES itself) are refused unless the origin
 *   is configured (MES_CORS_ORIGINS): no web page open in a browser can reach the admin API or
 *   `/mes/*`, preflights included.
 * - In loopback mode without a login, a `Host` that is not the MES's own loopback name and port is
 *   refused too, so a DNS-rebinding page (evil.example resolving to 127.0.0.1) gets nothing.
 */
import { bounded, type FieldError } from './errors';

export interface FrontDoorOptions {
  /** The port the MES listens on. */
  port: number;
  /** Listening on loopback without a login: only 127.0.0.1, localhost and [::1] with the port are the MES. */
  loopbackOnly: boolean;
  /** Origins allowed to make cross-origin requests, exactly as browsers send them (`https://erp.example`). */
  allowedOrigins: readonly string[];
}

export interface FrontDoorRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Refusal {
  statusCode: number;
  body: { error: string; errors: FieldError[] };
}

function firstHeader(req: FrontDoorRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host names (with port) under which a loopback MES is itself. */
export function loopbackHosts(port: number): Set<string> {
  return new Set(['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`));
}

/** The CORS origin to answer for `origin`: the origin itself when configured, otherwise none. */
export function allowedOrigin(origin: string | undefined, allowedOrigins: readonly string[]): string | undefined {
  return origin !== undefined && allowedOrigins.includes(origin) ? origin : undefined;
}

function refusal(field: string, rule: string, message: string): Refusal {
  return { statusCode: 403, body: { error: 'forbidden', errors: [{ field, rule, message }] } };
}

/** Undefined when the request may come in, otherwise the 403 to answer. */
export function frontDoorRefusal(req: FrontDoorRequest, options: FrontDoorOptions): Refusal | undefined {
  const host = (firstHeader(req, 'host') ?? '').toLowerCase();
  const ownHosts = options.loopbackOnly ? loopbackHosts(options.port) : new Set([host]);
  if (options.loopbackOnly && !ownHosts.has(host)) {
    return refusal('Host', 'loopbackHost', `without a login the MES answers only as ${[...ownHosts].join(', ')}, not as '${bounded(host)}'`);
  }
  const origin = firstHeader(req, 'origin');
  if (origin === undefined) return undefined;
  const sameOrigin = [...ownHosts].some((h) => origin.toLowerCase() === `http://${h}` || origin.toLowerCase() === `https://${h}`);
  if (sameOrigin || allowedOrigin(origin, options.allowedOrigins)) return undefined;
  return refusal('Origin', 'sameOrigin', `cross-origin requests from '${bounded(origin)}' are refused; MES_CORS_ORIGINS lists the origins allowed`);
}

/** MES_CORS_ORIGINS: a comma-separated list of origins, e.g. `https://erp.example,https://bi.example:8443`. */
export function parseOrigins(spec: string | undefined): string[] {
  return (spec ?? '').split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean);
}

/**
 * Limits of the HTTP server (Node's `http.createServer` options; Node-RED 4 has no setting for
 * them, so scripts/start.js creates the server with these): a client gets 10 s to send its
 * headers and 30 s for the whole request, an idle keep-alive connection is closed after 5 s, and
 * the checks run every second instead of Node's 30 s.
 */
export const HTTP_SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} as const;

/** Open connections the MES accepts at once unless MES_HTTP_MAX_CONNECTIONS says otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 256;

/** Largest body the raw-body capture below reads; the front door's per-API limits are lower. */
const RAW_BODY_CAP = 16 * 1024 * 1024;

interface RawBodyRequest extends NodeJS.ReadableStream {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  _body?: boolean;
  skipRawBodyParser?: boolean;
  readableEnded?: boolean;
}

/**
 * Node-RED's http in "skip body parsing" matches the request path exactly, so it never applies to
 * a url with parameters (/mes/v1/workstations/:workstation/commands): its JSON parser would read
 * the body and answer malformed JSON with a bare 500. As `httpNodeMiddleware` (flows/settings.js)
 * this keeps the raw body of every POST under `prefix` as a Buffer, marked as parsed, so our nodes
 * answer bad JSON with a JSON error list naming the rule.
 */
export function rawBodyMiddleware(prefix: string) {
  return (req: RawBodyRequest, _res: unknown, next: (err?: unknown) => void): void => {
    if (req.method !== 'POST' || !(req.url ?? '').startsWith(prefix) || req._body || req.readableEnded) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > RAW_BODY_CAP) failed = true;
      else if (!failed) chunks.push(chunk);
    });
    req.on('end', () => {
      // Beyond the cap (the front door bounds declared lengths well below it) the request fails.
      if (failed) {
        next(new Error(`request body over ${RAW_BODY_CAP} bytes`));
        return;
      }
      req.body = Buffer.concat(chunks);
      req._body = true;
      req.skipRawBodyParser = true;
      next();
    });
    req.on('error', (err) => next(err));
  };
}
