import { MACHINE_STATES, type MachineState } from '../oee/types';
import { ValidationError } from '../util/errors';
import { SIGNAL_TAGS, type PlantModel, type SignalSource, type SignalTag } from './types';

/** A machine signal as the OEE and dispatch nodes take it (docs/oee.md "Signals"). */
export interface MachineSignal {
  workstation: string;
  time: string;
  state?: MachineState;
  faultCode?: string | null;
  good?: number;
  reject?: number;
}

/** The latest tag values of one workstation, for the supervisor's machine table. */
export interface MachineRow {
  workstation: string;
  name: string;
  line: string;
  source: SignalSource;
  state: MachineState | null;
  since: string | null;
  goodCount: number | null;
  rejectCount: number | null;
  faultCode: string | null;
  updated: string | null;
}

export interface Subscription {
  workstation: string;
  tag: SignalTag;
  address: string;
}

interface Place {
  workstation: string;
  tag: SignalTag;
}

const STATES = new Set<string>(MACHINE_STATES);

function refuse(field: string, rule: string, message: string): never {
  throw new ValidationError([{ field, rule, message }], 'PLC tag value');
}

function isoTime(time: unknown, now: number): string {
  if (time === undefined || time === null || time === '') return new Date(now).toISOString();
  const t = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(String(time));
  if (!Number.isFinite(t)) refuse('timestamp', 'dateTime', `'${String(time)}' is not a time`);
  return new Date(t).toISOString();
}

/**
 * Turns PLC tag changes (an OPC UA node id or an MQTT topic, a value and its source timestamp)
 * into machine signals of the plant model's workstations. It keeps each workstation's last tag
 * values: a state change carries the last fault code, and absolute counters go out as a pair.
 */
export class PlcSignalMapper {
  private readonly places = new Map<string, Place>();
  private readonly rows = new Map<string, MachineRow>();
  private readonly countsInPairs = new Map<string, boolean>();
  private readonly incrementing = new Set<string>();

  constructor(readonly plant: PlantModel, readonly source: Exclude<SignalSource, 'none'>) {
    for (const ws of plant.workstations.values()) {
      if (ws.signals.source !== source) continue;
      for (const tag of SIGNAL_TAGS) {
        const address = ws.signals.addresses[tag];
        if (address) this.places.set(address, { workstation: ws.id, tag });
      }
      // Without a reject counter address, the good counter alone is the pair.
      this.countsInPairs.set(ws.id, !!ws.signals.addresses.rejectCount);
      if (ws.counter.mode === 'increment') this.incrementing.add(ws.id);
      this.rows.set(ws.id, {
        workstation: ws.id, name: ws.name, line: ws.line, source, state: null, since: null, goodCount: null, rejectCount: null, faultCode: null, updated: null,
      });
    }
  }

  /** Every tag address of this source's workstations, in plant model order. */
  subscriptions(): Subscription[] {
    return [...this.places.entries()].map(([address, place]) => ({ ...place, address }));
  }

  /**
   * One tag message as its source delivers it: OPC UA's value with its source timestamp (else the
   * server's); MQTT's `{value, timestamp}` or the bare value (then the time it arrived). Returns
   * the signal (or null) and the workstation's line; refuses what `read` refuses, and a message
   * without an address.
   */
  readMessage(msg: { topic?: unknown; payload?: unknown; sourceTimestamp?: unknown; serverTimestamp?: unknown }, now = Date.now()): { signal: MachineSignal | null; line: string } {
    if (typeof msg.topic !== 'string' || msg.topic === '') refuse('topic', 'required', 'the OPC UA node id or MQTT topic of the tag is required');
    const body = msg.payload as { value?: unknown; timestamp?: unknown } | null;
    const wrapped = this.source === 'mqtt' && body !== null && typeof body === 'object' && 'value' in body;
    const signal = this.read(msg.topic, wrapped ? body.value : msg.payload, wrapped ? body.timestamp : (msg.sourceTimestamp ?? msg.serverTimestamp), now);
    const place = this.places.get(msg.topic)!;
    return { signal, line: this.plant.workstations.get(place.workstation)!.line };
  }

  /**
   * One tag change → the machine signal it makes, or null when it completes none yet (a fault
   * code while not faulted, the first of two counters). Throws a ValidationError naming the field for an
   * address the plant does not read or a garbled value; nothing is kept then.
   */
  read(address: string, value: unknown, time: unknown, now = Date.now()): MachineSignal | null {
    const place = this.places.get(address);
    if (!place) refuse('topic', 'unknownAddress', `'${address}' is not a ${this.source} address of the plant model's workstations`);
    const at = isoTime(time, now);
    const row = this.rows.get(place.workstation)!;
    switch (place.tag) {
      case 'state': {
        const state = typeof value === 'boolean' ? (value ? 'running' : 'stopped') : value;
        if (typeof state !== 'string' || !STATES.has(state)) refuse('payload', 'machineState', `state of ${place.workstation} must be one of ${MACHINE_STATES.join(', ')} (or a boolean running), not '${String(value)}'`);
        if (row.state !== state) row.since = at;
        row.state = state as MachineState;
        row.updated = at;
        return { workstation: place.workstation, time: at, state: row.state, faultCode: row.state === 'faulted' ? row.faultCode : null };
      }
      case 'faultCode': {
        if (value !== null && typeof value !== 'string' && typeof value !== 'number') refuse('payload', 'faultCode', `fault code of ${place.workstation} must be text, a number or null`);
        // 0 and '' are what PLCs report for "no fault".
        const faultCode = value === null || value === 0 || value === '' ? null : String(value);
        const changed = faultCode !== row.faultCode;
        row.faultCode = faultCode;
        row.updated = at;
        // A code that arrives after its 'faulted' state is that fault's: the state goes again, with it.
        if (changed && faultCode !== null && row.state === 'faulted') return { workstation: place.workstation, time: at, state: 'faulted', faultCode };
        return null;
      }
      default: {
        const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : NaN;
        if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) refuse('payload', 'counter', `${place.tag} of ${place.workstation} must be a whole number ≥ 0, not '${String(value)}'`);
        const good = place.tag === 'goodCount';
        if (good) row.goodCount = n;
        else row.rejectCount = n;
        row.updated = at;
        if (this.incrementing.has(place.workstation)) return good ? { workstation: place.workstation, time: at, good: n } : { workstation: place.workstation, time: at, reject: n };
        if (!this.countsInPairs.get(place.workstation)) return { workstation: place.workstation, time: at, good: row.goodCount!, reject: 0 };
        if (row.goodCount === null || row.rejectCount === null) return null;
        return { workstation: place.workstation, time: at, good: row.goodCount, reject: row.rejectCount };
      }
    }
  }

  /** The machine table: the latest values of every workstation read from this source. */
  table(): MachineRow[] {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }
}

/** One level of an MQTT topic: the wildcards and the separator cannot appear in it. */
const topicLevel = (text: string) => text.replace(/[+#/]/g, '_');

/**
 * The ISA-95 topic of an MES event in the unified namespace: `site/area/line/workstation/type`
 * for an event at a workstation of the model, `site/site/type` for one of the whole site (an
 * order received, a lot delivered).
 */
export function eventTopic(plant: PlantModel, event: { type: string; workstation?: string | null }): string {
  const ws = event.workstation ? plant.workstations.get(event.workstation) : undefined;
  const levels = ws ? [ws.site, ws.area, ws.line, ws.id, event.type] : [plant.site, 'site', event.type];
  return levels.map(topicLevel).join('/');
}
