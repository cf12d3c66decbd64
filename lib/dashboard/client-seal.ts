/**
 * Which dashboard connection a message came from, in a form a browser cannot forge.
 *
 * Dashboard 2.0 keeps whatever `_client` a browser puts into a widget message and only
 * overwrites `socketId` and `socketIp` (and only when the ui-base includes client data), so a
 * `_client.user` may have been typed by the browser. The mes-dashboard-identity plugin therefore
 * replaces `user` with the login of the connection (or removes it) and adds a seal: an HMAC, with
 * a key that never leaves this process, over the connection's socket id, address and user. A node
 * that trusts only sealed clients sees either what the server put there or nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The property of `msg._client` that carries the seal. */
export const SEAL_PROPERTY = 'mesSeal';

/** New at each start: a seal is good for the connections of this process only, as socket ids are. */
const key = randomBytes(32);

export interface DashboardConnectionFacts {
  socketId: string;
  socketIp?: string;
  /** The login of the connection; absent when the dashboard has none. */
  userId?: string;
}

function mac(facts: DashboardConnectionFacts): Buffer {
  return createHmac('sha256', key).update(JSON.stringify([facts.socketId, facts.socketIp ?? '', facts.userId ?? ''])).digest();
}

export function sealOf(facts: DashboardConnectionFacts): string {
  return mac(facts).toString('base64url');
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The facts of a sealed `msg._client`, or undefined when it carries no valid seal (the browser
 * wrote it, or the ui-base does not include client data, so the plugin never saw the message).
 */
export function verifiedConnection(client: unknown): DashboardConnectionFacts | undefined {
  if (!client || typeof client !== 'object') return undefined;
  const c = client as Record<string, unknown>;
  const socketId = text(c.socketId);
  const seal = text(c[SEAL_PROPERTY]);
  if (!socketId || !seal) return undefined;
  const user = c.user as { userId?: unknown } | undefined;
  const facts: DashboardConnectionFacts = { socketId, socketIp: text(c.socketIp), userId: text(user?.userId) };
  const given = Buffer.from(seal, 'base64url');
  const expected = mac(facts);
  return given.length === expected.length && timingSafeEqual(given, expected) ? facts : undefined;
}
