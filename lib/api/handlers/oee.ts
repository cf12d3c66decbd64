import type { ShiftQuery } from '../../oee';
import type { StoredEvent } from '../../store';
import { NotFoundError, ValidationError } from '../../util/errors';
import { ApiNotFoundError, json } from '../../util/http';
import { createAjv, validateOrThrow } from '../../util/json-schema';
import type { ApiContextBase, ApiHandler } from '../handler';
import { parseParams } from '../params';
import type { ApiRoute } from '../route';
import { CLASSIFY_REQUEST_SCHEMA, OEE_ROUTES } from '../routes/oee';

const validateClassify = createAjv().compile(CLASSIFY_REQUEST_SCHEMA);

/** What a running mes-oee node offers, one per line (registered under its store and line; nodes/shared/services.ts). */
export interface OeePort {
  readonly line: string;
  hasWorkstation(workstation: string): boolean;
  /** The live figures; pending signals are committed first, so a read never lags a write. */
  workstationNow(workstation: string): Promise<unknown>;
  lineNow(): Promise<unknown>;
  shifts(query: ShiftQuery): Promise<unknown[]>;
  days(query: { workstation?: string; from?: string; to?: string; limit: number }): Promise<unknown[]>;
  downtime(query: ShiftQuery): Promise<unknown[]>;
  /** The same rules as an oee/classify msg to the node: the reason must be of the reason tree. */
  classify(downtimeId: string, reason: unknown, actor: string): Promise<StoredEvent>;
}

export interface OeeContext extends ApiContextBase {
  /** The OEE engines running over this store, one per line (empty when none runs). */
  oee(): readonly OeePort[];
}

const DEFAULT_LIMIT = 100;

const route = (operationId: string): ApiRoute => OEE_ROUTES.find((r) => r.operationId === operationId) as ApiRoute;

/** The engine of a line; a line no engine runs for is a 404 naming the lines that have one. */
function lineEngine(ctx: OeeContext, line: string): OeePort {
  const engines = ctx.oee();
  const engine = engines.find((e) => e.line === line);
  if (!engine) {
    const known = engines.map((e) => e.line).join(', ') || 'none';
    throw new ApiNotFoundError('line', `no OEE engine runs for line '${line}' (lines with one: ${known})`);
  }
  return engine;
}

function knownWorkstation(engine: OeePort, workstation: string | undefined): void {
  if (workstation !== undefined && !engine.hasWorkstation(workstation)) {
    throw new ApiNotFoundError('workstation', `workstation '${workstation}' is not on line ${engine.line}`);
  }
}

const getWorkstationOee: ApiHandler<OeeContext> = async (ctx, call) => {
  const { workstation } = parseParams(route('getWorkstationOee'), call.params, call.query) as { workstation: string };
  const engine = ctx.oee().find((e) => e.hasWorkstation(workstation));
  if (!engine) throw new ApiNotFoundError('workstation', `workstation '${workstation}' is not on a line an OEE engine runs for`);
  return json(200, await engine.workstationNow(workstation));
};

const getLineOee: ApiHandler<OeeContext> = async (ctx, call) => {
  const { line } = parseParams(route('getLineOee'), call.params, call.query) as { line: string };
  return json(200, await lineEngine(ctx, line).lineNow());
};

type RangeQuery = { line: string; workstation?: string; day?: string; shift?: string; from?: string; to?: string; limit?: number; unclassified?: boolean };

function rangeOf(operationId: string, ctx: OeeContext, call: Parameters<ApiHandler>[1]): { engine: OeePort; query: RangeQuery & { limit: number } } {
  const query = parseParams(route(operationId), call.params, call.query) as RangeQuery;
  const engine = lineEngine(ctx, query.line);
  knownWorkstation(engine, query.workstation);
  return { engine, query: { ...query, limit: query.limit ?? DEFAULT_LIMIT } };
}

/** The repository's filters of a range query (the line is the engine's). */
function filtersOf(query: RangeQuery & { limit: number }): ShiftQuery {
  return { workstation: query.workstation, day: query.day, shift: query.shift, from: query.from, to: query.to, unclassified: query.unclassified, limit: query.limit };
}

const getOeeShifts: ApiHandler<OeeContext> = async (ctx, call) => {
  const { engine, query } = rangeOf('getOeeShifts', ctx, call);
  return json(200, { line: engine.line, shifts: await engine.shifts(filtersOf(query)) });
};

const getOeeDays: ApiHandler<OeeContext> = async (ctx, call) => {
  const { engine, query } = rangeOf('getOeeDays', ctx, call);
  return json(200, { line: engine.line, days: await engine.days({ workstation: query.workstation, from: query.from, to: query.to, limit: query.limit }) });
};

const getDowntime: ApiHandler<OeeContext> = async (ctx, call) => {
  const { engine, query } = rangeOf('getDowntime', ctx, call);
  return json(200, { line: engine.line, downtime: await engine.downtime(filtersOf(query)) });
};

const classifyDowntime: ApiHandler<OeeContext> = async (ctx, call) => {
  const { line, downtimeId } = parseParams(route('classifyDowntime'), call.params, call.query) as { line: string; downtimeId: string };
  const engine = lineEngine(ctx, line);
  const { reason } = validateOrThrow<{ reason: string | string[] }>(validateClassify, call.body, 'downtime classification');
  try {
    return json(200, await engine.classify(downtimeId, reason, call.principal.subject));
  } catch (err) {
    // The engine names the fields of its msg (payload.reason); the API names those of the body.
    if (err instanceof ValidationError) throw new ValidationError(err.errors.map((e) => ({ ...e, field: e.field.replace(/^payload\./, '') })), 'downtime classification');
    if (err instanceof NotFoundError && !(err instanceof ApiNotFoundError)) throw new ApiNotFoundError('downtimeId', err.message);
    throw err;
  }
};

/** Handlers of this family, by operationId (see lib/api/routes/oee.ts). */
export const OEE_HANDLERS: Record<string, ApiHandler<OeeContext>> = { getWorkstationOee, getLineOee, getOeeShifts, getOeeDays, getDowntime, classifyDowntime };
