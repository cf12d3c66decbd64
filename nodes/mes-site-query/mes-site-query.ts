import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { handleSiteApi, siteRouteOf } from '../../lib/api';
import { parseSiteQuery, runSiteQuery } from '../../lib/site';
import { resolveSecret } from '../../lib/util';
import type { SiteDbProvider, SitePoolLease } from '../mes-site-db/provider';
import { bindInput, closeAfter, reportSetupFailure } from '../shared/adapter';

interface SiteQueryDef extends NodeDef {
  siteDb: string;
}

interface SiteQueryCredentials {
  token?: string;
}

interface HttpRequestLike {
  method: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

type ReplyMsg = NodeMessageInFlow & { statusCode?: number; headers?: Record<string, string> };

export = function register(RED: NodeAPI): void {
  function SiteQueryNode(this: Node & { credentials?: SiteQueryCredentials }, config: SiteQueryDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    let poolLease: SitePoolLease | undefined;
    try {
      const siteDb = RED.nodes.getNode(config.siteDb) as SiteDbProvider | null;
      if (!siteDb) throw new Error(RED._('mes-site-query.errors.noSiteDb'));
      poolLease = siteDb.acquire();
    } catch (err) {
      reportSetupFailure(node, err);
    }
    // The credential (a ${ENV} reference or the token itself), else the environment: never in the flow file.
    const token = resolveSecret(node.credentials?.token) ?? resolveSecret(process.env.MES_SITE_API_TOKEN);

    const input = bindInput(node, async (msg, send) => {
      if (!poolLease) throw new Error(RED._('mes-site-query.errors.notRunning'));
      const req = (msg as NodeMessageInFlow & { req?: HttpRequestLike }).req;
      if (req && typeof req.method === 'string') {
        // From an http in node: its method and url name the route (lib/api/routes/site.ts).
        const reply = msg as ReplyMsg;
        const url = typeof req.route?.path === 'string' ? req.route.path : '';
        const route = siteRouteOf(req.method, url);
        if (!route) throw new Error(RED._('mes-site-query.errors.unknownRoute', { method: req.method, url }));
        const result = await handleSiteApi({ pool: poolLease.pool, token }, route, { params: req.params ?? {}, query: req.query ?? {}, headers: req.headers });
        reply.statusCode = result.reply.statusCode;
        reply.headers = result.reply.headers;
        reply.payload = result.reply.body;
        send(reply);
        // Refused requests are answered and also reported, so Catch nodes see them.
        if (result.error) throw result.error;
        node.status({});
        return;
      }
      const query = parseSiteQuery(msg.topic, msg.payload);
      msg.payload = await runSiteQuery(poolLease.pool, query);
      node.status({});
      send(msg);
    });

    node.on('close', (done: () => void) => {
      closeAfter([input.settle()], () => {
        void poolLease?.release();
        poolLease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-site-query', SiteQueryNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: { token: { type: 'password' } },
  });
};
