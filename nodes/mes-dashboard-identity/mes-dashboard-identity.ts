// A Dashboard 2.0 plugin: adds the signed-in dashboard user (see lib/dashboard/auth.ts) to the
// msg._client of every message a dashboard widget sends, as `user: { userId, username }`, the
// shape Dashboard 2.0's own user add-ons use, so flows can record who did an action.
// Dashboard 2.0 keeps a `_client` that the browser wrote into the message, so a `user` is always
// replaced by the connection's login or removed, and the result is sealed (lib/dashboard/client-seal.ts)
// for nodes that must know the server, not the browser, said who it is.
// It also gives a widget that mounts late the last message its page was sent (shared/page-replay.ts).
import type { NodeAPI } from 'node-red';
import { SEAL_PROPERTY, sealOf } from '../../lib/dashboard';
import { lastForPage } from '../shared/page-replay';

interface DashboardConnection { id: string; data?: { user?: string }; handshake?: { address?: string } }
interface ClientMessage { _client?: Record<string, unknown> }

export = function register(RED: NodeAPI): void {
  (RED.plugins as unknown as { registerPlugin(id: string, def: object): void }).registerPlugin('mes-dashboard-identity', {
    type: 'node-red-dashboard-2',
    hooks: {
      onAddConnectionCredentials(conn: DashboardConnection, msg: ClientMessage) {
        // What the browser wrote as its user or seal is dropped, never trusted.
        const client = { ...msg._client };
        delete client.user;
        delete client[SEAL_PROPERTY];
        const user = conn.data?.user || undefined;
        const socketIp = conn.handshake?.address;
        msg._client = {
          ...client,
          ...(user ? { user: { userId: user, username: user } } : {}),
          [SEAL_PROPERTY]: sealOf({ socketId: conn.id, socketIp, userId: user }),
        };
        return msg;
      },
      // A widget that mounted after its page's answer was sent gets that answer now (see page-replay).
      onLoad(conn: DashboardConnection, widgetId: string, msg: unknown) {
        return lastForPage(widgetId, conn.id) ?? msg;
      },
    },
  });
};
