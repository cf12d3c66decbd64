/**
 * The demo line's behaviour as a deterministic function of a seed: which cycles make a reject,
 * when the machine stops briefly (micro-stop) or faults for minutes, and how fast it runs. The same
 * seed and start time always give the same signals, so a demo, a test and a replay agree.
 */

export type MachineState = 'running' | 'stopped' | 'faulted';

export interface WorkstationSpec {
  id: string;
  /** The ideal (design) cycle time of one unit, in seconds. */
  idealCycleSeconds: number;
}

export interface ScheduleOptions {
  seed: number;
  /** Probability that a cycle ends in a reject. */
  rejectRate: number;
  /** Probability that a micro-stop follows a cycle. */
  microStopRate: number;
  /** Probability that a fault stop follows a cycle. */
  faultRate: number;
  /** Micro-stop duration range in seconds (short: a performance loss for OEE). */
  microStopSeconds: [number, number];
  /** Fault stop duration range in seconds (long: an availability loss). */
  faultSeconds: [number, number];
  /** The machine runs this much slower than ideal at worst (0.1 = up to 10 % slower cycles). */
  maxSlowdown: number;
}

export const defaultScheduleOptions: ScheduleOptions = {
  seed: 42,
  rejectRate: 0.04,
  microStopRate: 0.05,
  faultRate: 0.015,
  microStopSeconds: [4, 25],
  faultSeconds: [60, 240],
  maxSlowdown: 0.15,
};

/** PLC fault codes of the simulated machines; 0 means no fault. */
export const faultCodes: Readonly<Record<number, string>> = {
  101: 'jam at infeed',
  205: 'tool wear limit',
  310: 'material missing',
  412: 'safety door open',
};
const faultCodeList = Object.keys(faultCodes).map(Number);

/** One interval of a machine's life: a production cycle or a stop. */
export interface Segment {
  state: MachineState;
  startMs: number;
  durationMs: number;
  /** For a cycle: whether the unit made is good or a reject. */
  output?: 'good' | 'reject';
  faultCode: number;
  /** Units per minute while in this segment (0 when stopped). */
  speed: number;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; enough for a simulator. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to give each workstation its own random stream from the one seed. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The endless sequence of segments of one workstation, starting at startMs. */
export function* machineSegments(ws: WorkstationSpec, startMs: number, options: ScheduleOptions): Generator<Segment> {
  const random = prng((options.seed ^ hashString(ws.id)) >>> 0);
  const between = ([lo, hi]: [number, number]) => lo + random() * (hi - lo);
  let t = startMs;
  for (;;) {
    const slowdown = 1 + random() * options.maxSlowdown;
    const cycleMs = Math.round(ws.idealCycleSeconds * 1000 * slowdown);
    const output = random() < options.rejectRate ? 'reject' : 'good';
    yield { state: 'running', startMs: t, durationMs: cycleMs, output, faultCode: 0, speed: round2(60000 / cycleMs) };
    t += cycleMs;
    const draw = random();
    if (draw < options.faultRate) {
      const durationMs = Math.round(between(options.faultSeconds) * 1000);
      const faultCode = faultCodeList[Math.floor(random() * faultCodeList.length)];
      yield { state: 'faulted', startMs: t, durationMs, faultCode, speed: 0 };
      t += durationMs;
    } else if (draw < options.faultRate + options.microStopRate) {
      const durationMs = Math.round(between(options.microStopSeconds) * 1000);
      yield { state: 'stopped', startMs: t, durationMs, faultCode: 0, speed: 0 };
      t += durationMs;
    }
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** What a PLC exposes of one workstation at a moment. */
export interface MachineTags {
  state: MachineState;
  running: boolean;
  goodCount: number;
  rejectCount: number;
  faultCode: number;
  speed: number;
  idealCycleTime: number;
}

export type TagName = keyof MachineTags;
export const tagNames: readonly TagName[] = ['state', 'running', 'goodCount', 'rejectCount', 'faultCode', 'speed', 'idealCycleTime'];

/** A tag taking a new value at a moment of machine time. */
export interface TagChange {
  workstation: string;
  tag: TagName;
  value: MachineTags[TagName];
  timeMs: number;
}

/**
 * Steps every machine of a line through its segments. `advanceTo(t)` returns the tag changes
 * up to t in time order; counters increase at the end of each cycle, as a PLC counts a unit when
 * it leaves the machine. Calling it with a series of times gives the same changes as one call.
 */
export class LineSimulator {
  private readonly machines: { ws: WorkstationSpec; segments: Generator<Segment>; current: Segment; tags: MachineTags }[];

  constructor(workstations: WorkstationSpec[], startMs: number, options: Partial<ScheduleOptions> = {}) {
    const resolved = { ...defaultScheduleOptions, ...options };
    this.machines = workstations.map((ws) => {
      const segments = machineSegments(ws, startMs, resolved);
      const current = segments.next().value as Segment;
      return {
        ws,
        segments,
        current,
        tags: { state: current.state, running: true, goodCount: 0, rejectCount: 0, faultCode: 0, speed: current.speed, idealCycleTime: ws.idealCycleSeconds },
      };
    });
  }

  /** The current tag values of every workstation, e.g. to initialise a server's variables. */
  snapshot(): Record<string, MachineTags> {
    return Object.fromEntries(this.machines.map((m) => [m.ws.id, { ...m.tags }]));
  }

  advanceTo(timeMs: number): TagChange[] {
    const changes: TagChange[] = [];
    for (const m of this.machines) {
      while (m.current.startMs + m.current.durationMs <= timeMs) {
        const ended = m.current;
        const endMs = ended.startMs + ended.durationMs;
        const set = <K extends TagName>(tag: K, value: MachineTags[K]) => {
          if (m.tags[tag] === value) return;
          m.tags[tag] = value;
          changes.push({ workstation: m.ws.id, tag, value, timeMs: endMs });
        };
        if (ended.output === 'good') set('goodCount', m.tags.goodCount + 1);
        if (ended.output === 'reject') set('rejectCount', m.tags.rejectCount + 1);
        m.current = m.segments.next().value as Segment;
        set('faultCode', m.current.faultCode);
        set('state', m.current.state);
        set('running', m.current.state === 'running');
        set('speed', m.current.speed);
      }
    }
    return changes.sort((a, b) => a.timeMs - b.timeMs);
  }
}
