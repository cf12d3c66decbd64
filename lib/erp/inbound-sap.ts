import type { ComponentSpec, OperationSpec, ProductionOrder } from '../orders/types';
import { ValidationError, type FieldError } from '../util/errors';
import { SAP_UNITS } from './sap';

/** SAP units of measure → MES unit codes; the reverse of SAP_UNITS plus SAP's German internal codes. */
const FROM_SAP_UNITS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(SAP_UNITS).filter(([mes]) => mes !== 'PC').map(([mes, sap]) => [sap, mes])),
  ST: 'PCE', STK: 'PCE', EA: 'EA', TO: 'T', MIN: 'MIN', HUR: 'H', KGM: 'KG', LTR: 'L', MTR: 'M',
};

export function unitFromSap(unit: unknown): string | undefined {
  if (typeof unit !== 'string' || unit.trim() === '') return undefined;
  const code = unit.trim().toUpperCase();
  return FROM_SAP_UNITS[code] ?? code;
}

type Entity = Record<string, unknown>;

/** OData V2 wraps entities in `{ d: ... }` and navigation collections in `{ results: [...] }`. */
function unwrap(value: unknown): Entity | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entity = value as Entity;
  return entity.d && typeof entity.d === 'object' ? entity.d as Entity : entity;
}

function collection(value: unknown): Entity[] {
  if (Array.isArray(value)) return value as Entity[];
  const results = (value as { results?: unknown } | undefined)?.results;
  return Array.isArray(results) ? results as Entity[] : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** SAP flags: Edm.Boolean `true`, or ABAP's `'X'` in an Edm.String (OperationIsDeleted is MaxLength 1). */
function flagged(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toUpperCase() === 'X');
}

function decimal(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** `/Date(1764028800000)/` or an ISO date; plus an Edm.Time `PT06H30M00S`; gives ISO 8601 UTC. */
export function sapDateTime(date: unknown, time: unknown): string | undefined {
  const d = text(date);
  if (!d) return undefined;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(d);
  // An ISO value counts by its calendar date only: SAP date fields are dates, whatever time zone they print.
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  const day = ms ? new Date(Number(ms[1])) : iso ? new Date(Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]))) : new Date(NaN);
  if (Number.isNaN(day.getTime())) return undefined;
  const t = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text(time) ?? '');
  const seconds = t ? Number(t[1] ?? 0) * 3600 + Number(t[2] ?? 0) * 60 + Number(t[3] ?? 0) : 0;
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return new Date(midnight + seconds * 1000).toISOString();
}

/**
 * SAP S/4HANA `A_ProductionOrder_2` (API_PRODUCTION_ORDER_2_SRV, read with
 * `$expand=to_ProductionOrderOperation,to_ProductionOrderComponent`) → canonical order.
 * Reports every missing SAP field at once, by its SAP name; the intake then validates the result.
 */
export function fromSapProductionOrder(input: unknown): ProductionOrder {
  const order = unwrap(input);
  const errors: FieldError[] = [];
  const need = <T>(field: string, value: T | undefined): T | undefined => {
    if (value === undefined) errors.push({ field, rule: 'required', message: 'is required' });
    return value;
  };
  if (!order) throw new ValidationError([{ field: '', rule: 'type', message: 'must be an A_ProductionOrder_2 object' }], 'SAP production order');
  const orderId = need('ManufacturingOrder', text(order.ManufacturingOrder));
  const plant = need('ProductionPlant', text(order.ProductionPlant));
  const material = need('Material', text(order.Material));
  const totalQuantity = need('TotalQuantity', decimal(order.TotalQuantity));
  const unit = need('ProductionUnit', unitFromSap(order.ProductionUnit));
  const start = sapDateTime(order.MfgOrderScheduledStartDate, order.MfgOrderScheduledStartTime)
    ?? need('MfgOrderPlannedStartDate', sapDateTime(order.MfgOrderPlannedStartDate, order.MfgOrderPlannedStartTime));
  const end = sapDateTime(order.MfgOrderScheduledEndDate, order.MfgOrderScheduledEndTime)
    ?? need('MfgOrderPlannedEndDate', sapDateTime(order.MfgOrderPlannedEndDate, order.MfgOrderPlannedEndTime));

  // Only the standard sequence: alternative and parallel sequences reuse operation numbers. A
  // deleted operation is left out, so the intake drops it, or refuses the update (409) when it has actuals.
  const rawOperations = collection(order.to_ProductionOrderOperation)
    .filter((op) => (text(op.ManufacturingOrderSequence) ?? '0').replace(/^0+/, '') === '' && !flagged(op.OperationIsDeleted));
  if (rawOperations.length === 0) errors.push({ field: 'to_ProductionOrderOperation', rule: 'minItems', message: 'must hold at least one operation of sequence 0 that is not deleted' });
  const operations: OperationSpec[] = rawOperations.map((op, i) => {
    const key = need(`to_ProductionOrderOperation[${i}].ManufacturingOrderOperation`, text(op.ManufacturingOrderOperation)) ?? '';
    const spec: OperationSpec = {
      key,
      sequence: Number.parseInt(key, 10) || (i + 1) * 10,
      workCenter: need(`to_ProductionOrderOperation[${i}].WorkCenter`, text(op.WorkCenter)) ?? '',
      plannedQuantity: {
        value: decimal(op.OpPlannedTotalQuantity) ?? totalQuantity ?? 0,
        unit: (unitFromSap(op.OperationUnit) ?? unit ?? 'PCE') as OperationSpec['plannedQuantity']['unit'],
      },
    };
    const description = text(op.MfgOrderOperationText);
    if (description) spec.description = description;
    return spec;
  });

  const components: ComponentSpec[] = collection(order.to_ProductionOrderComponent)
    // A zero requirement (bulk or phantom items) is nothing the floor must consume; a component
    // marked for deletion is gone (the intake refuses the update with 409 when it was consumed).
    .filter((c) => (decimal(c.RequiredQuantity) ?? 0) > 0 && !flagged(c.MatlCompIsMarkedForDeletion))
    .map((c, i) => {
      const spec: ComponentSpec = {
        material: need(`to_ProductionOrderComponent[${i}].Material`, text(c.Material)) ?? '',
        quantity: { value: decimal(c.RequiredQuantity) ?? 0, unit: (unitFromSap(c.BaseUnit) ?? 'PCE') as ComponentSpec['quantity']['unit'] },
        operationKey: text(c.ManufacturingOrderOperation) ?? operations[0]?.key ?? '',
      };
      if (text(c.Batch)) spec.lotControlled = true;
      if (c.MatlCompIsMarkedForBackflush === true) spec.backflush = true;
      return spec;
    });

  if (errors.length > 0) throw new ValidationError(errors, 'SAP production order');
  const canonical: ProductionOrder = {
    orderId: orderId!,
    erpReference: orderId!,
    plant: plant!,
    material: material!,
    quantity: { value: totalQuantity!, unit: unit as ProductionOrder['quantity']['unit'] },
    scheduledStart: start!,
    scheduledEnd: end!,
    operations,
  };
  if (components.length > 0) canonical.components = components;
  return canonical;
}
