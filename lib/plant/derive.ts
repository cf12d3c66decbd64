import type { OeeConfig, WorkstationConfig as OeeWorkstationConfig } from '../oee/types';
import { ValidationError, type FieldError } from '../util/errors';
import type { PlantModel } from './types';

/** The OEE settings that are the OEE node's own, not the plant's. */
export type OeeNodeSettings = Partial<Omit<OeeConfig, 'line' | 'workstations' | 'calendar' | 'reasons' | 'counterMode' | 'counterMax'>>;

/**
 * The OEE configuration of one line of the plant: its workstations with their ideal cycle times,
 * the plant's shift calendar and downtime reasons, so that OEE and dispatch read one model.
 * The OEE engine counts one counter kind per line; a line whose workstations differ is refused.
 */
export function oeeConfigForLine(plant: PlantModel, lineId: string, settings: OeeNodeSettings = {}): Record<string, unknown> {
  const line = plant.lines.get(lineId);
  if (!line) {
    throw new ValidationError([{ field: 'line', rule: 'unknownLine', message: `line '${lineId}' is not in the plant model (lines: ${[...plant.lines.keys()].join(', ')})` }], 'OEE configuration');
  }
  const stations = line.workstations.map((id) => plant.workstations.get(id)!);
  const first = stations[0];
  const errors: FieldError[] = [];
  for (const ws of stations) {
    if (ws.counter.mode !== first.counter.mode || ws.counter.max !== first.counter.max) {
      errors.push({ field: `workstations.${ws.id}.counterMode`, rule: 'sameCounterOnLine', message: `'${ws.id}' counts ${ws.counter.mode} up to ${ws.counter.max}, '${first.id}' ${first.counter.mode} up to ${first.counter.max}: one line counts one way` });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors, 'OEE configuration');
  const workstations: OeeWorkstationConfig[] = stations.map((ws) => ({
    id: ws.id,
    ...(ws.idealCycleTimeSeconds !== null ? { idealCycleTimeSeconds: ws.idealCycleTimeSeconds } : {}),
    ...(Object.keys(ws.products).length > 0 ? { products: { ...ws.products } } : {}),
  }));
  return {
    ...settings,
    line: lineId,
    workstations,
    calendar: plant.calendar,
    reasons: plant.reasons.downtime,
    counterMode: first.counter.mode,
    counterMax: first.counter.max,
  };
}

/** The plant's workstations on other lines than `lineId`: their signals are another OEE node's. */
export function workstationsOffLine(plant: PlantModel, lineId: string): Set<string> {
  return new Set([...plant.workstations.values()].filter((ws) => ws.line !== lineId).map((ws) => ws.id));
}
