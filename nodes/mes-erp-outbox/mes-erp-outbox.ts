import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { dialectNamed, parseDialectOptions } from '../../lib/erp';
import { ErpOutbox, parseOutboxCommand, type Correlation, type OutboxMetrics } from '../../lib/outbox';
import type { StoreLease } from '../../lib/store';
import type { OutboxPort } from '../../lib/api';
import { withoutPassword, type SignatureInput } from '../../lib/compliance';
import { bindInput, closeAfter, referencedSignatures, statusText, type StoreProvider } from '../shared/adapter';
import { registerService } from '../shared/services';
import { migrateOutboxConfig } from './migrations';

interface ErpOutboxDef extends NodeDef {
  store: string;
  outboxName: string;
  dialect: string;
  url: string;
  concurrency: number | string;
  backoffBaseSeconds: number | string;
  backoffMaxSeconds: number | string;
  requestTimeoutSeconds: number | string;
  storageLocation: string;
  sourceWarehouse: string;
  targetWarehouse: string;
  /** Missing in configs saved before version 2 (migrations.ts). */
  version?: number;
  backflushMode?: string;
  sapBatchPattern?: string;
  company?: string;
  units?: { mes: string; erp: string }[];
  /** Optional mes-signatures node: signs discards (actual.discard); without one a signature sent is refused (signaturesUnavailable). */
  signatures?: string;
}

type ResponseMsg = NodeMessageInFlow & { _mesOutbox?: Correlation; statusCode?: unknown; headers?: Record<string, unknown> };

function positive(value: number | string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** 95 s → "2m", 5 h → "5h": short enough for the status line. */
function shortAge(ms: number): string {
  const units: [number, string][] = [[86400000, 'd'], [3600000, 'h'], [60000, 'm'], [1000, 's']];
  const [size, unit] = units.find(([u]) => ms >= u) ?? [1000, 's'];
  return `${Math.floor(ms / size)}${unit}`;
}

/** Events written by other MES nodes (topic `order.completed`, `quantity.reported`, …) only wake the outbox. */
const EVENT_TOPIC = /^[a-z]+\.[a-z._-]+$/;

export = function register(RED: NodeAPI): void {
  function ErpOutboxNode(this: Node, saved: ErpOutboxDef) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const storeNode = RED.nodes.getNode(saved.store) as StoreProvider | null;
    let lease: StoreLease | undefined;
    let outbox: ErpOutbox | undefined;

    const showStatus = (m: OutboxMetrics) => {
      const parts = [RED._('mes-erp-outbox.status.queued', { count: m.queueDepth })];
      if (m.oldestAgeMs !== null) parts.push(RED._('mes-erp-outbox.status.oldest', { age: shortAge(m.oldestAgeMs) }));
      if (m.quarantined > 0) parts.push(RED._('mes-erp-outbox.status.quarantined', { count: m.quarantined }));
      if (m.noErp) parts.push(RED._('mes-erp-outbox.status.noErp'));
      else if (m.paused) parts.push(RED._('mes-erp-outbox.status.paused'));
      else if (m.erpReachable === false) parts.push(RED._('mes-erp-outbox.status.unreachable'));
      const fill = m.noErp ? 'yellow' : m.paused ? 'grey' : m.quarantined > 0 ? 'red' : m.erpReachable === false || m.lastError && m.queueDepth > 0 ? 'yellow' : 'green';
      node.status({ fill, shape: m.queueDepth > 0 ? 'ring' : 'dot', text: statusText(parts.join(' · ')) });
    };
    const publish = (m: OutboxMetrics) => {
      showStatus(m);
      node.send([null, { topic: 'metrics', payload: m }]);
    };

    try {
      const config = migrateOutboxConfig(saved);
      if (!storeNode) throw new Error(RED._('mes-erp-outbox.errors.noStore'));
      // Without an ERP URL the outbox still keeps every actual, in order; they go once one is set.
      if (!config.url?.trim()) node.warn(RED._('mes-erp-outbox.errors.noUrl'));
      const dialect = dialectNamed(config.dialect || 'canonical');
      const dialectOptions = parseDialectOptions(config);
      if (dialect.name === 'erpnext' && !dialectOptions.company) node.warn(RED._('mes-erp-outbox.warnings.noCompany'));
      const signatures = referencedSignatures(RED, config.signatures, RED._('mes-erp-outbox.errors.noSignatures'));
      lease = storeNode.acquire();
      outbox = new ErpOutbox(lease.store, {
        name: config.outboxName?.trim() || 'erp',
        dialect,
        dialectOptions,
        baseUrl: config.url?.trim() ?? '',
        concurrency: positive(config.concurrency, 4),
        backoff: { baseMs: positive(config.backoffBaseSeconds, 1) * 1000, maxMs: positive(config.backoffMaxSeconds, 300) * 1000 },
        requestTimeoutMs: positive(config.requestTimeoutSeconds, 30) * 1000,
        send: (request) => node.send([request as unknown as NodeMessageInFlow, null]),
        onMetrics: publish,
        signatures,
      });
      outbox.start();
    } catch (err) {
      lease?.release();
      lease = undefined;
      outbox = undefined;
      node.error(RED._('mes-erp-outbox.errors.start', { message: (err as Error).message }));
      node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message) });
    }

    // What mes-api serves (the quarantine over HTTP): the same outbox, rules and events as msgs to this node.
    const running = outbox;
    const service: OutboxPort | undefined = running && {
      name: running.name,
      quarantine: () => running.quarantine(),
      retry: (eventId, actor) => running.retry({ eventId }, actor),
      discard: (eventId: string, reason: string, actor: string, signature?: SignatureInput) => running.discard(eventId, reason, actor, signature),
      metrics: () => running.metrics(),
    };
    const unregister = service ? registerService('outbox', saved.store, service, service.name) : () => undefined;

    const input = bindInput(node, async (msg, send) => {
      if (!outbox) throw new Error(RED._('mes-erp-outbox.errors.notRunning'));
      const response = msg as ResponseMsg;
      if (response._mesOutbox && typeof response._mesOutbox === 'object') {
        await outbox.handleResponse(response._mesOutbox, { statusCode: response.statusCode, headers: response.headers, payload: response.payload });
        return;
      }
      if (typeof msg.topic === 'string' && EVENT_TOPIC.test(msg.topic)) {
        outbox.wake();
        return;
      }
      const command = parseOutboxCommand(msg.topic, msg.payload);
      let result: unknown;
      switch (command.command) {
        case 'retry':
          result = { retried: await outbox.retry({ eventId: command.eventId, orderId: command.orderId, all: command.all }, command.actor) };
          break;
        case 'discard':
          // The password goes no further than its check: not in the reply, nor in what Catch nodes see.
          if (command.signature !== undefined) msg.payload = { ...(msg.payload as object), signature: withoutPassword(command.signature) };
          await outbox.discard(command.eventId, command.reason, command.actor, command.signature);
          result = { discarded: command.eventId };
          break;
        case 'pause':
        case 'resume':
          await outbox.setPaused(command.command === 'pause', command.actor, command.reason);
          result = { paused: command.command === 'pause' };
          break;
        case 'metrics':
          break;
      }
      const metrics = outbox.metrics();
      showStatus(metrics);
      send([null, { ...msg, topic: command.command === 'metrics' ? 'metrics' : `outbox.${command.command}`, payload: command.command === 'metrics' ? metrics : { ...(result as object), metrics } }]);
    });

    node.on('close', (done: () => void) => {
      unregister();
      closeAfter([outbox?.stop(), input.settle()], () => {
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-erp-outbox', ErpOutboxNode as unknown as (this: Node, config: NodeDef) => void);
};
