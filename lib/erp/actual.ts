import type { ProductionOrder } from '../orders/types';
import type { StoredEvent } from '../store/store';
import type { ActualKind, CanonicalActual } from './types';

/** Event types the ERP hears about (docs/events.md, column "ERP-relevant"), with the actual each becomes. */
export const ERP_EVENT_KINDS: Readonly<Record<string, ActualKind>> = {
  'operation.started': 'activity-start',
  'quantity.reported': 'yield',
  'operation.completed': 'operation-confirmation',
  'order.completed': 'order-completion',
  'material.consumed': 'goods-issue',
  'material.produced': 'goods-receipt',
  'order.cancelled': 'order-cancellation',
};

export const ERP_EVENT_TYPES: readonly string[] = Object.keys(ERP_EVENT_KINDS);

type Payload = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Flattens an ERP-relevant event into the canonical actual, adding what the ERP needs from the
 * order (its own document number, plant, the operation's sequence and work center). Only reads:
 * the same event and order always give the same actual, so a resend carries the same content.
 */
export function toCanonicalActual(event: StoredEvent, order: ProductionOrder | undefined): CanonicalActual {
  const kind = ERP_EVENT_KINDS[event.type];
  if (!kind) throw new Error(`event type ${event.type} is not ERP-relevant`);
  const p = (event.payload ?? {}) as Payload;
  const operation = order?.operations.find((op) => op.key === event.operationKey);
  const base: CanonicalActual = {
    actualId: event.eventId,
    kind,
    eventType: event.type,
    seq: event.seq,
    eventTime: event.eventTime,
    recordedTime: event.recordedTime,
    orderId: event.orderId ?? '',
    erpReference: order?.erpReference,
    plant: order?.plant,
    orderMaterial: order?.material,
    operationKey: event.operationKey ?? undefined,
    operationSequence: operation?.sequence,
    workCenter: operation?.workCenter,
    workstation: event.workstation ?? undefined,
    actor: event.actor ?? undefined,
    shift: str(p.shift),
  };
  switch (kind) {
    case 'yield':
    case 'operation-confirmation':
    case 'order-completion':
      Object.assign(base, {
        unit: str(p.unit) ?? operation?.plannedQuantity.unit ?? order?.quantity.unit,
        goodQuantity: num(p.goodQuantity) ?? 0,
        scrapQuantity: num(p.scrapQuantity) ?? 0,
        reworkQuantity: num(p.reworkQuantity),
        scrapReason: str(p.scrapReason),
        final: kind === 'operation-confirmation' ? p.final === true : kind === 'order-completion' ? true : undefined,
      });
      break;
    case 'goods-issue':
    case 'goods-receipt':
      Object.assign(base, {
        material: str(p.material),
        lot: str(p.lot),
        serials: Array.isArray(p.serials) ? p.serials.filter((s): s is string => typeof s === 'string')
          : str(p.serial) ? [p.serial as string] : undefined,
        quantity: num(p.quantity) ?? 0,
        materialUnit: str(p.unit),
        backflush: kind === 'goods-issue' ? p.backflush === true : undefined,
      });
      break;
    case 'order-cancellation':
      Object.assign(base, { reason: str(p.reason), forced: p.forced === true });
      break;
    case 'activity-start':
      break;
  }
  return withoutUndefined(base);
}
