/**
 * Electronic signatures (21 CFR Part 11, issue #18): the implementation of signature-types.ts.
 * `verify` checks the two components (user id and password, entered again at signing), the
 * meaning, the signer's role and the two-person rule; a failure is logged as `signature.failed`
 * and counted, and too many lock the account out. `bind` appends `signature.recorded` right after
 * the signed event, sealed with the store's signature key over a hash of that event's content;
 * `checkSignature` proves it. docs/compliance.md "Electronic signatures".
 */
import bcrypt from 'bcryptjs';
import { createHash, createHmac } from 'node:crypto';
import type { MesStore, StoredEvent } from '../store';
import { ValidationError, type FieldError } from '../util/errors';
import {
  SIGNATURE_MEANINGS, SIGNED_ACTIONS, type SignatureMeaning, type SignatureRecord, type Signatures, type SignedAction, type VerifiedSigner,
} from './signature-types';

/** The role each signed action needs: all of them are supervisor actions. */
export const SIGNER_ROLE: Record<SignedAction, string> = {
  'hold.release': 'supervisor',
  'nonconformance.dispose': 'supervisor',
  'order.force-cancel': 'supervisor',
  'actual.discard': 'supervisor',
  'spc.limits.change': 'supervisor',
  'qualification.override': 'supervisor',
};

export const DEFAULT_MAX_FAILURES = 5;
export const DEFAULT_LOCKOUT_MINUTES = 15;
/** bcrypt cost of the hashes this module makes; tests lower it. */
export const DEFAULT_BCRYPT_ROUNDS = 12;

export interface SigningAccount {
  userId: string;
  printedName: string;
  roles: string[];
}

/** Where the accounts come from: the MES store, or a fixed list (the Node-RED admin users). */
export interface AccountSource {
  readonly kind: 'store' | 'adminAuth';
  find(store: MesStore, userId: string): (SigningAccount & { passwordHash: string }) | null;
}

export const storeAccounts: AccountSource = {
  kind: 'store',
  find(store, userId) {
    const row = store.statement('SELECT user_id, printed_name, roles, password_hash FROM signature_accounts WHERE user_id = ?').get(userId) as
      { user_id: string; printed_name: string; roles: string; password_hash: string } | undefined;
    return row ? { userId: row.user_id, printedName: row.printed_name, roles: JSON.parse(row.roles) as string[], passwordHash: row.password_hash } : null;
  },
};

/** A Node-RED `adminAuth` user: bcrypt hash in `password`, `permissions` '*' or 'read' (or a list). */
export interface AdminUser {
  username: string;
  password: string;
  permissions?: string | string[];
}

/**
 * The Node-RED admin users as signing accounts: the printed name is the user name; a user with
 * full permissions ('*') signs as supervisor, any other user as operator.
 */
export function adminAuthAccounts(users: readonly AdminUser[]): AccountSource {
  const byName = new Map(users.map((u) => [u.username, u]));
  return {
    kind: 'adminAuth',
    find(_store, userId) {
      const user = byName.get(userId);
      if (!user) return null;
      const permissions = Array.isArray(user.permissions) ? user.permissions : [user.permissions ?? ''];
      return { userId, printedName: userId, roles: permissions.includes('*') ? ['supervisor', 'operator'] : ['operator'], passwordHash: user.password };
    },
  };
}

export interface SignatureOptions {
  /** The actions that need a signature. */
  actions: readonly SignedAction[];
  /** The actions whose signer must be another person than the one who performed them. */
  twoPerson?: readonly SignedAction[];
  /** Failed attempts in a row that lock an account out. */
  maxFailures?: number;
  lockoutMinutes?: number;
  accounts?: AccountSource;
  /** Wall clock of the lock-out; tests replace it. */
  now?: () => Date;
}

const fail = (field: string, rule: string, message: string) => new ValidationError([{ field, rule, message }], 'signature');

/** A hash compared when the user id is unknown, so that an unknown user costs the time of a wrong password. */
const UNKNOWN_USER_HASH = bcrypt.hashSync('unknown user', 10);

/** Shape of a signature input: each broken rule by field, or none. */
function shapeErrors(input: unknown): FieldError[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return [{ field: 'signature', rule: 'required', message: 'a signature {userId, password, meaning} is required for this action' }];
  }
  const s = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof s.userId !== 'string' || s.userId.trim() === '' || s.userId.length > 100) {
    errors.push({ field: 'signature.userId', rule: 'required', message: 'the signer\'s user id (1 to 100 characters) is required' });
  }
  if (typeof s.password !== 'string' || s.password === '' || s.password.length > 200) {
    errors.push({ field: 'signature.password', rule: 'required', message: 'the signer\'s password must be entered again at signing' });
  }
  if (!(SIGNATURE_MEANINGS as readonly unknown[]).includes(s.meaning)) {
    errors.push({ field: 'signature.meaning', rule: 'enum', message: `meaning must be one of ${SIGNATURE_MEANINGS.join(', ')}` });
  }
  for (const key of Object.keys(s)) {
    if (!['userId', 'password', 'meaning'].includes(key)) errors.push({ field: `signature.${key}`, rule: 'additionalProperties', message: 'unknown field of a signature' });
  }
  return errors;
}

function signatureKey(store: MesStore): Buffer {
  const row = store.statement('SELECT key FROM signature_key WHERE id = 1').get() as { key: string } | undefined;
  if (!row) throw new Error('the store has no signature key: the signatures schema component is missing');
  return Buffer.from(row.key, 'base64');
}

/** JSON with object keys sorted, so that the same content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 of an event's canonical content: everything but its seq and recorded time. */
export function contentHashOf(event: StoredEvent): string {
  const content = {
    eventId: event.eventId, type: event.type, orderId: event.orderId, operationKey: event.operationKey,
    workstation: event.workstation, actor: event.actor, eventTime: event.eventTime, payload: event.payload,
  };
  return createHash('sha256').update(canonical(content)).digest('hex');
}

function sealOf(key: Buffer, r: Omit<SignatureRecord, 'seal'>): string {
  const sealed = [r.action, r.userId, r.printedName, r.meaning, r.signedAt, r.signedSeq, r.signedEventId, r.contentHash];
  return createHmac('sha256', key).update(canonical(sealed)).digest('hex');
}

interface AttemptRow { failures: number; locked_until: string | null }

export class SignatureService implements Signatures {
  readonly actions: ReadonlySet<SignedAction>;
  readonly twoPerson: ReadonlySet<SignedAction>;
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
  readonly accounts: AccountSource;
  private readonly now: () => Date;

  constructor(options: SignatureOptions) {
    for (const action of [...options.actions, ...(options.twoPerson ?? [])]) {
      if (!(SIGNED_ACTIONS as readonly string[]).includes(action)) throw new Error(`signatures: unknown action '${String(action)}' (one of ${SIGNED_ACTIONS.join(', ')})`);
    }
    this.actions = new Set(options.actions);
    this.twoPerson = new Set(options.twoPerson ?? []);
    this.maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
    this.lockoutMinutes = options.lockoutMinutes ?? DEFAULT_LOCKOUT_MINUTES;
    if (!Number.isInteger(this.maxFailures) || this.maxFailures < 1) throw new Error('signatures: maxFailures must be a whole number of at least 1');
    if (!(this.lockoutMinutes > 0)) throw new Error('signatures: lockoutMinutes must be more than 0');
    this.accounts = options.accounts ?? storeAccounts;
    this.now = options.now ?? (() => new Date());
  }

  required(action: SignedAction): boolean {
    return this.actions.has(action);
  }

  async verify(store: MesStore, action: SignedAction, input: unknown, performer?: string): Promise<VerifiedSigner> {
    const errors = shapeErrors(input);
    if (errors.length > 0) throw new ValidationError(errors, 'signature');
    const { userId, password, meaning } = input as { userId: string; password: string; meaning: SignatureMeaning };
    const lockedUntil = this.lockedUntil(store, userId);
    if (lockedUntil) {
      // An attempt on a locked account is logged too (§11.300(d)); it does not extend the lock-out.
      await store.transact((s) => s.appendEvent({
        type: 'signature.failed', eventTime: this.now().toISOString(), actor: userId,
        payload: { action, userId, rule: 'lockedOut', failures: this.maxFailures, maxFailures: this.maxFailures, lockedUntil },
      }));
      throw fail('signature.userId', 'lockedOut', `'${userId}' is locked out after ${this.maxFailures} failed signing attempts, until ${lockedUntil}; a supervisor or administrator may set a new password`);
    }
    const account = this.accounts.find(store, userId);
    const matches = await bcrypt.compare(password, account?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!account || !matches) {
      const rule = account ? 'wrongPassword' : 'unknownUser';
      await this.recordFailure(store, action, userId, rule);
      throw account
        ? fail('signature.password', rule, 'the password does not match the user id')
        : fail('signature.userId', rule, `no signing account '${userId}'`);
    }
    const role = SIGNER_ROLE[action];
    if (!account.roles.includes(role)) {
      throw fail('signature.userId', 'signerRole', `${action} must be signed by a user with the ${role} role; '${userId}' has ${account.roles.join(', ') || 'none'}`);
    }
    if (this.twoPerson.has(action) && performer !== undefined && performer === userId) {
      throw fail('signature.userId', 'twoPersonRule', `${action} needs a second person: the signer must not be '${performer}', who performed it`);
    }
    await this.clearFailures(store, userId);
    return Object.freeze({ userId, printedName: account.printedName, roles: Object.freeze([...account.roles]), meaning, verifiedAt: this.now().toISOString() });
  }

  bind(store: MesStore, action: SignedAction, signer: VerifiedSigner, signed: StoredEvent): StoredEvent {
    const unsealed: Omit<SignatureRecord, 'seal'> = {
      action, userId: signer.userId, printedName: signer.printedName, meaning: signer.meaning, signedAt: signer.verifiedAt,
      signedSeq: signed.seq, signedEventId: signed.eventId, contentHash: contentHashOf(signed),
    };
    const payload: SignatureRecord = { ...unsealed, seal: sealOf(signatureKey(store), unsealed) };
    return store.appendEvent({
      type: 'signature.recorded', eventTime: signed.eventTime, orderId: signed.orderId, operationKey: signed.operationKey,
      workstation: signed.workstation, actor: signer.userId, payload,
    });
  }

  private lockedUntil(store: MesStore, userId: string): string | null {
    const row = store.statement('SELECT failures, locked_until FROM signature_attempts WHERE user_id = ?').get(userId) as AttemptRow | undefined;
    return row?.locked_until && row.locked_until > this.now().toISOString() ? row.locked_until : null;
  }

  private async recordFailure(store: MesStore, action: SignedAction, userId: string, rule: string): Promise<void> {
    const at = this.now();
    await store.transact((s) => {
      const row = s.statement('SELECT failures, locked_until FROM signature_attempts WHERE user_id = ?').get(userId) as AttemptRow | undefined;
      // A lock-out that has run out starts a new count.
      const failures = (row && !row.locked_until ? row.failures : 0) + 1;
      const lockedUntil = failures >= this.maxFailures ? new Date(at.getTime() + this.lockoutMinutes * 60_000).toISOString() : null;
      s.statement(`INSERT INTO signature_attempts (user_id, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`)
        .run(userId, failures, at.toISOString(), lockedUntil);
      s.appendEvent({ type: 'signature.failed', eventTime: at.toISOString(), actor: userId, payload: { action, userId, rule, failures, maxFailures: this.maxFailures, lockedUntil } });
    });
  }

  private async clearFailures(store: MesStore, userId: string): Promise<void> {
    if (!store.statement('SELECT 1 FROM signature_attempts WHERE user_id = ?').get(userId)) return;
    await store.transact((s) => s.statement('DELETE FROM signature_attempts WHERE user_id = ?').run(userId));
  }
}

export function createSignatures(options: SignatureOptions): SignatureService {
  return new SignatureService(options);
}

export type SignatureCheck = { valid: true; record: SignatureRecord } | { valid: false; reason: string };

/**
 * Whether the `signature.recorded` at `seq` is bound to the event it names: that event exists at
 * its seq with its id, its content still hashes to `contentHash`, and the seal is the store key's
 * HMAC of all of it. A signature copied onto another record fails one of them.
 */
export function checkSignature(store: MesStore, seq: number): SignatureCheck {
  const [event] = store.readEvents(seq - 1, 1);
  if (!event || event.seq !== seq || event.type !== 'signature.recorded') return { valid: false, reason: `no signature.recorded at seq ${seq}` };
  const record = event.payload as SignatureRecord;
  const [signed] = store.readEvents(record.signedSeq - 1, 1);
  if (!signed || signed.seq !== record.signedSeq || signed.seq >= seq) return { valid: false, reason: `the signed event ${record.signedSeq} is not in the log before the signature` };
  if (signed.eventId !== record.signedEventId) return { valid: false, reason: 'the signed event id does not match the event at signedSeq' };
  if (contentHashOf(signed) !== record.contentHash) return { valid: false, reason: 'the signed event\'s content does not match contentHash' };
  const { seal, ...unsealed } = record;
  if (sealOf(signatureKey(store), unsealed) !== seal) return { valid: false, reason: 'the seal does not match: the signature was not made by this store for this event' };
  if (event.actor !== record.userId) return { valid: false, reason: 'the signature event\'s actor is not the signer' };
  return { valid: true, record };
}

export interface NewAccount extends SigningAccount {
  password: string;
}

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

function accountErrors(a: Partial<NewAccount>): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof a.userId !== 'string' || !ACCOUNT_ID.test(a.userId)) errors.push({ field: 'userId', rule: 'pattern', message: 'a user id is 1 to 100 letters, digits, . _ @ -' });
  if (typeof a.printedName !== 'string' || a.printedName.trim() === '' || a.printedName.length > 200) errors.push({ field: 'printedName', rule: 'required', message: 'the printed name shown on signatures is required' });
  if (!Array.isArray(a.roles) || a.roles.length === 0 || a.roles.some((r) => typeof r !== 'string' || !/^[a-z][a-z-]{0,31}$/.test(r))) {
    errors.push({ field: 'roles', rule: 'required', message: 'at least one role (e.g. supervisor, operator)' });
  }
  return errors;
}

function passwordErrors(password: unknown): FieldError[] {
  return typeof password === 'string' && password.length >= 8 && password.length <= 200
    ? [] : [{ field: 'password', rule: 'minLength', message: 'a signing password has 8 to 200 characters' }];
}

/** Adds a signing account to the store; the password is kept only as its bcrypt hash. */
export async function addAccount(store: MesStore, account: NewAccount, rounds = DEFAULT_BCRYPT_ROUNDS): Promise<SigningAccount> {
  const errors = [...accountErrors(account), ...passwordErrors(account.password)];
  if (errors.length > 0) throw new ValidationError(errors, 'account');
  const hash = await bcrypt.hash(account.password, rounds);
  const { userId, printedName, roles } = account;
  await store.transact((s) => {
    if (s.statement('SELECT 1 FROM signature_accounts WHERE user_id = ?').get(userId)) {
      throw new ValidationError([{ field: 'userId', rule: 'unique', message: `a signing account '${userId}' exists already` }], 'account');
    }
    const at = s.nowIso();
    s.statement('INSERT INTO signature_accounts (user_id, printed_name, roles, password_hash, created_at, password_set_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(userId, printedName, JSON.stringify(roles), hash, at, at);
    s.appendEvent({ type: 'signature.account.added', actor: userId, payload: { userId, printedName, roles } });
  });
  return { userId, printedName, roles };
}

/** Sets a new password of an account and lifts its lock-out. */
export async function setPassword(store: MesStore, userId: string, password: string, rounds = DEFAULT_BCRYPT_ROUNDS): Promise<void> {
  const errors = passwordErrors(password);
  if (errors.length > 0) throw new ValidationError(errors, 'account');
  const hash = await bcrypt.hash(password, rounds);
  await store.transact((s) => {
    const changed = s.statement('UPDATE signature_accounts SET password_hash = ?, password_set_at = ? WHERE user_id = ?').run(hash, s.nowIso(), userId);
    if (changed.changes === 0) throw new ValidationError([{ field: 'userId', rule: 'unknownUser', message: `no signing account '${userId}'` }], 'account');
    s.statement('DELETE FROM signature_attempts WHERE user_id = ?').run(userId);
    s.appendEvent({ type: 'signature.password.set', actor: userId, payload: { userId } });
  });
}

export function listAccounts(store: MesStore): Array<SigningAccount & { createdAt: string; passwordSetAt: string; lockedUntil: string | null }> {
  const rows = store.statement(`SELECT a.user_id, a.printed_name, a.roles, a.created_at, a.password_set_at, t.locked_until
    FROM signature_accounts a LEFT JOIN signature_attempts t ON t.user_id = a.user_id ORDER BY a.user_id`).all() as
    Array<{ user_id: string; printed_name: string; roles: string; created_at: string; password_set_at: string; locked_until: string | null }>;
  return rows.map((r) => ({ userId: r.user_id, printedName: r.printed_name, roles: JSON.parse(r.roles) as string[], createdAt: r.created_at, passwordSetAt: r.password_set_at, lockedUntil: r.locked_until }));
}
