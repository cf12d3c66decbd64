import type { Node, NodeAPI, NodeDef } from 'node-red';
import { parsePlantModel, type CountBatch, type PlantModel, type ShiftConfig, type WorkstationConfig } from '../../lib/dispatch';
import type { PlantProvider } from './provider';

interface MesPlantDef extends NodeDef {
  site: string;
  timeZone: string;
  shifts: ShiftConfig[];
  workstations: WorkstationConfig[];
  countBatch?: Partial<CountBatch>;
}

export = function register(RED: NodeAPI): void {
  function MesPlantNode(this: PlantProvider & { model?: PlantModel; problem?: string }, config: MesPlantDef) {
    RED.nodes.createNode(this, config);
    // Checked at deploy, so a wrong model is reported once with every broken rule, not per command.
    try {
      this.model = parsePlantModel({ site: config.site, timeZone: config.timeZone, shifts: config.shifts, workstations: config.workstations, countBatch: config.countBatch });
    } catch (err) {
      this.problem = (err as Error).message;
      this.error(this.problem);
    }
  }
  RED.nodes.registerType('mes-plant', MesPlantNode as unknown as (this: Node, config: NodeDef) => void);
};
