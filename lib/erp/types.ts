import type { ProductionOrder } from '../orders/types';
import type { MesStore, StoredEvent } from '../store/store';

/** What kind of business fact an actual reports; one per ERP-relevant event type. */
export type ActualKind =
  | 'activity-start'
  | 'yield'
  | 'operation-confirmation'
  | 'order-completion'
  | 'goods-issue'
  | 'goods-receipt'
  | 'order-cancellation';

/**
 * The canonical actual (MES → ERP): one ERP-relevant event of the log, flattened and enriched
 * with the order's ERP reference, plant and routing data. `schemas/actual.schema.json` is its
 * contract; docs/erp.md maps it field by field to each ERP dialect.
 */
export interface CanonicalActual {
  /** The event id: the idempotency key of every delivery of this actual. */
  actualId: string;
  kind: ActualKind;
  eventType: string;
  /** Position in the event log; actuals of one order are delivered in this order. */
  seq: number;
  eventTime: string;
  recordedTime: string;
  orderId: string;
  erpReference?: string;
  plant?: string;
  orderMaterial?: string;
  operationKey?: string;
  operationSequence?: number;
  workCenter?: string;
  workstation?: string;
  actor?: string;
  shift?: string;
  /** Unit of goodQuantity / scrapQuantity / reworkQuantity. */
  unit?: string;
  goodQuantity?: number;
  scrapQuantity?: number;
  reworkQuantity?: number;
  scrapReason?: string;
  /** operation-confirmation: true when the operation is finished (no further confirmations). */
  final?: boolean;
  /** goods-issue / goods-receipt: the material moved, its lot (batch), serials and quantity. */
  material?: string;
  lot?: string;
  serials?: string[];
  quantity?: number;
  materialUnit?: string;
  backflush?: boolean;
  /** order-cancellation */
  reason?: string;
  forced?: boolean;
}

/** An HTTP request for Node-RED's `http request` node; `path` is relative to the ERP base URL. */
export interface ErpRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  /** An object is sent as JSON; a string as is (XML). */
  body: unknown;
}

/** Who books the components an order marks for backflush: the MES (its own 261 movements) or SAP (at confirmation). Never both. */
export type BackflushMode = 'mes' | 'erp';

/** Plant-specific values a dialect needs that the MES does not know. */
export interface DialectOptions {
  /** SAP storage location for goods movements (LGORT). */
  storageLocation?: string;
  /**
   * SAP: `mes` (default) posts the MES's backflushed consumption as 261 movements and tells SAP
   * not to backflush (`APIConfHasNoGoodsMovements`); `erp` leaves backflush to SAP and does not
   * post the MES's backflushed consumption.
   */
  backflush?: BackflushMode;
  /** ERPNext warehouses of a Manufacture stock entry. */
  sourceWarehouse?: string;
  targetWarehouse?: string;
  /** ERPNext company of the stock entries (Stock Entry.company is mandatory). */
  company?: string;
  /** MES unit code → the ERP's unit; entries override the dialect's default table. */
  units?: Readonly<Record<string, string>>;
  /** SAP: numbering pattern for the batch of a lot whose own number is not a valid SAP batch. */
  sapBatchPattern?: string;
}

/** Sums of payload quantities over earlier events of an order; see MappingContext.quantityTotalsBefore. */
export interface QuantityTotalsQuery {
  eventType: string;
  /** Only events of this operation (null: events without one). */
  operationKey?: string | null;
  /** Only events whose payload field equals the value (a missing field counts as null, a missing boolean as false). */
  match?: Readonly<Record<string, string | boolean | null>>;
  /** Numeric payload fields to sum. */
  fields: readonly string[];
}

export interface MappingContext {
  /** The canonical order the actual belongs to, when the MES knows it. */
  order?: ProductionOrder;
  /** Goods issues of the same order recorded after `afterSeq` and before the actual (ERPNext folds them into one stock entry). */
  goodsIssuesBefore(actual: CanonicalActual): CanonicalActual[];
  /**
   * Earlier actuals of the same order and operation, of the given event types, in log order (ERPNext rebuilds a
   * Job Card's time logs from them). Absent: the dialect sees no history.
   */
  actualsBefore?(actual: CanonicalActual, eventTypes: readonly string[]): CanonicalActual[];
  /**
   * Per field, the sum of that payload quantity over the order's earlier events matching the query, in billionths
   * of the unit (integers, so sums are exact); SAP carries rounding differences with it. Absent: nothing earlier.
   */
  quantityTotalsBefore?(actual: CanonicalActual, query: QuantityTotalsQuery): Record<string, number>;
  /** The ERP batch recorded in genealogy for a lot (see Dialect.prepare); undefined when none is. */
  erpBatchOf?(system: string, lot: string): string | undefined;
  options: DialectOptions;
}

export interface Dialect {
  name: DialectName;
  /**
   * The ERP wants a CSRF token on modifying requests (SAP Gateway): the outbox fetches one with
   * `GET <base URL>/` and `x-csrf-token: Fetch` when the ERP answers 403 `x-csrf-token: Required`,
   * and sends it with the session cookies on every request after.
   */
  csrfToken?: boolean;
  /**
   * Runs in the transaction that queues `event` for this ERP, before anything is sent: what the
   * dialect records here (e.g. the SAP batch of a lot) is durable before the first request, so
   * every send of the actual maps the same way.
   */
  prepare?(store: MesStore, event: StoredEvent, options: DialectOptions): void;
  /** The request reporting `actual`, or null when this ERP has nothing to book for it. */
  map(actual: CanonicalActual, context: MappingContext): ErpRequest | null;
}

export type DialectName = 'canonical' | 'sap' | 'erpnext' | 'b2mml';
