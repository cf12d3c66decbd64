import type { CalendarConfig, ShiftInstance } from './calendar';
import type { Metrics, TimeCategory, Totals } from './totals';

export const MACHINE_STATES = ['running', 'stopped', 'faulted', 'idle', 'setup', 'planned-stop'] as const;
export type MachineState = typeof MACHINE_STATES[number];
/** What the engine believes: a reported machine state, or `unknown` after signal loss. */
export type TrackedState = MachineState | 'unknown';

export interface WorkstationConfig {
  id: string;
  /** Default ideal cycle time when no operation names one. */
  idealCycleTimeSeconds?: number;
  /** Ideal cycle time per material, used when an operation start does not carry one. */
  products?: Record<string, number>;
}

export interface ReasonNode {
  code: string;
  label?: string;
  children?: ReasonNode[];
}

export interface OeeConfig {
  line: string;
  workstations: WorkstationConfig[];
  calendar: CalendarConfig;
  reasons: ReasonNode[];
  /** Stops shorter than this stay in run time as micro-stops (performance loss). */
  microStopSeconds: number;
  /** No signal for this long → state `unknown` from then on; 0 turns the check off. */
  signalTimeoutSeconds: number;
  idleIsPlanned: boolean;
  setupIsPlanned: boolean;
  counterMode: 'increment' | 'absolute';
  /** Largest value of an absolute counter; the next value after it is 0. */
  counterMax: number;
  countScheme: 'good-reject' | 'total-reject';
  /** Rejects within this time after a setup ends are startup rejects (reduced yield); 0: none. */
  startupWindowSeconds: number;
  /** Signals stamped further than this ahead of the wall clock are refused as garbled. */
  futureToleranceSeconds: number;
  topReasons: number;
}

export interface Product {
  material: string | null;
  idealMs: number | null;
  orderId: string | null;
  operationKey: string | null;
}

export interface Downtime {
  id: string;
  workstation: string;
  start: number;
  end: number | null;
  state: TrackedState;
  faultCode: string | null;
  reason: string | null;
}

/** Everything the engine knows about one workstation; JSON-serialisable, persisted for restarts. */
export interface WorkstationState {
  id: string;
  /** Latest event time applied; signals older than this are late. */
  clock: number;
  lastSignal: number;
  /** Last state the machine reported (what it returns to after a signal gap). */
  reported: MachineState | null;
  reportedFault: string | null;
  state: TrackedState;
  since: number;
  faultCode: string | null;
  /** Time of the open interval already booked into the windows (ms). */
  accountedTo: number;
  downtimeId: string | null;
  counters: { first: number | null; reject: number | null };
  product: Product;
  order: { orderId: string; operationKey: string | null; since: number; totals: Totals } | null;
  /** Shifts not yet closed, by shift id. */
  shifts: Record<string, { shift: ShiftInstance; totals: Totals }>;
  /** Minute index (epoch minutes) → totals, for the last hour. */
  minutes: Record<string, Totals>;
  downtimes: Record<string, Downtime>;
  lastSetupEnd: number | null;
  lateSignals: number;
}

export type OeeOp =
  | { kind: 'interval'; workstation: string; state: TrackedState; category: TimeCategory; start: number; end: number; faultCode: string | null; downtimeId: string | null; orderId: string | null; operationKey: string | null }
  | { kind: 'downtime-started'; downtime: Downtime; orderId: string | null; operationKey: string | null }
  | { kind: 'downtime-ended'; downtime: Downtime; orderId: string | null; operationKey: string | null }
  | { kind: 'shift-closed'; workstation: string; shift: ShiftInstance; totals: Totals; metrics: Metrics };

export interface ReasonShare {
  reason: string;
  seconds: number;
  stops: number;
}

export interface WindowReport extends Metrics {
  from: string;
  to: string;
  topDowntimeReasons: ReasonShare[];
}

export interface StateReport {
  state: TrackedState;
  since: string;
  durationSeconds: number;
  faultCode: string | null;
  downtimeId: string | null;
  reason: string | null;
}

export interface WorkstationSnapshot {
  scope: 'workstation';
  line: string;
  workstation: string;
  time: string;
  state: StateReport;
  product: Product;
  shift: (WindowReport & { id: string; name: string; day: string }) | null;
  order: (WindowReport & { orderId: string; operationKey: string | null }) | null;
  lastHour: WindowReport;
  lateSignals: number;
}

export interface LineSnapshot {
  scope: 'line';
  line: string;
  time: string;
  states: Record<string, TrackedState>;
  shift: (WindowReport & { id: string; name: string; day: string }) | null;
  lastHour: WindowReport;
}
