import { MACHINE_STATES, type MachineState } from './types';

/** A machine signal as the engine applied it: workstation, time, state, fault code, first count, reject count. */
export type JournaledSignal = [string, number, MachineState | null, string | null, number | null, number | null];

const FIELDS = 6;

/**
 * The signals of one group commit, packed as 64-bit floats (workstation and fault code as indexes
 * into name lists) so that journaling a signal allocates nothing and writes 48 bytes: this runs for
 * every signal on the hot path.
 */
export class JournalBatch {
  private data = new Float64Array(FIELDS * 1024);
  private count = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  private name(value: string): number {
    let index = this.nameIndex.get(value);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(value);
      this.nameIndex.set(value, index);
    }
    return index;
  }

  push(workstation: string, time: number, state: MachineState | null, faultCode: string | null, first: number | null, reject: number | null): void {
    if ((this.count + 1) * FIELDS > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.count * FIELDS;
    this.data[at] = this.name(workstation);
    this.data[at + 1] = time;
    this.data[at + 2] = state === null ? -1 : MACHINE_STATES.indexOf(state);
    this.data[at + 3] = faultCode === null ? -1 : this.name(faultCode);
    this.data[at + 4] = first ?? NaN;
    this.data[at + 5] = reject ?? NaN;
    this.count += 1;
  }

  /** The batch as a database row: the packed numbers and the names they refer to. */
  encode(): { signals: Buffer; names: string } {
    const bytes = Buffer.from(this.data.buffer, 0, this.count * FIELDS * 8);
    return { signals: Buffer.from(bytes), names: JSON.stringify(this.names) };
  }
}

export function decodeJournal(signals: Buffer, namesJson: string): JournaledSignal[] {
  const names = JSON.parse(namesJson) as string[];
  const copy = new Uint8Array(signals.byteLength);
  copy.set(signals);
  const data = new Float64Array(copy.buffer);
  const out: JournaledSignal[] = [];
  for (let at = 0; at < data.length; at += FIELDS) {
    out.push([
      names[data[at]],
      data[at + 1],
      data[at + 2] < 0 ? null : MACHINE_STATES[data[at + 2]],
      data[at + 3] < 0 ? null : names[data[at + 3]],
      Number.isNaN(data[at + 4]) ? null : data[at + 4],
      Number.isNaN(data[at + 5]) ? null : data[at + 5],
    ]);
  }
  return out;
}
