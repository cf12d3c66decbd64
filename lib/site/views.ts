import type { Pool } from 'pg';
import { ValidationError, type FieldError } from '../util/errors';

export type OeeLevel = 'line' | 'area' | 'site';

export type SiteQuery =
  | { query: 'oee'; level: OeeLevel; from?: string; to?: string; day?: string; shift?: string }
  | { query: 'trace'; lot: string; direction: 'backward' | 'forward' }
  | { query: 'recall'; lot: string }
  | { query: 'losses'; from: string; to: string; limit: number }
  | { query: 'lines'; lagSeconds: number; heartbeatSeconds: number }
  | { query: 'order'; orderId: string }
  | { query: 'audit'; orderId?: string; workstation?: string; actor?: string; from?: string; to?: string; limit: number };

export const SITE_QUERIES = ['oee', 'trace', 'recall', 'order', 'audit', 'losses', 'lines'] as const;
const MAX_AUDIT_ROWS = 10_000;

function text(p: Record<string, unknown>, field: string, errors: FieldError[], required: boolean): string | undefined {
  const value = p[field];
  if (value === undefined || value === null || value === '') {
    if (required) errors.push({ field, rule: 'required', message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string' || value.length > 200) {
    errors.push({ field, rule: 'type', message: 'must be a string of at most 200 characters' });
    return undefined;
  }
  return value;
}

function time(p: Record<string, unknown>, field: string, errors: FieldError[], required: boolean): string | undefined {
  const value = text(p, field, errors, required);
  if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value)))) {
    errors.push({ field, rule: 'format', message: 'must be an ISO 8601 date or a time with its zone (2026-12-01T06:00:00Z)' });
    return undefined;
  }
  return value;
}

function oneOf<T extends string>(p: Record<string, unknown>, field: string, allowed: readonly T[], fallback: T | undefined, errors: FieldError[]): T {
  const value = p[field] ?? fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    errors.push({ field, rule: 'enum', message: `must be one of ${allowed.join(', ')}` });
  }
  return value as T;
}

function whole(p: Record<string, unknown>, field: string, fallback: number, min: number, max: number, errors: FieldError[]): number {
  const value = p[field] === undefined ? fallback : p[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.push({ field, rule: 'range', message: `must be a whole number from ${min} to ${max}` });
  }
  return value as number;
}

/** `msg.topic` names the view, `msg.payload` its parameters; every broken rule is reported at once. */
export function parseSiteQuery(topic: unknown, payload: unknown): SiteQuery {
  if (typeof topic !== 'string' || !(SITE_QUERIES as readonly string[]).includes(topic)) {
    throw new ValidationError([{ field: 'topic', rule: 'enum', message: `must be one of ${SITE_QUERIES.join(', ')}` }], 'site query');
  }
  if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
    throw new ValidationError([{ field: 'payload', rule: 'type', message: 'must be an object' }], `${topic} query`);
  }
  const p = (payload ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  let query: SiteQuery;
  switch (topic) {
    case 'oee': {
      // A range, or a production day (the shift's own day: a night shift belongs to the day it started); a shift name narrows either.
      const day = text(p, 'day', errors, false);
      if (day !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day)))) {
        errors.push({ field: 'day', rule: 'format', message: 'must be a date (2026-12-01)' });
      }
      const ranged = day === undefined;
      query = {
        query: 'oee', level: oneOf(p, 'level', ['line', 'area', 'site'] as const, 'line', errors),
        from: time(p, 'from', errors, ranged), to: time(p, 'to', errors, ranged), day, shift: text(p, 'shift', errors, false),
      };
      break;
    }
    case 'recall':
      query = { query: 'recall', lot: text(p, 'lot', errors, true)! };
      break;
    case 'losses':
      query = { query: 'losses', from: time(p, 'from', errors, true)!, to: time(p, 'to', errors, true)!, limit: whole(p, 'limit', 20, 1, 1000, errors) };
      break;
    case 'lines':
      query = { query: 'lines', lagSeconds: whole(p, 'lagSeconds', 60, 0, 86_400 * 365, errors), heartbeatSeconds: whole(p, 'heartbeatSeconds', 60, 1, 86_400 * 365, errors) };
      break;
    case 'trace':
      query = { query: 'trace', lot: text(p, 'lot', errors, true)!, direction: oneOf(p, 'direction', ['backward', 'forward'] as const, undefined, errors) };
      break;
    case 'order':
      query = { query: 'order', orderId: text(p, 'orderId', errors, true)! };
      break;
    default:
      query = {
        query: 'audit', orderId: text(p, 'orderId', errors, false), workstation: text(p, 'workstation', errors, false),
        actor: text(p, 'actor', errors, false), from: time(p, 'from', errors, false), to: time(p, 'to', errors, false),
        limit: whole(p, 'limit', 1000, 1, MAX_AUDIT_ROWS, errors),
      };
  }
  if (errors.length > 0) throw new ValidationError(errors, `${topic} query`);
  return query;
}

export interface OeeRow {
  site: string;
  area: string | null;
  line: string | null;
  shifts: number;
  times: { shiftSeconds: number; breakSeconds: number; plannedStopSeconds: number; plannedSeconds: number; runSeconds: number; stopSeconds: number; idealSeconds: number; idealGoodSeconds: number };
  counts: { total: number; good: number; reject: number; withoutIdealTime: number };
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

interface OeeSums {
  site: string; area: string | null; line: string | null; shifts: string;
  shift_seconds: number; break_seconds: number; planned_stop_seconds: number; planned_seconds: number; run_seconds: number;
  stop_seconds: number; ideal_seconds: number; ideal_good_seconds: number;
  total_count: number; good_count: number; reject_count: number; counts_without_ideal_time: number;
}

/**
 * The same definitions as a workstation's shift summary (docs/oee.md), applied to the sums:
 * A = run / planned, P = ideal / run, Q = ideal good / ideal (good / total without ideal time),
 * OEE = ideal good / planned; null where the denominator is zero or an ideal time is missing.
 */
export function oeeOfSums(r: OeeSums): OeeRow {
  const idealKnown = r.counts_without_ideal_time === 0;
  let quality: number | null = null;
  if (r.total_count > 0) quality = idealKnown && r.ideal_seconds > 0 ? r.ideal_good_seconds / r.ideal_seconds : r.good_count / r.total_count;
  return {
    site: r.site, area: r.area, line: r.line, shifts: Number(r.shifts),
    times: {
      shiftSeconds: r.shift_seconds, breakSeconds: r.break_seconds, plannedStopSeconds: r.planned_stop_seconds, plannedSeconds: r.planned_seconds,
      runSeconds: r.run_seconds, stopSeconds: r.stop_seconds, idealSeconds: r.ideal_seconds, idealGoodSeconds: r.ideal_good_seconds,
    },
    counts: { total: r.total_count, good: r.good_count, reject: r.reject_count, withoutIdealTime: r.counts_without_ideal_time },
    availability: r.planned_seconds > 0 ? r.run_seconds / r.planned_seconds : null,
    performance: r.run_seconds > 0 && idealKnown ? r.ideal_seconds / r.run_seconds : null,
    quality,
    oee: r.planned_seconds > 0 && idealKnown ? r.ideal_good_seconds / r.planned_seconds : null,
  };
}

const GROUPING: Record<OeeLevel, string> = {
  line: 'site, area, line',
  area: 'site, area, NULL::text AS line',
  site: 'site, NULL::text AS area, NULL::text AS line',
};
const GROUP_BY: Record<OeeLevel, string> = { line: 'site, area, line', area: 'site, area', site: 'site' };

/**
 * OEE per line, area or site over the shifts that started in [from, to), or of one production
 * day, optionally of one shift name: sums of times and counts, never averaged percentages.
 */
export async function siteOee(pool: Pool, q: { level: OeeLevel; from?: string; to?: string; day?: string; shift?: string }): Promise<OeeRow[]> {
  const { where, params } = filters([['start_time >= ?', q.from], ['start_time < ?', q.to], ['day = ?', q.day], ['shift = ?', q.shift]]);
  const { rows } = await pool.query<OeeSums>(`SELECT ${GROUPING[q.level]}, COUNT(*) AS shifts,
      SUM(shift_seconds) AS shift_seconds, SUM(break_seconds) AS break_seconds, SUM(planned_stop_seconds) AS planned_stop_seconds,
      SUM(planned_seconds) AS planned_seconds, SUM(run_seconds) AS run_seconds, SUM(stop_seconds) AS stop_seconds,
      SUM(ideal_seconds) AS ideal_seconds, SUM(ideal_good_seconds) AS ideal_good_seconds,
      SUM(total_count) AS total_count, SUM(good_count) AS good_count, SUM(reject_count) AS reject_count,
      SUM(counts_without_ideal_time) AS counts_without_ideal_time
    FROM site_oee_shifts ${where}
    GROUP BY ${GROUP_BY[q.level]} ORDER BY ${GROUP_BY[q.level]}`, params);
  return rows.map(oeeOfSums);
}

export interface TraceLink {
  level: number;
  relation: string;
  from: { kind: string; id: string };
  to: { kind: string; id: string };
  material: string | null;
  quantity: number | null;
  unit: string | null;
  orderId: string | null;
  operationKey: string | null;
  line: string;
  workstation: string | null;
  eventTime: string;
  eventId: string;
}

/** Generations followed at most: a guard against a cycle the lines could not see (their links cross the site). */
const MAX_TRACE_LEVELS = 100;

/**
 * Backward: what went into the lot (the order that made it, that order's inputs, their orders, …);
 * forward: where it went. Across lines: a lot one line produced and another consumed is one node.
 * A lot id matches lots and serials alike.
 */
export async function traceLot(pool: Pool, q: { lot: string; direction: 'backward' | 'forward' }): Promise<{ lot: string; direction: string; links: TraceLink[] }> {
  const [near, far] = q.direction === 'backward' ? ['to', 'from'] : ['from', 'to'];
  const { rows } = await pool.query(`WITH RECURSIVE trace AS (
      SELECT l.*, 1 AS level FROM site_genealogy_links l WHERE l.${near}_kind IN ('lot', 'serial') AND l.${near}_id = $1
      UNION
      SELECT l.*, t.level + 1 FROM trace t
      JOIN site_genealogy_links l ON l.${near}_kind = t.${far}_kind AND l.${near}_id = t.${far}_id
      WHERE t.level < $2 AND t.${far}_kind <> 'material'
    )
    SELECT DISTINCT ON (link_id) * FROM trace ORDER BY link_id, level`, [q.lot, MAX_TRACE_LEVELS]);
  const links: TraceLink[] = rows.map((r) => ({
    level: r.level, relation: r.relation, from: { kind: r.from_kind, id: r.from_id }, to: { kind: r.to_kind, id: r.to_id },
    material: r.material, quantity: r.quantity, unit: r.unit, orderId: r.order_id, operationKey: r.operation_key,
    line: r.line, workstation: r.workstation, eventTime: (r.event_time as Date).toISOString(), eventId: r.event_id,
  }));
  links.sort((a, b) => a.level - b.level || a.eventTime.localeCompare(b.eventTime));
  return { lot: q.lot, direction: q.direction, links };
}

/** A WHERE clause of the conditions whose value is given, each `?` a numbered parameter. */
function filters(conditions: Array<[string, unknown]>): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [sql, value] of conditions) {
    if (value === undefined) continue;
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  }
  return { where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** An order as the site sees it: its operations with the line and workstation that ran each, state and quantities. */
export async function orderAcrossLines(pool: Pool, orderId: string): Promise<unknown> {
  const order = await pool.query('SELECT * FROM site_orders WHERE order_id = $1', [orderId]);
  const operations = await pool.query('SELECT * FROM site_operations WHERE order_id = $1 ORDER BY sequence NULLS LAST, operation_key', [orderId]);
  const o = order.rows[0];
  return {
    orderId,
    order: o ? { site: o.site, line: o.line, material: o.material, quantity: o.quantity, unit: o.unit, status: o.status, receivedAt: iso(o.received_at), updatedAt: iso(o.updated_at) } : null,
    operations: operations.rows.map((r) => ({
      operationKey: r.operation_key, sequence: r.sequence, workCenter: r.work_center, line: r.line, workstation: r.workstation, state: r.state,
      unit: r.unit, goodQuantity: r.good_quantity, scrapQuantity: r.scrap_quantity, reworkQuantity: r.rework_quantity,
      startedAt: iso(r.started_at), completedAt: iso(r.completed_at),
    })),
  };
}

/** The site's audit trail: events of every line, by event time, filtered; every value a parameter. */
export async function auditTrail(pool: Pool, q: Omit<Extract<SiteQuery, { query: 'audit' }>, 'query'>): Promise<unknown[]> {
  const { where, params } = filters([['order_id = ?', q.orderId], ['workstation = ?', q.workstation], ['actor = ?', q.actor],
    ['event_time >= ?', q.from], ['event_time < ?', q.to]]);
  params.push(q.limit);
  const { rows } = await pool.query(`SELECT * FROM site_events ${where}
    ORDER BY event_time, line, seq LIMIT $${params.length}`, params);
  return rows.map((r) => ({
    site: r.site, area: r.area, line: r.line, seq: Number(r.seq), eventId: r.event_id, eventTime: iso(r.event_time), recordedTime: iso(r.recorded_time),
    type: r.type, orderId: r.order_id, operationKey: r.operation_key, workstation: r.workstation, actor: r.actor, payload: r.payload,
  }));
}

export interface RecallReport {
  lot: string;
  /** Lots and serials made from it, on any line. */
  affected: Array<{ kind: string; id: string; line: string; orderId: string | null }>;
  orders: string[];
  lines: string[];
  links: TraceLink[];
}

/** Where a suspect lot went, on every line: the lots and serials made from it, the orders and lines involved. */
export async function recallLot(pool: Pool, lot: string): Promise<RecallReport> {
  const { links } = await traceLot(pool, { lot, direction: 'forward' });
  const affected = new Map<string, RecallReport['affected'][number]>();
  for (const l of links) {
    if (l.to.kind === 'lot' || l.to.kind === 'serial') affected.set(`${l.to.kind}\u0000${l.to.id}`, { kind: l.to.kind, id: l.to.id, line: l.line, orderId: l.orderId });
  }
  const orders = [...new Set(links.map((l) => l.orderId).filter((o): o is string => o !== null))].sort();
  const lines = [...new Set(links.map((l) => l.line))].sort();
  return { lot, affected: [...affected.values()], orders, lines, links };
}

export interface LossRow {
  line: string;
  /** stop: downtime by its reason; speed: run time beyond the ideal; quality: ideal time of rejects. */
  category: 'stop' | 'speed' | 'quality';
  reason: string;
  seconds: number;
}

/**
 * The largest losses in [from, to), in seconds, per line and reason: stops from the lines'
 * downtime events (the latest classification of each, else its reason at the end, else
 * unclassified), speed and quality losses from the shift summaries.
 */
export async function worstLosses(pool: Pool, q: { from: string; to: string; limit: number }): Promise<LossRow[]> {
  const { rows } = await pool.query<{ line: string; category: LossRow['category']; reason: string; seconds: number }>(`
    WITH stops AS (
      SELECT e.line, COALESCE(
          (SELECT c.payload->>'reason' FROM site_events c WHERE c.type = 'oee.downtime.classified' AND c.line = e.line
             AND c.payload->>'downtimeId' = e.payload->>'downtimeId' ORDER BY c.seq DESC LIMIT 1),
          e.payload->>'reason', 'unclassified') AS reason,
        (e.payload->>'seconds')::float8 AS seconds
      FROM site_events e WHERE e.type = 'oee.downtime.ended' AND e.event_time >= $1 AND e.event_time < $2
    )
    SELECT line, 'stop' AS category, reason, SUM(seconds) AS seconds FROM stops GROUP BY line, reason
    UNION ALL
    SELECT line, 'speed', 'reduced speed', SUM(run_seconds - ideal_seconds) FROM site_oee_shifts
      WHERE start_time >= $1 AND start_time < $2 AND counts_without_ideal_time = 0 GROUP BY line
    UNION ALL
    SELECT line, 'quality', 'rejects', SUM(ideal_seconds - ideal_good_seconds) FROM site_oee_shifts
      WHERE start_time >= $1 AND start_time < $2 AND counts_without_ideal_time = 0 GROUP BY line
    ORDER BY seconds DESC, line, category, reason LIMIT $3`, [q.from, q.to, q.limit]);
  return rows.filter((r) => r.seconds > 0).map((r) => ({ line: r.line, category: r.category, reason: r.reason, seconds: Number(r.seconds) }));
}

export interface LineStatus {
  site: string;
  area: string | null;
  line: string;
  lastSeq: number;
  forwardedSeq: number;
  eventsBehind: number;
  secondsBehind: number;
  heartbeatAt: string;
  heartbeatAgeSeconds: number;
  /** Its lag is above `lagSeconds`, or its forwarder has not been heard from for `heartbeatSeconds`. */
  lagging: boolean;
}

/** Every forwarding line's lag as its forwarder last wrote it, with the lagging ones flagged. */
export async function lineStatus(pool: Pool, q: { lagSeconds: number; heartbeatSeconds: number }): Promise<LineStatus[]> {
  const { rows } = await pool.query(`SELECT *, EXTRACT(EPOCH FROM now() - heartbeat_at)::float8 AS age FROM site_line_status ORDER BY site, area, line`);
  return rows.map((r) => ({
    site: r.site, area: r.area, line: r.line, lastSeq: Number(r.last_seq), forwardedSeq: Number(r.forwarded_seq), eventsBehind: Number(r.events_behind),
    secondsBehind: r.seconds_behind, heartbeatAt: (r.heartbeat_at as Date).toISOString(), heartbeatAgeSeconds: Math.max(0, r.age),
    lagging: r.seconds_behind > q.lagSeconds || r.age > q.heartbeatSeconds,
  }));
}

/** Runs a parsed query. */
export function runSiteQuery(pool: Pool, q: SiteQuery): Promise<unknown> {
  switch (q.query) {
    case 'oee': return siteOee(pool, q);
    case 'trace': return traceLot(pool, q);
    case 'recall': return recallLot(pool, q.lot);
    case 'losses': return worstLosses(pool, q);
    case 'lines': return lineStatus(pool, q);
    case 'order': return orderAcrossLines(pool, q.orderId);
    case 'audit': return auditTrail(pool, q);
  }
}
