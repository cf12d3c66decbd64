import type { CanonicalActual, Dialect } from './types';
import { el, optional, toXml, type XmlNode } from './xml';

export const B2MML_NAMESPACE = 'http://www.mesa.org/xml/B2MML';
export const B2MML_PERFORMANCE_PATH = '/operations-performance';

function quantity(value: number | undefined, unit: string | undefined, key?: string): XmlNode {
  return el('Quantity', [el('QuantityString', String(value ?? 0)), el('DataType', 'decimal'), optional('UnitOfMeasure', unit), optional('Key', key)]);
}

const MATERIAL_USE: Partial<Record<CanonicalActual['kind'], string>> = {
  'yield': 'Produced',
  'operation-confirmation': 'Produced',
  'order-completion': 'Produced',
  'goods-issue': 'Consumed',
  'goods-receipt': 'Produced',
};

function segmentState(actual: CanonicalActual): string {
  switch (actual.kind) {
    case 'operation-confirmation': return actual.final ? 'Completed' : 'Paused';
    case 'order-completion': return 'Completed';
    case 'order-cancellation': return 'Aborted';
    default: return 'Running';
  }
}

function materialActual(actual: CanonicalActual): XmlNode | undefined {
  const use = MATERIAL_USE[actual.kind];
  if (!use) return undefined;
  if (actual.kind === 'goods-issue' || actual.kind === 'goods-receipt') {
    return el('MaterialActual', [
      el('ID', `${actual.actualId}-material`),
      optional('MaterialDefinitionID', actual.material),
      optional('MaterialLotID', actual.lot),
      ...(actual.serials ?? []).map((serial) => el('MaterialSubLotID', serial)),
      el('MaterialUse', use),
      quantity(actual.quantity, actual.materialUnit),
    ]);
  }
  return el('MaterialActual', [
    el('ID', `${actual.actualId}-yield`),
    optional('MaterialDefinitionID', actual.orderMaterial),
    el('MaterialUse', use),
    quantity(actual.goodQuantity, actual.unit, 'good'),
    quantity(actual.scrapQuantity, actual.unit, 'scrap'),
    actual.reworkQuantity !== undefined && quantity(actual.reworkQuantity, actual.unit, 'rework'),
    actual.scrapReason !== undefined && el('MaterialActualProperty', [el('ID', 'scrapReason'), el('Value', [el('ValueString', actual.scrapReason), el('DataType', 'string')])]),
  ]);
}

/** The actual as an ISA-95 OperationsPerformance document (B2MML V0701) with one response and one segment. */
export function toOperationsPerformance(actual: CanonicalActual): string {
  const state = segmentState(actual);
  return toXml(el('OperationsPerformance', [
    el('ID', actual.actualId),
    el('Description', `${actual.eventType} of order ${actual.orderId}`),
    el('PublishedDate', actual.recordedTime),
    el('OperationsType', 'Production'),
    el('PerformanceState', state),
    el('OperationsResponse', [
      el('ID', `${actual.orderId}-${actual.seq}`),
      el('StartTime', actual.eventTime),
      actual.plant !== undefined && el('HierarchyScope', [el('EquipmentID', actual.plant), el('EquipmentElementLevel', 'Site')]),
      el('OperationsType', 'Production'),
      el('OperationsRequestID', actual.erpReference ?? actual.orderId),
      el('ResponseState', state),
      el('SegmentResponse', [
        el('ID', actual.operationKey ?? actual.orderId),
        actual.reason !== undefined && el('Description', actual.reason),
        el('PostingDate', actual.eventTime),
        actual.kind === 'activity-start' ? el('ActualStartTime', actual.eventTime) : el('ActualEndTime', actual.eventTime),
        el('OperationsType', 'Production'),
        optional('ProcessSegmentID', actual.workCenter),
        el('OperationsRequestID', actual.erpReference ?? actual.orderId),
        optional('SegmentRequirementID', actual.operationKey),
        el('SegmentState', state),
        actual.actor !== undefined && el('PersonnelActual', [el('ID', actual.actor), el('PersonID', actual.actor)]),
        actual.workstation !== undefined && el('EquipmentActual', [el('ID', actual.workstation), el('EquipmentID', actual.workstation)]),
        materialActual(actual),
      ]),
    ]),
  ], { xmlns: B2MML_NAMESPACE }));
}

/** ISA-95 B2MML: every actual as an OperationsPerformance XML document POSTed to `<base>/operations-performance`. */
export const b2mmlDialect: Dialect = {
  name: 'b2mml',
  map(actual) {
    return { method: 'POST', path: B2MML_PERFORMANCE_PATH, headers: { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, application/json' }, body: toOperationsPerformance(actual) };
  },
};
