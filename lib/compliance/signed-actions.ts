/**
 * What every action that may be signed does with the Signatures contract, in one place: before
 * the transaction a signature sent is verified, or refused where no service is configured (never
 * dropped); in the transaction the signed event carries who signed and what it means, and its
 * `signature.recorded` follows right after it. Used by order intake (order.force-cancel) and the
 * ERP outbox (actual.discard).
 */
import type { EventInput, MesStore, StoredEvent } from '../store';
import { ConflictError, ValidationError } from '../util/errors';
import { SIGNATURE_MEANINGS, type SignedAction, type Signatures, type VerifiedSigner } from './signature-types';

/** The JSON Schema of a command's `signature` field; the password is write-only (never answered). */
export const SIGNATURE_INPUT_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'password', 'meaning'],
  description: 'An electronic signature: the signer enters user id and password again (21 CFR 11.200).',
  properties: {
    userId: { type: 'string', minLength: 1, maxLength: 100 },
    password: { type: 'string', minLength: 1, maxLength: 200, writeOnly: true },
    meaning: { enum: [...SIGNATURE_MEANINGS] },
  },
};

/** A signature verified for one action, with the service that binds it. */
export interface Signing {
  readonly action: SignedAction;
  readonly signatures: Signatures;
  readonly signer: VerifiedSigner;
}

/**
 * Before the transaction: the signature sent with an action, verified (user id, password,
 * meaning, role, and the two-person rule against `performer`); undefined when none was sent.
 * A signature sent where no service is configured is refused (`signaturesUnavailable`).
 * Whether one was needed is `requireSigning`'s to say, once the action knows.
 */
export async function verifySent(
  store: MesStore, signatures: Signatures | undefined, action: SignedAction, signature: unknown, performer: string | undefined, where: string,
): Promise<Signing | undefined> {
  if (signature === undefined) return undefined;
  if (!signatures) {
    throw new ConflictError([{ field: 'signature', rule: 'signaturesUnavailable', message: `this ${action} carries a signature, and ${where} has no signature service configured` }]);
  }
  return { action, signatures, signer: await signatures.verify(store, action, signature, performer) };
}

/**
 * Refuses an action that the plant requires a signature for (`signatures.required(action)`)
 * when it comes without a verified one. `what` says what is being done, for the message.
 */
export function requireSigning(signatures: Signatures | undefined, action: SignedAction, signing: Signing | undefined, what: string, subject: string): void {
  if (signing || !signatures?.required(action)) return;
  throw new ValidationError([{ field: 'signature', rule: 'required', message: `${what} needs a signature here (${action}): send signature {userId, password, meaning}` }], subject);
}

/**
 * Inside the transaction: appends the event, with `signedBy` (the printed name) and `meaning` in
 * its payload when it is signed, and then its `signature.recorded`. Returns the events appended.
 */
export function appendSigned(store: MesStore, input: EventInput & { payload: Record<string, unknown> }, signing: Signing | undefined): StoredEvent[] {
  if (!signing) return [store.appendEvent(input)];
  const { signer } = signing;
  const event = store.appendEvent({ ...input, payload: { ...input.payload, signedBy: signer.printedName, meaning: signer.meaning } });
  return [event, signing.signatures.bind(store, signing.action, signer, event)];
}

/** A signature with its password left out: what a message, a log or a fingerprint may keep. */
export function withoutPassword(signature: unknown): unknown {
  if (!signature || typeof signature !== 'object') return signature;
  return Object.fromEntries(Object.entries(signature).filter(([key]) => key !== 'password'));
}
