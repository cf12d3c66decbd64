import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditTrailTable, downtimeTable, exportFileName, parseExportFilters, shiftHistoryTable, sourceToCsv, sourceToXlsx, CSV_TYPE, XLSX_TYPE,
  type ExportFilterRules, type ExportFilters, type ExportSource, type ReasonLabel } from '../../exports';
import { ValidationError } from '../../util/errors';
import type { PlantModel } from '../../plant';
import type { MesStore } from '../../store';
import { docsAsset, docsPage, DOCS_SECURITY_HEADERS } from '../docs-page';
import type { ApiCall, ApiContextBase, ApiHandler, ApiReply } from '../handler';
import { buildOpenApiDocument } from '../openapi';
import type { ApiRoute } from '../route';
import { LINE_ROUTES } from '../routes';

/** What the export handlers can also use when the mes-api node has a plant: its names and reason labels. */
export interface IntegrationContext extends ApiContextBase {
  plant?: { workstations: readonly string[]; lines: readonly string[]; reasonLabel?: ReasonLabel };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The names an export filter may use: a workstation or line the plant does not have is refused (404), not exported empty. */
export function exportPlantOf(model: PlantModel): NonNullable<IntegrationContext['plant']> {
  return { workstations: [...model.workstations.keys()], lines: [...model.lines.keys()] };
}

function packageVersion(): string {
  // dist/lib/api/handlers or lib/api/handlers: the package root is four or three levels up.
  for (const up of ['../../../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'node-red-contrib-mes' && pkg.version) return pkg.version;
    } catch { /* not at this level */ }
  }
  throw new Error('the package.json of node-red-contrib-mes was not found');
}

let lineDocument: Record<string, unknown> | undefined;

/** The document of LINE_ROUTES, built once: the routes do not change while the process runs. */
export function lineOpenApiDocument(routes: readonly ApiRoute[] = LINE_ROUTES): Record<string, unknown> {
  if (routes !== LINE_ROUTES) return buildOpenApiDocument(routes, { title: 'node-red-contrib-mes line API', version: packageVersion() });
  lineDocument ??= buildOpenApiDocument(LINE_ROUTES, { title: 'node-red-contrib-mes line API', version: packageVersion() });
  return lineDocument;
}

function refused(err: ValidationError): ApiReply {
  return { statusCode: 400, headers: { 'Content-Type': JSON_TYPE }, body: { error: 'invalidRequest', errors: err.errors } };
}

type Build = (store: MesStore, filters: ExportFilters, ctx: IntegrationContext) => ExportSource;

function exportHandler(base: string, accepts: ExportFilterRules['accepts'], build: Build): ApiHandler<IntegrationContext> {
  return async (ctx, call: ApiCall) => {
    let filters: ExportFilters;
    try {
      filters = parseExportFilters(call.query, { accepts, workstations: ctx.plant?.workstations, lines: ctx.plant?.lines });
    } catch (err) {
      if (err instanceof ValidationError) return refused(err);
      throw err;
    }
    const source = build(ctx.store, filters, ctx);
    const headers = { 'Content-Disposition': `attachment; filename="${exportFileName(base, filters)}"`, 'Cache-Control': 'no-store' };
    if (filters.format === 'xlsx') return { statusCode: 200, headers: { 'Content-Type': XLSX_TYPE, ...headers }, body: await sourceToXlsx(source) };
    return { statusCode: 200, headers: { 'Content-Type': CSV_TYPE, ...headers }, body: sourceToCsv(source) };
  };
}

const notFound = (name: string): ApiReply => ({
  statusCode: 404, headers: { 'Content-Type': JSON_TYPE },
  body: { error: 'notFound', errors: [{ field: 'asset', rule: 'docsAsset', message: `${name.slice(0, 100)} is not a file of the reference page` }] },
});

/** Handlers of this family, by operationId (see lib/api/routes/integration.ts). */
export const INTEGRATION_HANDLERS: Record<string, ApiHandler<IntegrationContext>> = {
  getOpenApiDocument: () => ({ statusCode: 200, headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store' }, body: lineOpenApiDocument() }),
  getApiDocsPage: () => ({ statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', ...DOCS_SECURITY_HEADERS }, body: docsPage() }),
  getApiDocsAsset: (_ctx, call) => {
    const asset = docsAsset(call.params.asset ?? '');
    if (!asset) return notFound(call.params.asset ?? '');
    return { statusCode: 200, headers: { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=86400', ...DOCS_SECURITY_HEADERS }, body: asset.body };
  },
  exportShiftHistory: exportHandler('shift-history', ['from', 'to', 'workstation', 'line'], shiftHistoryTable),
  exportDowntime: exportHandler('downtime', ['from', 'to', 'workstation', 'line'], (store, filters, ctx) => downtimeTable(store, filters, ctx.plant?.reasonLabel)),
  exportAuditTrail: exportHandler('audit-trail', ['from', 'to', 'workstation', 'orderId', 'actor', 'type'], auditTrailTable),
};
