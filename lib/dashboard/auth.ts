/**
 * Login for the dashboards (Dashboard 2.0 and the classic one): HTTP basic authentication over
 * the dashboard's pages and its socket.io connection, with users from MES_DASHBOARD_USERS. The
 * socket keeps the user name, so that every operator action carries who did it.
 */
import { secretsEqual } from '../util/auth';

/** A user's secret: a bcrypt hash (starts with "$2") or, for a demo, a plain password. */
export type DashboardUsers = Map<string, string>;

/** "alice:$2b$10$...,bob:secret" → users. A user name may not hold ":" or ",". */
export function parseDashboardUsers(spec: string): DashboardUsers {
  const users: DashboardUsers = new Map();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new Error('MES_DASHBOARD_USERS: each entry must be user:password or user:bcrypt-hash');
    users.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  if (users.size === 0) throw new Error('MES_DASHBOARD_USERS: no user given');
  return users;
}

export type HashCheck = (password: string, hash: string) => boolean;

/** The user name of a valid `Authorization: Basic` header, or undefined. */
export function basicAuthUser(header: string | undefined, users: DashboardUsers, checkHash: HashCheck): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const secret = users.get(name);
  if (secret === undefined) return undefined;
  const ok = secret.startsWith('$2') ? checkHash(password, secret) : secretsEqual(password, secret);
  return ok ? name : undefined;
}

interface HttpRequest { headers: Record<string, string | string[] | undefined> }
interface HttpResponse { statusCode: number; setHeader(name: string, value: string): void; end(body?: string): void }
interface Socket {
  data: Record<string, unknown>;
  request: HttpRequest & { url?: string };
  handshake: { xdomain?: boolean };
  disconnect(close?: boolean): void;
}

export interface DashboardAuth {
  /** Express middleware for the dashboard's pages (settings `dashboard.middleware`, `ui.middleware`). */
  http(req: HttpRequest & { user?: string }, res: HttpResponse, next: () => void): void;
  /** socket.io middleware (settings `dashboard.ioMiddleware`): the same login for the live connection. */
  socket(socket: Socket, next: (err?: Error) => void): void;
}

const header = (req: HttpRequest) => {
  const value = req.headers.authorization;
  return Array.isArray(value) ? value[0] : value;
};

export function dashboardAuth(users: DashboardUsers, checkHash: HashCheck): DashboardAuth {
  return {
    http(req, res, next) {
      const user = basicAuthUser(header(req), users, checkHash);
      if (user) {
        req.user = user;
        next();
        return;
      }
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Basic realm="MES dashboard", charset="UTF-8"');
      res.end('Sign in to the MES dashboard');
    },
    socket(socket, next) {
      const user = basicAuthUser(header(socket.request), users, checkHash);
      if (!user) {
        next(new Error('MES dashboard: not signed in'));
        return;
      }
      // As Dashboard 2.0's own default: only same-origin pages may connect.
      if (socket.handshake.xdomain) {
        socket.disconnect(true);
        return;
      }
      socket.data.user = user;
      next();
    },
  };
}
