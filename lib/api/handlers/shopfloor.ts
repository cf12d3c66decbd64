import { parseCommand, type Command, type CommandOutcome, type WorkstationSnapshot } from '../../dispatch';
import type { PlantModel } from '../../plant';
import { ValidationError, type FieldError } from '../../util/errors';
import type { ApiCall, ApiContextBase, ApiHandler } from '../handler';
import { ApiNotFoundError, json, UnavailableError } from '../../util/http';
import { parseParams } from '../params';
import { SHOPFLOOR_ROUTES, SUPERVISOR_ONLY } from '../routes/shopfloor';
import type { ApiRoute } from '../route';
import { authorizeOrThrow } from '../tokens';

/** What a running mes-dispatch node offers (registered under its store; nodes/shared/services.ts). */
export interface DispatchPort {
  /** Runs a parsed command exactly as a command msg to the node: transact, events, snapshots, reply. */
  execute(command: Command): Promise<CommandOutcome>;
  snapshot(workstation: string): WorkstationSnapshot | undefined;
  plant(): PlantModel | undefined;
}

/** The live parts the shop-floor handlers reach; a part that is not running throws UnavailableError (503). */
export interface ShopfloorContext extends ApiContextBase {
  dispatch(): DispatchPort;
}

const route = (operationId: string): ApiRoute => SHOPFLOOR_ROUTES.find((r) => r.operationId === operationId) as ApiRoute;

function knownWorkstation(dispatch: DispatchPort, workstation: string): void {
  if (!dispatch.plant()?.workstations.has(workstation)) {
    throw new ApiNotFoundError('workstation', `workstation '${workstation}' is not in the plant model`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The dispatch command of an HTTP body: the path's workstation, the time and the caller filled in. */
function commandOf(ctx: ShopfloorContext, call: ApiCall, workstation: string): Command {
  const body = call.body;
  if (!isObject(body)) throw new ValidationError([{ field: '', rule: 'type', message: 'the body must be a JSON object' }], 'command');
  const { command: type, via, ...fields } = body;
  const errors: FieldError[] = [];
  if (typeof type !== 'string') errors.push({ field: 'command', rule: 'required', message: 'is required: the command to run (sign-on, start, report, …)' });
  if (via !== undefined) errors.push({ field: 'via', rule: 'additionalProperties', message: 'is set by the MES from the token, not by the caller' });
  if (errors.length > 0) throw new ValidationError(errors, 'command');
  const supervisorCommand = SUPERVISOR_ONLY.has(type as string);
  if (supervisorCommand) authorizeOrThrow(call.principal, ['supervisor'], `the ${String(type)} command`);
  if ('workstation' in fields && fields.workstation !== workstation) {
    throw new ValidationError([{ field: 'workstation', rule: 'matchesPath', message: `must be the workstation of the path (${workstation}) or left out` }], 'command');
  }
  const payload: Record<string, unknown> = {
    ...fields,
    eventTime: fields.eventTime ?? new Date(ctx.now()).toISOString(),
    via: `api:${call.principal.subject}`,
  };
  // hold and release name an operation, not a workstation; every other command runs at the path's.
  if (type !== 'hold' && type !== 'release') payload.workstation = workstation;
  if (supervisorCommand) payload.supervisor ??= call.principal.subject;
  return parseCommand(type as string, payload);
}

/** Unknown things a command names are 404s over HTTP (dispatch reports them as invalid input). */
const NOT_FOUND_RULES = new Set(['unknownOperation', 'unknownWorkstation']);

const postWorkstationCommand: ApiHandler<ShopfloorContext> = async (ctx, call) => {
  const { workstation } = parseParams(route('postWorkstationCommand'), call.params, call.query) as { workstation: string };
  const dispatch = ctx.dispatch();
  knownWorkstation(dispatch, workstation);
  const command = commandOf(ctx, call, workstation);
  try {
    return json(200, await dispatch.execute(command));
  } catch (err) {
    const first = err instanceof ValidationError ? err.errors[0] : undefined;
    if (first && NOT_FOUND_RULES.has(first.rule)) throw new ApiNotFoundError(first.field, first.message);
    throw err;
  }
};

const getWorkstationQueue: ApiHandler<ShopfloorContext> = (ctx, call) => {
  const { workstation } = parseParams(route('getWorkstationQueue'), call.params, call.query) as { workstation: string };
  const dispatch = ctx.dispatch();
  knownWorkstation(dispatch, workstation);
  const snapshot = dispatch.snapshot(workstation);
  if (!snapshot) throw new UnavailableError('workstation', `the queue of workstation ${workstation} cannot be read`);
  return json(200, snapshot);
};

const DEFAULT_FEED_LIMIT = 100;

const getEvents: ApiHandler<ShopfloorContext> = (ctx, call) => {
  const query = parseParams(route('getEvents'), call.params, call.query) as { after?: number; limit?: number; type?: string; orderId?: string };
  const after = query.after ?? 0;
  const limit = query.limit ?? DEFAULT_FEED_LIMIT;
  const prefix = query.type?.endsWith('.*') ? query.type.slice(0, -1) : undefined;
  // One more than asked tells whether there is a next page without a second query.
  const rows = ctx.store.eventPage(after, limit + 1, { type: prefix ? undefined : query.type, typePrefix: prefix, orderId: query.orderId });
  const events = rows.slice(0, limit);
  return json(200, { events, next: events.length > 0 ? events[events.length - 1].seq : after, hasMore: rows.length > limit });
};

/** Handlers of this family, by operationId (see lib/api/routes/shopfloor.ts). */
export const SHOPFLOOR_HANDLERS: Record<string, ApiHandler<ShopfloorContext>> = { postWorkstationCommand, getWorkstationQueue, getEvents };
