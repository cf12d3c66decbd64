import type { SignatureInput } from '../../compliance/signature-types';
import type { OutboxMetrics, QuarantinedMessage } from '../../outbox';
import { ApiNotFoundError, json } from '../../util/http';
import { createAjv, validateOrThrow } from '../../util/json-schema';
import type { ApiContextBase, ApiHandler } from '../handler';
import { parseParams } from '../params';
import type { ApiRoute } from '../route';
import { DISCARD_REQUEST_SCHEMA, OUTBOX_ROUTES, RETRY_REQUEST_SCHEMA } from '../routes/outbox';

/** What a running mes-erp-outbox node offers (registered under its store and outbox name). */
export interface OutboxPort {
  readonly name: string;
  quarantine(): QuarantinedMessage[];
  retry(eventId: string, actor: string): Promise<number>;
  /** With the plant's signature rules for discarding an actual (actual.discard). */
  discard(eventId: string, reason: string, actor: string, signature?: SignatureInput): Promise<void>;
  metrics(): OutboxMetrics;
}

export interface OutboxContext extends ApiContextBase {
  /** The outboxes running over this store, by name. */
  outboxes(): ReadonlyMap<string, OutboxPort>;
}

const ajv = createAjv();
const validateRetry = ajv.compile(RETRY_REQUEST_SCHEMA);
const validateDiscard = ajv.compile(DISCARD_REQUEST_SCHEMA);

const route = (operationId: string): ApiRoute => OUTBOX_ROUTES.find((r) => r.operationId === operationId) as ApiRoute;

function outboxOf(ctx: OutboxContext, name: string | undefined): OutboxPort {
  const running = ctx.outboxes();
  if (name !== undefined) {
    const named = running.get(name);
    if (!named) throw new ApiNotFoundError('outbox', `no outbox named '${name}' is running (running: ${[...running.keys()].join(', ') || 'none'})`);
    return named;
  }
  if (running.size === 0) throw new ApiNotFoundError('outbox', 'no ERP outbox is running over this store');
  if (running.size > 1) throw new ApiNotFoundError('outbox', `several outboxes run (${[...running.keys()].join(', ')}): name one with ?outbox=`);
  return running.values().next().value as OutboxPort;
}

/** The quarantined message of that event, or a 404: these routes act on the quarantine only. */
function quarantined(outbox: OutboxPort, eventId: string): QuarantinedMessage {
  const message = outbox.quarantine().find((m) => m.eventId === eventId);
  if (!message) throw new ApiNotFoundError('eventId', `event ${eventId} is not in the quarantine of outbox '${outbox.name}'`);
  return message;
}

const getQuarantine: ApiHandler<OutboxContext> = (ctx, call) => {
  const { outbox: name } = parseParams(route('getQuarantine'), call.params, call.query) as { outbox?: string };
  const outbox = outboxOf(ctx, name);
  return json(200, { outbox: outbox.name, messages: outbox.quarantine(), metrics: outbox.metrics() });
};

const retryQuarantined: ApiHandler<OutboxContext> = async (ctx, call) => {
  const { eventId, outbox: name } = parseParams(route('retryQuarantined'), call.params, call.query) as { eventId: string; outbox?: string };
  validateOrThrow(validateRetry, call.body ?? {}, 'retry');
  const outbox = outboxOf(ctx, name);
  quarantined(outbox, eventId);
  const retried = await outbox.retry(eventId, call.principal.subject);
  return json(200, { retried, metrics: outbox.metrics() });
};

const discardQuarantined: ApiHandler<OutboxContext> = async (ctx, call) => {
  const { eventId, outbox: name } = parseParams(route('discardQuarantined'), call.params, call.query) as { eventId: string; outbox?: string };
  const body = validateOrThrow<{ reason: string; signature?: SignatureInput }>(validateDiscard, call.body, 'discard');
  const outbox = outboxOf(ctx, name);
  quarantined(outbox, eventId);
  await outbox.discard(eventId, body.reason, call.principal.subject, body.signature);
  return json(200, { discarded: eventId, metrics: outbox.metrics() });
};

/** Handlers of this family, by operationId (see lib/api/routes/outbox.ts). */
export const OUTBOX_HANDLERS: Record<string, ApiHandler<OutboxContext>> = { getQuarantine, retryQuarantined, discardQuarantined };
