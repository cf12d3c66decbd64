import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { buildDemoOrder, localOrderApiUrl, orderApiRefusal, orderRequest, parseDemoOrderSettings, rawMaterialDelivery } from '../../lib/demo';
import type { ProductionOrder } from '../../lib/orders';
import { resolveSecret } from '../../lib/util';
import { bindInput, closeAfter, statusText } from '../shared/adapter';
import { startDemoNode } from '../shared/demo';
import type { PlantProvider } from '../mes-plant/provider';

interface DemoOrdersDef extends NodeDef {
  version?: number | string;
  plant: string;
  /** Blank: the plant model's first line. */
  line?: string;
  material?: string;
  quantity?: number | string;
  /** Blank: this Node-RED's own order API. */
  orderApiUrl?: string;
}

interface DemoOrdersCredentials {
  token?: string;
}

/** The order rides on the request message, so the `http request` node's answer brings it back. */
interface OrderMessage extends NodeMessageInFlow {
  statusCode?: number | string;
  demoOrder?: ProductionOrder;
}

export = function register(RED: NodeAPI): void {
  function DemoOrdersNode(this: Node<DemoOrdersCredentials>, config: DemoOrdersDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const settings = startDemoNode(RED, node, 'mes-demo-orders', config.version,
      () => parseDemoOrderSettings(config, localOrderApiUrl(RED.settings.uiPort, RED.settings.httpNodeRoot)));
    if (settings === undefined) return;
    const token = resolveSecret(node.credentials?.token);
    if (token) {
      node.status({ fill: 'grey', shape: 'dot', text: RED._('mes-demo-orders.status.ready') });
    } else {
      node.warn(RED._('mes-demo-orders.errors.noToken'));
      node.status({ fill: 'yellow', shape: 'ring', text: RED._('mes-demo-orders.status.noToken') });
    }

    const input = bindInput(node, (incoming, send) => {
      const msg = incoming as OrderMessage;
      if (msg.statusCode !== undefined) {
        const order = msg.demoOrder;
        if (!order || typeof order.orderId !== 'string') throw new Error(RED._('mes-demo-orders.errors.noOrder'));
        if (Number(msg.statusCode) !== 201) throw orderApiRefusal(msg.statusCode, msg.payload, order.orderId);
        send([null, { topic: 'receive', payload: rawMaterialDelivery(order) }]);
        node.status({ fill: 'green', shape: 'dot', text: statusText(RED._('mes-demo-orders.status.released', { orderId: order.orderId })) });
        return;
      }
      if (!token) throw new Error(RED._('mes-demo-orders.errors.noToken'));
      // The model of now: a workstation added and deployed is in the next order.
      const plant = RED.nodes.getNode(config.plant) as PlantProvider | null;
      if (!plant?.model) throw new Error(plant?.problem ?? RED._('mes-demo-orders.errors.noPlant'));
      const order = buildDemoOrder(plant.model, settings);
      Object.assign(msg, orderRequest(order, settings.orderApiUrl, token), { demoOrder: order });
      send([msg, null]);
      node.status({ fill: 'blue', shape: 'dot', text: statusText(RED._('mes-demo-orders.status.sent', { orderId: order.orderId })) });
    });

    // Nothing to release: settling makes a message delivered after close a refusal, not an order.
    node.on('close', (done: () => void) => closeAfter([input.settle()], () => {}, done));
  }

  RED.nodes.registerType('mes-demo-orders', DemoOrdersNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: { token: { type: 'password' } },
  });
};
