import { parseCommand, takesWorkstation, type Command, type CommandOutcome, type WorkstationSnapshot } from '../../dispatch';
import { parseGenealogyInput, type ConsumeCommand, type IdentifiedOutcome } from '../../genealogy';
import { createAjv, validateOrThrow } from '../../util/json-schema';
import type { PlantModel } from '../../plant';
import { ConflictError, ValidationError, type FieldError } from '../../util/errors';
import type { ApiCall, ApiContextBase, ApiHandler } from '../handler';
import { ApiNotFoundError, json, UnavailableError } from '../../util/http';
import { parseParams } from '../params';
import { SCAN_LOT, SCAN_LOT_SCHEMA, SHOPFLOOR_ROUTES, SUPERVISOR_ONLY } from '../routes/shopfloor';
import type { ApiRoute } from '../route';
import { authorizeOrThrow } from '../tokens';

/** What a running mes-dispatch node offers (registered under its store; nodes/shared/services.ts). */
export interface DispatchPort {
  /**
   * Runs a parsed command exactly as a command msg to the node: transact, events, snapshots, reply.
   * `identity`: what a repeat of its command id must match (the body as sent), see CommandContext.
   */
  execute(command: Command, identity?: unknown): Promise<CommandOutcome>;
  snapshot(workstation: string): WorkstationSnapshot | undefined;
  plant(): PlantModel | undefined;
}

/** What a running mes-genealogy node offers: its commands with its options (unit conversions, numbering). */
export interface GenealogyPort {
  /** Runs the consumption once per command id (a repeat must match `identity`), and sends its events on as the node does. */
  consumeOnce(commandId: string, command: ConsumeCommand, identity: unknown): Promise<IdentifiedOutcome>;
}

/** The live parts the shop-floor handlers reach; a part that is not running throws UnavailableError (503). */
export interface ShopfloorContext extends ApiContextBase {
  dispatch(): DispatchPort;
  genealogy(): GenealogyPort;
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
  // hold, release and dispose name an operation, not a workstation; every other command runs at the path's.
  if (takesWorkstation(type as string)) payload.workstation = workstation;
  if (supervisorCommand) payload.supervisor ??= call.principal.subject;
  return parseCommand(type as string, payload);
}

/** Unknown things a command names are 404s over HTTP (dispatch reports them as invalid input). */
const NOT_FOUND_RULES = new Set(['unknownOperation', 'unknownWorkstation']);

const validateScan = createAjv().compile(SCAN_LOT_SCHEMA);

/**
 * A lot scan: the operator must be signed on at the workstation (as on the terminal, where only a
 * signed-on operator gets the scan field); then genealogy's consumption rules apply.
 */
async function scanLot(ctx: ShopfloorContext, call: ApiCall, dispatch: DispatchPort, workstation: string) {
  const body = call.body as Record<string, unknown>;
  if ('workstation' in body && body.workstation !== workstation) {
    throw new ValidationError([{ field: 'workstation', rule: 'matchesPath', message: `must be the workstation of the path (${workstation}) or left out` }], 'scan-lot command');
  }
  const scan = validateOrThrow<Record<string, unknown> & { commandId: string; operator: string }>(validateScan, body, 'scan-lot command');
  const operators = dispatch.snapshot(workstation)?.operators ?? [];
  if (!operators.includes(scan.operator)) {
    throw new ConflictError([{ field: 'operator', rule: 'signedOn', message: `operator ${scan.operator} is not signed on at ${workstation} (signed on: ${operators.join(', ') || 'nobody'})` }]);
  }
  const { commandId, operator, ...fields } = scan;
  delete fields.command;
  const consume = parseGenealogyInput({
    ...fields, action: 'consume', workstation, actor: operator, eventTime: fields.eventTime ?? new Date(ctx.now()).toISOString(),
  }) as ConsumeCommand;
  const { duplicate, outcome } = await ctx.genealogy().consumeOnce(commandId, consume, body);
  return json(200, { commandId, command: SCAN_LOT, duplicate, status: outcome.status, lots: outcome.lots, events: outcome.events });
}

const postWorkstationCommand: ApiHandler<ShopfloorContext> = async (ctx, call) => {
  const { workstation } = parseParams(route('postWorkstationCommand'), call.params, call.query) as { workstation: string };
  const dispatch = ctx.dispatch();
  knownWorkstation(dispatch, workstation);
  if (isObject(call.body) && call.body.command === SCAN_LOT) return scanLot(ctx, call, dispatch, workstation);
  const command = commandOf(ctx, call, workstation);
  try {
    // The body as sent identifies the command: the time the server fills in is not part of it.
    return json(200, await dispatch.execute(command, call.body));
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
