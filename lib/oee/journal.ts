import { MACHINE_STATES, type MachineState } from './types';

/** A machine signal as the engine applied it: workstation, time, state, fault code, first count, reject count. */
export type JournaledSignal = [string, number, MachineState | null, string | null, number | null, number | null];

/** First byte of a packed batch: the layout below. */
const FORMAT = 2;
const HEADER_BYTES = 9; // format, then the batch's first event time as float64
/** Largest record: flags, workstation, time, state, fault code, two counts. */
const MAX_RECORD_BYTES = 1 + 2 + 8 + 1 + 4 + 8 + 8;

const HAS_STATE = 1;
const HAS_FAULT = 2;
const HAS_FIRST = 4;
const HAS_REJECT = 8;
const TIME_32 = 16;
const FIRST_32 = 32;
const REJECT_32 = 64;

const fitsInt32 = (value: number) => (value | 0) === value;

/** Writes a count at `p`: an int32 where it fits, else a float64. Returns the bytes written. */
function putCount(view: DataView, p: number, value: number): 4 | 8 {
  if (fitsInt32(value)) {
    view.setInt32(p, value, true);
    return 4;
  }
  view.setFloat64(p, value, true);
  return 8;
}

function getCount(view: DataView, p: number, is32: boolean): number {
  return is32 ? view.getInt32(p, true) : view.getFloat64(p, true);
}

/**
 * The signals of one group commit, packed into a byte buffer: workstation and fault code as indexes
 * into a name list (the line's workstations first, by their index, so the hot path looks nothing
 * up; fault codes after them), the time as milliseconds after the batch's first signal, counts as 32-bit
 * integers where they fit. A count increment takes 15 bytes. This runs for every signal on the hot
 * path, and its size is what every commit writes (at 300,000 signals/s, 4.5 MB/s instead of the
 * 14 MB/s that six float64s a signal took).
 */
export class JournalBatch {
  private bytes = new Uint8Array(64 * 1024);
  private view = new DataView(this.bytes.buffer);
  private length = HEADER_BYTES;
  private count = 0;
  private base = 0;
  private readonly names: string[];
  private readonly nameIndex: Map<string, number>;
  private readonly workstations: number;

  /** `workstations`: the names of the indexes that `push` takes. */
  constructor(workstations: readonly string[]) {
    // Workstations are the line's configured ones: far fewer than the 65,536 a record can name.
    if (workstations.length > 0x10000) throw new RangeError('OEE signal journal: more than 65,536 workstations');
    this.names = [...workstations];
    this.workstations = workstations.length;
    this.nameIndex = new Map(workstations.map((name, i) => [name, i]));
  }

  get size(): number {
    return this.count;
  }

  /** Empties the batch for the next commit, keeping its buffer and the workstations' names. */
  clear(): void {
    for (let i = this.workstations; i < this.names.length; i++) this.nameIndex.delete(this.names[i]);
    this.names.length = this.workstations;
    this.length = HEADER_BYTES;
    this.count = 0;
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

  /** Appends a signal of the workstation with index `workstation` in the constructor's list. */
  push(workstation: number, time: number, state: MachineState | null, faultCode: string | null, first: number | null, reject: number | null): void {
    if (this.length + MAX_RECORD_BYTES > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    if (!(workstation >= 0 && workstation < this.workstations)) throw new RangeError(`OEE signal journal: no workstation ${workstation}`);
    if (this.count === 0) this.base = time;
    const view = this.view;
    const at = this.length;
    let p = at + 1;
    let flags = 0;
    view.setUint16(p, workstation, true);
    p += 2;
    const offset = time - this.base;
    if (fitsInt32(offset)) {
      flags |= TIME_32;
      view.setInt32(p, offset, true);
      p += 4;
    } else {
      view.setFloat64(p, time, true);
      p += 8;
    }
    if (state !== null) {
      flags |= HAS_STATE;
      view.setUint8(p, MACHINE_STATES.indexOf(state));
      p += 1;
    }
    if (faultCode !== null) {
      flags |= HAS_FAULT;
      view.setUint32(p, this.name(faultCode), true);
      p += 4;
    }
    if (first !== null) {
      const bytes = putCount(view, p, first);
      flags |= bytes === 4 ? HAS_FIRST | FIRST_32 : HAS_FIRST;
      p += bytes;
    }
    if (reject !== null) {
      const bytes = putCount(view, p, reject);
      flags |= bytes === 4 ? HAS_REJECT | REJECT_32 : HAS_REJECT;
      p += bytes;
    }
    view.setUint8(at, flags);
    this.length = p;
    this.count += 1;
  }

  /** The batch as a database row: the packed bytes and the names they refer to. */
  encode(): { signals: Buffer; names: string } {
    this.view.setUint8(0, FORMAT);
    this.view.setFloat64(1, this.base, true);
    return { signals: Buffer.from(this.bytes.subarray(0, this.length)), names: JSON.stringify(this.names) };
  }
}

export function decodeJournal(signals: Buffer, namesJson: string): JournaledSignal[] {
  const names = JSON.parse(namesJson) as string[];
  const copy = new Uint8Array(signals.byteLength);
  copy.set(signals);
  if (copy[0] === FORMAT) return decodePacked(new DataView(copy.buffer), names);
  // Rows of the first layout (six float64s a signal, the first a small index: its low byte is 0)
  // may be left in a database by a crash before an upgrade.
  if (copy[0] === 0 && copy.byteLength % (6 * 8) === 0) return decodeFloat64(new Float64Array(copy.buffer), names);
  // Refuse a row this code did not write rather than replay garbage into the totals.
  throw new Error(`OEE signal journal: unknown row format ${copy[0]}`);
}

function decodePacked(view: DataView, names: string[]): JournaledSignal[] {
  const base = view.getFloat64(1, true);
  const out: JournaledSignal[] = [];
  for (let p = HEADER_BYTES; p < view.byteLength;) {
    const flags = view.getUint8(p);
    p += 1;
    const workstation = names[view.getUint16(p, true)];
    p += 2;
    let time: number;
    if (flags & TIME_32) {
      time = base + view.getInt32(p, true);
      p += 4;
    } else {
      time = view.getFloat64(p, true);
      p += 8;
    }
    let state: MachineState | null = null;
    if (flags & HAS_STATE) {
      state = MACHINE_STATES[view.getUint8(p)];
      p += 1;
    }
    let faultCode: string | null = null;
    if (flags & HAS_FAULT) {
      faultCode = names[view.getUint32(p, true)];
      p += 4;
    }
    let first: number | null = null;
    if (flags & HAS_FIRST) {
      first = getCount(view, p, (flags & FIRST_32) !== 0);
      p += flags & FIRST_32 ? 4 : 8;
    }
    let reject: number | null = null;
    if (flags & HAS_REJECT) {
      reject = getCount(view, p, (flags & REJECT_32) !== 0);
      p += flags & REJECT_32 ? 4 : 8;
    }
    out.push([workstation, time, state, faultCode, first, reject]);
  }
  return out;
}

/** The first layout: six float64s a signal, -1 for no state or fault code, NaN for no count. */
function decodeFloat64(data: Float64Array, names: string[]): JournaledSignal[] {
  const out: JournaledSignal[] = [];
  for (let at = 0; at < data.length; at += 6) {
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
