import { XMLParser } from 'fast-xml-parser';
import type { ComponentSpec, OperationSpec, ProductionOrder, Unit } from '../orders/types';
import { ValidationError, type FieldError } from '../util/errors';

type Node = Record<string, unknown>;

/** Elements that B2MML allows more than once are always arrays, so one and many read alike. */
const REPEATED = new Set(['OperationsRequest', 'SegmentRequirement', 'MaterialRequirement', 'EquipmentRequirement', 'Quantity',
  'Description', 'MaterialDefinitionID', 'EquipmentID', 'ProcessSegmentID']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  // No entity expansion beyond XML's own five: a DOCTYPE cannot blow the document up.
  processEntities: false,
  isArray: (name) => REPEATED.has(name),
});

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value as Node[] : value && typeof value === 'object' ? [value as Node] : [];
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v === 'string') return v.trim() || undefined;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string') return ((v as Node)['#text'] as string).trim() || undefined;
  return undefined;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** XML's own entities and character references, resolved in one pass (the parser leaves them, see processEntities). */
function unescape(text: string | undefined): string | undefined {
  return text?.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name];
    const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function quantityOf(requirement: Node): { value: number; unit: string } | undefined {
  const q = list(requirement.Quantity)[0];
  if (!q) return undefined;
  const value = Number(first(q.QuantityString));
  if (!Number.isFinite(value)) return undefined;
  return { value, unit: (first(q.UnitOfMeasure) ?? '').toUpperCase() };
}

function use(requirement: Node): string {
  return (first(requirement.MaterialUse) ?? '').toLowerCase();
}

const PRODUCED = new Set(['produced', 'yield produced', 'material produced']);
const CONSUMED = new Set(['consumed', 'material consumed', 'consumable']);

/**
 * ISA-95 B2MML `OperationsSchedule` (one `OperationsRequest`) → canonical order. Each
 * `SegmentRequirement` becomes an operation; its `Produced` material requirement gives the
 * operation's quantity (and the last one the order's material and quantity); `Consumed`
 * requirements become components of that operation.
 */
export function fromB2mmlOperationsSchedule(xml: string | Buffer): ProductionOrder {
  const errors: FieldError[] = [];
  const need = (field: string, value: string | undefined): string => {
    if (value === undefined) errors.push({ field, rule: 'required', message: 'is required' });
    return value ?? '';
  };
  let doc: Node;
  try {
    doc = parser.parse(Buffer.isBuffer(xml) ? xml.toString('utf8') : xml, true) as Node;
  } catch (err) {
    throw new ValidationError([{ field: '', rule: 'xml', message: `the body is not well-formed XML: ${(err as Error).message}` }], 'B2MML operations schedule');
  }
  const schedule = doc.OperationsSchedule as Node | undefined;
  if (!schedule || typeof schedule !== 'object') {
    throw new ValidationError([{ field: '', rule: 'rootElement', message: 'the document must be a B2MML OperationsSchedule' }], 'B2MML operations schedule');
  }
  const requests = list(schedule.OperationsRequest);
  if (requests.length !== 1) {
    throw new ValidationError([{ field: 'OperationsSchedule.OperationsRequest', rule: 'count', message: `must hold exactly one OperationsRequest (one production order per request), not ${requests.length}` }], 'B2MML operations schedule');
  }
  const request = requests[0];
  const at = 'OperationsSchedule.OperationsRequest';
  const orderId = need(`${at}.ID`, unescape(first(request.ID)));
  const scope = (request.HierarchyScope ?? schedule.HierarchyScope) as Node | undefined;
  const plant = need(`${at}.HierarchyScope.EquipmentID`, unescape(first(scope?.EquipmentID)));
  const start = need(`${at}.StartTime`, first(request.StartTime) ?? first(schedule.StartTime));
  const end = need(`${at}.EndTime`, first(request.EndTime) ?? first(schedule.EndTime));
  const segments = list(request.SegmentRequirement);
  if (segments.length === 0) errors.push({ field: `${at}.SegmentRequirement`, rule: 'minItems', message: 'must hold at least one SegmentRequirement' });

  let produced: { material: string; value: number; unit: string } | undefined;
  const components: ComponentSpec[] = [];
  const operations: OperationSpec[] = segments.map((segment, i) => {
    const path = `${at}.SegmentRequirement[${i}]`;
    const key = need(`${path}.ID`, unescape(first(segment.ID)));
    const equipment = list(segment.EquipmentRequirement)[0];
    const workCenter = need(`${path}.EquipmentRequirement.EquipmentID`, unescape(first(equipment?.EquipmentID) ?? first(segment.ProcessSegmentID)));
    let planned: { value: number; unit: string } | undefined;
    list(segment.MaterialRequirement).forEach((requirement, j) => {
      const material = unescape(first(requirement.MaterialDefinitionID));
      const quantity = quantityOf(requirement);
      if (!material || !quantity) {
        errors.push({ field: `${path}.MaterialRequirement[${j}]`, rule: 'required', message: 'needs a MaterialDefinitionID and a Quantity with QuantityString and UnitOfMeasure' });
        return;
      }
      if (PRODUCED.has(use(requirement))) {
        planned = quantity;
        produced = { material, ...quantity };
      } else if (CONSUMED.has(use(requirement))) {
        components.push({ material, quantity: { value: quantity.value, unit: quantity.unit as Unit }, operationKey: key });
      }
    });
    const spec: OperationSpec = {
      key,
      sequence: (i + 1) * 10,
      workCenter,
      plannedQuantity: { value: planned?.value ?? 0, unit: (planned?.unit ?? '') as Unit },
    };
    const description = unescape(first(segment.Description));
    if (description) spec.description = description;
    return spec;
  });
  if (!produced) errors.push({ field: `${at}.SegmentRequirement.MaterialRequirement`, rule: 'required', message: 'one MaterialRequirement must have MaterialUse Produced (the order\'s product and quantity)' });
  if (errors.length > 0) throw new ValidationError(errors, 'B2MML operations schedule');

  for (const op of operations) {
    if (op.plannedQuantity.value === 0) op.plannedQuantity = { value: produced!.value, unit: produced!.unit as Unit };
  }
  const order: ProductionOrder = {
    orderId,
    erpReference: orderId,
    plant,
    material: produced!.material,
    quantity: { value: produced!.value, unit: produced!.unit as Unit },
    scheduledStart: start,
    scheduledEnd: end,
    operations,
  };
  const priority = Number(first(request.Priority));
  if (Number.isInteger(priority)) order.priority = priority;
  if (components.length > 0) order.components = components;
  return order;
}
