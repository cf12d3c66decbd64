import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { PlcSignalMapper } from '../../lib/plant';
import { bindInput, reportSetupFailure, type Send } from '../shared/adapter';
import { guardPendingMonitoredItems } from '../shared/opcua-compat';
import type { PlantProvider } from '../mes-plant/provider';

interface PlcSignalsDef extends NodeDef {
  version?: number | string;
  plant: string;
  source: 'opcua' | 'mqtt';
  /** Sampling interval asked of the OPC UA server per monitored item, in ms. */
  samplingIntervalMs?: number | string;
}

interface TagMessage {
  topic?: unknown;
  payload?: unknown;
  status?: unknown;
  sourceTimestamp?: unknown;
  serverTimestamp?: unknown;
}

export = function register(RED: NodeAPI): void {
  // A deploy while OPC UA subscriptions are being made must not end Node-RED (opcua-compat.ts).
  guardPendingMonitoredItems();
  function PlcSignalsNode(this: Node, def: PlcSignalsDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const source = def.source === 'mqtt' ? 'mqtt' : 'opcua';
    let mapper: PlcSignalMapper;
    try {
      const plant = RED.nodes.getNode(def.plant) as PlantProvider | null;
      if (!plant?.model) throw new Error(plant?.problem ?? RED._('mes-plc-signals.errors.noPlant'));
      mapper = new PlcSignalMapper(plant.model, source);
    } catch (err) {
      reportSetupFailure(node, err);
      return;
    }
    const interval = Number(def.samplingIntervalMs) > 100 ? Number(def.samplingIntervalMs) : 250;
    const tagCount = mapper.subscriptions().length;
    node.status({ fill: 'grey', shape: 'ring', text: RED._('mes-plc-signals.status.tags', { count: tagCount }) });

    function subscribe(send: Send): void {
      const subscriptions = mapper.subscriptions();
      // The OPC UA client takes one node id per message; an mqtt in node with dynamic
      // subscription takes them all at once.
      const messages: NodeMessage[] = source === 'opcua'
        ? subscriptions.map((s) => ({ topic: s.address, interval }) as NodeMessage)
        : [{ action: 'subscribe', topic: subscriptions.map((s) => s.address), qos: 1 } as unknown as NodeMessage];
      send([null, messages, null]);
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-plc-signals.status.subscribed', { count: subscriptions.length }) });
    }

    bindInput(node, (incoming, send) => {
      const msg = incoming as TagMessage;
      // The OPC UA client reports its session on its status output: a new session needs the
      // subscriptions again (after a PLC restart or a lost connection).
      if (typeof msg.status === 'string') {
        if (msg.status === 'session active') subscribe(send);
        return;
      }
      if (msg.topic === 'subscribe') return subscribe(send);
      if (msg.topic === 'subscriptionId') return; // the OPC UA client announcing its subscription
      const { signal, line } = mapper.readMessage(msg);
      const table = { topic: `machines/${source}`, payload: mapper.table() };
      send([signal ? { topic: 'signal', payload: signal, line } as NodeMessage : null, null, table]);
    });
  }
  RED.nodes.registerType('mes-plc-signals', PlcSignalsNode as unknown as (this: Node, config: NodeDef) => void);
};
