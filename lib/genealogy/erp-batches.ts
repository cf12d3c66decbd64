import type { MesStore } from '../store';
import { nextNumber } from './numbering';

/** How one ERP numbers batches, for lots whose own number that ERP cannot take. */
export interface ErpBatchRules {
  /** Which ERP this is (`sap`); a lot has at most one batch per ERP. */
  system: string;
  /** Whether a number is a valid batch of that ERP as it is. */
  fits(id: string): boolean;
  /** Numbering pattern (numbering.ts) for lots the MES made whose number does not fit. */
  pattern: string;
}

export interface BatchRequest {
  lot: string;
  material?: string | null;
  plant?: string | null;
  orderId?: string | null;
  /** The date tokens of the pattern come from it, so a replayed log numbers the same way. */
  eventTime: string;
  eventSeq: number;
  /** The event produces the lot (goods receipt): a lot the MES made may get a number. */
  produced: boolean;
}

interface BatchRow {
  batch: string;
}

interface LotRow {
  id: number;
  origin: string;
}

const SQL = {
  batchOf: 'SELECT batch FROM genealogy_erp_batches WHERE system = ? AND lot = ?',
  lotOf: 'SELECT lot FROM genealogy_erp_batches WHERE system = ? AND batch = ? AND source_lot IS NULL',
  insert: `INSERT INTO genealogy_erp_batches (system, lot, batch, source_lot, material, plant, event_seq, assigned_at)
    VALUES (@system, @lot, @batch, @sourceLot, @material, @plant, @eventSeq, @assignedAt)`,
  lot: "SELECT id, origin FROM genealogy_nodes WHERE key = ? AND kind = 'lot'",
  splitSource: `SELECT n.key FROM genealogy_links l JOIN genealogy_nodes n ON n.id = l.from_node
    WHERE l.to_node = ? AND l.relation = 'split' LIMIT 1`,
};

export function erpBatchOf(s: MesStore, system: string, lot: string): string | undefined {
  return (s.statement(SQL.batchOf).get(system, lot) as BatchRow | undefined)?.batch;
}

/** The MES lot that owns an ERP batch: the way back from what the ERP shows to the MES's genealogy. */
export function lotOfErpBatch(s: MesStore, system: string, batch: string): string | undefined {
  return (s.statement(SQL.lotOf).get(system, batch) as { lot: string } | undefined)?.lot;
}

/**
 * The lot's batch in the ERP, recorded on first use and never changed, so that every posting of
 * the lot (receipt, issues, resends after a crash) names the same batch and the batch leads back
 * to exactly one lot. In order of preference:
 * - a lot split off another shares its source's batch (the ERP's stock is still in that one);
 * - a lot whose number the ERP can take as it is keeps it, unless another lot owns that batch;
 * - a lot the MES made (produced or merged) gets the next number of the rules' pattern.
 * A received lot whose number does not fit gets none (the ERP cannot know it by another name):
 * undefined, and the mapper refuses the actual with that reason. Runs inside a transaction.
 */
export function ensureErpBatch(s: MesStore, rules: ErpBatchRules, request: BatchRequest): string | undefined {
  const recorded = erpBatchOf(s, rules.system, request.lot);
  if (recorded !== undefined) return recorded;
  const node = s.statement(SQL.lot).get(request.lot) as LotRow | undefined;
  const record = (batch: string, sourceLot: string | null) => {
    s.statement(SQL.insert).run({
      system: rules.system, lot: request.lot, batch, sourceLot, material: request.material ?? null, plant: request.plant ?? null,
      eventSeq: request.eventSeq, assignedAt: s.nowIso(),
    });
    return batch;
  };
  if (node?.origin === 'split') {
    const source = (s.statement(SQL.splitSource).get(node.id) as { key: string } | undefined)?.key;
    const batch = source === undefined ? undefined : ensureErpBatch(s, rules, { ...request, lot: source, produced: false });
    return batch === undefined ? undefined : record(batch, source ?? null);
  }
  const owned = (batch: string) => s.statement(SQL.lotOf).get(rules.system, batch) !== undefined;
  if (rules.fits(request.lot) && !owned(request.lot)) return record(request.lot, null);
  const madeHere = node ? node.origin === 'produced' || node.origin === 'merged' : request.produced;
  if (!madeHere) return undefined;
  const batch = nextNumber(s, rules.pattern, { material: request.material ?? '', orderId: request.orderId, eventTime: request.eventTime }, owned);
  return rules.fits(batch) ? record(batch, null) : undefined;
}
