import { ensureErpBatch, type ErpBatchRules } from '../genealogy/erp-batches';
import { patternLength, patternProblem } from '../genealogy/numbering';
import { getOrderDocument } from '../orders/intake';
import type { ProductionOrder } from '../orders/types';
import { carriedIncrement, decimalLiteral, toNano } from './decimal';
import type { CanonicalActual, Dialect, DialectOptions, MappingContext, QuantityTotalsQuery } from './types';

/** Entity set of `API_PROD_ORDER_CONFIRMATION_2_SRV`; the ERP base URL ends with the service root. */
export const SAP_CONFIRMATION_PATH = '/ProdnOrdConf2';

/** MES unit codes → SAP units of measure (commercial, English) used in confirmations and goods movements. */
export const SAP_UNITS: Readonly<Record<string, string>> = {
  PCE: 'PC', PC: 'PC', EA: 'EA', SET: 'SET', BOX: 'BOX', KG: 'KG', G: 'G', MG: 'MG', T: 'TO', LB: 'LB',
  L: 'L', ML: 'ML', M3: 'M3', M: 'M', CM: 'CM', MM: 'MM', M2: 'M2', H: 'H', MIN: 'MIN', S: 'S',
};

function sapUnit(unit: string | undefined, overrides: DialectOptions['units']): string | undefined {
  return unit === undefined ? undefined : overrides?.[unit] ?? SAP_UNITS[unit] ?? unit;
}

/** Genealogy keeps one SAP batch per lot under this name (lib/genealogy/erp-batches.ts). */
export const SAP_BATCH_SYSTEM = 'sap';
/** `Batch` of ProdnOrdConfMatlDocItm is Edm.String MaxLength 10; SAP shows it upper case. */
export const SAP_BATCH_LENGTH = 10;
/** Date and a daily counter: 10 characters, 9,999 lots a day; give each line its own prefix when lines share a client. */
export const DEFAULT_SAP_BATCH_PATTERN = '{yy}{MM}{dd}{seq:4}';
const SAP_BATCH_CHARS = /^[A-Z0-9][A-Z0-9_/.-]*$/;

export function isSapBatch(id: string): boolean {
  return id.length <= SAP_BATCH_LENGTH && SAP_BATCH_CHARS.test(id);
}

/** Why a pattern cannot number SAP batches, or undefined when it can. */
export function sapBatchPatternProblem(pattern: string): string | undefined {
  const problem = patternProblem(pattern);
  if (problem) return problem;
  const length = patternLength(pattern);
  if (length === undefined) return `the SAP batch pattern '${pattern}' may only use {yyyy} {yy} {MM} {dd} {seq:N}: other tokens have no fixed length`;
  if (length > SAP_BATCH_LENGTH) return `the SAP batch pattern '${pattern}' makes ${length} characters; SAP batches have at most ${SAP_BATCH_LENGTH}`;
  if (!SAP_BATCH_CHARS.test(pattern.replace(/\{[^}]*\}/g, '0'))) return `the SAP batch pattern '${pattern}' may only hold upper-case letters, digits and _/.- besides its tokens`;
  return undefined;
}

function batchRules(options: DialectOptions): ErpBatchRules {
  return { system: SAP_BATCH_SYSTEM, fits: isSapBatch, pattern: options.sapBatchPattern || DEFAULT_SAP_BATCH_PATTERN };
}

/** The SAP batch of the actual's lot: the one recorded in genealogy, else the lot itself when SAP can take it. */
function sapBatch(actual: CanonicalActual, context: MappingContext): string | undefined {
  if (!actual.lot) return undefined;
  const batch = context.erpBatchOf?.(SAP_BATCH_SYSTEM, actual.lot) ?? (isSapBatch(actual.lot) ? actual.lot : undefined);
  if (batch === undefined) {
    throw new Error(`Batch: lot '${actual.lot}' has no SAP batch (at most ${SAP_BATCH_LENGTH} characters, upper-case letters, digits, _/.-): `
      + 'a lot received from outside must carry its SAP batch; a lot made here gets one from the SAP batch pattern [rule: sapBatch]');
  }
  return batch;
}

/** Every quantity of ProdnOrdConf2 and ProdnOrdConfMatlDocItm is Edm.Decimal Precision 13 Scale 3. */
const QUANTITY_PRECISION = 13;
const QUANTITY_SCALE = 3;

/**
 * Quantities to post, rounded to 3 decimals half away from zero, each carrying the rounding
 * difference of the earlier postings of the same key: the cumulative sent always equals the
 * cumulative actual rounded (lib/erp/decimal.ts). `fields` maps the SAP property to the value.
 */
function carried(actual: CanonicalActual, context: MappingContext, query: Omit<QuantityTotalsQuery, 'fields'>, fields: Record<string, [string, number | undefined]>): Record<string, string> {
  const before = context.quantityTotalsBefore?.(actual, { ...query, fields: Object.values(fields).map(([field]) => field) }) ?? {};
  return Object.fromEntries(Object.entries(fields).map(([property, [field, value]]) => [property,
    decimalLiteral(carriedIncrement(before[field] ?? 0, toNano(value ?? 0), QUANTITY_SCALE), QUANTITY_PRECISION, QUANTITY_SCALE, property)]));
}

const ZERO = /^-?0$/;

/** OData V2 Edm.DateTime of the (UTC) calendar day of an instant: `/Date(ms)/`. */
export function sapDate(iso: string): string {
  const day = new Date(iso);
  return `/Date(${Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())})/`;
}

/** OData V2 Edm.Time of an instant (UTC): `PT14H05M09S`. */
export function sapTime(iso: string): string {
  const t = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `PT${two(t.getUTCHours())}H${two(t.getUTCMinutes())}M${two(t.getUTCSeconds())}S`;
}

/** The operation a goods movement is confirmed on: the event's own, the component's, else the first (issue) or last (receipt). */
function movementOperation(actual: CanonicalActual, order: ProductionOrder | undefined): string | undefined {
  if (actual.operationKey) return actual.operationKey;
  if (!order) return undefined;
  const component = order.components?.find((c) => c.material === actual.material);
  if (component && actual.kind === 'goods-issue') return component.operationKey;
  const bySequence = [...order.operations].sort((a, b) => a.sequence - b.sequence);
  return (actual.kind === 'goods-issue' ? bySequence[0] : bySequence[bySequence.length - 1])?.key;
}

function header(actual: CanonicalActual, operation: string | undefined): Record<string, unknown> {
  return {
    OrderID: actual.erpReference ?? actual.orderId,
    OrderOperation: operation,
    Sequence: '0',
    Plant: actual.plant,
    WorkCenter: actual.workCenter,
    PostingDate: sapDate(actual.eventTime),
    ConfirmedExecutionEndDate: sapDate(actual.eventTime),
    ConfirmedExecutionEndTime: sapTime(actual.eventTime),
    ConfirmationText: [actual.workstation, actual.shift].filter(Boolean).join(' ').slice(0, 40) || undefined,
    EnteredByExternalUser: actual.actor?.slice(0, 12),
    ExternalSystemConfirmation: actual.actualId,
  };
}

function prune(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/**
 * SAP S/4HANA production order confirmation (`API_PROD_ORDER_CONFIRMATION_2_SRV`, entity
 * `ProdnOrdConf2`). Yield and scrap are confirmed on the operation as they are reported; the
 * final confirmation carries no quantity (they were all confirmed already); goods issues (261)
 * and receipts (101) are confirmations with goods-movement items carrying the lot's SAP batch.
 * Quantities are rounded to SAP's 3 decimals with the rounding difference carried to the next
 * posting. Backflush is done by the MES (its 261s, and SAP told not to backflush) or by SAP (the
 * MES's backflushed consumption is not posted), never both. Activity starts, order completion and
 * cancellation have no confirmation in SAP: skipped.
 */
export const sapDialect: Dialect = {
  name: 'sap',
  csrfToken: true,
  prepare(store, event, options) {
    const p = (event.payload ?? {}) as { lot?: unknown; material?: unknown };
    if ((event.type !== 'material.consumed' && event.type !== 'material.produced') || typeof p.lot !== 'string' || p.lot === '') return;
    const order = event.orderId ? getOrderDocument(store, event.orderId) : undefined;
    ensureErpBatch(store, batchRules(options), {
      lot: p.lot, material: typeof p.material === 'string' ? p.material : null, plant: order?.plant, orderId: event.orderId,
      eventTime: event.eventTime, eventSeq: event.seq, produced: event.type === 'material.produced',
    });
  },
  map(actual: CanonicalActual, context: MappingContext) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const units = context.options.units;
    // SAP books backflush and automatic goods receipt on a confirmation without goods movements unless told not to.
    const sapBackflushes = context.options.backflush === 'erp';
    switch (actual.kind) {
      case 'yield':
      case 'operation-confirmation': {
        if (actual.kind === 'operation-confirmation' && !actual.final) return null;
        const final = actual.kind === 'operation-confirmation';
        const quantities = final
          ? { ConfirmationYieldQuantity: '0', ConfirmationScrapQuantity: '0', ConfirmationReworkQuantity: '0' }
          : carried(actual, context, { eventType: 'quantity.reported', operationKey: actual.operationKey ?? null }, {
            ConfirmationYieldQuantity: ['goodQuantity', actual.goodQuantity],
            ConfirmationScrapQuantity: ['scrapQuantity', actual.scrapQuantity],
            ConfirmationReworkQuantity: ['reworkQuantity', actual.reworkQuantity],
          });
        // Rounded away entirely: nothing to confirm now, the remainder goes with the next report.
        if (!final && Object.values(quantities).every((q) => ZERO.test(q))) return null;
        return {
          method: 'POST', path: SAP_CONFIRMATION_PATH, headers,
          body: prune({
            ...header(actual, actual.operationKey),
            ConfirmationUnit: sapUnit(actual.unit, units),
            ...quantities,
            VarianceReasonCode: ZERO.test(quantities.ConfirmationScrapQuantity) ? undefined : actual.scrapReason,
            FinalConfirmationType: final ? 'X' : '',
            IsFinalConfirmation: final,
            APIConfHasNoGoodsMovements: !sapBackflushes,
          }),
        };
      }
      case 'goods-issue':
      case 'goods-receipt': {
        const issue = actual.kind === 'goods-issue';
        if (issue && actual.backflush && sapBackflushes) return null;
        const { QuantityInEntryUnit } = carried(actual, context, {
          eventType: actual.eventType,
          match: { material: actual.material ?? null, lot: actual.lot ?? null, unit: actual.materialUnit ?? null, backflush: actual.backflush === true },
        }, { QuantityInEntryUnit: ['quantity', actual.quantity] });
        if (ZERO.test(QuantityInEntryUnit)) return null;
        const orderId = actual.erpReference ?? actual.orderId;
        return {
          method: 'POST', path: SAP_CONFIRMATION_PATH, headers,
          body: prune({
            ...header(actual, movementOperation(actual, context.order)),
            ConfirmationUnit: sapUnit(context.order?.quantity.unit, units),
            ConfirmationYieldQuantity: '0',
            ConfirmationScrapQuantity: '0',
            FinalConfirmationType: '',
            IsFinalConfirmation: false,
            APIConfHasNoGoodsMovements: false,
            to_ProdnOrdConfMatlDocItm: {
              results: [prune({
                OrderID: orderId,
                Material: actual.material,
                Plant: actual.plant,
                StorageLocation: context.options.storageLocation || undefined,
                Batch: sapBatch(actual, context),
                GoodsMovementType: issue ? '261' : '101',
                EntryUnit: sapUnit(actual.materialUnit, units),
                QuantityInEntryUnit,
                ManufactureDate: issue ? undefined : sapDate(actual.eventTime),
              })],
            },
          }),
        };
      }
      default:
        return null;
    }
  },
};
