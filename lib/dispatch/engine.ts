import type { Database } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { OperationRow as CoreOperationRow } from '../orders/intake';
import type { OperationSpec, OperationState, ProductionOrder, QualityCheck } from '../orders/types';
import { inputQuantity } from '../routing';
import type { MesStore, StoredEvent } from '../store';
import { contentHash } from '../util/canonical-json';
import { ConflictError, ValidationError, type FieldError } from '../util/errors';
import { counterDelta, isRollover } from '../util/machine-signal';
import type {
  CheckCommand, Command, CompleteCommand, DisposeCommand, OperatorCommand, HoldCommand, PauseCommand, ReleaseCommand, ReportCommand,
  ResequenceCommand, ResumeCommand, SignCommand, StartCommand,
} from './commands';
import { shiftAt, type PlantModel, type Workstation } from '../plant';
import type { CounterSignal } from './signals';
import {
  DEFAULT_NOTICE_DAYS, applyQualificationCommand, expiringQualifications, missingSkills, requiredSkillsOf, unqualifiedError,
  type ExpiringQualification, type QualificationCommand, type Signatures, type Signing, type VerifiedSigner,
  appendSigned, requireSigning, verifySent, withoutPassword as signatureWithoutPassword,
} from '../compliance';

export interface DispatchOptions {
  /** How far above its input an operation may report good + scrap, in percent (0 = not at all). */
  overrunPercent: number;
  /** Verifies a supervisor's signature on a qualification override; without it no override is accepted. */
  signatures?: Signatures;
  /** How many days ahead a snapshot shows its operators' expiring qualifications (default 30). */
  qualificationNoticeDays?: number;
  /**
   * Good quantity of an operation of this order that another line runs (its work center is not in
   * this plant model), as the site database last reported it; undefined when unknown (site not
   * reached yet). Without it, or while unknown, such an operation counts as having delivered
   * nothing, so a successor here is held, never released early (docs/site.md "Orders across lines").
   */
  remoteGoodQuantity?(orderId: string, operationKey: string): number | undefined;
}

/** What `prepare` checked before the transaction: the signers, verified just now. */
export interface CommandContext {
  overrideSigner?: VerifiedSigner;
  /** The verified signature of a release (`hold.release`) or a disposition (`nonconformance.dispose`). */
  signing?: Signing;
  /**
   * What a repeat of the command id must match, when not the whole command: over HTTP the body
   * as the client sent it, so a retry without an eventTime (the server fills one) is a repeat.
   */
  identity?: unknown;
}

export interface DueCheck {
  checkId: string;
  characteristic: string;
  type: 'variable' | 'attribute';
  frequency: QualityCheck['frequency'];
  required: boolean;
  nominal?: number;
  lowerLimit?: number;
  upperLimit?: number;
  unit?: string;
  /** Passed results still owed: 1 for first piece and at completion, one per N units for every N. */
  outstanding: number;
  /** True when only final completion needs it (at-completion checks). */
  atCompletion: boolean;
}

export interface CommandOutcome {
  commandId: string;
  command: Command['type'];
  /** True when this command id was seen before: the stored answer, no new event. */
  duplicate: boolean;
  orderId?: string;
  operationKey?: string;
  workstation?: string;
  /** State of the operation after the command. */
  state?: string;
  events: StoredEvent[];
  /** Workstations whose snapshot the command changed. */
  workstations: string[];
  /** On start: what the workstation's screen shows. */
  workInstructions?: OperationSpec['workInstructions'];
  dueChecks?: DueCheck[];
}

export interface ReleaseOutcome {
  events: StoredEvent[];
  workstations: string[];
  /** Pending operations that no workstation of the plant model can run; they stay pending. */
  /** `unknownWorkCenter`: the plant model has no such work center (every operation of it stays pending). */
  unplaced: { orderId: string; operationKey: string; workCenter: string; unknownWorkCenter: boolean; reason: string }[];
}

/** What a machine signal, or the close of a quiet batch, changed. */
export interface CountOutcome {
  /**
   * Where the signal's counts went: into a batch of the running operation (`reported`), of the
   * workstation (`unassigned`) or of refused counts (`refused`); `none`: no counts (no change,
   * a first reading, a late reading, manual counting).
   */
  disposition: 'reported' | 'unassigned' | 'refused' | 'none';
  /** Closed batches (`quantity.reported`, `quantity.unassigned`, `quantity.refused`) and `counter.reset`. */
  events: StoredEvent[];
  /** Workstations whose snapshot changed. */
  workstations: string[];
}

export interface QueueEntry {
  position: number;
  orderId: string;
  operationKey: string;
  state: string;
  priority: number;
  dueDate: string;
  material: string;
  description: string;
  workCenter: string;
  plannedQuantity: number;
  unit: string;
  /** The operation before it has delivered good output (or overlap is allowed). */
  ready: boolean;
  holdReason: string | null;
}

export interface CurrentOperation {
  orderId: string;
  operationKey: string;
  state: string;
  material: string;
  description: string;
  plannedQuantity: number;
  unit: string;
  inputQuantity: number;
  goodQuantity: number;
  scrapQuantity: number;
  reworkQuantity: number;
  /** good / planned, 0..1 (above 1 on overrun). */
  progress: number;
  startedAt: string | null;
  pauseReason: string | null;
  workInstructions: NonNullable<OperationSpec['workInstructions']>;
  dueChecks: DueCheck[];
}

export interface WorkstationSnapshot {
  workstation: string;
  name: string;
  site: string;
  area: string;
  line: string;
  workCenters: string[];
  operators: string[];
  /** Qualifications of the signed-on operators that expire within the notice days, soonest first. */
  expiringQualifications: ExpiringQualification[];
  current: CurrentOperation[];
  queue: QueueEntry[];
}

/** A core operations row with what dispatch joins to it: its order and its dispatch bookkeeping. */
interface OperationRow extends CoreOperationRow {
  order_status: string;
  revision: number;
  priority: number;
  scheduled_end: string;
  material: string;
  queue_rank: number | null;
  resume_state: string | null;
  pause_reason: string | null;
  hold_reason: string | null;
}

const OPERATION_COLUMNS = `o.*, r.status AS order_status, r.revision, r.priority, r.scheduled_end, r.material,
  d.queue_rank, d.resume_state, d.pause_reason, d.hold_reason
  FROM operations o JOIN orders r ON r.order_id = o.order_id
  LEFT JOIN dispatch_operations d ON d.order_id = o.order_id AND d.operation_key = o.operation_key`;
/** Queue order: a supervisor's explicit sequence first, then priority (1 most urgent), due date, order, routing. */
const QUEUE_ORDER = 'ORDER BY d.queue_rank IS NULL, d.queue_rank, r.priority, r.scheduled_end, o.order_id, o.sequence';
const ACTIVE_STATES = "('setup', 'running', 'paused')";

/** A workstation's machine counter and its pending batch (`dispatch_counters`). */
interface CounterRow {
  workstation: string;
  session: string | null;
  good_reading: number | null;
  reject_reading: number | null;
  reading_time: number | null;
  batch: 'reported' | 'unassigned' | 'refused' | null;
  order_id: string | null;
  operation_key: string | null;
  refusal_field: string | null;
  refusal_rule: string | null;
  refusal_message: string | null;
  good: number;
  reject: number;
  signals: number;
  first_time: number | null;
  last_time: number | null;
  opened_at: number | null;
}

const COUNTER_COLUMNS = ['workstation', 'session', 'good_reading', 'reject_reading', 'reading_time', 'batch', 'order_id', 'operation_key',
  'refusal_field', 'refusal_rule', 'refusal_message', 'good', 'reject', 'signals', 'first_time', 'last_time', 'opened_at'];

const NO_BATCH = {
  batch: null, order_id: null, operation_key: null, refusal_field: null, refusal_rule: null, refusal_message: null,
  good: 0, reject: 0, signals: 0, first_time: null, last_time: null, opened_at: null,
} as const;

const NO_READINGS = { session: null, good_reading: null, reject_reading: null, reading_time: null } as const;

const newCounter = (workstation: string): CounterRow => ({ workstation, ...NO_READINGS, ...NO_BATCH });

const iso = (ms: number) => new Date(ms).toISOString();

/** Who an event is from and when: a command's operator or supervisor, or a workstation's machine counter. */
type EventOrigin = { eventTime: string; via?: string } & ({ operator: string } | { supervisor: string } | { machine: string });

function prepareStatements(db: Database) {
  return {
    command: db.prepare('SELECT fingerprint, result FROM dispatch_commands WHERE command_id = ?'),
    saveCommand: db.prepare('INSERT INTO dispatch_commands (command_id, fingerprint, result, recorded_at) VALUES (?, ?, ?, ?)'),
    operation: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.order_id = ? AND o.operation_key = ?`),
    next: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.order_id = ? AND o.sequence > ? AND o.state <> 'cancelled' ORDER BY o.sequence LIMIT 1`),
    previous: db.prepare(`SELECT * FROM operations WHERE order_id = ? AND sequence < ? AND state <> 'cancelled' ORDER BY sequence DESC LIMIT 1`),
    orderOperations: db.prepare('SELECT state, good_quantity, scrap_quantity FROM operations WHERE order_id = ? ORDER BY sequence'),
    pending: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.state = 'pending' AND r.status IN ('released', 'in_progress') ${QUEUE_ORDER}`),
    pendingOfOrder: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.order_id = ? AND o.state = 'pending' AND r.status IN ('released', 'in_progress') ${QUEUE_ORDER}`),
    queued: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.work_center IN (SELECT value FROM json_each(?))
      AND (o.state = 'queued' OR (o.state = 'held' AND d.resume_state IS NULL)) ${QUEUE_ORDER}`),
    active: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.workstation = ? AND (o.state IN ${ACTIVE_STATES} OR o.state = 'held') ORDER BY o.started_at, o.order_id, o.sequence`),
    busy: db.prepare(`SELECT order_id, operation_key, state FROM operations WHERE workstation = ? AND state IN ${ACTIVE_STATES} AND NOT (order_id = ? AND operation_key = ?) LIMIT 1`),
    operatorAt: db.prepare('SELECT workstation FROM dispatch_operators WHERE operator = ?'),
    operatorsOf: db.prepare('SELECT operator FROM dispatch_operators WHERE workstation = ? ORDER BY signed_on_at, operator'),
    signOn: db.prepare('INSERT INTO dispatch_operators (operator, workstation, signed_on_at) VALUES (?, ?, ?)'),
    signOff: db.prepare('DELETE FROM dispatch_operators WHERE operator = ?'),
    queue: db.prepare(`INSERT INTO dispatch_operations (order_id, operation_key, queued_at) VALUES (?, ?, ?)
      ON CONFLICT(order_id, operation_key) DO UPDATE SET queue_rank = NULL, resume_state = NULL, pause_reason = NULL, hold_reason = NULL, queued_at = excluded.queued_at`),
    setState: db.prepare('UPDATE operations SET state = ? WHERE order_id = ? AND operation_key = ?'),
    start: db.prepare('UPDATE operations SET state = ?, workstation = ?, started_at = COALESCE(started_at, ?) WHERE order_id = ? AND operation_key = ?'),
    quantities: db.prepare(`UPDATE operations SET good_quantity = good_quantity + ?, scrap_quantity = scrap_quantity + ?,
      rework_quantity = rework_quantity + ? WHERE order_id = ? AND operation_key = ?`),
    complete: db.prepare("UPDATE operations SET state = 'completed', completed_at = ? WHERE order_id = ? AND operation_key = ?"),
    dispatchState: db.prepare('UPDATE dispatch_operations SET resume_state = ?, pause_reason = ?, hold_reason = ? WHERE order_id = ? AND operation_key = ?'),
    rank: db.prepare('UPDATE dispatch_operations SET queue_rank = ? WHERE order_id = ? AND operation_key = ?'),
    orderInProgress: db.prepare("UPDATE orders SET status = 'in_progress', updated_at = ? WHERE order_id = ? AND status = 'released'"),
    orderCompleted: db.prepare("UPDATE orders SET status = 'completed', updated_at = ?, last_event_seq = ? WHERE order_id = ?"),
    nonconformances: db.prepare(`SELECT seq, type, payload FROM events WHERE order_id = ? AND operation_key = ?
      AND type IN ('nonconformance.raised', 'nonconformance.disposed') ORDER BY seq`),
    passedChecks: db.prepare('SELECT check_id, SUM(passed) AS passed FROM dispatch_check_results WHERE order_id = ? AND operation_key = ? GROUP BY check_id'),
    checkResult: db.prepare('INSERT INTO dispatch_check_results (order_id, operation_key, check_id, passed, value, event_time) VALUES (?, ?, ?, ?, ?, ?)'),
    counter: db.prepare('SELECT * FROM dispatch_counters WHERE workstation = ?'),
    saveCounter: db.prepare(`INSERT INTO dispatch_counters (${COUNTER_COLUMNS.join(', ')}) VALUES (${COUNTER_COLUMNS.map((c) => `@${c}`).join(', ')})
      ON CONFLICT(workstation) DO UPDATE SET ${COUNTER_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`),
    quietCounters: db.prepare(`SELECT * FROM dispatch_counters WHERE batch IS NOT NULL AND opened_at <= ?
      AND workstation IN (SELECT value FROM json_each(?)) ORDER BY workstation`),
    anyQuietCounter: db.prepare(`SELECT 1 FROM dispatch_counters WHERE batch IS NOT NULL AND opened_at <= ?
      AND workstation IN (SELECT value FROM json_each(?)) LIMIT 1`),
    // What a machine counts for: the operation set up, running or paused at the workstation (at
    // most one), else the one held there last (held while it ran: its workstation is set).
    countedOperation: db.prepare(`SELECT ${OPERATION_COLUMNS} WHERE o.workstation = ? AND (o.state IN ${ACTIVE_STATES} OR o.state = 'held')
      ORDER BY o.state = 'held', o.started_at DESC LIMIT 1`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

interface OpenNonconformance { seq: number; checkId: string; characteristic: string; reason: string }

function conflict(field: string, rule: string, message: string): ConflictError {
  return new ConflictError([{ field, rule, message }]);
}

function invalid(field: string, rule: string, message: string, subject: string): ValidationError {
  return new ValidationError([{ field, rule, message }], subject);
}

type OperationRefFields = { orderId: string; operationKey: string };

const label = (op: OperationRow) => `operation ${op.order_id}/${op.operation_key}`;

/** A command body with the password of any signature (its own, an override's) left out. */
function withoutPassword(body: object): object {
  const { override, signature } = body as { override?: { signature?: unknown }; signature?: unknown };
  let result: Record<string, unknown> = { ...body };
  if (signature !== undefined) result = { ...result, signature: signatureWithoutPassword(signature) };
  if (override && typeof override === 'object' && override.signature !== undefined) result = { ...result, override: { ...override, signature: signatureWithoutPassword(override.signature) } };
  return result;
}

/**
 * Dispatch rules for one plant model: releases pending operations into workstation queues and
 * executes operator and supervisor commands. Every method that changes state must run inside
 * `MesStore.transact`: it reads the current state, refuses what contradicts it (throwing, so the
 * unit rolls back and nothing changes), and writes its events with the projections they change.
 * Conflicting commands are therefore decided in commit order: the first wins, the next one sees
 * its result and is refused.
 */
export class Dispatcher {
  private statementsByDb = new WeakMap<Database, Statements>();
  /** Parsed order documents by order id; refreshed when the order's revision moves. */
  private documents = new Map<string, { revision: number; order: ProductionOrder }>();
  /**
   * This run's mark on the counter readings it stores: a reading of an earlier run (before a
   * restart or deploy) is no baseline, so the first reading after a start counts nothing.
   */
  private readonly session = randomUUID();
  /** Whether any workstation books machine counts: if not, commands skip the look for a pending batch. */
  private readonly counting: boolean;
  private readonly workstationList: string;

  constructor(readonly plant: PlantModel, readonly options: DispatchOptions) {
    this.counting = [...plant.workstations.values()].some((ws) => ws.counting !== 'manual');
    this.workstationList = JSON.stringify([...plant.workstations.keys()]);
  }

  /** The operation before `op` in its routing; run on another line, with the good quantity the site reports for it. */
  private previousOf(sql: Statements, op: OperationRow): OperationRow | undefined {
    const previous = sql.previous.get(op.order_id, op.sequence) as OperationRow | undefined;
    if (!previous || this.plant.workCenters.has(previous.work_center)) return previous;
    const remote = this.options.remoteGoodQuantity?.(previous.order_id, previous.operation_key);
    return { ...previous, good_quantity: Math.max(previous.good_quantity, remote ?? 0) };
  }

  private sql(store: MesStore): Statements {
    let statements = this.statementsByDb.get(store.db);
    if (!statements) {
      statements = prepareStatements(store.db);
      this.statementsByDb.set(store.db, statements);
    }
    return statements;
  }

  private spec(store: MesStore, op: OperationRow): OperationSpec | undefined {
    let cached = this.documents.get(op.order_id);
    if (!cached || cached.revision !== op.revision) {
      const row = store.db.prepare('SELECT document FROM orders WHERE order_id = ?').get(op.order_id) as { document: string };
      cached = { revision: op.revision, order: JSON.parse(row.document) as ProductionOrder };
      this.documents.set(op.order_id, cached);
    }
    return cached.order.operations.find((o) => o.key === op.operation_key);
  }

  /** Workstations of the plant model that may run the operation: its work center's, narrowed by the routing's allowed list. */
  private eligibleWorkstations(store: MesStore, op: OperationRow): string[] {
    const allowed = this.spec(store, op)?.allowedWorkstations;
    const members = this.plant.workCenters.get(op.work_center) ?? [];
    return allowed && allowed.length > 0 ? members.filter((ws) => allowed.includes(ws)) : members;
  }

  /**
   * Queues every pending operation of a released or running order, or only those of `orderId`:
   * an order that just arrived needs no scan of every other pending operation (those that no
   * workstation can take stay pending, and a plant may hold thousands of them). Inside `transact`.
   */
  release(store: MesStore, orderId?: string): ReleaseOutcome {
    const sql = this.sql(store);
    const outcome: ReleaseOutcome = { events: [], workstations: [], unplaced: [] };
    const touched = new Set<string>();
    const now = store.nowIso();
    const pending = (orderId === undefined ? sql.pending.all() : sql.pendingOfOrder.all(orderId)) as OperationRow[];
    for (const op of pending) {
      const workstations = this.eligibleWorkstations(store, op);
      if (workstations.length === 0) {
        const unknownWorkCenter = !this.plant.workCenters.has(op.work_center);
        const reason = unknownWorkCenter
          ? `work center ${op.work_center} of ${label(op)} has no workstation in the plant model`
          : `none of the allowed workstations of ${label(op)} belongs to work center ${op.work_center}`;
        outcome.unplaced.push({ orderId: op.order_id, operationKey: op.operation_key, workCenter: op.work_center, unknownWorkCenter, reason });
        continue;
      }
      sql.setState.run('queued', op.order_id, op.operation_key);
      sql.queue.run(op.order_id, op.operation_key, now);
      outcome.events.push(store.appendEvent({
        type: 'operation.queued', eventTime: now, orderId: op.order_id, operationKey: op.operation_key,
        payload: { workCenter: op.work_center, workstations },
      }));
      workstations.forEach((ws) => touched.add(ws));
    }
    outcome.workstations = [...touched];
    return outcome;
  }

  /**
   * Executes one command. A command id seen before returns the stored answer (`duplicate`) and
   * appends nothing; the same id with a different command is refused. Inside `transact`.
   */
  execute(store: MesStore, command: Command, context: CommandContext = {}): CommandOutcome {
    const sql = this.sql(store);
    const { type, ...body } = command;
    // The fingerprint keeps no trace of a signature's password, not even hashed.
    const fingerprint = contentHash(context.identity === undefined ? { type, body: withoutPassword(body) } : { type, identity: withoutPassword(context.identity as object) });
    const seen = sql.command.get(command.commandId) as { fingerprint: string; result: string } | undefined;
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw conflict('commandId', 'commandIdReused', `command id ${command.commandId} was already used for a different command`);
      }
      return { ...(JSON.parse(seen.result) as CommandOutcome), duplicate: true };
    }
    // Machine counts pending at the workstation are booked before the command: a completion's
    // totals include them, and a pause or hold ends their batch.
    const counted = this.closeCountsBefore(store, sql, command);
    const outcome = this.apply(store, sql, command, context);
    if (counted) {
      outcome.events = [...counted.events, ...outcome.events];
      outcome.workstations = [...new Set([...counted.workstations, ...outcome.workstations])];
    }
    sql.saveCommand.run(command.commandId, fingerprint, JSON.stringify(outcome), store.nowIso());
    return outcome;
  }

  /**
   * The asynchronous checks of a command, before its transaction: a start with a qualification
   * override has its supervisor's signature verified (user id and password). Pass the result to
   * `execute`.
   */
  async prepare(store: MesStore, command: Command): Promise<CommandContext> {
    if (command.type === 'release') return this.prepareSigned(store, 'hold.release', command, 'releasing a hold');
    if (command.type === 'dispose') return this.prepareSigned(store, 'nonconformance.dispose', command, 'disposing of a nonconformance');
    if (command.type !== 'start' || !command.override) return {};
    const { signatures } = this.options;
    if (!signatures) {
      throw conflict('override', 'signaturesUnavailable', 'a qualification override needs a signature, and this dispatch node has no signature service configured');
    }
    const signer = await signatures.verify(store, 'qualification.override', command.override.signature, command.operator);
    if (signer.userId !== command.override.supervisor) {
      throw invalid('override.signature.userId', 'signerIsSupervisor', `the override is signed by ${signer.userId}, not by its supervisor ${command.override.supervisor}`, 'start command');
    }
    return { overrideSigner: signer };
  }

  /**
   * A release or a disposition carries a signature when the plant requires one for its action
   * (the signer a supervisor; with the two-person rule not the supervisor who sends it). A
   * signature sent where none is configured is refused, never dropped; one sent where none is
   * required is still checked and bound.
   */
  private async prepareSigned(store: MesStore, action: 'hold.release' | 'nonconformance.dispose', command: ReleaseCommand | DisposeCommand, what: string): Promise<CommandContext> {
    const { signatures } = this.options;
    const signing = await verifySent(store, signatures, action, command.signature, command.supervisor, 'this dispatch node');
    requireSigning(signatures, action, signing, what, `${command.type} command`);
    return { signing };
  }

  private apply(store: MesStore, sql: Statements, command: Command, context: CommandContext): CommandOutcome {
    switch (command.type) {
      case 'sign-on':
      case 'sign-off':
        return this.sign(store, sql, command);
      case 'start':
        return this.start(store, sql, command, context);
      case 'pause':
        return this.pause(store, sql, command);
      case 'resume':
        return this.resume(store, sql, command);
      case 'report':
        return this.report(store, sql, command);
      case 'check':
        return this.check(store, sql, command);
      case 'complete':
        return this.complete(store, sql, command);
      case 'hold':
        return this.hold(store, sql, command);
      case 'release':
        return this.releaseHold(store, sql, command, context);
      case 'dispose':
        return this.dispose(store, sql, command, context);
      case 'resequence':
        return this.resequence(store, sql, command);
      case 'qualification.grant':
      case 'qualification.renew':
      case 'qualification.revoke':
        return this.qualification(store, sql, command);
    }
  }

  private knownWorkstation(command: { type: string; workstation: string }): void {
    if (!this.plant.workstations.has(command.workstation)) {
      throw invalid('workstation', 'unknownWorkstation', `workstation '${command.workstation}' is not in the plant model`, `${command.type} command`);
    }
  }

  private operation(store: MesStore, sql: Statements, command: { type: string; orderId: string; operationKey: string }): OperationRow {
    const op = sql.operation.get(command.orderId, command.operationKey) as OperationRow | undefined;
    if (!op) {
      throw invalid('operationKey', 'unknownOperation', `order ${command.orderId} has no operation '${command.operationKey}'`, `${command.type} command`);
    }
    if (op.state === 'pending') {
      throw conflict('operationKey', 'notReleased', `${label(op)} is not released to a workstation yet`);
    }
    if (op.state === 'cancelled' || op.order_status === 'cancelled') {
      throw conflict('operationKey', 'cancelled', `${label(op)} is cancelled`);
    }
    return op;
  }

  /** The operator must be signed on at the workstation the command comes from. */
  private signedOn(sql: Statements, command: { operator: string; workstation: string }): void {
    const at = sql.operatorAt.get(command.operator) as { workstation: string } | undefined;
    if (at?.workstation !== command.workstation) {
      throw conflict('operator', 'operatorNotSignedOn', `operator ${command.operator} is not signed on at workstation ${command.workstation}${at ? ` (signed on at ${at.workstation})` : ''}`);
    }
  }

  /** An operation runs at one workstation of its work center; once started, only there. */
  private atWorkstation(store: MesStore, op: OperationRow, workstation: string): void {
    if (op.workstation && op.workstation !== workstation) {
      throw conflict('workstation', 'otherWorkstation', `${label(op)} runs at workstation ${op.workstation}, not ${workstation}`);
    }
    const ws = this.plant.workstations.get(workstation);
    if (!ws?.workCenters.includes(op.work_center)) {
      throw conflict('workstation', 'wrongWorkCenter', `workstation ${workstation} does not belong to work center ${op.work_center} of ${label(op)}`);
    }
    if (!this.eligibleWorkstations(store, op).includes(workstation)) {
      throw conflict('workstation', 'workstationNotAllowed', `the routing of ${label(op)} does not allow workstation ${workstation}`);
    }
  }

  /** The checks every operator command on an operation passes first, in the order a user fixes them. */
  private operationAtWorkstation(store: MesStore, sql: Statements, command: OperatorCommand & OperationRefFields): OperationRow {
    this.knownWorkstation(command);
    const op = this.operation(store, sql, command);
    this.signedOn(sql, command);
    this.atWorkstation(store, op, command.workstation);
    return op;
  }

  private expectState(op: OperationRow, command: string, allowed: string[]): void {
    if (!allowed.includes(op.state)) {
      throw conflict('operationKey', 'stateTransition', `cannot ${command} ${label(op)}: it is ${op.state}; ${command} needs it ${allowed.join(' or ')}`);
    }
  }

  private notBusy(sql: Statements, op: OperationRow, workstation: string): void {
    const other = sql.busy.get(workstation, op.order_id, op.operation_key) as { order_id: string; operation_key: string; state: string } | undefined;
    if (other) {
      throw conflict('workstation', 'workstationBusy', `workstation ${workstation} is busy with operation ${other.order_id}/${other.operation_key} (${other.state})`);
    }
  }

  private notBefore(op: OperationRow, eventTime: string): void {
    if (op.started_at && Date.parse(eventTime) < Date.parse(op.started_at)) {
      throw invalid('eventTime', 'beforeStart', `${eventTime} is before ${label(op)} started (${op.started_at})`, 'command');
    }
  }

  private outcome(command: Command, op: OperationRow | undefined, state: string | undefined, events: StoredEvent[], workstations: (string | null | undefined)[]): CommandOutcome {
    return {
      commandId: command.commandId,
      command: command.type,
      duplicate: false,
      orderId: op?.order_id,
      operationKey: op?.operation_key,
      workstation: 'workstation' in command ? command.workstation : op?.workstation ?? undefined,
      state,
      events,
      workstations: [...new Set(workstations.filter((ws): ws is string => typeof ws === 'string'))],
    };
  }

  /** Appends an event of a command or a machine counter: its event time, its actor, and the shift it happened in. */
  private event(store: MesStore, type: string, origin: EventOrigin, op: Pick<OperationRow, 'order_id' | 'operation_key'> | undefined, workstation: string | null, payload: object): StoredEvent {
    return store.appendEvent(this.eventInput(type, origin, op, workstation, payload));
  }

  private eventInput(type: string, origin: EventOrigin, op: Pick<OperationRow, 'order_id' | 'operation_key'> | undefined, workstation: string | null, payload: object) {
    return {
      type, eventTime: origin.eventTime, orderId: op?.order_id ?? null, operationKey: op?.operation_key ?? null,
      workstation, actor: 'operator' in origin ? origin.operator : 'supervisor' in origin ? origin.supervisor : `machine:${origin.machine}`,
      payload: { ...payload, ...(origin.via ? { via: origin.via } : {}), shift: shiftAt(this.plant, origin.eventTime) } as Record<string, unknown>,
    };
  }

  private sign(store: MesStore, sql: Statements, command: SignCommand): CommandOutcome {
    this.knownWorkstation(command);
    const at = sql.operatorAt.get(command.operator) as { workstation: string } | undefined;
    if (command.type === 'sign-on') {
      if (at) {
        throw conflict('operator', 'alreadySignedOn', `operator ${command.operator} is already signed on at workstation ${at.workstation}; sign off there first`);
      }
      this.qualifiedForWorkstation(store, command);
      sql.signOn.run(command.operator, command.workstation, command.eventTime);
    } else {
      this.signedOn(sql, command);
      sql.signOff.run(command.operator);
    }
    const type = command.type === 'sign-on' ? 'operator.signed_on' : 'operator.signed_off';
    const event = this.event(store, type, command, undefined, command.workstation, { commandId: command.commandId });
    return this.outcome(command, undefined, undefined, [event], [command.workstation]);
  }

  /**
   * Sign-on checks the skills that every work center of the workstation needs, so an operator
   * who could run nothing there is stopped at once; a routing's own skills are checked on start.
   */
  private qualifiedForWorkstation(store: MesStore, command: SignCommand): void {
    const centers = (this.plant.workstations.get(command.workstation) as Workstation).workCenters;
    const perCenter = centers.map((wc) => this.plant.workCenterSkills.get(wc) ?? []);
    const common = perCenter[0].filter((skill) => perCenter.every((skills) => skills.includes(skill)));
    const missing = missingSkills(store, command.operator, requiredSkillsOf([], common), command.eventTime);
    if (missing.length > 0) throw unqualifiedError(command.operator, missing, `sign on at workstation ${command.workstation}`);
  }

  /**
   * Start needs the operation's skills (routing and work center) valid at the command's event
   * time, or a supervisor's signed override: the override is recorded on `operation.started` and
   * its signature bound to that event. An override where no skill is missing is refused, so a
   * signature never stands for something that did not happen.
   */
  private qualifiedToStart(store: MesStore, op: OperationRow, spec: OperationSpec | undefined, command: StartCommand, context: CommandContext) {
    const required = requiredSkillsOf(spec?.requiredSkills, this.plant.workCenterSkills.get(op.work_center));
    const missing = missingSkills(store, command.operator, required, command.eventTime);
    if (!command.override) {
      if (missing.length > 0) throw unqualifiedError(command.operator, missing, `start ${label(op)}`);
      return undefined;
    }
    if (missing.length === 0) {
      throw conflict('override', 'overrideNotNeeded', `operator ${command.operator} holds every skill ${label(op)} needs; start it without an override`);
    }
    if (!context.overrideSigner) throw invalid('override.signature', 'verified', 'the override\'s signature was not verified: call prepare() before execute()', 'start command');
    return { missing, signer: context.overrideSigner };
  }

  private start(store: MesStore, sql: Statements, command: StartCommand, context: CommandContext): CommandOutcome {
    const op = this.operationAtWorkstation(store, sql, command);
    const setup = command.setup === true;
    this.expectState(op, setup ? 'start the setup of' : 'start', setup ? ['queued'] : ['queued', 'setup']);
    this.notBusy(sql, op, command.workstation);
    const spec = this.spec(store, op);
    const override = this.qualifiedToStart(store, op, spec, command, context);
    const previous = this.previousOf(sql, op);
    if (previous && previous.good_quantity <= 0 && !spec?.overlapAllowed) {
      throw conflict('operationKey', 'precedence', `${label(op)} cannot start: operation ${previous.operation_key} before it has delivered no good output yet and the routing does not allow overlap`);
    }
    const state: OperationState = setup ? 'setup' : 'running';
    sql.start.run(state, command.workstation, command.eventTime, op.order_id, op.operation_key);
    sql.orderInProgress.run(store.nowIso(), op.order_id);
    const payload: Record<string, unknown> = { commandId: command.commandId, material: op.material };
    if (spec?.idealCycleTimeSeconds !== undefined) payload.idealCycleTimeSeconds = spec.idealCycleTimeSeconds;
    payload.setup = setup;
    if (override && command.override) {
      payload.qualificationOverride = {
        supervisor: command.override.supervisor, reason: command.override.reason, signedBy: override.signer.printedName,
        meaning: override.signer.meaning, missingSkills: override.missing,
      };
    }
    const event = this.event(store, 'operation.started', command, op, command.workstation, payload);
    const events = [event];
    if (override) events.push((this.options.signatures as Signatures).bind(store, 'qualification.override', override.signer, event));
    const started = { ...op, state, workstation: command.workstation };
    return {
      ...this.outcome(command, op, state, events, this.eligibleWorkstations(store, op)),
      workInstructions: spec?.workInstructions ?? [],
      dueChecks: this.dueChecks(sql, started, spec, true),
    };
  }

  private pause(store: MesStore, sql: Statements, command: PauseCommand): CommandOutcome {
    const op = this.operationAtWorkstation(store, sql, command);
    this.expectState(op, 'pause', ['setup', 'running']);
    this.notBefore(op, command.eventTime);
    sql.setState.run('paused', op.order_id, op.operation_key);
    sql.dispatchState.run(op.state, command.reasonCode, op.hold_reason, op.order_id, op.operation_key);
    const event = this.event(store, 'operation.paused', command, op, command.workstation, { commandId: command.commandId, reasonCode: command.reasonCode });
    return this.outcome(command, op, 'paused', [event], [command.workstation]);
  }

  private resume(store: MesStore, sql: Statements, command: ResumeCommand): CommandOutcome {
    const op = this.operationAtWorkstation(store, sql, command);
    this.expectState(op, 'resume', ['paused']);
    this.notBusy(sql, op, command.workstation);
    this.notBefore(op, command.eventTime);
    const state = op.resume_state ?? 'running';
    sql.setState.run(state, op.order_id, op.operation_key);
    sql.dispatchState.run(null, null, null, op.order_id, op.operation_key);
    const event = this.event(store, 'operation.resumed', command, op, command.workstation, { commandId: command.commandId });
    return this.outcome(command, op, state, [event], [command.workstation]);
  }

  private report(store: MesStore, sql: Statements, command: ReportCommand): CommandOutcome {
    const good = command.goodQuantity ?? 0;
    const scrap = command.scrapQuantity ?? 0;
    const rework = command.reworkQuantity ?? 0;
    const subject = 'report command';
    if (good + scrap + rework === 0) throw invalid('goodQuantity', 'nothingReported', 'a report needs a good, scrap or rework quantity above 0', subject);
    if (scrap > 0 && !command.scrapReason) throw invalid('scrapReason', 'required', 'is required when scrapQuantity is above 0', subject);
    const op = this.operationAtWorkstation(store, sql, command);
    this.checkQuantities(sql, op, good, scrap, command.eventTime);
    const booked = this.bookQuantities(store, sql, op, command, command.workstation,
      { good, scrap, rework, scrapReason: command.scrapReason }, { commandId: command.commandId });
    const after = { ...op, good_quantity: op.good_quantity + good, scrap_quantity: op.scrap_quantity + scrap };
    return {
      ...this.outcome(command, op, op.state, [booked.event], booked.workstations),
      dueChecks: this.dueChecks(sql, after, this.spec(store, op), true),
    };
  }

  /**
   * The rules every quantity booked on an operation passes, from an operator's report or a batch
   * of machine counts: the operation runs, the time is not before its start, and good + scrap
   * stay within its input (the previous operation's good output) plus the overrun.
   */
  private checkQuantities(sql: Statements, op: OperationRow, good: number, scrap: number, eventTime: string): void {
    this.expectState(op, 'report quantities on', ['running']);
    this.notBefore(op, eventTime);
    const previous = this.previousOf(sql, op);
    const input = inputQuantity(op, previous);
    const limit = input * (1 + this.options.overrunPercent / 100);
    const consumed = op.good_quantity + op.scrap_quantity + good + scrap;
    // A tolerance of one millionth absorbs binary rounding of decimal quantities (0.1 + 0.2 kg).
    if (consumed > limit + 1e-6 * Math.max(1, limit)) {
      const source = previous ? `delivered good by operation ${previous.operation_key}` : 'planned for the operation';
      throw conflict('goodQuantity', 'exceedsInput', `${label(op)} would reach ${consumed} ${op.unit} good + scrap, above the ${limit} available: ${input} ${source}${this.options.overrunPercent ? ` plus ${this.options.overrunPercent}% overrun` : ''}`);
    }
  }

  /** `checkQuantities` as the broken rule, or null: machine counts record a refusal rather than fail. */
  private quantityRefusal(sql: Statements, op: OperationRow, good: number, scrap: number, eventTime: string): FieldError | null {
    try {
      this.checkQuantities(sql, op, good, scrap, eventTime);
      return null;
    } catch (err) {
      if (err instanceof ConflictError) return err.conflicts[0];
      if (err instanceof ValidationError) return err.errors[0];
      throw err;
    }
  }

  /**
   * Adds checked increments to the operation's quantities with their `quantity.reported` event
   * (`head` and `tail` around the quantities in its payload). The first good output makes the
   * next operation ready: its workstations' queues change too.
   */
  private bookQuantities(
    store: MesStore, sql: Statements, op: OperationRow, origin: EventOrigin, workstation: string,
    quantities: { good: number; scrap: number; rework: number; scrapReason?: string }, head: object, tail: object = {},
  ): { event: StoredEvent; workstations: string[] } {
    const { good, scrap, rework, scrapReason } = quantities;
    sql.quantities.run(good, scrap, rework, op.order_id, op.operation_key);
    const payload: Record<string, unknown> = { ...head, unit: op.unit, goodQuantity: good, scrapQuantity: scrap };
    if (scrapReason) payload.scrapReason = scrapReason;
    payload.reworkQuantity = rework;
    const event = this.event(store, 'quantity.reported', origin, op, workstation, { ...payload, ...tail });
    const nextChanged = op.good_quantity <= 0 && good > 0 ? this.nextWorkstations(store, sql, op) : [];
    return { event, workstations: [workstation, ...nextChanged] };
  }

  private nextWorkstations(store: MesStore, sql: Statements, op: OperationRow): string[] {
    const next = sql.next.get(op.order_id, op.sequence) as OperationRow | undefined;
    return next ? (next.workstation ? [next.workstation] : this.eligibleWorkstations(store, next)) : [];
  }

  private check(store: MesStore, sql: Statements, command: CheckCommand): CommandOutcome {
    const op = this.operationAtWorkstation(store, sql, command);
    const spec = this.spec(store, op);
    const check = spec?.qualityChecks?.find((c) => c.id === command.checkId);
    if (!check) throw invalid('checkId', 'unknownCheck', `the routing of ${label(op)} has no quality check '${command.checkId}'`, 'check command');
    this.expectState(op, 'record a check on', ['setup', 'running', 'paused']);
    let passed: boolean;
    const payload: Record<string, unknown> = { commandId: command.commandId, checkId: check.id, characteristic: check.characteristic, type: check.type };
    if (check.type === 'variable') {
      if (command.value === undefined) throw invalid('value', 'required', `check ${check.id} (${check.characteristic}) is a variable check and needs a measured value`, 'check command');
      passed = (check.lowerLimit === undefined || command.value >= check.lowerLimit) && (check.upperLimit === undefined || command.value <= check.upperLimit);
      payload.value = command.value;
    } else {
      if (command.passed === undefined) throw invalid('passed', 'required', `check ${check.id} (${check.characteristic}) is an attribute check and needs passed: true or false`, 'check command');
      passed = command.passed;
    }
    payload.passed = passed;
    if (check.type === 'variable') {
      payload.limits = { lower: check.lowerLimit ?? null, upper: check.upperLimit ?? null, nominal: check.nominal ?? null, unit: check.unit ?? null };
    }
    sql.checkResult.run(op.order_id, op.operation_key, check.id, passed ? 1 : 0, command.value ?? null, command.eventTime);
    const events = [this.event(store, 'check.recorded', command, op, command.workstation, payload)];
    let state = op.state;
    if (!passed) {
      const reason = check.type === 'variable'
        ? `${check.characteristic} ${command.value}${check.unit ? ` ${check.unit}` : ''} outside ${check.lowerLimit ?? '-∞'}..${check.upperLimit ?? '∞'}`
        : `${check.characteristic} failed`;
      const nonconformance: Record<string, unknown> = { checkId: check.id, characteristic: check.characteristic };
      if (command.value !== undefined) nonconformance.value = command.value;
      nonconformance.reason = reason;
      events.push(this.event(store, 'nonconformance.raised', command, op, command.workstation, nonconformance));
      events.push(this.event(store, 'operation.held', command, op, command.workstation, { commandId: command.commandId, reason: `nonconformance: ${reason}` }));
      state = 'held';
      this.toHeld(sql, op, `nonconformance: ${reason}`);
    }
    return {
      ...this.outcome(command, op, state, events, [command.workstation]),
      dueChecks: this.dueChecks(sql, op, spec, true),
    };
  }

  /** Remembers where a held operation returns to: the queue if it had not started, else paused at its workstation. */
  private toHeld(sql: Statements, op: OperationRow, reason: string): void {
    const resumeState = op.state === 'queued' ? null : op.state === 'paused' ? op.resume_state ?? 'running' : op.state;
    sql.setState.run('held', op.order_id, op.operation_key);
    sql.dispatchState.run(resumeState, op.pause_reason, reason, op.order_id, op.operation_key);
  }

  private complete(store: MesStore, sql: Statements, command: CompleteCommand): CommandOutcome {
    const op = this.operationAtWorkstation(store, sql, command);
    this.expectState(op, command.final ? 'complete' : 'partially confirm', ['running']);
    this.notBefore(op, command.eventTime);
    const spec = this.spec(store, op);
    const missing = this.dueChecks(sql, op, spec, command.final).filter((c) => c.required);
    if (missing.length > 0) {
      throw conflict('checks', 'checkMissing', `cannot ${command.final ? 'complete' : 'partially confirm'} ${label(op)}: required check${missing.length > 1 ? 's' : ''} ${missing.map((c) => `${c.checkId} (${c.characteristic})`).join(', ')} missing`);
    }
    const events = [this.event(store, 'operation.completed', command, op, command.workstation, {
      commandId: command.commandId, final: command.final, unit: op.unit,
      goodQuantity: op.good_quantity, scrapQuantity: op.scrap_quantity, reworkQuantity: op.rework_quantity,
    })];
    const workstations: string[] = [command.workstation];
    if (command.final) {
      sql.complete.run(command.eventTime, op.order_id, op.operation_key);
      const orderDone = this.completeOrderIfDone(store, sql, command, op);
      if (orderDone) events.push(orderDone);
      else workstations.push(...this.nextWorkstations(store, sql, op));
    }
    return this.outcome(command, op, command.final ? 'completed' : op.state, events, workstations);
  }

  /** After the final completion of an order's last open operation: the order is completed. */
  private completeOrderIfDone(store: MesStore, sql: Statements, command: CompleteCommand, op: OperationRow): StoredEvent | undefined {
    const operations = sql.orderOperations.all(op.order_id) as { state: string; good_quantity: number; scrap_quantity: number }[];
    if (operations.some((o) => o.state !== 'completed' && o.state !== 'cancelled')) return undefined;
    const done = operations.filter((o) => o.state === 'completed');
    const event = this.event(store, 'order.completed', command, op, command.workstation, {
      unit: op.unit,
      goodQuantity: done[done.length - 1].good_quantity,
      scrapQuantity: done.reduce((sum, o) => sum + o.scrap_quantity, 0),
    });
    sql.orderCompleted.run(store.nowIso(), event.seq, op.order_id);
    return event;
  }

  private hold(store: MesStore, sql: Statements, command: HoldCommand): CommandOutcome {
    const op = this.operation(store, sql, command);
    this.expectState(op, 'hold', ['queued', 'setup', 'running', 'paused']);
    this.toHeld(sql, op, command.reason);
    const event = this.event(store, 'operation.held', command, op, op.workstation, { commandId: command.commandId, reason: command.reason });
    return this.outcome(command, op, 'held', [event], op.workstation ? [op.workstation] : this.eligibleWorkstations(store, op));
  }

  private releaseHold(store: MesStore, sql: Statements, command: ReleaseCommand, context: CommandContext): CommandOutcome {
    const op = this.operation(store, sql, command);
    this.expectState(op, 'release', ['held']);
    const open = this.openNonconformances(sql, op);
    if (open.length > 0) {
      throw conflict('operationKey', 'nonconformanceOpen', `${label(op)} has an open nonconformance on ${open.map((nc) => `${nc.checkId} (${nc.reason})`).join(', ')}: dispose of it first`);
    }
    // A started operation comes back paused, so its operator resumes it deliberately.
    const state = op.resume_state === null ? 'queued' : 'paused';
    sql.setState.run(state, op.order_id, op.operation_key);
    sql.dispatchState.run(op.resume_state, op.pause_reason ?? (state === 'paused' ? 'held' : null), null, op.order_id, op.operation_key);
    const events = this.signedEvent(store, 'hold.release', 'operation.released', command, context, op, { commandId: command.commandId, reason: command.reason ?? 'released by supervisor' });
    return this.outcome(command, op, state, events, op.workstation ? [op.workstation] : this.eligibleWorkstations(store, op));
  }

  /**
   * The supervisor's disposition of the oldest open nonconformance of a check: use as is, rework,
   * scrap or return to the supplier. It records the decision (quantities stay the operator's
   * reports); a hold a nonconformance raised is released only after its disposition.
   */
  private dispose(store: MesStore, sql: Statements, command: DisposeCommand, context: CommandContext): CommandOutcome {
    const op = this.operation(store, sql, command);
    const nonconformance = this.openNonconformances(sql, op).find((nc) => nc.checkId === command.checkId);
    if (!nonconformance) {
      throw conflict('checkId', 'noOpenNonconformance', `${label(op)} has no open nonconformance on check '${command.checkId}'`);
    }
    const events = this.signedEvent(store, 'nonconformance.dispose', 'nonconformance.disposed', command, context, op, {
      commandId: command.commandId, checkId: command.checkId, characteristic: nonconformance.characteristic, disposition: command.disposition,
      reason: command.reason, raisedSeq: nonconformance.seq,
    });
    return this.outcome(command, op, op.state, events, op.workstation ? [op.workstation] : this.eligibleWorkstations(store, op));
  }

  /** The event of a signed supervisor action, and its signature bound to it where there is one. */
  private signedEvent(
    store: MesStore, action: 'hold.release' | 'nonconformance.dispose', type: string, command: ReleaseCommand | DisposeCommand,
    context: CommandContext, op: OperationRow, payload: Record<string, unknown>,
  ): StoredEvent[] {
    const { signing } = context;
    if (command.signature !== undefined && signing?.action !== action) throw invalid('signature', 'verified', `the ${command.type}'s signature was not verified: call prepare() before execute()`, `${command.type} command`);
    return appendSigned(store, this.eventInput(type, command, op, op.workstation, payload), signing);
  }

  /** The nonconformances of an operation that no disposition has closed yet, oldest first. */
  private openNonconformances(sql: Statements, op: OperationRow): OpenNonconformance[] {
    const rows = sql.nonconformances.all(op.order_id, op.operation_key) as { seq: number; type: string; payload: string }[];
    const disposed = new Set(rows.filter((r) => r.type === 'nonconformance.disposed').map((r) => (JSON.parse(r.payload) as { raisedSeq: number }).raisedSeq));
    return rows.filter((r) => r.type === 'nonconformance.raised' && !disposed.has(r.seq)).map((r) => {
      const p = JSON.parse(r.payload) as { checkId: string; characteristic: string; reason: string };
      return { seq: r.seq, checkId: p.checkId, characteristic: p.characteristic, reason: p.reason };
    });
  }

  private resequence(store: MesStore, sql: Statements, command: ResequenceCommand): CommandOutcome {
    this.knownWorkstation(command);
    const op = this.operation(store, sql, command);
    this.expectState(op, 'resequence', ['queued', 'held']);
    if (op.state === 'held' && op.resume_state !== null) this.expectState(op, 'resequence', ['queued']);
    if (!this.eligibleWorkstations(store, op).includes(command.workstation)) {
      throw conflict('workstation', 'wrongWorkCenter', `${label(op)} is not in the queue of workstation ${command.workstation}`);
    }
    const queue = this.queueOf(store, sql, command.workstation);
    if (command.position === null) {
      for (const entry of queue) sql.rank.run(null, entry.order_id, entry.operation_key);
    } else {
      const others = queue.filter((e) => !(e.order_id === op.order_id && e.operation_key === op.operation_key));
      others.splice(Math.min(command.position, others.length + 1) - 1, 0, op);
      others.forEach((entry, i) => sql.rank.run(i + 1, entry.order_id, entry.operation_key));
    }
    const event = this.event(store, 'operation.resequenced', command, op, command.workstation, { commandId: command.commandId, position: command.position });
    return this.outcome(command, op, op.state, [event], this.eligibleWorkstations(store, op));
  }

  /** A supervisor manages a qualification; the screen where its operator is signed on shows the change. */
  private qualification(store: MesStore, sql: Statements, command: QualificationCommand): CommandOutcome {
    const event = applyQualificationCommand(store, command);
    const at = sql.operatorAt.get(command.operator) as { workstation: string } | undefined;
    return { ...this.outcome(command, undefined, undefined, [event], [at?.workstation]), workstation: at?.workstation };
  }

  private queueOf(store: MesStore, sql: Statements, workstation: string): OperationRow[] {
    const ws = this.plant.workstations.get(workstation);
    if (!ws) return [];
    return (sql.queued.all(JSON.stringify(ws.workCenters)) as OperationRow[])
      .filter((op) => this.eligibleWorkstations(store, op).includes(workstation));
  }

  /**
   * Checks still owed: first piece until one passes; every N until a pass per N units made
   * (good + scrap); at completion until one passes, owed only for final completion. A failed
   * result holds the operation and leaves the check owed, so a re-check is needed.
   */
  private dueChecks(sql: Statements, op: OperationRow, spec: OperationSpec | undefined, includeAtCompletion: boolean): DueCheck[] {
    const checks = spec?.qualityChecks ?? [];
    if (checks.length === 0) return [];
    const passed = new Map((sql.passedChecks.all(op.order_id, op.operation_key) as { check_id: string; passed: number }[]).map((r) => [r.check_id, r.passed]));
    const made = op.good_quantity + op.scrap_quantity;
    const due: DueCheck[] = [];
    for (const check of checks) {
      const done = passed.get(check.id) ?? 0;
      const frequency = check.frequency;
      if (frequency.kind === 'at-completion' && !includeAtCompletion) continue;
      const owed = frequency.kind === 'every-n' ? Math.floor(made / frequency.n) : 1;
      if (done >= owed) continue;
      due.push({
        checkId: check.id, characteristic: check.characteristic, type: check.type, frequency, required: check.required !== false,
        nominal: check.nominal, lowerLimit: check.lowerLimit, upperLimit: check.upperLimit, unit: check.unit,
        outstanding: owed - done, atCompletion: frequency.kind === 'at-completion',
      });
    }
    return due;
  }

  /**
   * Books the counts of one machine signal (`parseCounterSignal`), inside `transact`, with the
   * counter's reading and its pending batch in `dispatch_counters`, so the signal is durable when
   * the unit commits and a crash neither loses nor repeats its counts. Under manual counting it
   * changes nothing. An absolute counter's delta is taken from the last reading of this run
   * (`counterDelta`: rollover, reset; the first reading only sets the baseline); a reading older
   * than the last one is ignored. Counts go into the workstation's batch (see `addCounts`).
   */
  count(store: MesStore, signal: CounterSignal, wallMs: number): CountOutcome {
    const ws = this.plant.workstations.get(signal.workstation);
    if (!ws) throw invalid('payload.workstation', 'unknownWorkstation', `workstation '${signal.workstation}' is not in the plant model`, 'machine signal');
    const outcome: CountOutcome = { disposition: 'none', events: [], workstations: [] };
    if (ws.counting === 'manual') return outcome;
    const sql = this.sql(store);
    const row = (sql.counter.get(ws.id) as CounterRow | undefined) ?? newCounter(ws.id);
    // Under 'both' the operator reports scrap: the PLC's reject counter is OEE's alone.
    const reject = ws.counting === 'automatic' ? signal.reject : null;
    let good: number;
    let scrap: number;
    if (ws.counter.mode === 'absolute') {
      if (row.session !== this.session) Object.assign(row, NO_READINGS, { session: this.session });
      else if (row.reading_time !== null && signal.time < row.reading_time) return outcome;
      good = this.reading(store, ws, row, 'good', signal.good, signal.time, outcome);
      scrap = this.reading(store, ws, row, 'reject', reject, signal.time, outcome);
      row.reading_time = signal.time;
    } else {
      good = signal.good ?? 0;
      scrap = reject ?? 0;
    }
    if (good > 0 || scrap > 0) this.addCounts(store, sql, ws, row, good, scrap, signal.time, wallMs, outcome);
    sql.saveCounter.run(row);
    return outcome;
  }

  /** Units counted by one absolute counter since its last reading; a drop that is no rollover is recorded as a reset. */
  private reading(store: MesStore, ws: Workstation, row: CounterRow, counter: 'good' | 'reject', value: number | null, time: number, outcome: CountOutcome): number {
    if (value === null) return 0;
    const column = counter === 'good' ? 'good_reading' : 'reject_reading';
    const last = row[column];
    row[column] = value;
    const delta = counterDelta(last, value, ws.counter.max);
    if (last !== null && value < last && !isRollover(last, ws.counter.max)) {
      outcome.events.push(this.event(store, 'counter.reset', { eventTime: iso(time), machine: ws.id }, undefined, ws.id, {
        source: 'machine', counter, previousReading: last, reading: value, counted: delta,
      }));
    }
    return delta;
  }

  /**
   * Puts counts into the workstation's pending batch. They are `reported` on the running
   * operation when its report rules allow them (checked with the batch so far), `refused` with
   * the broken rule when it is paused or held or a rule refuses them, `unassigned` when nothing
   * runs there (setup pieces included). Counts of another kind or operation close the pending
   * batch first; a batch closes at `countBatch.units` units or `countBatch.seconds` of event time.
   */
  private addCounts(store: MesStore, sql: Statements, ws: Workstation, row: CounterRow, good: number, scrap: number, time: number, wallMs: number, outcome: CountOutcome): void {
    const found = sql.countedOperation.get(ws.id) as OperationRow | undefined;
    // Setup pieces are no yield: they are the workstation's, like counts with nothing there.
    const target = found?.state === 'setup' ? undefined : found;
    let refusal: FieldError | null = null;
    if (target) {
      const same = row.batch === 'reported' && row.order_id === target.order_id && row.operation_key === target.operation_key;
      refusal = this.quantityRefusal(sql, target, good + (same ? row.good : 0), scrap + (same ? row.reject : 0), iso(time));
    }
    const batch = !target ? 'unassigned' : refusal ? 'refused' : 'reported';
    const sameBatch = row.batch === batch && row.order_id === (target?.order_id ?? null)
      && row.operation_key === (target?.operation_key ?? null) && row.refusal_rule === (refusal?.rule ?? null);
    if (row.batch !== null && !sameBatch) this.closeBatch(store, sql, ws, row, outcome);
    if (row.batch === null) {
      Object.assign(row, {
        batch, order_id: target?.order_id ?? null, operation_key: target?.operation_key ?? null,
        refusal_field: refusal?.field ?? null, refusal_rule: refusal?.rule ?? null, refusal_message: refusal?.message ?? null,
        first_time: time, last_time: time, opened_at: wallMs,
      });
    }
    row.good += good;
    row.reject += scrap;
    row.signals += 1;
    row.first_time = Math.min(row.first_time as number, time);
    row.last_time = Math.max(row.last_time as number, time);
    outcome.disposition = batch;
    const { units, seconds } = this.plant.countBatch;
    if (row.good + row.reject >= units || row.last_time - row.first_time >= seconds * 1000) this.closeBatch(store, sql, ws, row, outcome);
  }

  /**
   * Writes the pending batch as one event and empties it: `quantity.reported` on the operation
   * (its rules checked again, so a batch the operation can no longer take is refused, not lost),
   * `quantity.unassigned`, or `quantity.refused` naming the rule. Refused counts are recorded,
   * not retried.
   */
  private closeBatch(store: MesStore, sql: Statements, ws: Workstation, row: CounterRow, outcome: CountOutcome): void {
    const from = iso(row.first_time as number);
    const to = iso(row.last_time as number);
    const origin: EventOrigin = { eventTime: to, machine: ws.id };
    const span = { from, to, signals: row.signals };
    let refusal: FieldError | null = row.refusal_rule === null ? null
      : { field: row.refusal_field ?? '', rule: row.refusal_rule, message: row.refusal_message ?? '' };
    const ref = row.order_id !== null && row.operation_key !== null ? { order_id: row.order_id, operation_key: row.operation_key } : undefined;
    if (row.batch === 'reported') {
      const op = ref ? sql.operation.get(ref.order_id, ref.operation_key) as OperationRow | undefined : undefined;
      refusal = op ? this.quantityRefusal(sql, op, row.good, row.reject, from)
        : { field: 'operationKey', rule: 'unknownOperation', message: `order ${row.order_id} has no operation '${row.operation_key}'` };
      if (op && !refusal) {
        const booked = this.bookQuantities(store, sql, op, origin, ws.id,
          { good: row.good, scrap: row.reject, rework: 0, scrapReason: row.reject > 0 ? ws.machineScrapReason : undefined }, { source: 'machine' }, span);
        outcome.events.push(booked.event);
        outcome.workstations.push(...booked.workstations.filter((w) => !outcome.workstations.includes(w)));
      }
    }
    if (row.batch === 'unassigned') {
      outcome.events.push(this.event(store, 'quantity.unassigned', origin, undefined, ws.id, { source: 'machine', good: row.good, reject: row.reject, ...span }));
    } else if (refusal) {
      outcome.events.push(this.event(store, 'quantity.refused', origin, ref, ws.id, {
        source: 'machine', rule: refusal.rule, field: refusal.field, message: refusal.message, good: row.good, reject: row.reject, ...span,
      }));
    }
    Object.assign(row, NO_BATCH);
  }

  /** A command at a workstation with a pending batch closes it first (`execute`); a hold closes the batch where the operation runs. */
  private closeCountsBefore(store: MesStore, sql: Statements, command: Command): CountOutcome | undefined {
    if (!this.counting) return undefined;
    const workstation = command.type === 'hold'
      ? (sql.operation.get(command.orderId, command.operationKey) as OperationRow | undefined)?.workstation
      : 'workstation' in command ? command.workstation : undefined;
    const ws = workstation ? this.plant.workstations.get(workstation) : undefined;
    const row = ws ? sql.counter.get(ws.id) as CounterRow | undefined : undefined;
    if (!ws || !row || row.batch === null) return undefined;
    const outcome: CountOutcome = { disposition: 'none', events: [], workstations: [] };
    this.closeBatch(store, sql, ws, row, outcome);
    sql.saveCounter.run(row);
    return outcome;
  }

  /** Whether a batch of this plant's workstations has been open `countBatch.seconds` by the wall clock. Read-only: an idle timer writes nothing. */
  hasQuietCounts(store: MesStore, wallMs: number): boolean {
    return this.sql(store).anyQuietCounter.get(wallMs - this.plant.countBatch.seconds * 1000, this.workstationList) !== undefined;
  }

  /** Closes the batches of a quiet machine: open `countBatch.seconds` by the wall clock. Inside `transact`. */
  closeQuietCounts(store: MesStore, wallMs: number): CountOutcome {
    const sql = this.sql(store);
    const outcome: CountOutcome = { disposition: 'none', events: [], workstations: [] };
    for (const row of sql.quietCounters.all(wallMs - this.plant.countBatch.seconds * 1000, this.workstationList) as CounterRow[]) {
      this.closeBatch(store, sql, this.plant.workstations.get(row.workstation) as Workstation, row, outcome);
      sql.saveCounter.run(row);
    }
    return outcome;
  }

  /** What a workstation's screen shows: who is signed on, what runs there, and its queue. Read-only. */
  snapshot(store: MesStore, workstation: string): WorkstationSnapshot | undefined {
    const ws = this.plant.workstations.get(workstation);
    if (!ws) return undefined;
    const sql = this.sql(store);
    const current = (sql.active.all(workstation) as OperationRow[]).map((op): CurrentOperation => {
      const spec = this.spec(store, op);
      const previous = this.previousOf(sql, op);
      return {
        orderId: op.order_id, operationKey: op.operation_key, state: op.state, material: op.material,
        description: spec?.description ?? '', plannedQuantity: op.planned_quantity, unit: op.unit,
        inputQuantity: inputQuantity(op, previous), goodQuantity: op.good_quantity, scrapQuantity: op.scrap_quantity,
        reworkQuantity: op.rework_quantity, progress: op.planned_quantity > 0 ? op.good_quantity / op.planned_quantity : 0,
        startedAt: op.started_at, pauseReason: op.state === 'paused' ? op.pause_reason : op.state === 'held' ? op.hold_reason : null,
        workInstructions: spec?.workInstructions ?? [], dueChecks: this.dueChecks(sql, op, spec, true),
      };
    });
    const queue = this.queueOf(store, sql, workstation).map((op, i): QueueEntry => {
      const spec = this.spec(store, op);
      const previous = this.previousOf(sql, op);
      return {
        position: i + 1, orderId: op.order_id, operationKey: op.operation_key, state: op.state, priority: op.priority,
        dueDate: op.scheduled_end, material: op.material, description: spec?.description ?? '', workCenter: op.work_center,
        plannedQuantity: op.planned_quantity, unit: op.unit,
        ready: !previous || previous.good_quantity > 0 || spec?.overlapAllowed === true,
        holdReason: op.hold_reason,
      };
    });
    const operators = (sql.operatorsOf.all(workstation) as { operator: string }[]).map((r) => r.operator);
    const days = this.options.qualificationNoticeDays ?? DEFAULT_NOTICE_DAYS;
    const at = store.nowIso();
    const expiring = operators.flatMap((operator) => expiringQualifications(store, at, days, operator))
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    return {
      workstation, name: ws.name, site: ws.site, area: ws.area, line: ws.line, workCenters: ws.workCenters, operators,
      expiringQualifications: expiring, current, queue,
    };
  }
}
