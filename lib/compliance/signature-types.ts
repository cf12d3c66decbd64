/**
 * The contract of electronic signatures (21 CFR Part 11), shared by the parts that need one:
 * dispatch (hold release, nonconformance disposition, qualification override), order intake
 * (force-cancel), the ERP outbox (discarding a quarantined actual) and SPC (changing control
 * limits). lib/compliance/signatures.ts implements it.
 *
 * Signing has two steps because a password check (bcrypt) is slow and asynchronous while a store
 * transaction is synchronous: `verify` checks the two components (user id and password) before
 * the transaction; `bind` appends the signature event in the transaction, right after the event
 * it signs, sealed to that event's content so that it cannot be copied onto another record.
 */
import type { MesStore, StoredEvent } from '../store';

export const SIGNATURE_MEANINGS = ['performed', 'reviewed', 'approved'] as const;
export type SignatureMeaning = typeof SIGNATURE_MEANINGS[number];

/** The actions a plant may configure to need a signature. */
export const SIGNED_ACTIONS = ['hold.release', 'nonconformance.dispose', 'order.force-cancel', 'actual.discard', 'spc.limits.change', 'qualification.override'] as const;
export type SignedAction = typeof SIGNED_ACTIONS[number];

/** What a command that needs a signature carries in its `signature` field. */
export interface SignatureInput {
  userId: string;
  password: string;
  meaning: SignatureMeaning;
}

/** A signer whose password was checked just now; only `verify` makes one. */
export interface VerifiedSigner {
  readonly userId: string;
  readonly printedName: string;
  readonly roles: readonly string[];
  readonly meaning: SignatureMeaning;
  readonly verifiedAt: string;
}

/** The payload of a `signature.recorded` event. */
export interface SignatureRecord {
  action: SignedAction;
  userId: string;
  printedName: string;
  meaning: SignatureMeaning;
  signedAt: string;
  /** The event signed: its seq and id in the same log. */
  signedSeq: number;
  signedEventId: string;
  /** sha256 of the signed event's canonical content (id, type, order, operation, workstation, actor, time, payload). */
  contentHash: string;
  /** HMAC over contentHash, signer, meaning and time with the store's signature key. */
  seal: string;
}

export interface Signatures {
  /** Whether the plant's configuration makes this action need a signature. */
  required(action: SignedAction): boolean;
  /**
   * Checks user id and password (failed attempts are limited and logged). Throws a ValidationError
   * naming `signature.userId` / `signature.password` / `signature.meaning` and the rule broken.
   * `performer`: who performed the action, for the two-person rule where configured.
   */
  verify(store: MesStore, action: SignedAction, input: unknown, performer?: string): Promise<VerifiedSigner>;
  /** Inside the transaction that appended `signed`: appends its `signature.recorded` event. */
  bind(store: MesStore, action: SignedAction, signer: VerifiedSigner, signed: StoredEvent): StoredEvent;
}
