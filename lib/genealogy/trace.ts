import { toCsv } from '../exports/table';
import type { MesStore } from '../store';
import type { Unit } from '../orders/types';
import { NotFoundError } from '../util/errors';
import { lotInfo, type NodeRow } from './graph';
import type { LotInfo, NodeKind, Relation } from './types';

export type Direction = 'backward' | 'forward';

export interface TraceEnd {
  kind: NodeKind;
  /** Lot or serial number, order id, or material (for consumption without a lot). */
  id: string;
  material: string | null;
}

/** One link of the genealogy: `from` went into `to`. */
export interface TraceLink {
  /** Generations from the traced lot: 1 = its direct inputs (backward) or uses (forward). */
  level: number;
  relation: Relation;
  from: TraceEnd;
  to: TraceEnd;
  quantity: number;
  unit: Unit;
  orderId: string | null;
  operationKey: string | null;
  workstation: string | null;
  /** Who: the operator or system that recorded it. */
  actor: string | null;
  eventTime: string;
  backflush: boolean;
  eventSeq: number;
}

export interface TraceResult {
  direction: Direction;
  lot: LotInfo;
  links: TraceLink[];
  /** Every other lot and serial on the trace, as they are now. */
  lots: LotInfo[];
  /** Every order on the trace. */
  orders: string[];
}

interface LinkRow {
  id: number;
  from_node: number;
  to_node: number;
  relation: Relation;
  quantity: number;
  unit: Unit;
  order_id: string | null;
  operation_key: string | null;
  workstation: string | null;
  actor: string | null;
  event_time: string;
  backflush: number;
  event_seq: number;
}

const NODE_COLUMNS = 'id, kind, key, material, unit, quantity, on_hand, status, origin, order_id, operation_key, workstation, actor, event_time, event_seq, blocked_by, block_reason, blocked_at';

const ROOT_SQL = `SELECT ${NODE_COLUMNS} FROM genealogy_nodes WHERE key = ? AND kind IN ('lot', 'serial')`;
const LINK_FIELDS = ['id', 'from_node', 'to_node', 'relation', 'quantity', 'unit', 'order_id', 'operation_key', 'workstation', 'actor', 'event_time', 'backflush', 'event_seq'] as const;
const NODE_FIELDS = NODE_COLUMNS.split(', ');

/**
 * One statement per direction. The recursive CTE collects the reachable nodes, each once (UNION),
 * one covering-index seek per step; it is materialized once and read twice: for the links at each
 * node (same index) and for the nodes themselves (primary key). SQLite returns both as one JSON
 * text each: parsing that is several times faster than building a JS row per link through the
 * driver, which dominated the trace time of a large genealogy.
 */
function traceSql(near: 'to_node' | 'from_node', far: 'to_node' | 'from_node'): string {
  return `WITH RECURSIVE reach(node) AS MATERIALIZED (
      SELECT ? UNION SELECT l.${far} FROM genealogy_links l JOIN reach r ON l.${near} = r.node
    )
    SELECT
      (SELECT json_group_array(json_array(${LINK_FIELDS.map((f) => `l.${f}`).join(', ')}))
        FROM reach r JOIN genealogy_links l ON l.${near} = r.node) AS links,
      (SELECT json_group_array(json_array(${NODE_FIELDS.map((f) => `n.${f}`).join(', ')}))
        FROM reach r JOIN genealogy_nodes n ON n.id = r.node) AS nodes`;
}
const TRACE_SQL: Record<Direction, string> = {
  backward: traceSql('to_node', 'from_node'),
  forward: traceSql('from_node', 'to_node'),
};

/** Rows of `json_array(...)` back to objects keyed by column name. */
function rowsOf<T>(json: string, fields: readonly string[]): T[] {
  return (JSON.parse(json) as unknown[][]).map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i += 1) row[fields[i]] = values[i];
    return row as T;
  });
}

export function findLot(store: MesStore, lot: string): LotInfo | undefined {
  const row = store.statement(ROOT_SQL).get(lot) as NodeRow | undefined;
  return row ? lotInfo(row) : undefined;
}

const isItem = (row: NodeRow) => row.kind === 'lot' || row.kind === 'serial';

/**
 * Generations from the root: stepping away from a lot or serial starts a new generation, stepping
 * from an order to its inputs (or outputs) does not, so an order and what it consumed share a level.
 * A 0-1 breadth-first search gives every node its nearest generation when paths join again.
 */
function generations(rootId: number, links: LinkRow[], direction: Direction, nodes: Map<number, NodeRow>): Map<number, number> {
  const next = new Map<number, number[]>();
  for (const link of links) {
    const near = direction === 'backward' ? link.to_node : link.from_node;
    const far = direction === 'backward' ? link.from_node : link.to_node;
    const list = next.get(near);
    if (list) list.push(far);
    else next.set(near, [far]);
  }
  const level = new Map<number, number>([[rootId, 0]]);
  // Level by level: 0-steps (order → its inputs) stay in the current frontier, 1-steps go to the next.
  let frontier = [rootId];
  for (let here = 0; frontier.length > 0; here += 1) {
    const following: number[] = [];
    for (let i = 0; i < frontier.length; i += 1) {
      const node = frontier[i];
      if (level.get(node) !== here) continue;
      const step = nodes.get(node)?.kind === 'order' ? 0 : 1;
      for (const far of next.get(node) ?? []) {
        const known = level.get(far);
        if (known !== undefined && known <= here + step) continue;
        level.set(far, here + step);
        (step === 0 ? frontier : following).push(far);
      }
    }
    frontier = following;
  }
  return level;
}

/**
 * Backward: everything that went into the lot, on every level, with quantities, orders,
 * operations, workstations, operators and times. Forward: everything the lot went into, up to
 * finished goods. Read-only; no transaction needed.
 */
export function trace(store: MesStore, lot: string, direction: Direction): TraceResult {
  const root = store.statement(ROOT_SQL).get(lot) as NodeRow | undefined;
  if (!root) throw new NotFoundError(`lot or serial ${lot} is not known to the MES [unknownLot]`);
  const result = store.statement(TRACE_SQL[direction]).get(root.id) as { links: string; nodes: string };
  // In recording order, so that the stable sort below keeps it among links of one event.
  const rows = rowsOf<LinkRow>(result.links, LINK_FIELDS).sort((a, b) => a.id - b.id);
  const nodeRows = rowsOf<NodeRow>(result.nodes, NODE_FIELDS);
  const nodes = new Map(nodeRows.map((row) => [row.id, row]));
  const level = generations(root.id, rows, direction, nodes);
  const end = (id: number): TraceEnd => {
    const node = nodes.get(id) as NodeRow;
    return { kind: node.kind, id: node.key, material: node.material };
  };
  const links: TraceLink[] = rows.map((row) => ({
    level: level.get(direction === 'backward' ? row.from_node : row.to_node) ?? 0,
    relation: row.relation,
    from: end(row.from_node),
    to: end(row.to_node),
    quantity: row.quantity,
    unit: row.unit,
    orderId: row.order_id,
    operationKey: row.operation_key,
    workstation: row.workstation,
    actor: row.actor,
    eventTime: row.event_time,
    backflush: row.backflush === 1,
    eventSeq: row.event_seq,
  }));
  links.sort((a, b) => a.level - b.level || a.eventSeq - b.eventSeq);
  return {
    direction,
    lot: lotInfo(root),
    links,
    lots: nodeRows.filter((row) => isItem(row) && row.id !== root.id).map(lotInfo),
    orders: nodeRows.filter((row) => row.kind === 'order').map((row) => row.key).sort(),
  };
}

export interface RecallOrder {
  orderId: string;
  erpReference: string | null;
  material: string | null;
  status: string | null;
}

export interface RecallReport {
  lot: LotInfo;
  /** Lots and serials made from the lot that nothing has used further: finished goods, or stock that a recall must reach. */
  finished: LotInfo[];
  /** Every lot and serial made from the lot, intermediate ones included. */
  affected: LotInfo[];
  /** Affected lots and serials that still hold stock (on hand > 0): what a recall must reach and block. */
  inStock: LotInfo[];
  orders: RecallOrder[];
  links: number;
}

/** For a component lot: the finished lots and serials and the orders it reached. */
export function recall(store: MesStore, lot: string): RecallReport {
  const forward = trace(store, lot, 'forward');
  const usedFurther = new Set(forward.links.map((link) => `${link.from.kind}|${link.from.id}`));
  const orderRow = store.statement('SELECT order_id, erp_reference, material, status FROM orders WHERE order_id = ?');
  return {
    lot: forward.lot,
    finished: forward.lots.filter((item) => !usedFurther.has(`${item.kind}|${item.lot}`)),
    affected: forward.lots,
    inStock: forward.lots.filter((item) => item.onHand > 0),
    orders: forward.orders.map((orderId) => {
      const row = orderRow.get(orderId) as { erp_reference: string | null; material: string; status: string } | undefined;
      return { orderId, erpReference: row?.erp_reference ?? null, material: row?.material ?? null, status: row?.status ?? null };
    }),
    links: forward.links.length,
  };
}

const TRACE_COLUMNS = ['level', 'relation', 'from_kind', 'from', 'from_material', 'to_kind', 'to', 'to_material', 'quantity', 'unit',
  'order_id', 'operation_key', 'workstation', 'actor', 'event_time', 'backflush'];
const RECALL_COLUMNS = ['role', 'kind', 'lot', 'material', 'quantity', 'on_hand', 'unit', 'status', 'order_id', 'operation_key', 'workstation', 'event_time'];

/** RFC 4180 cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
function csv(columns: string[], rows: unknown[][]): string {
  return toCsv({ columns, rows });
}

export function traceCsv(result: TraceResult): string {
  return csv(TRACE_COLUMNS, result.links.map((l) => [l.level, l.relation, l.from.kind, l.from.id, l.from.material, l.to.kind, l.to.id, l.to.material,
    l.quantity, l.unit, l.orderId, l.operationKey, l.workstation, l.actor, l.eventTime, l.backflush]));
}

export function recallCsv(report: RecallReport): string {
  const finished = new Set(report.finished.map((item) => item.lot));
  const row = (role: string, i: LotInfo) => [role, i.kind, i.lot, i.material, i.quantity, i.onHand, i.unit, i.status, i.orderId, i.operationKey, i.workstation, i.eventTime];
  return csv(RECALL_COLUMNS, [
    row('component', report.lot),
    ...report.affected.map((item) => row(finished.has(item.lot) ? 'finished' : 'intermediate', item)),
  ]);
}
