import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DEFAULT_DEMO_MAX_BODY_BYTES, MockErp, mockErpHandler, parseBasePath, parseUpDown, type MockErpRoute } from '../../lib/demo';
import { resolveSecret } from '../../lib/util';
import { bindInput, closeAfter } from '../shared/adapter';
import { startDemoNode } from '../shared/demo';

interface DemoErpDef extends NodeDef {
  version?: number | string;
  /** Where the routes live on Node-RED's HTTP node server; default `/mock-erp`. */
  basePath?: string;
  maxBodyBytes?: number | string;
}

interface DemoErpCredentials {
  token?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface RouterLayer { route?: { stack: { handle: unknown }[] } }
interface RoutedApp {
  _router?: { stack: RouterLayer[] };
  router?: { stack: RouterLayer[] };
}

/**
 * Takes this node's routes out of the HTTP node server, as Node-RED's `http in` node does on
 * close, so a redeploy does not leave the old handlers answering before the new ones. Express 4
 * keeps its router in `_router`, Express 5 in `router`.
 */
function removeRoutes(app: unknown, handlers: Set<Handler>): void {
  const routed = app as RoutedApp;
  const stack = (routed._router ?? routed.router)?.stack;
  if (!stack) return;
  for (let i = stack.length - 1; i >= 0; i -= 1) {
    if (stack[i].route?.stack.some((layer) => handlers.has(layer.handle as Handler))) stack.splice(i, 1);
  }
}

export = function register(RED: NodeAPI): void {
  function DemoErpNode(this: Node<DemoErpCredentials>, config: DemoErpDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const basePath = startDemoNode(RED, node, 'mes-demo-erp', config.version, () => parseBasePath(config.basePath));
    if (basePath === undefined) return;
    const erp = new MockErp();
    const showStatus = () => node.status(erp.up
      ? { fill: 'green', shape: 'dot', text: RED._('mes-demo-erp.status.up', { count: erp.count }) }
      : { fill: 'red', shape: 'ring', text: RED._('mes-demo-erp.status.down', { count: erp.count }) });
    // For a dashboard switch and text: at start (after every deploy) and on every change.
    const announce = () => node.send({ topic: 'erp-state', payload: erp.up });
    const options = {
      token: resolveSecret(node.credentials?.token),
      maxBodyBytes: Number(config.maxBodyBytes) > 0 ? Number(config.maxBodyBytes) : DEFAULT_DEMO_MAX_BODY_BYTES,
      onStateChange: () => {
        showStatus();
        announce();
      },
      onReceived: showStatus,
    };
    const routes: Array<['get' | 'post', string, MockErpRoute]> = [
      ['post', `${basePath}/api/*`, 'api'],
      ['get', `${basePath}/received`, 'received'],
      ['post', `${basePath}/state`, 'state'],
    ];
    const handlers = new Set<Handler>();
    for (const [method, path, route] of routes) {
      const handler = mockErpHandler(erp, route, options);
      handlers.add(handler);
      RED.httpNode[method](path, handler);
    }
    RED.events.on('flows:started', announce);
    showStatus();

    const input = bindInput(node, (msg, send) => {
      const up = parseUpDown(msg.payload);
      if (!erp.setUp(up)) return;
      showStatus();
      send({ topic: 'erp-state', payload: up });
    });

    node.on('close', (done: () => void) => {
      // Routes first: a request arriving while the node closes finds the next deploy's node or none.
      removeRoutes(RED.httpNode, handlers);
      RED.events.removeListener('flows:started', announce);
      closeAfter([input.settle()], () => {}, done);
    });
  }

  RED.nodes.registerType('mes-demo-erp', DemoErpNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: { token: { type: 'password' } },
  });
};
