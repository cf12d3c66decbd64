import type { ReceiveCommand } from '../genealogy/types';
import type { ProductionOrder, QualityCheck } from '../orders/types';
import { parseProductionOrder } from '../orders/validate';
import type { PlantModel } from '../plant/types';
import { ValidationError, type FieldError } from '../util/errors';

export interface DemoOrderSettings {
  /** The line the orders run on; undefined: the plant's first line. */
  line?: string;
  material: string;
  quantity: number;
  orderApiUrl: string;
}

export const DEFAULT_DEMO_MATERIAL = 'FG-100';
export const DEFAULT_DEMO_QUANTITY = 60;
/** Used when neither the workstation nor its product entry names an ideal cycle time. */
export const DEFAULT_DEMO_CYCLE_SECONDS = 5;
export const RAW_MATERIAL = 'RM-BAR';
/** A delivered lot holds at least this much, so that several reports can draw on it. */
export const RAW_MATERIAL_LOT_KG = 100;
const RAW_MATERIAL_KG_PER_UNIT = 0.25;
const SCREWS_PER_UNIT = 4;
const ORDER_HOURS = 8;
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/** The order API of this Node-RED: `http://127.0.0.1:<uiPort><httpNodeRoot>/mes/v1/orders`. */
export function localOrderApiUrl(uiPort: unknown, httpNodeRoot: unknown): string {
  const port = Number(uiPort) > 0 ? Number(uiPort) : 1880;
  const root = typeof httpNodeRoot === 'string' ? httpNodeRoot.replace(/\/+$/, '') : '';
  return `http://127.0.0.1:${port}${root}/mes/v1/orders`;
}

/** The node's configuration checked; every broken rule is named by its field. */
export function parseDemoOrderSettings(raw: { line?: unknown; material?: unknown; quantity?: unknown; orderApiUrl?: unknown }, defaultUrl: string): DemoOrderSettings {
  const errors: FieldError[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v).trim());
  const line = text(raw.line);
  if (line !== '' && !IDENTIFIER.test(line)) errors.push({ field: 'line', rule: 'identifier', message: `'${line}' is not a line id` });
  const material = text(raw.material) || DEFAULT_DEMO_MATERIAL;
  if (!IDENTIFIER.test(material)) errors.push({ field: 'material', rule: 'identifier', message: `'${material}' must start with a letter or digit and hold only letters, digits and . _ : / - (at most 64)` });
  const quantityText = text(raw.quantity);
  const quantity = quantityText === '' ? DEFAULT_DEMO_QUANTITY : Number(quantityText);
  if (!Number.isInteger(quantity) || quantity <= 0 || quantity > 1000000) errors.push({ field: 'quantity', rule: 'positiveInteger', message: `must be a whole number from 1 to 1000000, not '${quantityText}'` });
  const orderApiUrl = text(raw.orderApiUrl) || defaultUrl;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(orderApiUrl)) errors.push({ field: 'orderApiUrl', rule: 'url', message: `'${orderApiUrl}' is not an http(s) URL` });
  if (errors.length > 0) throw new ValidationError(errors, 'demo order configuration');
  return { line: line || undefined, material, quantity, orderApiUrl };
}

/** One check per operation, in this order round the operations: first piece, every n, at completion. */
const CHECKS: QualityCheck[] = [
  { id: 'QC-VIS', characteristic: 'visual', type: 'attribute', frequency: { kind: 'first-piece' } },
  { id: 'QC-DIA', characteristic: 'bore diameter', type: 'variable', nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm', frequency: { kind: 'every-n', n: 20 } },
  { id: 'QC-FUN', characteristic: 'function test', type: 'attribute', frequency: { kind: 'at-completion' } },
];

/** `yyyymmddhhmmss` in UTC: the order is `DEMO-<stamp>`, its ERP reference `ERP-<stamp>`. */
function stampOf(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * A canonical production order through every workstation of the line, in the plant model's
 * order: one operation each, at the workstation's first work center, with its ideal cycle time,
 * work instructions and a quality check; raw material (lot controlled) at the first operation and
 * screws (backflushed) at the second. Checked against the order contract before it leaves.
 */
export function buildDemoOrder(model: PlantModel, settings: DemoOrderSettings, now: Date = new Date()): ProductionOrder {
  const lineId = settings.line ?? model.lines.keys().next().value;
  const line = lineId === undefined ? undefined : model.lines.get(lineId);
  if (!line) {
    throw new ValidationError([{ field: 'line', rule: 'knownLine', message: `line '${String(lineId)}' is not in the plant model (lines: ${[...model.lines.keys()].join(', ') || 'none'})` }], 'demo order');
  }
  const stamp = stampOf(now);
  const { material, quantity } = settings;
  const pieces = (value: number) => ({ value, unit: 'PCE' as const });
  const operations = line.workstations.map((id, i) => {
    const ws = model.workstations.get(id)!;
    return {
      key: String((i + 1) * 10).padStart(4, '0'),
      sequence: (i + 1) * 10,
      description: `Step ${i + 1} at ${ws.name}`,
      workCenter: ws.workCenters[0],
      allowedWorkstations: [ws.id],
      plannedQuantity: pieces(quantity),
      idealCycleTimeSeconds: ws.products[material] ?? ws.idealCycleTimeSeconds ?? DEFAULT_DEMO_CYCLE_SECONDS,
      workInstructions: [{ step: 1, text: `Check the setup sheet for ${ws.id}` }, { step: 2, text: 'Run the cycle; report good and scrap' }],
      qualityChecks: [CHECKS[i % CHECKS.length]],
    };
  });
  return parseProductionOrder({
    orderId: `DEMO-${stamp}`,
    erpReference: `ERP-${stamp}`,
    plant: model.site,
    material,
    materialDescription: `Demo product ${material}`,
    quantity: pieces(quantity),
    scheduledStart: now.toISOString(),
    scheduledEnd: new Date(now.getTime() + ORDER_HOURS * 3600 * 1000).toISOString(),
    priority: 100,
    operations,
    components: [
      { material: RAW_MATERIAL, quantity: { value: quantity * RAW_MATERIAL_KG_PER_UNIT, unit: 'KG' }, operationKey: operations[0].key, lotControlled: true },
      { material: 'SCREW-M4', quantity: pieces(quantity * SCREWS_PER_UNIT), operationKey: operations[Math.min(1, operations.length - 1)].key, backflush: true },
    ],
  });
}

/** The message for an `http request` node (method and URL from the message) that posts the order. */
export function orderRequest(order: ProductionOrder, url: string, token: string) {
  return {
    method: 'POST' as const,
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    payload: order,
  };
}

/**
 * The demo warehouse delivers the raw material lot of an accepted order, for the operator to
 * scan: a genealogy `receive` of `RM-BAR-<orderId>`, 100 KG or what the order needs if more.
 */
export function rawMaterialDelivery(order: ProductionOrder): ReceiveCommand {
  const needed = order.components?.find((c) => c.material === RAW_MATERIAL)?.quantity.value ?? 0;
  return {
    action: 'receive',
    lot: `${RAW_MATERIAL}-${order.orderId}`,
    material: RAW_MATERIAL,
    quantity: Math.max(RAW_MATERIAL_LOT_KG, Math.ceil(needed)),
    unit: 'KG',
    supplier: 'DEMO-SUPPLIER',
    actor: 'warehouse',
  };
}

/** Why the order API did not create the order: its status (or the `http request` node's error code, ECONNREFUSED) and the error of its answer. */
export function orderApiRefusal(statusCode: number | string, body: unknown, orderId: string): Error {
  let parsed = body;
  if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      // not JSON: shown as it came
    }
  }
  const answer = parsed as { error?: unknown; errors?: FieldError[] } | undefined;
  const detail = answer && typeof answer === 'object'
    ? [answer.error, ...(Array.isArray(answer.errors) ? answer.errors.slice(0, 3).map((e) => `${e.field || '(root)'}: ${e.message} [rule: ${e.rule}]`) : [])].filter(Boolean).join('; ')
    : String(parsed ?? '').slice(0, 200);
  return new Error(`statusCode: the order API answered ${statusCode} to demo order ${orderId}, not 201 (${detail || 'no body'}) [rule: created]`);
}
