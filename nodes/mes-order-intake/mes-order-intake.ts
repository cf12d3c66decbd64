import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { DEFAULT_MAX_BODY_BYTES, handleOrderApi, registerOrderApi, type ApiConfig, type ApiRequest } from '../../lib/orders';
import type { StoreLease } from '../../lib/store';
import { resolveSecret, configVersion } from '../../lib/util';
import { bindInput, closeAfter, referencedSignatures, reportSetupFailure, statusText, type StoreProvider } from '../shared/adapter';

interface OrderIntakeDef extends NodeDef {
  store: string;
  maxBodyBytes: number | string;
  /** Optional mes-signatures node: signs forced cancellations (order.force-cancel); without one a signature sent is refused (signaturesUnavailable). */
  signatures?: string;
}

interface OrderIntakeCredentials {
  token?: string;
  supervisorToken?: string;
}

interface HttpRequestLike {
  method: string;
  path?: string;
  originalUrl?: string;
  params?: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export = function register(RED: NodeAPI): void {
  function OrderIntakeNode(this: Node<OrderIntakeCredentials>, config: OrderIntakeDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-order-intake configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const node = this;
    const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
    const maxBodyBytes = Number(config.maxBodyBytes) > 0 ? Number(config.maxBodyBytes) : DEFAULT_MAX_BODY_BYTES;
    const apiConfig: ApiConfig = {
      token: resolveSecret(node.credentials?.token),
      supervisorToken: resolveSecret(node.credentials?.supervisorToken),
      maxBodyBytes,
    };
    // The front door (scripts/start.js) checks the token and the size against this before a body is read.
    const unregister = registerOrderApi(apiConfig);
    let lease: StoreLease | undefined;
    let setupFailure: string | undefined;
    try {
      if (!storeNode) throw new Error(RED._('mes-order-intake.errors.noStore'));
      apiConfig.signatures = referencedSignatures(RED, config.signatures, RED._('mes-order-intake.errors.noSignatures'));
      lease = storeNode.acquire();
    } catch (err) {
      setupFailure = reportSetupFailure(node, err);
    }
    if (lease && !apiConfig.token) {
      node.warn(RED._('mes-order-intake.errors.noToken'));
      node.status({ fill: 'yellow', shape: 'ring', text: RED._('mes-order-intake.status.noToken') });
    } else if (lease) {
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-order-intake.status.ready') });
    }

    const input = bindInput(node, async (msg, send) => {
      const req = (msg as NodeMessageInFlow & { req?: HttpRequestLike }).req;
      if (!req || typeof req.method !== 'string') throw new Error(RED._('mes-order-intake.errors.notHttp'));
      if (!lease) throw new Error(setupFailure ?? RED._('mes-order-intake.errors.noStore'));
      const request: ApiRequest = {
        method: req.method,
        path: req.path ?? req.originalUrl ?? '',
        params: { orderId: req.params?.orderId },
        headers: req.headers,
        body: msg.payload,
      };
      const result = await handleOrderApi(lease.store, request, apiConfig);
      const reply = msg as NodeMessageInFlow & { statusCode?: number; headers?: Record<string, string> };
      reply.statusCode = result.response.statusCode;
      reply.headers = result.response.headers;
      reply.payload = result.response.body;
      const event = result.event;
      const events = [event, result.signature].filter((e) => e !== undefined).map((e) => ({ topic: e.type, payload: e }));
      send([events.length > 0 ? events : null, reply]);
      if (event) {
        node.status({ fill: 'green', shape: 'dot', text: statusText(`${event.type.replace('order.', '')} ${event.orderId}`) });
      }
      // Refused input is answered on the reply output and also reported, so Catch nodes see it.
      if (result.error) throw result.error;
    });

    node.on('close', (done: () => void) => {
      closeAfter([input.settle()], () => {
        unregister();
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-order-intake', OrderIntakeNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: {
      token: { type: 'password' },
      supervisorToken: { type: 'password' },
    },
  });
};
