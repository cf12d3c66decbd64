import type { ValidateFunction } from 'ajv';
import orderSchema from '../../schemas/production-order.schema.json';
import cancelFile from '../../schemas/cancel-request.schema.json';
import { SIGNATURE_INPUT_SCHEMA } from '../compliance/signed-actions';
import { createAjv, validateOrThrow } from '../util/json-schema';
import type { ProductionOrder } from './types';

export interface CancelRequest {
  reason: string;
  force?: boolean;
  actor?: string;
  /** {userId, password, meaning}: checked by the Signatures service, bound to `order.cancelled`. */
  signature?: unknown;
}

/**
 * The cancel request as validated and documented: the file's fields, its `signature` with the
 * rules of every signed command (one schema, lib/compliance/signed-actions.ts).
 */
const cancelSchema = {
  ...cancelFile,
  properties: { ...cancelFile.properties, signature: { ...SIGNATURE_INPUT_SCHEMA, description: cancelFile.properties.signature.description } },
};

const ajv = createAjv();

/**
 * Cross-reference that JSON Schema cannot express on its own: every component names the key of
 * an operation of the same order. Registered as a keyword so it reports through the same error
 * list as every other rule.
 */
ajv.addKeyword({
  keyword: 'mesComponentsReferenceOperations',
  type: 'object',
  schemaType: 'boolean',
  errors: true,
  validate: function componentsReferenceOperations(enabled: boolean, data: Record<string, unknown>): boolean {
    const self = componentsReferenceOperations as unknown as { errors: unknown[] };
    self.errors = [];
    if (!enabled || !Array.isArray(data.operations) || !Array.isArray(data.components)) return true;
    const keys = new Set(data.operations.map((op) => (op && typeof op === 'object' ? (op as { key?: unknown }).key : undefined)));
    data.components.forEach((component, index) => {
      const key = component && typeof component === 'object' ? (component as { operationKey?: unknown }).operationKey : undefined;
      if (typeof key === 'string' && !keys.has(key)) {
        self.errors.push({
          keyword: 'operationReference',
          instancePath: `/components/${index}/operationKey`,
          params: { operationKey: key },
          message: `refers to operation '${key}', which the order does not have`,
        });
      }
    });
    return self.errors.length === 0;
  },
});

/**
 * `"mesUniqueBy": ["key", "sequence"]` on an array: no two items share a value of any listed
 * property. Reports the later duplicate by its own path so the ERP sees which line to fix.
 */
ajv.addKeyword({
  keyword: 'mesUniqueBy',
  type: 'array',
  schemaType: 'array',
  errors: true,
  validate: function uniqueBy(properties: string[], data: unknown[], _schema?: unknown, ctx?: { instancePath: string }): boolean {
    const self = uniqueBy as unknown as { errors: unknown[] };
    self.errors = [];
    for (const property of properties) {
      const firstIndex = new Map<unknown, number>();
      data.forEach((item, index) => {
        if (!item || typeof item !== 'object') return;
        const value = (item as Record<string, unknown>)[property];
        if (value === undefined) return;
        const first = firstIndex.get(value);
        if (first === undefined) {
          firstIndex.set(value, index);
          return;
        }
        self.errors.push({
          keyword: 'unique',
          instancePath: `${ctx?.instancePath ?? ''}/${index}/${property}`,
          params: { property, duplicateOf: first },
          message: `${JSON.stringify(value)} is already used by item ${first}; ${property} must be unique`,
        });
      });
    }
    return self.errors.length === 0;
  },
});

/** The JSON Schemas the validators compile, for the OpenAPI document (lib/api/openapi.ts): one source, no copy. */
export { orderSchema as PRODUCTION_ORDER_SCHEMA, cancelSchema as CANCEL_REQUEST_SCHEMA };

const validateOrder: ValidateFunction = ajv.compile(orderSchema);
const validateCancel: ValidateFunction = ajv.compile(cancelSchema);

/** Returns the order typed, or throws a ValidationError naming every broken rule by field path. */
export function parseProductionOrder(input: unknown): ProductionOrder {
  return validateOrThrow<ProductionOrder>(validateOrder, input, 'production order');
}

export function parseCancelRequest(input: unknown): CancelRequest {
  return validateOrThrow<CancelRequest>(validateCancel, input ?? {}, 'cancel request');
}
