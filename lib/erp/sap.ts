import type { ProductionOrder } from '../orders/types';
import type { CanonicalActual, Dialect, MappingContext } from './types';

/** Entity set of `API_PROD_ORDER_CONFIRMATION_2_SRV`; the ERP base URL ends with the service root. */
export const SAP_CONFIRMATION_PATH = '/ProdnOrdConf2';

/** MES unit codes → SAP units of measure (commercial, English) used in confirmations and goods movements. */
export const SAP_UNITS: Readonly<Record<string, string>> = {
  PCE: 'PC', PC: 'PC', EA: 'EA', SET: 'SET', BOX: 'BOX', KG: 'KG', G: 'G', MG: 'MG', T: 'TO', LB: 'LB',
  L: 'L', ML: 'ML', M3: 'M3', M: 'M', CM: 'CM', MM: 'MM', M2: 'M2', H: 'H', MIN: 'MIN', S: 'S',
};

function sapUnit(unit: string | undefined): string | undefined {
  return unit === undefined ? undefined : SAP_UNITS[unit] ?? unit;
}

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

/** SAP's decimal fields travel as strings in OData V2 JSON. */
function dec(value: number | undefined): string {
  return String(value ?? 0);
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
 * and receipts (101) are confirmations with goods-movement items carrying the batch.
 * Activity starts, order completion and cancellation have no confirmation in SAP: skipped.
 */
export const sapDialect: Dialect = {
  name: 'sap',
  csrfToken: true,
  map(actual: CanonicalActual, context: MappingContext) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    switch (actual.kind) {
      case 'yield':
      case 'operation-confirmation': {
        if (actual.kind === 'operation-confirmation' && !actual.final) return null;
        const final = actual.kind === 'operation-confirmation';
        const scrap = final ? 0 : actual.scrapQuantity ?? 0;
        return {
          method: 'POST', path: SAP_CONFIRMATION_PATH, headers,
          body: prune({
            ...header(actual, actual.operationKey),
            ConfirmationUnit: sapUnit(actual.unit),
            ConfirmationYieldQuantity: dec(final ? 0 : actual.goodQuantity),
            ConfirmationScrapQuantity: dec(scrap),
            ConfirmationReworkQuantity: dec(final ? 0 : actual.reworkQuantity),
            VarianceReasonCode: scrap > 0 ? actual.scrapReason : undefined,
            FinalConfirmationType: final ? 'X' : '',
            IsFinalConfirmation: final,
          }),
        };
      }
      case 'goods-issue':
      case 'goods-receipt': {
        const issue = actual.kind === 'goods-issue';
        const orderId = actual.erpReference ?? actual.orderId;
        return {
          method: 'POST', path: SAP_CONFIRMATION_PATH, headers,
          body: prune({
            ...header(actual, movementOperation(actual, context.order)),
            ConfirmationUnit: sapUnit(context.order?.quantity.unit),
            ConfirmationYieldQuantity: '0',
            ConfirmationScrapQuantity: '0',
            FinalConfirmationType: '',
            IsFinalConfirmation: false,
            to_ProdnOrdConfMatlDocItm: {
              results: [prune({
                OrderID: orderId,
                Material: actual.material,
                Plant: actual.plant,
                StorageLocation: context.options.storageLocation || undefined,
                Batch: actual.lot,
                GoodsMovementType: issue ? '261' : '101',
                EntryUnit: sapUnit(actual.materialUnit),
                QuantityInEntryUnit: dec(actual.quantity),
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
