/**
 * One operator page for every workstation of the plant model. Each dashboard connection picks
 * its workstation; the terminal remembers per connection what it showed there (the operation
 * and the last stop) and who operates it, so that a button acts on what that page showed, for
 * that operator, never on a plant-wide "current" or on someone signed on at another browser.
 *
 * Pure: it turns one message into the messages to send (each tagged with the output it goes to)
 * and, for bad input, the error for Catch nodes. The node adapter only wires it to Node-RED.
 */
import { randomUUID } from 'node:crypto';
import genealogyCommandSchema from '../../schemas/genealogy-command.schema.json';
import { EXPIRING_QUERY_TOPIC } from '../compliance';
import { SUPERVISOR_COMMANDS, isCommandType } from '../dispatch/commands';
import type { CurrentOperation, DueCheck, QueueEntry, WorkstationSnapshot } from '../dispatch/engine';
import type { ReasonNode } from '../oee/types';
import type { ReasonKind, Workstation } from '../plant';
import { configVersion } from '../util/config-version';
import { ValidationError } from '../util/errors';
import { verifiedConnection, type DashboardConnectionFacts } from './client-seal';

/** Dispatch commands the page sends as they are, plus the lot scan (genealogy) and the stop reason (OEE). */
export const DISPATCH_ACTIONS = ['sign-on', 'sign-off', 'start', 'pause', 'resume', 'report', 'check', 'complete'] as const;
export const TERMINAL_ACTIONS = [...DISPATCH_ACTIONS, 'consume', 'downtime-reason'] as const;
export type TerminalAction = typeof TERMINAL_ACTIONS[number];

/** The node's outputs, in port order. */
export const TERMINAL_OUTPUTS = ['dispatch', 'genealogy', 'oee', 'operation', 'queue', 'operators', 'notification', 'selector', 'reasons'] as const;
export type TerminalOutput = typeof TERMINAL_OUTPUTS[number];

export interface Outgoing {
  output: TerminalOutput;
  msg: Record<string, unknown>;
}

export interface TerminalResult {
  messages: Outgoing[];
  /** Bad input, for Catch nodes; the operator has already been told, when it came from a page. */
  refusal?: ValidationError;
}

/** What the node receives, as far as the terminal looks at it. */
export interface TerminalInput {
  topic?: unknown;
  payload?: unknown;
  _client?: unknown;
  /** Set by a Catch node. */
  error?: unknown;
  /** Set on every command the terminal sends; comes back on the reply or the refusal of it. */
  operatorCommand?: unknown;
}

export interface TerminalOptions {
  /** The plant model's workstations, read at each use so that a redeployed plant is seen. */
  workstations: () => ReadonlyMap<string, Workstation>;
  /** The plant model's reason trees, for the reason lists of the page's forms. */
  reasons?: () => Readonly<Record<ReasonKind, ReasonNode[]>>;
  /** Take a typed badge as the operator of a connection without a dashboard login (loopback only). */
  allowBadges: boolean;
  /** Errors this node reported itself come back through a Catch node; the operator was already told. */
  ownErrorSource?: string;
  now?: () => Date;
  newCommandId?: () => string;
}

/** The last stop of a workstation, from its `oee.downtime.started` event. */
export interface StopShown {
  downtimeId: string;
  start: string;
  state: string | null;
  faultCode: string | number | null;
}

/** payload of output 4 (a ui-template). */
export interface OperationView {
  workstation: string | null;
  name: string;
  /** Set up, running, paused or held at the workstation: what the buttons act on. */
  operation: CurrentOperation | null;
  /** With nothing in work: the first operation of the queue that can start; Start starts it. */
  next: QueueEntry | null;
  dueChecks: DueCheck[];
  /** The workstation's last stop: a downtime reason classifies it. */
  lastStop: StopShown | null;
}

/** A row of output 5 (a ui-table). */
export interface QueueRow {
  position: number;
  orderId: string;
  operationKey: string;
  description: string;
  state: string;
  planned: string;
  due: string;
  ready: boolean;
}

/** A click or a form submitted again within this time, with the same values, is the same command. */
export const REPEAT_WINDOW_MS = 2000;
/** Connections are forgotten, oldest first, beyond this many (a browser reconnects with a new socket id). */
export const MAX_CONNECTIONS = 1000;

const ACTOR = new RegExp(genealogyCommandSchema.definitions.actor.pattern);
const ACTOR_MAX_LENGTH = genealogyCommandSchema.definitions.actor.maxLength;
/** Fields the terminal sets itself; a form must not name them. */
const RESERVED_FIELDS = new Set(['commandId', 'eventTime', 'workstation', 'operator', 'actor', 'supervisor', 'orderId', 'operationKey', 'action', 'downtimeId', 'time']);
const ACTIONS_ON_OPERATION = new Set<TerminalAction>(['start', 'pause', 'resume', 'report', 'check', 'complete', 'consume']);

interface OperationRef { orderId: string; operationKey: string }

interface Connection {
  socketId: string;
  workstation?: string;
  badge?: string;
  /** What the last view sent to this connection showed: the target of its buttons. */
  shownOperation?: OperationRef;
  shownStop?: string;
  lastCommand?: { fingerprint: string; at: number };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLoopback = (ip: string | undefined) => ip !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(ip);
const invalid = (field: string, rule: string, message: string, subject: string) => new ValidationError([{ field, rule, message }], subject);

/**
 * Who is signed on, each with the qualifications that expire soon, so the operator sees a renewal
 * coming before a sign-on or start is refused: `anna (lathe expires 2026-12-05, 10 days)`.
 */
function signedOnText(snapshot: WorkstationSnapshot | undefined): string {
  if (!snapshot || snapshot.operators.length === 0) return '—';
  const expiring = snapshot.expiringQualifications ?? [];
  return snapshot.operators.map((operator) => {
    const own = expiring.filter((q) => q.operator === operator)
      .map((q) => `${q.skill} expires ${q.expiresAt.slice(0, 10)}, ${q.daysLeft} day${q.daysLeft === 1 ? '' : 's'}`);
    return own.length > 0 ? `${operator} (${own.join('; ')})` : operator;
  }).join(', ');
}

function isSnapshot(payload: unknown): payload is WorkstationSnapshot {
  return isObject(payload) && typeof payload.workstation === 'string' && Array.isArray(payload.current) && Array.isArray(payload.queue) && Array.isArray(payload.operators);
}

function nextToStart(queue: QueueEntry[]): QueueEntry | null {
  return queue.find((entry) => entry.state === 'queued' && entry.ready) ?? null;
}

function queueRow(entry: QueueEntry): QueueRow {
  return {
    position: entry.position, orderId: entry.orderId, operationKey: entry.operationKey, description: entry.description,
    state: entry.holdReason ? `${entry.state}: ${entry.holdReason}` : entry.state, planned: `${entry.plannedQuantity} ${entry.unit}`,
    due: entry.dueDate, ready: entry.ready,
  };
}

/** A form's values without blanks; the terminal's own fields may not be given. */
function formFields(payload: unknown, subject: string): Record<string, unknown> {
  if (Array.isArray(payload)) throw invalid('payload', 'type', 'must be the values of a form (an object), not a list', subject);
  // A button sends a timestamp or a text: an action without values.
  if (!isObject(payload)) return {};
  const fields: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(payload)) {
    if (RESERVED_FIELDS.has(key)) throw invalid(`payload.${key}`, 'reserved', 'is set by the operator terminal from the page and its operator, not from a form', subject);
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value !== '' && value !== null && value !== undefined) fields[key] = value;
  }
  return fields;
}

/** What dispatch, genealogy and OEE answered, in a line for the operator. */
function replyText(action: string, payload: unknown): string {
  const p = isObject(payload) ? payload : {};
  if (typeof p.command === 'string') {
    const on = typeof p.orderId === 'string' ? `: ${p.orderId} ${String(p.operationKey)}` : '';
    return `${p.command}${p.duplicate === true ? ' (already done)' : ' done'}${on}${typeof p.state === 'string' ? ` → ${p.state}` : ''}`;
  }
  if (action === 'consume' && Array.isArray(p.lots)) {
    return `lot scan ${String(p.status)}: ${p.lots.map((l: { lot?: unknown; onHand?: unknown; unit?: unknown }) => `${String(l.lot)} (${String(l.onHand)} ${String(l.unit)} left)`).join(', ')}`;
  }
  if (action === 'downtime-reason' && isObject(p.payload)) return `stop classified: ${String(p.payload.reason)}`;
  return `${action} done`;
}

export class OperatorTerminal {
  private readonly connections = new Map<string, Connection>();
  private readonly snapshots = new Map<string, WorkstationSnapshot>();
  private readonly lastStops = new Map<string, StopShown>();
  private readonly now: () => Date;
  private readonly newCommandId: () => string;

  /** The reason lists last sent to every page (JSON), so a change is sent to all again. */
  private publishedReasons?: string;

  constructor(private readonly options: TerminalOptions) {
    this.now = options.now ?? (() => new Date());
    this.newCommandId = options.newCommandId ?? (() => `terminal-${randomUUID()}`);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  receive(msg: TerminalInput): TerminalResult {
    if (msg.error !== undefined && msg.error !== null) return { messages: this.refusalToOperator(msg) };
    if (isObject(msg.operatorCommand)) return { messages: this.replyToOperator(msg) };
    // A browser can put any payload into a widget message: what comes from a dashboard connection
    // (it has a _client) is never taken for a snapshot or an event, which would change what other pages act on.
    const fromDashboard = msg._client !== undefined && msg._client !== null;
    if (!fromDashboard && isSnapshot(msg.payload)) return { messages: this.snapshot(msg.payload) };
    if (!fromDashboard && isObject(msg.payload) && typeof msg.payload.type === 'string' && typeof msg.payload.eventTime === 'string') return { messages: this.event(msg.payload) };
    const topic = typeof msg.topic === 'string' ? msg.topic : '';
    if (topic === '$pageleave') return { messages: [] };
    // Dispatch answers every command on one output, those of other senders too (an integration,
    // a test, a PLC handshake): an answer that came from no dashboard and is not to this node's
    // own command is none of its business.
    if (!fromDashboard && (TERMINAL_ACTIONS as readonly string[]).includes(topic) && isObject(msg.payload) && typeof msg.payload.command === 'string') return { messages: [] };
    // Supervisor commands (qualifications) and queries answered on the same output are not the page's either.
    if (!fromDashboard && isObject(msg.payload) && ((isCommandType(topic) && typeof msg.payload.command === 'string')
      || (topic === EXPIRING_QUERY_TOPIC && Array.isArray(msg.payload.qualifications)))) return { messages: [] };
    // Nor the answers to what the supervisor page sent (a release, say): they come from a dashboard
    // too, but the operator page sends no supervisor command, and ignoring one acts on nothing.
    if (fromDashboard && (SUPERVISOR_COMMANDS as readonly string[]).includes(topic) && isObject(msg.payload) && typeof msg.payload.command === 'string') return { messages: [] };
    if (topic !== '$pageview' && topic !== 'workstation' && topic !== 'badge' && !(TERMINAL_ACTIONS as readonly string[]).includes(topic)) {
      return {
        messages: [],
        refusal: invalid('topic', 'enum', `'${topic}' is not an operator terminal input; use $pageview, workstation, badge, ${TERMINAL_ACTIONS.join(', ')}, or send it dispatch snapshots, replies, OEE events or Catch-node refusals`, 'operator terminal input'),
      };
    }
    const facts = verifiedConnection(msg._client);
    if (!facts) {
      return {
        messages: [],
        refusal: invalid('_client', 'dashboardConnection', "does not come from a dashboard connection the MES can trust: the ui-base must include client data and the mes-dashboard-identity plugin (this package) must see the message", `operator ${topic}`),
      };
    }
    const connection = this.connectionOf(facts.socketId);
    try {
      if (topic === '$pageview') return this.pageview(connection, msg.payload);
      if (topic === 'workstation') {
        this.choose(connection, msg.payload, 'payload');
        return { messages: this.views(connection) };
      }
      if (topic === 'badge') return { messages: this.badge(connection, facts, msg.payload) };
      return { messages: this.act(connection, facts, topic as TerminalAction, msg.payload, msg._client) };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return { messages: [this.refusalNotice(connection, err)], refusal: err };
    }
  }

  /** Told at once on the page that sent it; the same error also reaches Catch nodes. */
  private refusalNotice(connection: Connection, err: ValidationError): Outgoing {
    return this.notify(connection, `Refused: ${err.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }

  /** Forgets every connection and what it was shown (the node closes). */
  clear(): void {
    this.connections.clear();
    this.snapshots.clear();
    this.lastStops.clear();
  }

  private connectionOf(socketId: string): Connection {
    let connection = this.connections.get(socketId);
    if (connection) this.connections.delete(socketId);
    else connection = { socketId };
    // Map order is recency: the oldest connection is the first key.
    this.connections.set(socketId, connection);
    if (this.connections.size > MAX_CONNECTIONS) this.connections.delete(this.connections.keys().next().value as string);
    return connection;
  }

  private workstation(connection: Connection): Workstation | undefined {
    return connection.workstation === undefined ? undefined : this.options.workstations().get(connection.workstation);
  }

  /** A page (re)loaded: it gets everything, for the workstation of its URL (?workstation=) or the one it had. */
  private pageview(connection: Connection, payload: unknown): TerminalResult {
    const query = isObject(payload) && isObject(payload.query) ? payload.query : {};
    let refusal: ValidationError | undefined;
    try {
      if (query.workstation !== undefined) this.choose(connection, query.workstation, 'payload.query.workstation');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      refusal = err;
    }
    const messages = [this.selector(connection), ...this.reasonLists(connection), ...this.views(connection)];
    return refusal ? { messages: [...messages, this.refusalNotice(connection, refusal)], refusal } : { messages };
  }

  private choose(connection: Connection, value: unknown, field: string): void {
    const id = typeof value === 'string' ? value.trim() : value;
    const workstations = this.options.workstations();
    if (typeof id !== 'string' || !workstations.has(id)) {
      throw invalid(field, 'unknownWorkstation', `workstation '${String(value)}' is not in the plant model (it has ${[...workstations.keys()].join(', ')})`, 'workstation selection');
    }
    connection.workstation = id;
  }

  private badge(connection: Connection, facts: DashboardConnectionFacts, value: unknown): Outgoing[] {
    if (facts.userId) return [this.notify(connection, `Signed in as ${facts.userId}: the login is the operator, the badge is not used.`)];
    if (!this.options.allowBadges) return [this.notify(connection, 'Sign in to the dashboard: this terminal does not take badges.')];
    if (!isLoopback(facts.socketIp)) {
      throw invalid('_client.socketIp', 'loopbackOnly', `badges are taken only from a browser on this machine (loopback), not from ${String(facts.socketIp)}; sign in to the dashboard instead`, 'badge');
    }
    const badge = typeof value === 'string' ? value.trim() : value;
    if (badge === '') {
      connection.badge = undefined;
      return [];
    }
    connection.badge = this.checkedActor(badge, 'payload', 'badge');
    return [this.notify(connection, `Badge ${connection.badge} entered: sign on to work at ${connection.workstation ?? 'a workstation'}.`)];
  }

  private checkedActor(value: unknown, field: string, subject: string): string {
    if (typeof value !== 'string' || value.length > ACTOR_MAX_LENGTH || !ACTOR.test(value)) {
      throw invalid(field, 'actor', `'${String(value)}' is not an operator id: letters, digits and . _ @ : - (starting with a letter or digit), at most ${ACTOR_MAX_LENGTH} characters`, subject);
    }
    return value;
  }

  /** The login when there is one, always; else, if badges are taken, the badge of this connection. */
  private operatorOf(connection: Connection, facts: DashboardConnectionFacts): string | undefined {
    if (facts.userId) return this.checkedActor(facts.userId, '_client.user.userId', 'dashboard login');
    return this.options.allowBadges ? connection.badge : undefined;
  }

  private act(connection: Connection, facts: DashboardConnectionFacts, action: TerminalAction, payload: unknown, client: unknown): Outgoing[] {
    const subject = `operator ${action}`;
    const fields = formFields(payload, subject);
    const workstation = this.workstation(connection);
    if (!workstation) return [this.notify(connection, 'Select a workstation first.')];
    const operator = this.operatorOf(connection, facts);
    if (!operator) return [this.notify(connection, this.options.allowBadges ? 'Enter your badge first.' : 'Sign in to the dashboard first.')];
    const operation = connection.shownOperation;
    if (ACTIONS_ON_OPERATION.has(action) && !operation) return [this.notify(connection, `No operation at ${workstation.id}: start one from the queue.`)];
    const stop = connection.shownStop;
    if (action === 'downtime-reason' && !stop) return [this.notify(connection, `No stop recorded at ${workstation.id} to classify.`)];

    const at = this.now();
    const fingerprint = JSON.stringify([action, workstation.id, operator, ACTIONS_ON_OPERATION.has(action) ? operation : null, action === 'downtime-reason' ? stop : null, fields]);
    const last = connection.lastCommand;
    if (last && last.fingerprint === fingerprint && at.getTime() - last.at < REPEAT_WINDOW_MS) {
      return [this.notify(connection, `${action}: already sent.`)];
    }
    connection.lastCommand = { fingerprint, at: at.getTime() };
    const commandId = this.newCommandId();
    const eventTime = at.toISOString();
    const envelope = { _client: client, operatorCommand: { action, commandId } };
    if (action === 'consume') {
      const { orderId, operationKey } = operation as OperationRef;
      return [{ output: 'genealogy', msg: { topic: 'consume', payload: { ...fields, action: 'consume', orderId, operationKey, workstation: workstation.id, actor: operator, eventTime }, ...envelope } }];
    }
    if (action === 'downtime-reason') {
      return [{ output: 'oee', msg: { topic: 'oee/classify', payload: { ...fields, downtimeId: stop, actor: operator, time: eventTime }, ...envelope } }];
    }
    // A variable check sends its value, an attribute check pass or fail; an unticked box is false.
    if (action === 'check') {
      if (typeof fields.value === 'number') delete fields.passed;
      else fields.passed = fields.passed === true;
    }
    if (action === 'complete') fields.final = fields.final === true;
    if (action === 'sign-off') connection.badge = undefined;
    const onOperation = ACTIONS_ON_OPERATION.has(action) ? operation as OperationRef : {};
    return [{ output: 'dispatch', msg: { topic: action, payload: { ...fields, commandId, eventTime, workstation: workstation.id, operator, ...onOperation }, ...envelope } }];
  }

  private snapshot(snapshot: WorkstationSnapshot): Outgoing[] {
    if (!this.options.workstations().has(snapshot.workstation)) return [];
    this.snapshots.set(snapshot.workstation, snapshot);
    return this.viewsAt(snapshot.workstation);
  }

  private event(event: Record<string, unknown>): Outgoing[] {
    if (event.type !== 'oee.downtime.started' || typeof event.workstation !== 'string' || !isObject(event.payload)) return [];
    if (!this.options.workstations().has(event.workstation)) return [];
    const p = event.payload;
    if (typeof p.downtimeId !== 'string') return [];
    this.lastStops.set(event.workstation, {
      downtimeId: p.downtimeId, start: String(event.eventTime), state: typeof p.state === 'string' ? p.state : null,
      faultCode: typeof p.faultCode === 'string' || typeof p.faultCode === 'number' ? p.faultCode : null,
    });
    return this.viewsAt(event.workstation);
  }

  private viewsAt(workstation: string): Outgoing[] {
    return [...this.connections.values()].filter((c) => c.workstation === workstation).flatMap((c) => this.views(c));
  }

  /** Current operation, queue and who is signed on, for one connection; remembers what it showed. */
  private views(connection: Connection): Outgoing[] {
    const workstation = this.workstation(connection);
    const snapshot = workstation ? this.snapshots.get(workstation.id) : undefined;
    const operation = snapshot?.current[0] ?? null;
    const next = operation ? null : nextToStart(snapshot?.queue ?? []);
    const target = operation ?? next;
    const lastStop = workstation ? this.lastStops.get(workstation.id) ?? null : null;
    connection.shownOperation = target ? { orderId: target.orderId, operationKey: target.operationKey } : undefined;
    connection.shownStop = lastStop?.downtimeId;
    const view: OperationView = {
      workstation: workstation?.id ?? null, name: workstation?.name ?? '', operation, next, dueChecks: operation?.dueChecks ?? [], lastStop,
    };
    const to = { socketId: connection.socketId };
    return [
      { output: 'operation', msg: { payload: view, _client: to } },
      { output: 'queue', msg: { payload: (snapshot?.queue ?? []).map(queueRow), _client: to } },
      { output: 'operators', msg: { payload: signedOnText(snapshot), _client: to } },
    ];
  }

  /**
   * The reason lists of the forms (a ui-form's `dropdownOptions`, by field): pause reasons for
   * `reasonCode`, scrap reasons for `scrapReason`, downtime reasons for `reason`; every level of
   * a tree may be chosen, shown as `Mechanical › Jam`.
   */
  private reasonLists(connection: Connection): Outgoing[] {
    const trees = this.options.reasons?.();
    if (!trees) return [];
    const flatten = (tree: ReasonNode[], dropdown: string, path = '', label = ''): object[] => tree.flatMap((node) => {
      const value = path ? `${path}/${node.code}` : node.code;
      const text = label ? `${label} › ${node.label ?? node.code}` : node.label ?? node.code;
      return [{ dropdown, value, label: text }, ...flatten(node.children ?? [], dropdown, value, text)];
    });
    const dropdownOptions = [...flatten(trees.pause, 'reasonCode'), ...flatten(trees.scrap, 'scrapReason'), ...flatten(trees.downtime, 'reason')];
    // The dashboard keeps a widget's dynamic properties only from a message to every page, and
    // drops a message to one page whose form has not mounted yet (a slow tablet would show an
    // empty list). The lists are the plant's, the same for all: the first page view after a
    // change sends them to every page, so each form gets them when it loads; later ones only
    // refresh the page that asked.
    const published = JSON.stringify(dropdownOptions);
    if (published !== this.publishedReasons) {
      this.publishedReasons = published;
      return [{ output: 'reasons', msg: { ui_update: { dropdownOptions } } }];
    }
    return [{ output: 'reasons', msg: { ui_update: { dropdownOptions }, _client: { socketId: connection.socketId } } }];
  }

  /** The plant's workstations, in model order, for a ui-dropdown; the connection's choice selected. */
  private selector(connection: Connection): Outgoing {
    const options = [...this.options.workstations().values()].map((ws) => ({ label: ws.name === ws.id ? ws.id : `${ws.id} · ${ws.name}`, value: ws.id }));
    return { output: 'selector', msg: { options, payload: this.workstation(connection)?.id, _client: { socketId: connection.socketId } } };
  }

  private notify(connection: Connection, text: string): Outgoing {
    return { output: 'notification', msg: { payload: text, _client: { socketId: connection.socketId } } };
  }

  /**
   * Only to a connection this terminal serves: a notification without a socket id would reach
   * every open page, so an answer to a message from no page (or a page long gone) is dropped.
   */
  private servedConnection(msg: TerminalInput): Connection | undefined {
    const socketId = isObject(msg._client) && typeof msg._client.socketId === 'string' ? msg._client.socketId : undefined;
    return socketId === undefined ? undefined : this.connections.get(socketId);
  }

  private replyToOperator(msg: TerminalInput): Outgoing[] {
    const connection = this.servedConnection(msg);
    const action = (msg.operatorCommand as { action?: unknown }).action;
    return connection ? [this.notify(connection, replyText(String(action), msg.payload))] : [];
  }

  private refusalToOperator(msg: TerminalInput): Outgoing[] {
    const error = isObject(msg.error) ? msg.error : { message: String(msg.error) };
    const source = isObject(error.source) ? error.source.id : undefined;
    if (this.options.ownErrorSource !== undefined && source === this.options.ownErrorSource) return [];
    // A refusal of what another page sent (the supervisor page's release, say) is that page's to show.
    if (!isObject(msg.operatorCommand)) return [];
    const connection = this.servedConnection(msg);
    return connection ? [this.notify(connection, `Refused: ${String(error.message)}`)] : [];
  }
}

/** The node configuration's version this package writes; older ones are migrated on load. */
export const TERMINAL_CONFIG_VERSION = 1;

export interface TerminalConfig {
  version?: unknown;
  allowBadges?: unknown;
}

/** The settings of a saved node configuration; one saved by a newer package is refused rather than guessed. */
export function terminalSettings(config: TerminalConfig): { allowBadges: boolean } {
  configVersion(config.version, TERMINAL_CONFIG_VERSION, 'operator terminal configuration');
  return { allowBadges: config.allowBadges === true || config.allowBadges === 'true' };
}

/** The messages of one result as Node-RED's send() takes them: one list per output, in port order. */
export function byOutput(messages: Outgoing[]): Array<Array<Record<string, unknown>>> {
  return TERMINAL_OUTPUTS.map((output) => messages.filter((m) => m.output === output).map((m) => m.msg));
}
