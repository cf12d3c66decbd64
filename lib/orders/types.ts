/** Unit codes accepted in the canonical contracts; mirrors the `unit` enum of the JSON Schema. */
export type Unit = 'PCE' | 'EA' | 'PC' | 'SET' | 'BOX' | 'KG' | 'G' | 'MG' | 'T' | 'LB' | 'L' | 'ML' | 'M3' | 'M' | 'CM' | 'MM' | 'M2' | 'H' | 'MIN' | 'S';

export interface Quantity {
  value: number;
  unit: Unit;
}

export interface WorkInstruction {
  step: number;
  text: string;
  url?: string;
}

export type CheckFrequency =
  | { kind: 'first-piece' }
  | { kind: 'every-n'; n: number }
  | { kind: 'at-completion' };

export interface QualityCheck {
  id: string;
  characteristic: string;
  type: 'variable' | 'attribute';
  nominal?: number;
  lowerLimit?: number;
  upperLimit?: number;
  unit?: string;
  frequency: CheckFrequency;
  /** Defaults to true: completion is refused while a required check is missing. */
  required?: boolean;
}

export interface OperationSpec {
  key: string;
  sequence: number;
  description?: string;
  workCenter: string;
  allowedWorkstations?: string[];
  plannedQuantity: Quantity;
  idealCycleTimeSeconds?: number;
  setupTimeSeconds?: number;
  /** Skills an operator must hold to start it, besides its work center's (docs/compliance.md). */
  requiredSkills?: string[];
  overlapAllowed?: boolean;
  workInstructions?: WorkInstruction[];
  qualityChecks?: QualityCheck[];
}

export interface ComponentSpec {
  material: string;
  quantity: Quantity;
  operationKey: string;
  lotControlled?: boolean;
  backflush?: boolean;
}

/** The canonical production order (ERP → MES); `schemas/production-order.schema.json` is its contract. */
export interface ProductionOrder {
  orderId: string;
  erpReference?: string;
  plant: string;
  material: string;
  materialDescription?: string;
  quantity: Quantity;
  scheduledStart: string;
  scheduledEnd: string;
  priority?: number;
  operations: OperationSpec[];
  components?: ComponentSpec[];
}

export type OrderStatus = 'released' | 'in_progress' | 'completed' | 'cancelled';

/**
 * Operation states. Intake creates operations as `pending`; dispatch moves them on.
 * Only `pending` and `queued` mean "nothing has happened on the floor yet".
 */
export type OperationState = 'pending' | 'queued' | 'setup' | 'running' | 'paused' | 'held' | 'completed' | 'cancelled';

export const NOT_STARTED_STATES: readonly OperationState[] = ['pending', 'queued'];

export const DEFAULT_PRIORITY = 500;
