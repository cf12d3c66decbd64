/**
 * Login for the dashboards (Dashboard 2.0 and the classic one): HTTP basic authentication over
 * the dashboard's pages and its socket.io connection, with users from MES_DASHBOARD_USERS. The
 * socket keeps the user name, so that every operator action carries who did it.
 *
 * A login costs one asynchronous bcrypt comparison, the same for an unknown user as for a wrong
 * password; a verified login is remembered for a while, so that the pages' many requests and the
 * live connection do not each pay it again; failed attempts are limited per user and per address.
 */
import { createHash } from 'node:crypto';

/** User name → bcrypt hash. */
export type DashboardUsers = Map<string, string>;

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** The command that prints a hash for MES_DASHBOARD_USERS. */
export const HASH_PASSWORD_COMMAND = 'npm run hash-password';

/** "alice:$2b$10$...,bob:$2b$10$..." → users. A user name may not hold ":" or ","; plain-text passwords are refused. */
export function parseDashboardUsers(spec: string): DashboardUsers {
  const users: DashboardUsers = new Map();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new Error('MES_DASHBOARD_USERS: each entry must be user:bcrypt-hash');
    const name = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (!BCRYPT_HASH.test(secret)) {
      throw new Error(`MES_DASHBOARD_USERS: the secret of '${name.slice(0, 100)}' is not a bcrypt hash; plain-text passwords are refused. \`${HASH_PASSWORD_COMMAND}\` prints the hash of a password`);
    }
    users.set(name, secret);
  }
  if (users.size === 0) throw new Error('MES_DASHBOARD_USERS: no user given');
  return users;
}

/** bcrypt's asynchronous comparison (bcryptjs `compare`), so that a login never blocks the event loop. */
export type HashCheck = (password: string, hash: string) => Promise<boolean>;

export interface LoginLimits {
  /** Failed (or pending) attempts allowed per user and per address within `windowMs`. */
  maxFailures: number;
  windowMs: number;
  /** How long a verified login is remembered. */
  rememberMs: number;
  now: () => number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, windowMs: 60_000, rememberMs: 10 * 60_000, now: Date.now };

/** Most entries the attempt counter and the login memory keep; the oldest go first. */
const MAX_ENTRIES = 10_000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}

/** Counts attempts per key in a sliding window; an attempt counts from its start until it succeeds. */
class AttemptCounter {
  private readonly attempts = new Map<string, number[]>();
  constructor(private readonly limits: LoginLimits) {}

  private recent(key: string): number[] {
    const since = this.limits.now() - this.limits.windowMs;
    return (this.attempts.get(key) ?? []).filter((t) => t > since);
  }

  /** Seconds until `key` may try again, or 0. */
  retryAfter(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limits.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.limits.windowMs - this.limits.now()) / 1000));
  }

  start(key: string): number {
    const at = this.limits.now();
    remember(this.attempts, key, [...this.recent(key), at]);
    return at;
  }

  succeeded(key: string, at: number): void {
    const left = this.recent(key).filter((t) => t !== at);
    if (left.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, left);
  }
}

export type LoginOutcome = { user: string } | { refused: 'unauthorized' } | { refused: 'tooManyAttempts'; retryAfterSeconds: number };

export interface DashboardLogin {
  /** Checks an `Authorization: Basic` header presented from `address`. */
  verify(header: string | undefined, address: string | undefined): Promise<LoginOutcome>;
}

function decodeBasic(header: string | undefined): { name: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const costOf = (hash: string) => Number(hash.slice(4, 6));

export function dashboardLogin(users: DashboardUsers, checkHash: HashCheck, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): DashboardLogin {
  // An unknown user is compared with the costliest hash there is, so it takes the work of a wrong password.
  const dummyHash = [...users.values()].reduce((a, b) => (costOf(b) > costOf(a) ? b : a));
  const counter = new AttemptCounter(limits);
  const verified = new Map<string, { user: string; until: number }>();
  return {
    async verify(header, address) {
      const credentials = decodeBasic(header);
      if (!credentials) return { refused: 'unauthorized' };
      const digest = createHash('sha256').update(header as string).digest('base64');
      const known = verified.get(digest);
      if (known && known.until > limits.now()) return { user: known.user };
      const keys = [`user:${credentials.name}`, `address:${address ?? ''}`];
      const retryAfterSeconds = Math.max(...keys.map((k) => counter.retryAfter(k)));
      if (retryAfterSeconds > 0) return { refused: 'tooManyAttempts', retryAfterSeconds };
      const started = keys.map((k) => counter.start(k));
      const secret = users.get(credentials.name);
      const matches = await checkHash(credentials.password, secret ?? dummyHash);
      if (!matches || secret === undefined) return { refused: 'unauthorized' };
      keys.forEach((k, i) => counter.succeeded(k, started[i]));
      remember(verified, digest, { user: credentials.name, until: limits.now() + limits.rememberMs });
      return { user: credentials.name };
    },
  };
}

interface HttpRequest { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } }
interface HttpResponse { statusCode: number; setHeader(name: string, value: string): void; end(body?: string): void }
interface Socket {
  data: Record<string, unknown>;
  request: HttpRequest & { url?: string };
  handshake: { xdomain?: boolean; address?: string };
  disconnect(close?: boolean): void;
}

export interface DashboardAuth {
  /** Express middleware for the dashboard's pages (settings `dashboard.middleware`, `ui.middleware`). */
  http(req: HttpRequest & { user?: string }, res: HttpResponse, next: () => void): Promise<void>;
  /** socket.io middleware (settings `dashboard.ioMiddleware`): the same login for the live connection, checked once when it opens. */
  socket(socket: Socket, next: (err?: Error) => void): Promise<void>;
}

const authorization = (req: HttpRequest) => {
  const value = req.headers.authorization;
  return Array.isArray(value) ? value[0] : value;
};

export function dashboardAuth(users: DashboardUsers, checkHash: HashCheck, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): DashboardAuth {
  const login = dashboardLogin(users, checkHash, limits);
  return {
    async http(req, res, next) {
      const outcome = await login.verify(authorization(req), req.socket?.remoteAddress);
      if ('user' in outcome) {
        req.user = outcome.user;
        next();
        return;
      }
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      if (outcome.refused === 'tooManyAttempts') {
        res.statusCode = 429;
        res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        res.end(JSON.stringify({ error: 'tooManyAttempts', errors: [{ field: 'Authorization', rule: 'maxFailedLogins', message: `too many failed logins; try again in ${outcome.retryAfterSeconds} s` }] }));
        return;
      }
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Basic realm="MES dashboard", charset="UTF-8"');
      res.end(JSON.stringify({ error: 'unauthorized', errors: [{ field: 'Authorization', rule: 'dashboardLogin', message: 'sign in to the MES dashboard' }] }));
    },
    async socket(socket, next) {
      // As Dashboard 2.0's own default: only same-origin pages may connect.
      if (socket.handshake.xdomain) {
        socket.disconnect(true);
        return;
      }
      const outcome = await login.verify(authorization(socket.request), socket.handshake.address);
      if (!('user' in outcome)) {
        next(new Error(outcome.refused === 'tooManyAttempts' ? 'MES dashboard: too many failed logins' : 'MES dashboard: not signed in'));
        return;
      }
      socket.data.user = outcome.user;
      next();
    },
  };
}
