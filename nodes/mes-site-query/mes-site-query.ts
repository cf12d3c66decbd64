import type { Node, NodeAPI, NodeDef } from 'node-red';
import { parseSiteQuery, runSiteQuery } from '../../lib/site';
import type { SiteDbProvider, SitePoolLease } from '../mes-site-db/provider';
import { bindInput, closeAfter, reportSetupFailure } from '../shared/adapter';

interface SiteQueryDef extends NodeDef {
  siteDb: string;
}

export = function register(RED: NodeAPI): void {
  function SiteQueryNode(this: Node, config: SiteQueryDef) {
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

    const input = bindInput(node, async (msg, send) => {
      if (!poolLease) throw new Error(RED._('mes-site-query.errors.notRunning'));
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

  RED.nodes.registerType('mes-site-query', SiteQueryNode as unknown as (this: Node, config: NodeDef) => void);
};
