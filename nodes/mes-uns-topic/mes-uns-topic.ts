import type { Node, NodeAPI, NodeDef } from 'node-red';
import { eventTopic } from '../../lib/plant';
import { ValidationError } from '../../lib/util';
import { bindInput, reportSetupFailure } from '../shared/adapter';
import type { PlantProvider } from '../mes-plant/provider';

interface UnsTopicDef extends NodeDef {
  version?: number | string;
  plant: string;
}

export = function register(RED: NodeAPI): void {
  function UnsTopicNode(this: Node, def: UnsTopicDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const plant = (RED.nodes.getNode(def.plant) as PlantProvider | null)?.model;
    if (!plant) {
      reportSetupFailure(node, RED._('mes-uns-topic.errors.noPlant'));
      return;
    }
    bindInput(node, (msg, send) => {
      const event = msg.payload as { type?: unknown; workstation?: string | null } | null;
      if (!event || typeof event.type !== 'string' || event.type === '') {
        throw new ValidationError([{ field: 'payload.type', rule: 'required', message: 'an MES event (with its type) is required' }], 'MES event');
      }
      msg.topic = eventTopic(plant, { type: event.type, workstation: event.workstation });
      send(msg);
    });
  }
  RED.nodes.registerType('mes-uns-topic', UnsTopicNode as unknown as (this: Node, config: NodeDef) => void);
};
