import type { MesStore } from '../store';

/** Lot numbers: material, date of the event (UTC) and a counter that restarts each day. */
export const DEFAULT_LOT_PATTERN = '{material}-{yyyy}{MM}{dd}-{seq:4}';
/** Serial numbers: material and a counter that never restarts. */
export const DEFAULT_SERIAL_PATTERN = '{material}-S{seq:6}';

export interface NumberingContext {
  material: string;
  orderId?: string | null;
  operationKey?: string | null;
  workstation?: string | null;
  /** ISO 8601; the date tokens come from it, so a replayed day numbers the same way. */
  eventTime: string;
}

const TOKEN = /\{(material|order|operation|workstation|yyyy|yy|MM|dd|seq)(?::(\d{1,2}))?\}/g;

/** Why a pattern cannot number lots, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return 'the numbering pattern is empty';
  const seqCount = (pattern.match(/\{seq(?::\d{1,2})?\}/g) ?? []).length;
  if (seqCount !== 1) return `the numbering pattern '${pattern}' must contain {seq} or {seq:N} exactly once`;
  const leftover = pattern.replace(TOKEN, '');
  if (/[{}]/.test(leftover)) return `the numbering pattern '${pattern}' has an unknown {token}; known: {material} {order} {operation} {workstation} {yyyy} {yy} {MM} {dd} {seq:N}`;
  if (!/^[A-Za-z0-9._:/-]*$/.test(leftover)) return `the numbering pattern '${pattern}' may only hold letters, digits and ._:/- besides its tokens`;
  return undefined;
}

const FIXED_WIDTH: Readonly<Record<string, number>> = { yyyy: 4, yy: 2, MM: 2, dd: 2 };

/**
 * Length of the pattern's numbers while the counter fits its width ({seq:4} up to 9999), or
 * undefined when a token of variable length ({material}, {order}, …) is in it.
 */
export function patternLength(pattern: string): number | undefined {
  let length = pattern.replace(TOKEN, '').length;
  for (const [, name, width] of pattern.matchAll(TOKEN)) {
    if (name === 'seq') length += Number(width ?? 1);
    else if (FIXED_WIDTH[name] !== undefined) length += FIXED_WIDTH[name];
    else return undefined;
  }
  return length;
}

function expand(pattern: string, ctx: NumberingContext, seq: string): string {
  const date = ctx.eventTime.slice(0, 10);
  const values: Record<string, string> = {
    material: ctx.material,
    order: ctx.orderId ?? '',
    operation: ctx.operationKey ?? '',
    workstation: ctx.workstation ?? '',
    yyyy: date.slice(0, 4),
    yy: date.slice(2, 4),
    MM: date.slice(5, 7),
    dd: date.slice(8, 10),
  };
  return pattern.replace(TOKEN, (_m, name: string) => (name === 'seq' ? seq : values[name]));
}

/**
 * The next free number of the pattern. The counter belongs to the pattern's expansion without
 * the sequence (its scope), so a pattern with a date restarts daily and one per order restarts
 * per order. Numbers already taken (typed by hand) are skipped. Runs inside the caller's
 * transaction, so a rolled-back command gives its number back.
 */
export function nextNumber(store: MesStore, pattern: string, ctx: NumberingContext, isTaken: (id: string) => boolean): string {
  const problem = patternProblem(pattern);
  if (problem) throw new Error(problem);
  const width = Number(/\{seq(?::(\d{1,2}))?\}/.exec(pattern)?.[1] ?? 1);
  const scope = `${pattern}|${expand(pattern, ctx, '#')}`;
  const row = store.statement('SELECT value FROM genealogy_counters WHERE scope = ?').get(scope) as { value: number } | undefined;
  let value = row?.value ?? 0;
  let id: string;
  do {
    value += 1;
    id = expand(pattern, ctx, String(value).padStart(width, '0'));
  } while (isTaken(id));
  store.statement(`INSERT INTO genealogy_counters (scope, value) VALUES (?, ?)
    ON CONFLICT(scope) DO UPDATE SET value = excluded.value`).run(scope, value);
  return id;
}
