// A Dashboard 2.0 plugin: adds the signed-in dashboard user (see lib/dashboard/auth.ts) to the
// msg._client of every message a dashboard widget sends, as `user: { userId, username }`, the
// shape Dashboard 2.0's own user add-ons use, so flows can record who did an action.
import type { NodeAPI } from 'node-red';

interface DashboardConnection { data?: { user?: string } }
interface ClientMessage { _client?: Record<string, unknown> }

export = function register(RED: NodeAPI): void {
  (RED.plugins as unknown as { registerPlugin(id: string, def: object): void }).registerPlugin('mes-dashboard-identity', {
    type: 'node-red-dashboard-2',
    hooks: {
      onAddConnectionCredentials(conn: DashboardConnection, msg: ClientMessage) {
        const user = conn.data?.user;
        if (user) msg._client = { ...msg._client, user: { userId: user, username: user } };
        return msg;
      },
    },
  });
};
