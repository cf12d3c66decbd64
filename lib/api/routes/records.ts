import { AUDIT_QUERY_PROPERTIES, BATCH_RECORD_SCHEMA } from '../../records';
import type { ApiRoute } from '../route';

const PDF = { 'application/pdf': { type: 'string', contentMediaType: 'application/pdf' } };

/** Routes of this family (see lib/api/route.ts): the audit trail and the electronic batch record (docs/records.md). */
export const RECORDS_ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'getAuditTrail',
    method: 'get',
    path: '/mes/v1/records/audit-trail',
    tag: 'records',
    summary: 'The audit trail of an order, of a lot\'s genealogy, or of a time range, as PDF or CSV',
    description: 'Every event with who, when and what changed, and the signatures bound to them. Name orderId or lot (not both), or a time range; from and to (event times, inclusive) narrow either.',
    roles: ['supervisor', 'integration'],
    query: {
      orderId: { schema: AUDIT_QUERY_PROPERTIES.orderId, description: 'the order whose events to list' },
      lot: { schema: AUDIT_QUERY_PROPERTIES.lot, description: 'a lot or serial: its own events and those of the orders that consumed or produced it' },
      from: { schema: AUDIT_QUERY_PROPERTIES.from, description: 'earliest event time, ISO 8601 with a time zone' },
      to: { schema: AUDIT_QUERY_PROPERTIES.to, description: 'latest event time, ISO 8601 with a time zone' },
      format: { schema: AUDIT_QUERY_PROPERTIES.format, description: 'pdf (default) or csv' },
    },
    responses: {
      200: { description: 'the audit trail', content: { ...PDF, 'text/csv': { type: 'string' } }, headers: { 'Content-Disposition': { description: 'a file name for the download', schema: { type: 'string' } } } },
    },
    errors: [400, 401, 403, 404],
  },
  {
    operationId: 'getBatchRecord',
    method: 'get',
    path: '/mes/v1/orders/{orderId}/batch-record',
    tag: 'records',
    summary: 'The electronic batch record of an order, as PDF or JSON',
    description: 'Derived from the event log: operations, operators, quantities, checks, nonconformances, holds, SPC violations, lots, deviations, signatures and a closing summary.',
    roles: ['supervisor', 'integration'],
    pathParams: { orderId: { schema: { type: 'string', minLength: 1 }, description: 'the production order', required: true } },
    query: { format: { schema: { enum: ['pdf', 'json'] }, description: 'pdf (default) or json' } },
    responses: {
      200: { description: 'the batch record', content: { ...PDF, 'application/json': BATCH_RECORD_SCHEMA } },
    },
    errors: [400, 401, 403, 404],
  },
];
