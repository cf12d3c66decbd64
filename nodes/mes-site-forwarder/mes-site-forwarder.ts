import type { Node, NodeAPI, NodeDef } from 'node-red';
import { SiteForwarder, type ForwarderMetrics } from '../../lib/site';
import type { StoreLease } from '../../lib/store';
import type { PlantProvider } from '../mes-plant/provider';
import type { SiteDbProvider, SitePoolLease } from '../mes-site-db/provider';
import { bindInput, closeAfter, reportSetupFailure, statusText, type StoreProvider } from '../shared/adapter';

interface SiteForwarderDef extends NodeDef {
  store: string;
  siteDb: string;
  plant: string;
  line: string;
  batchSize: number | string;
  metricsSeconds: number | string;
}

/** A site database back after an outage is found within half a minute; retrying sooner only loads it. */
const SITE_BACKOFF = { baseMs: 1000, maxMs: 30_000 };

function positive(value: number | string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export = function register(RED: NodeAPI): void {
  function SiteForwarderNode(this: Node, config: SiteForwarderDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    let lease: StoreLease | undefined;
    let poolLease: SitePoolLease | undefined;
    let forwarder: SiteForwarder | undefined;
    let metricsTimer: NodeJS.Timeout | undefined;
    let shown = '';

    const showStatus = (m: ForwarderMetrics) => {
      const behind = m.eventsBehind === null
        ? RED._('mes-site-forwarder.status.unknown')
        : RED._('mes-site-forwarder.status.behind', { events: m.eventsBehind, seconds: Math.round(m.secondsBehind ?? 0) });
      const down = m.siteReachable === false;
      const text = statusText(down ? `${RED._('mes-site-forwarder.status.down')} · ${behind}` : m.lastError ? `${RED._('mes-site-forwarder.status.failing')} · ${behind}` : behind);
      const fill = down || m.lastError ? 'red' : m.eventsBehind === 0 ? 'green' : 'yellow';
      if (text + fill === shown) return;
      shown = text + fill;
      node.status({ fill, shape: m.eventsBehind === 0 ? 'dot' : 'ring', text });
    };
    const publish = () => {
      if (!forwarder) return;
      const metrics = forwarder.metrics();
      showStatus(metrics);
      node.send({ topic: 'metrics', payload: metrics });
    };

    try {
      const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
      const siteDb = RED.nodes.getNode(config.siteDb) as SiteDbProvider | null;
      const plant = RED.nodes.getNode(config.plant) as PlantProvider | null;
      if (!storeNode) throw new Error(RED._('mes-site-forwarder.errors.noStore'));
      if (!siteDb) throw new Error(RED._('mes-site-forwarder.errors.noSiteDb'));
      if (!plant?.model) throw new Error(RED._('mes-site-forwarder.errors.noPlant', { problem: plant?.problem ?? '' }));
      const line = plant.model.lines.get(config.line?.trim());
      if (!line) throw new Error(RED._('mes-site-forwarder.errors.unknownLine', { line: config.line ?? '', lines: [...plant.model.lines.keys()].join(', ') }));
      lease = storeNode.acquire();
      poolLease = siteDb.acquire();
      forwarder = new SiteForwarder(lease.store, poolLease.pool, {
        site: plant.model.site, area: line.area, line: line.id,
        batchSize: Math.floor(positive(config.batchSize, 500)),
        backoff: SITE_BACKOFF,
        onMetrics: showStatus,
        // Once per outage or new reason, so a Catch node is not flooded while the site is down.
        onError: (err) => node.error(RED._('mes-site-forwarder.errors.forward', { target: siteDb.target, message: err.message }), { topic: 'site.error', payload: { line: line.id, message: err.message } }),
      });
      forwarder.start();
      metricsTimer = setInterval(publish, positive(config.metricsSeconds, 10) * 1000);
      node.status({ fill: 'grey', shape: 'ring', text: RED._('mes-site-forwarder.status.starting') });
    } catch (err) {
      void poolLease?.release();
      lease?.release();
      lease = undefined;
      poolLease = undefined;
      forwarder = undefined;
      reportSetupFailure(node, err);
    }

    // Any message wakes the forwarder (an MES node just committed events) and answers with the figures.
    const input = bindInput(node, (msg, send) => {
      if (!forwarder) throw new Error(RED._('mes-site-forwarder.errors.notRunning'));
      forwarder.wake();
      const metrics = forwarder.metrics();
      showStatus(metrics);
      send({ ...msg, topic: 'metrics', payload: metrics });
    });

    node.on('close', (done: () => void) => {
      clearInterval(metricsTimer);
      // A batch in progress commits or rolls back; either way the site's cursor says where to resume.
      closeAfter([forwarder?.stop(), input.settle()], () => {
        void poolLease?.release();
        lease?.release();
        poolLease = undefined;
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-site-forwarder', SiteForwarderNode as unknown as (this: Node, config: NodeDef) => void);
};
