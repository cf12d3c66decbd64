import type { Unit } from '../orders/types';
import type { StoredEvent } from '../store';

export type ItemKind = 'lot' | 'serial';
export type NodeKind = ItemKind | 'order' | 'material';
export type Relation = 'consumed' | 'produced' | 'split' | 'merged';

interface CommandBase {
  actor?: string;
  eventTime?: string;
  workstation?: string;
}

export interface ConsumeCommand extends CommandBase {
  action: 'consume';
  orderId: string;
  operationKey: string;
  /** Optional when a lot or serial is given: the item names its material. */
  material?: string;
  lot?: string;
  serial?: string;
  quantity: number;
  unit: Unit;
  /** An output lot or serial of the same order that this input goes into (serial-level genealogy). */
  into?: string;
}

export interface ProduceCommand extends CommandBase {
  action: 'produce';
  orderId: string;
  operationKey: string;
  /** Defaults to the order's material. */
  material?: string;
  /** Lot to produce into; numbered by the lot pattern when neither lot nor serials are given. */
  lot?: string;
  serials?: string[];
  /** Number this many serials with the serial pattern. */
  serialCount?: number;
  quantity?: number;
  unit?: Unit;
}

export interface ReceiveCommand extends CommandBase {
  action: 'receive';
  material: string;
  lot?: string;
  serial?: string;
  quantity: number;
  unit: Unit;
  supplier?: string;
}

export interface SplitCommand extends CommandBase {
  action: 'split';
  lot: string;
  parts: { lot?: string; quantity: number }[];
  /** Unit of the parts' quantities; defaults to the lot's unit. */
  unit?: Unit;
}

export interface MergeCommand extends CommandBase {
  action: 'merge';
  /** Each source gives all it holds unless a quantity is named. */
  sources: { lot: string; quantity?: number }[];
  /** Existing lot to merge into; a new lot is numbered when omitted. */
  into?: string;
  unit?: Unit;
}

export interface BlockCommand extends CommandBase {
  action: 'block' | 'release';
  lot: string;
  reason: string;
  actor: string;
}

export interface TraceQuery {
  action: 'trace';
  lot: string;
  direction: 'backward' | 'forward';
  format?: 'json' | 'csv';
}

export interface RecallQuery {
  action: 'recall';
  lot: string;
  format?: 'json' | 'csv';
}

export type GenealogyCommand = ConsumeCommand | ProduceCommand | ReceiveCommand | SplitCommand | MergeCommand | BlockCommand;
export type GenealogyQuery = TraceQuery | RecallQuery;
export type GenealogyInput = GenealogyCommand | GenealogyQuery;

/** A lot or serial as the store knows it now. */
export interface LotInfo {
  lot: string;
  kind: ItemKind;
  material: string;
  /** Everything that ever went into the lot (produced, received, split off, merged in). */
  quantity: number;
  /** What it holds now, after consumption, splits and merges. */
  onHand: number;
  unit: Unit;
  status: 'released' | 'blocked';
  origin: 'received' | 'produced' | 'split' | 'merged';
  orderId: string | null;
  operationKey: string | null;
  workstation: string | null;
  actor: string | null;
  eventTime: string | null;
  blockedBy: string | null;
  blockReason: string | null;
  blockedAt: string | null;
}

export interface CommandOutcome {
  action: GenealogyCommand['action'];
  status: 'recorded' | 'unchanged';
  /** The lots and serials the command created or changed, as they are after it. */
  lots: LotInfo[];
  events: StoredEvent[];
}
