import type { ProductionOrder } from '../orders/types';

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

/** Plant-specific values a dialect needs that the MES does not know. */
export interface DialectOptions {
  /** SAP storage location for goods movements (LGORT). */
  storageLocation?: string;
  /** ERPNext warehouses of a Manufacture stock entry. */
  sourceWarehouse?: string;
  targetWarehouse?: string;
}

export interface MappingContext {
  /** The canonical order the actual belongs to, when the MES knows it. */
  order?: ProductionOrder;
  /** Goods issues of the same order recorded after `afterSeq` and before the actual (ERPNext folds them into one stock entry). */
  goodsIssuesBefore(actual: CanonicalActual): CanonicalActual[];
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
  /** The request reporting `actual`, or null when this ERP has nothing to book for it. */
  map(actual: CanonicalActual, context: MappingContext): ErpRequest | null;
}

export type DialectName = 'canonical' | 'sap' | 'erpnext' | 'b2mml';
