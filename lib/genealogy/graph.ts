import type { Statement } from 'better-sqlite3';
import type { MesStore } from '../store';
import type { Unit } from '../orders/types';
import type { ItemKind, LotInfo, NodeKind, Relation } from './types';

export interface NodeRow {
  id: number;
  kind: NodeKind;
  key: string;
  material: string | null;
  unit: Unit | null;
  quantity: number;
  on_hand: number;
  status: 'released' | 'blocked';
  origin: LotInfo['origin'] | 'order' | 'material';
  order_id: string | null;
  operation_key: string | null;
  workstation: string | null;
  actor: string | null;
  event_time: string | null;
  event_seq: number | null;
  blocked_by: string | null;
  block_reason: string | null;
  blocked_at: string | null;
}

/** Where, by whom and when something was recorded, and the event that recorded it. */
export interface Provenance {
  orderId?: string | null;
  operationKey?: string | null;
  workstation?: string | null;
  actor?: string | null;
  eventTime: string;
  eventSeq: number;
}

export interface NewItem extends Provenance {
  kind: ItemKind;
  key: string;
  material: string;
  unit: Unit;
  quantity: number;
  origin: LotInfo['origin'];
}

export interface NewLink extends Provenance {
  from: number;
  to: number;
  relation: Relation;
  quantity: number;
  unit: Unit;
  backflush?: boolean;
}

const SQL = {
  findItem: "SELECT * FROM genealogy_nodes WHERE key = ? AND kind IN ('lot', 'serial')",
  // The kind is a literal so that SQLite can use the partial unique index of that kind.
  findOrder: "SELECT id FROM genealogy_nodes WHERE key = ? AND kind = 'order'",
  findMaterial: "SELECT id FROM genealogy_nodes WHERE key = ? AND kind = 'material'",
  insertNode: `INSERT INTO genealogy_nodes
    (kind, key, material, unit, quantity, on_hand, origin, order_id, operation_key, workstation, actor, event_time, event_seq)
    VALUES (@kind, @key, @material, @unit, @quantity, @quantity, @origin, @orderId, @operationKey, @workstation, @actor, @eventTime, @eventSeq)`,
  insertLink: `INSERT INTO genealogy_links
    (from_node, to_node, relation, quantity, unit, order_id, operation_key, workstation, actor, event_time, event_seq, backflush)
    VALUES (@from, @to, @relation, @quantity, @unit, @orderId, @operationKey, @workstation, @actor, @eventTime, @eventSeq, @backflush)`,
  setStock: 'UPDATE genealogy_nodes SET quantity = ?, on_hand = ? WHERE id = ?',
  setBlock: 'UPDATE genealogy_nodes SET status = ?, blocked_by = ?, block_reason = ?, blocked_at = ? WHERE id = ?',
  // UNION (not UNION ALL) visits each node once, so shared inputs and diamonds cost nothing extra.
  reaches: `WITH RECURSIVE down(node) AS (
      SELECT ? UNION SELECT l.to_node FROM genealogy_links l JOIN down d ON l.from_node = d.node
    ) SELECT 1 AS found FROM down WHERE node = ? LIMIT 1`,
};

/** The genealogy graph of one store; statements are prepared once per connection by the store. */
export class Graph {
  constructor(private readonly store: MesStore) {}

  private get findItemStmt(): Statement { return this.store.statement(SQL.findItem); }
  private get insertNodeStmt(): Statement { return this.store.statement(SQL.insertNode); }
  private get insertLinkStmt(): Statement { return this.store.statement(SQL.insertLink); }
  private get setStockStmt(): Statement { return this.store.statement(SQL.setStock); }
  private get setBlockStmt(): Statement { return this.store.statement(SQL.setBlock); }
  private get reachesStmt(): Statement { return this.store.statement(SQL.reaches); }

  findItem(key: string): NodeRow | undefined {
    return this.findItemStmt.get(key) as NodeRow | undefined;
  }

  /** The node of an order or a material, created on first use. */
  nodeOf(kind: 'order' | 'material', key: string): number {
    const row = this.store.statement(kind === 'order' ? SQL.findOrder : SQL.findMaterial).get(key) as { id: number } | undefined;
    if (row) return row.id;
    return Number(this.insertNodeStmt.run({
      kind, key, material: kind === 'material' ? key : null, unit: null, quantity: 0, origin: kind,
      orderId: kind === 'order' ? key : null, operationKey: null, workstation: null, actor: null, eventTime: null, eventSeq: null,
    }).lastInsertRowid);
  }

  insertItem(item: NewItem): NodeRow {
    const values = { orderId: null, operationKey: null, workstation: null, actor: null, ...item };
    const id = Number(this.insertNodeStmt.run(values).lastInsertRowid);
    return {
      id, kind: item.kind, key: item.key, material: item.material, unit: item.unit, quantity: item.quantity, on_hand: item.quantity,
      status: 'released', origin: item.origin, order_id: values.orderId, operation_key: values.operationKey, workstation: values.workstation,
      actor: values.actor, event_time: item.eventTime, event_seq: item.eventSeq, blocked_by: null, block_reason: null, blocked_at: null,
    };
  }

  link(link: NewLink): void {
    this.insertLinkStmt.run({
      orderId: null, operationKey: null, workstation: null, actor: null, ...link, backflush: link.backflush ? 1 : 0,
    });
  }

  setStock(id: number, quantity: number, onHand: number): void {
    this.setStockStmt.run(quantity, onHand, id);
  }

  setBlock(id: number, blocked: boolean, actor: string, reason: string, at: string): void {
    this.setBlockStmt.run(blocked ? 'blocked' : 'released', actor, reason, at, id);
  }

  /** Whether `target` can be reached from `start` following links forward (input → output). */
  reaches(start: number, target: number): boolean {
    if (start === target) return true;
    return this.reachesStmt.get(start, target) !== undefined;
  }
}

export function lotInfo(row: NodeRow): LotInfo {
  return {
    lot: row.key,
    kind: row.kind as ItemKind,
    material: row.material as string,
    quantity: row.quantity,
    onHand: row.on_hand,
    unit: row.unit as Unit,
    status: row.status,
    origin: row.origin as LotInfo['origin'],
    orderId: row.order_id,
    operationKey: row.operation_key,
    workstation: row.workstation,
    actor: row.actor,
    eventTime: row.event_time,
    blockedBy: row.blocked_by,
    blockReason: row.block_reason,
    blockedAt: row.blocked_at,
  };
}
