import type { BreakDef, CalendarConfig, CalendarException, ShiftCalendar, ShiftDef } from '../oee/calendar';
import type { ReasonNode } from '../oee/types';

/** The version of the `mes-plant` configuration this code writes; older ones are migrated on load. */
export const PLANT_CONFIG_VERSION = 3;

export type CountingMode = 'manual' | 'automatic' | 'both';
export type SignalSource = 'opcua' | 'mqtt' | 'none';
export type CounterMode = 'absolute' | 'increment';
export type ReasonKind = 'downtime' | 'scrap' | 'pause';

/** The PLC tags a workstation's signals are read from. */
export const SIGNAL_TAGS = ['state', 'goodCount', 'rejectCount', 'faultCode'] as const;
export type SignalTag = typeof SIGNAL_TAGS[number];

/** One workstation as the editor stores it (a row of the plant's workstation list). */
export interface WorkstationConfig {
  id: string;
  name?: string;
  area: string;
  line: string;
  /** Work centers of the routing whose operations this workstation can run. */
  workCenters: string[];
  /** Ideal cycle time per unit when neither the operation nor a product entry names one. */
  idealCycleTimeSeconds?: number | null;
  signalSource?: SignalSource;
  /** How the running operation's quantities are counted: see docs/plant.md "Counting". */
  counting?: CountingMode;
  counterMode?: CounterMode;
  /** Largest value of an absolute counter; the next value after it is 0. */
  counterMax?: number;
  /** Scrap reason of the PLC's rejects under automatic counting; default `machine reject`. */
  machineScrapReason?: string;
}

/** Ideal cycle time of one material at one workstation. */
export interface ProductCycleConfig {
  workstation: string;
  material: string;
  idealCycleTimeSeconds: number;
}

/** An address that replaces the template's for one tag of one workstation. */
export interface SignalAddressConfig {
  workstation: string;
  tag: SignalTag;
  address: string;
}

/** One reason of a reason tree, by its path: `mechanical/jam` is child `jam` of `mechanical`. */
export interface ReasonConfig {
  kind: ReasonKind;
  code: string;
  label?: string;
}

/** A skill every operation of a work center needs (one row per work center and skill in the editor). */
export interface WorkCenterSkillConfig {
  workCenter: string;
  skill: string;
}

/** The shift calendar's breaks are kept in their own list in the editor, naming their shift. */
export interface ShiftConfig extends ShiftDef {
  breaks?: BreakDef[];
}

/** The plant model as the `mes-plant` editor stores it (version 3). */
export interface PlantConfig {
  version?: number;
  site: string;
  /** IANA time zone of the plant, for the shift calendar; defaults to UTC. */
  timeZone?: string;
  shifts?: ShiftConfig[];
  exceptions?: CalendarException[];
  workstations: WorkstationConfig[];
  products?: ProductCycleConfig[];
  /** Address templates with `{site}`, `{area}`, `{line}`, `{workstation}` and `{tag}`. */
  opcuaNodeIdTemplate?: string;
  mqttTopicTemplate?: string;
  signalAddresses?: SignalAddressConfig[];
  reasons?: ReasonConfig[];
  /** Skills required per work center (version 3); an operation's routing may add its own. */
  workCenterSkills?: WorkCenterSkillConfig[];
  /** A batch of machine counts is reported every `units` units or `seconds` seconds. */
  countBatchUnits?: number;
  countBatchSeconds?: number;
}

export interface Workstation {
  id: string;
  name: string;
  site: string;
  area: string;
  line: string;
  workCenters: string[];
  idealCycleTimeSeconds: number | null;
  /** Material → ideal cycle time in seconds. */
  products: Record<string, number>;
  signals: { source: SignalSource; addresses: Record<SignalTag, string> };
  counting: CountingMode;
  counter: { mode: CounterMode; max: number };
  machineScrapReason: string;
}

export interface Line {
  id: string;
  area: string;
  /** Its workstations, in configuration order. */
  workstations: string[];
}

export interface PlantModel {
  site: string;
  timeZone: string;
  workstations: Map<string, Workstation>;
  /** Work center → its workstations, in configuration order. */
  workCenters: Map<string, string[]>;
  lines: Map<string, Line>;
  /** Area → its lines, in configuration order. */
  areas: Map<string, string[]>;
  calendar: CalendarConfig;
  shiftCalendar: ShiftCalendar;
  reasons: Record<ReasonKind, ReasonNode[]>;
  countBatch: { units: number; seconds: number };
  /** Work center → the skills every one of its operations needs. */
  workCenterSkills: Map<string, string[]>;
}
