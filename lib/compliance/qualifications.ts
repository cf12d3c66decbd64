/**
 * Operator qualifications (issue #18): the skills an operator holds, each with an expiry date,
 * granted, renewed and revoked by a supervisor; which skills an operation needs (its routing's
 * and its work center's); and which qualifications expire soon. Dispatch enforces them on
 * sign-on and start (lib/dispatch/engine.ts); docs/compliance.md "Operator qualifications".
 */
import type { ValidateFunction } from 'ajv';
import type { MesStore, StoredEvent } from '../store';
import { ConflictError, ValidationError } from '../util/errors';
import { createAjv, validateOrThrow } from '../util/json-schema';

export const QUALIFICATION_COMMANDS = ['qualification.grant', 'qualification.renew', 'qualification.revoke'] as const;
export type QualificationCommandType = typeof QUALIFICATION_COMMANDS[number];

/** How far ahead an expiry is shown when nothing else is configured. */
export const DEFAULT_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;

interface QualificationCommandBase {
  commandId: string;
  eventTime: string;
  supervisor: string;
  operator: string;
  skill: string;
}
export interface GrantCommand extends QualificationCommandBase { type: 'qualification.grant' | 'qualification.renew'; expiresAt: string }
export interface RevokeCommand extends QualificationCommandBase { type: 'qualification.revoke'; reason: string }
export type QualificationCommand = GrantCommand | RevokeCommand;

export interface Qualification {
  operator: string;
  skill: string;
  expiresAt: string;
  grantedBy: string;
  grantedAt: string;
}

/** A skill an operation needs and where the need comes from. */
export interface RequiredSkill {
  skill: string;
  source: 'routing' | 'workCenter';
}

/** A needed skill the operator does not hold at the time asked, or holds only until before it. */
export interface MissingSkill extends RequiredSkill {
  /** When the operator's qualification expired; null: never granted (or revoked). */
  expiredAt: string | null;
}

export interface ExpiringQualification extends Qualification {
  /** Whole days left from the time asked, rounded down. */
  daysLeft: number;
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });
const identifier = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' };
const base = {
  commandId: text(128),
  eventTime: { type: 'string', format: 'date-time' },
  supervisor: text(100),
  operator: text(100),
  skill: identifier,
};
const baseRequired = ['commandId', 'eventTime', 'supervisor', 'operator', 'skill'];
const shape = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', additionalProperties: false, properties, required });
const grantShape = shape({ ...base, expiresAt: { type: 'string', format: 'date-time' } }, [...baseRequired, 'expiresAt']);

const SCHEMAS: Record<QualificationCommandType, object> = {
  'qualification.grant': grantShape,
  'qualification.renew': grantShape,
  'qualification.revoke': shape({ ...base, reason: text(500) }, [...baseRequired, 'reason']),
};

let validators: Map<string, ValidateFunction> | undefined;

export function isQualificationCommand(type: unknown): type is QualificationCommandType {
  return typeof type === 'string' && (QUALIFICATION_COMMANDS as readonly string[]).includes(type);
}

/** The JSON Schema of each qualification command's payload (for parsers that list every command). */
export function qualificationCommandSchema(type: QualificationCommandType): object {
  return SCHEMAS[type];
}

/**
 * Checks a qualification command's payload; throws a ValidationError naming each field and rule.
 * An expiry must lie after the command's event time: a grant that is expired when made is a typo.
 */
export function parseQualificationCommand(type: QualificationCommandType, payload: unknown): QualificationCommand {
  const subject = `${type} command`;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ValidationError([{ field: 'payload', rule: 'type', message: `the ${type} command needs an object payload` }], subject);
  }
  if (!validators) {
    const ajv = createAjv();
    validators = new Map(Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));
  }
  const body = validateOrThrow<Omit<QualificationCommand, 'type'>>(validators.get(type) as ValidateFunction, payload, subject);
  const command = { ...body, type } as QualificationCommand;
  if (command.type !== 'qualification.revoke' && Date.parse(command.expiresAt) <= Date.parse(command.eventTime)) {
    throw new ValidationError([{ field: 'expiresAt', rule: 'afterEventTime', message: `${command.expiresAt} is not after the command's event time ${command.eventTime}` }], subject);
  }
  return command;
}

interface QualificationRow {
  operator: string;
  skill: string;
  expires_at: string;
  granted_by: string;
  granted_at: string;
}

const toQualification = (row: QualificationRow): Qualification => ({
  operator: row.operator, skill: row.skill, expiresAt: row.expires_at, grantedBy: row.granted_by, grantedAt: row.granted_at,
});

const utc = (instant: string) => new Date(instant).toISOString();

function held(store: MesStore, operator: string, skill: string): QualificationRow | undefined {
  return store.db.prepare('SELECT * FROM qualifications WHERE operator = ? AND skill = ?').get(operator, skill) as QualificationRow | undefined;
}

/**
 * Grants, renews or revokes one qualification with its event (`qualification.granted`, a renewal
 * included, or `qualification.revoked`), the supervisor as the actor. Inside `transact`. A grant
 * of a skill already held, and a renewal or revoke of one not held, are refused: nothing changes.
 */
export function applyQualificationCommand(store: MesStore, command: QualificationCommand): StoredEvent {
  const current = held(store, command.operator, command.skill);
  if (command.type !== 'qualification.grant' && !current) {
    const known = store.db.prepare('SELECT 1 FROM qualifications WHERE operator = ? LIMIT 1').get(command.operator) !== undefined;
    const [field, rule, message] = known
      ? ['skill', 'notGranted', `operator ${command.operator} holds no qualification '${command.skill}' to ${command.type === 'qualification.renew' ? 'renew' : 'revoke'}`]
      : ['operator', 'unknownOperator', `operator ${command.operator} holds no qualification at all; grant one first`];
    throw new ValidationError([{ field, rule, message }], `${command.type} command`);
  }
  const origin = { eventTime: command.eventTime, actor: command.supervisor };
  if (command.type === 'qualification.revoke') {
    store.db.prepare('DELETE FROM qualifications WHERE operator = ? AND skill = ?').run(command.operator, command.skill);
    return store.appendEvent({
      type: 'qualification.revoked', ...origin,
      payload: { commandId: command.commandId, operator: command.operator, skill: command.skill, reason: command.reason, expiresAt: current?.expires_at },
    });
  }
  if (command.type === 'qualification.grant' && current) {
    throw new ConflictError([{ field: 'skill', rule: 'alreadyGranted', message: `operator ${command.operator} already holds '${command.skill}' until ${current.expires_at}; renew it instead` }]);
  }
  const expiresAt = utc(command.expiresAt);
  const payload: Record<string, unknown> = { commandId: command.commandId, operator: command.operator, skill: command.skill, expiresAt };
  if (current) Object.assign(payload, { renewal: true, previousExpiresAt: current.expires_at });
  const event = store.appendEvent({ type: 'qualification.granted', ...origin, payload });
  store.db.prepare(`INSERT INTO qualifications (operator, skill, expires_at, granted_by, granted_at, event_seq) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (operator, skill) DO UPDATE SET expires_at = excluded.expires_at, granted_by = excluded.granted_by,
      granted_at = excluded.granted_at, event_seq = excluded.event_seq`)
    .run(command.operator, command.skill, expiresAt, command.supervisor, utc(command.eventTime), event.seq);
  return event;
}

/** The qualifications an operator holds (expired ones included), by skill. */
export function qualificationsOf(store: MesStore, operator: string): Qualification[] {
  return (store.db.prepare('SELECT * FROM qualifications WHERE operator = ? ORDER BY skill').all(operator) as QualificationRow[]).map(toQualification);
}

/**
 * The needed skills the operator does not hold at `at`: a qualification is valid while `at` is
 * before its expiry, so at the expiry instant itself it has expired.
 */
export function missingSkills(store: MesStore, operator: string, required: RequiredSkill[], at: string): MissingSkill[] {
  const now = Date.parse(at);
  const holds = new Map(qualificationsOf(store, operator).map((q) => [q.skill, q.expiresAt]));
  const missing: MissingSkill[] = [];
  for (const need of required) {
    const expiresAt = holds.get(need.skill);
    if (expiresAt !== undefined && now < Date.parse(expiresAt)) continue;
    missing.push({ ...need, expiredAt: expiresAt ?? null });
  }
  return missing;
}

/** `{field: 'operator', rule: 'qualified'}` naming each missing skill, where it is needed and its expiry. */
export function unqualifiedError(operator: string, missing: MissingSkill[], what: string): ConflictError {
  const skills = missing.map((m) => `'${m.skill}' (${m.source === 'routing' ? 'routing' : 'work center'}: ${m.expiredAt ? `expired ${m.expiredAt}` : 'not held'})`);
  return new ConflictError([{ field: 'operator', rule: 'qualified', message: `operator ${operator} is not qualified to ${what}: missing skill${skills.length > 1 ? 's' : ''} ${skills.join(', ')}` }]);
}

/**
 * The skills an operation needs: its routing's `requiredSkills` and its work center's, each once
 * (a routing skill that the work center also needs counts as the work center's).
 */
export function requiredSkillsOf(routingSkills: readonly string[] | undefined, workCenterSkills: readonly string[] | undefined): RequiredSkill[] {
  const fromCenter = [...new Set(workCenterSkills ?? [])];
  const fromRouting = [...new Set(routingSkills ?? [])].filter((s) => !fromCenter.includes(s));
  return [...fromCenter.map((skill) => ({ skill, source: 'workCenter' as const })), ...fromRouting.map((skill) => ({ skill, source: 'routing' as const }))];
}

/**
 * Qualifications that are still valid at `at` but expire within `days` days of it, soonest first;
 * of one operator, or of everyone.
 */
export function expiringQualifications(store: MesStore, at: string, days = DEFAULT_NOTICE_DAYS, operator?: string): ExpiringQualification[] {
  const from = Date.parse(at);
  const rows = store.db.prepare(`SELECT * FROM qualifications WHERE expires_at > ? AND expires_at <= ? AND (? IS NULL OR operator = ?)
    ORDER BY expires_at, operator, skill`).all(utc(at), new Date(from + days * DAY_MS).toISOString(), operator ?? null, operator ?? null) as QualificationRow[];
  return rows.map((row) => ({ ...toQualification(row), daysLeft: Math.floor((Date.parse(row.expires_at) - from) / DAY_MS) }));
}

/** The topic that asks mes-dispatch for the soon-expiring list; answered on its reply output. */
export const EXPIRING_QUERY_TOPIC = 'qualifications.expiring';

export interface ExpiringQuery {
  withinDays: number;
  operator?: string;
}

/** `{withinDays?, operator?}` of a request for the soon-expiring list; a ValidationError names the field and rule. */
export function parseExpiringQuery(payload: unknown, defaultDays = DEFAULT_NOTICE_DAYS): ExpiringQuery {
  const body = (payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}) as Record<string, unknown>;
  const subject = 'qualifications.expiring request';
  const days = body.withinDays ?? defaultDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
    throw new ValidationError([{ field: 'withinDays', rule: 'dayCount', message: `must be a whole number of days from 1 to 3650, not ${JSON.stringify(days)}` }], subject);
  }
  if (body.operator !== undefined && (typeof body.operator !== 'string' || body.operator.trim() === '')) {
    throw new ValidationError([{ field: 'operator', rule: 'type', message: 'must be an operator id' }], subject);
  }
  return { withinDays: days, operator: body.operator as string | undefined };
}
