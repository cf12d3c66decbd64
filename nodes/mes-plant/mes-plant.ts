import type { Node, NodeAPI, NodeDef } from 'node-red';
import { migratePlantConfig, parsePlantModel, type PlantConfig, type PlantModel } from '../../lib/plant';
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
  // The editor opens a model saved by an earlier release through the runtime's own migration,
  // so there is one migration, and the dialog shows what the runtime reads.
  RED.httpAdmin.post('/mes-plant/migrate', RED.auth.needsPermission('flows.write'), (req, res) => {
    res.json(migratePlantConfig(req.body));
  });
};
