import type { Node, NodeAPI, NodeDef } from 'node-red';
import { parsePlantModel, type PlantConfig, type PlantModel } from '../../lib/plant';
import type { PlantProvider } from './provider';

type MesPlantDef = NodeDef & PlantConfig;

export = function register(RED: NodeAPI): void {
  function MesPlantNode(this: PlantProvider & { model?: PlantModel; problem?: string }, config: MesPlantDef) {
    RED.nodes.createNode(this, config);
    // Checked at deploy (saved flows of an earlier version are migrated first), so a wrong model
    // is reported once with every broken rule, not per command.
    try {
      this.model = parsePlantModel(config);
    } catch (err) {
      this.problem = (err as Error).message;
      this.error(this.problem);
    }
  }
  RED.nodes.registerType('mes-plant', MesPlantNode as unknown as (this: Node, config: NodeDef) => void);
};
