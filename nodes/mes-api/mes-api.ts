import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import {
  exportPlantOf, LINE_HANDLERS, LINE_ROUTES, registerTokenGate, serveRequest, tokensFromEnv,
  type ApiToken, type DispatchPort, type GenealogyPort, type LineApiContext, type OeePort, type OutboxPort,
} from '../../lib/api';
import type { PlantModel } from '../../lib/plant';
import type { StoreLease } from '../../lib/store';
import { configVersion, DEFAULT_MAX_BODY_BYTES, UnavailableError } from '../../lib/util';
import { bindInput, closeAfter, reportSetupFailure, statusText, type StoreProvider } from '../shared/adapter';
import type { PlantProvider } from '../mes-plant/provider';
import { findService, findServices, type ServiceKind } from '../shared/services';

interface ApiDef extends NodeDef {
  store: string;
  /** Optional `mes-plant`: export filters are checked against it (without it, against the running dispatch's plant). */
  plant?: string;
  maxBodyBytes: number | string;
}

interface HttpRequestLike {
  method: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  query?: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

type ReplyMsg = NodeMessageInFlow & { req?: HttpRequestLike; statusCode?: number; headers?: Record<string, string> };

export = function register(RED: NodeAPI): void {
  function ApiNode(this: Node, config: ApiDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-api configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const node = this;
    const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
    const maxBodyBytes = Number(config.maxBodyBytes) > 0 ? Number(config.maxBodyBytes) : DEFAULT_MAX_BODY_BYTES;
    let lease: StoreLease | undefined;
    let tokens: ApiToken[] = [];
    try {
      if (!storeNode) throw new Error(RED._('mes-api.errors.noStore'));
      tokens = tokensFromEnv();
      lease = storeNode.acquire();
      node.status(tokens.length > 0
        ? { fill: 'green', shape: 'dot', text: RED._('mes-api.status.ready') }
        : { fill: 'yellow', shape: 'ring', text: RED._('mes-api.status.noToken') });
    } catch (err) {
      reportSetupFailure(node, err);
    }
    // The front door (scripts/start.js) lets these tokens through before a body is read.
    const unregister = registerTokenGate({ tokens, maxBodyBytes });

    // Live parts are looked up per request: a redeployed node registers anew.
    const live = <T>(kind: ServiceKind, part: string): T => {
      const service = findService<T>(kind, config.store);
      if (!service) throw new UnavailableError(kind, RED._('mes-api.errors.notRunning', { part }));
      return service;
    };
    const plantNode = config.plant ? RED.nodes.getNode(config.plant) as PlantProvider | null : null;
    const plantModel = (): PlantModel | undefined => plantNode?.model ?? findService<DispatchPort>('dispatch', config.store)?.plant();

    const input = bindInput(node, async (msg, send) => {
      const reply = msg as ReplyMsg;
      const req = reply.req;
      if (!req || typeof req.method !== 'string') throw new Error(RED._('mes-api.errors.notHttp'));
      if (!lease) throw new Error(RED._('mes-api.errors.noStore'));
      const model = plantModel();
      const ctx: LineApiContext = {
        store: lease.store,
        now: () => Date.now(),
        dispatch: () => live<DispatchPort>('dispatch', 'mes-dispatch'),
        genealogy: () => live<GenealogyPort>('genealogy', 'mes-genealogy'),
        oee: () => [...findServices<OeePort>('oee', config.store).values()],
        outboxes: () => findServices<OutboxPort>('outbox', config.store),
        plant: model ? exportPlantOf(model) : undefined,
      };
      const served = await serveRequest(ctx, {
        method: req.method,
        routePath: typeof req.route?.path === 'string' ? req.route.path : '',
        params: req.params ?? {},
        query: req.query ?? {},
        headers: req.headers,
        body: msg.payload,
      }, { routes: LINE_ROUTES, handlers: LINE_HANDLERS, tokens, maxBodyBytes });
      reply.statusCode = served.reply.statusCode;
      reply.headers = served.reply.headers;
      reply.payload = served.reply.body;
      send(reply);
      node.status({ fill: served.error ? 'yellow' : 'green', shape: 'dot', text: statusText(`${reply.statusCode} ${req.method} ${req.route?.path ?? ''}`) });
      // The client has its 4xx/5xx answer; Catch nodes get the error too.
      if (served.error) throw served.error;
    });

    node.on('close', (done: () => void) => {
      closeAfter([input.settle()], () => {
        unregister();
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-api', ApiNode as unknown as (this: Node, config: NodeDef) => void);
};
