import {
  AuditTrail, auditTrailCsv, auditTrailPdf, batchRecordPdf, buildBatchRecord, parseAuditQuery, type ReportContext,
} from '../../records';
import { CSV_TYPE } from '../../exports';
import { NotFoundError, ValidationError } from '../../util/errors';
import type { ApiCall, ApiContextBase, ApiHandler, ApiReply } from '../handler';

const PDF_TYPE = 'application/pdf';

/** A file name part that cannot break the Content-Disposition header. */
const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

function file(body: Buffer, type: string, name: string): ApiReply {
  return { statusCode: 200, headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` }, body };
}

/** Bad filters and unknown orders or lots answer with the shared error body; anything else is the node's 500. */
async function answering(field: string, work: () => Promise<ApiReply>): Promise<ApiReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ValidationError) return { statusCode: 400, headers: {}, body: { error: 'invalidRequest', errors: err.errors } };
    if (err instanceof NotFoundError) return { statusCode: 404, headers: {}, body: { error: 'notFound', errors: [{ field, rule: 'exists', message: err.message }] } };
    throw err;
  }
}

const contextOf = (ctx: ApiContextBase, call: ApiCall): ReportContext => ({ generatedBy: call.principal.subject, generatedAt: new Date(ctx.now()) });

const getAuditTrail: ApiHandler = (ctx, call) => {
  const query = call.query as Record<string, unknown>;
  return answering(typeof query.lot === 'string' ? 'lot' : 'orderId', async () => {
    const { filter, format } = parseAuditQuery(query);
    const trail = new AuditTrail(ctx.store, filter);
    const name = `audit-trail-${safeName(filter.orderId ?? filter.lot ?? `${filter.from ?? ''}_${filter.to ?? ''}`)}`;
    return format === 'csv'
      ? file(await auditTrailCsv(trail), CSV_TYPE, `${name}.csv`)
      : file(await auditTrailPdf(trail, contextOf(ctx, call)), PDF_TYPE, `${name}.pdf`);
  });
};

const getBatchRecord: ApiHandler = (ctx, call) => answering('orderId', async () => {
  const format = call.query.format ?? 'pdf';
  if (format !== 'pdf' && format !== 'json') {
    throw new ValidationError([{ field: 'format', rule: 'enum', message: 'must be one of pdf, json' }], 'batch-record query');
  }
  const unknown = Object.keys(call.query).filter((key) => key !== 'format');
  if (unknown.length > 0) throw new ValidationError(unknown.map((key) => ({ field: key, rule: 'additionalProperties', message: 'is not a known property' })), 'batch-record query');
  const record = buildBatchRecord(ctx.store, call.params.orderId, contextOf(ctx, call));
  return format === 'json'
    ? { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: record }
    : file(await batchRecordPdf(record), PDF_TYPE, `batch-record-${safeName(record.orderId)}.pdf`);
});

/** Handlers of this family, by operationId (see lib/api/routes/records.ts). */
export const RECORDS_HANDLERS: Record<string, ApiHandler<ApiContextBase>> = { getAuditTrail, getBatchRecord };
