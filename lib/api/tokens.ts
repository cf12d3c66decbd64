import { bearerToken, secretsEqual } from '../util/auth';
import { bounded, ValidationError, type FieldError } from '../util/errors';
import { ForbiddenError, header, refused, type HttpRefusal } from '../util/http';
import type { Principal } from './handler';
import type { ApiRole } from './route';

/**
 * Role-bearing bearer tokens of the shop-floor API. Which role may do what (docs/api.md):
 * operator: operator commands and reads; integration: reads, the event feed, exports and operator
 * commands; supervisor: everything, including hold/release/resequence, downtime classification and
 * quarantine retry/discard. A route lists the roles it accepts (ApiRoute.roles).
 */
export interface ApiToken extends Principal {
  secret: string;
}

export const API_ROLES: readonly ApiRole[] = ['operator', 'supervisor', 'integration'];
const SUBJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="mes"' };

function isRole(value: string): value is ApiRole {
  return (API_ROLES as readonly string[]).includes(value);
}

/**
 * The tokens from the environment: MES_API_TOKEN (integration, subject `erp`, as the order API
 * uses it), MES_SUPERVISOR_TOKEN (supervisor), MES_OPERATOR_TOKEN (operator), and MES_API_TOKENS,
 * comma-separated `role:subject:secret` entries for more callers (a scanner, a terminal app).
 * A malformed entry is refused as a whole, naming the entry, never echoing a secret.
 */
export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): ApiToken[] {
  const tokens: ApiToken[] = [];
  const single: Array<[string, ApiRole, string]> = [
    ['MES_API_TOKEN', 'integration', 'erp'],
    ['MES_SUPERVISOR_TOKEN', 'supervisor', 'supervisor'],
    ['MES_OPERATOR_TOKEN', 'operator', 'operator'],
  ];
  for (const [name, role, subject] of single) {
    const secret = env[name]?.trim();
    if (secret) tokens.push({ role, subject, secret });
  }
  const errors: FieldError[] = [];
  (env.MES_API_TOKENS ?? '').split(',').map((s) => s.trim()).filter(Boolean).forEach((entry, index) => {
    const [role, subject, ...rest] = entry.split(':');
    const secret = rest.join(':');
    const field = `MES_API_TOKENS[${index}]`;
    if (!isRole(role)) errors.push({ field, rule: 'enum', message: `the role '${bounded(role, 40)}' is not one of ${API_ROLES.join(', ')}` });
    else if (!SUBJECT_PATTERN.test(subject ?? '')) errors.push({ field, rule: 'pattern', message: 'the subject must be 1-64 letters, digits or ._@- starting with a letter or digit' });
    else if (secret.length < 16) errors.push({ field, rule: 'minLength', message: 'the secret must have at least 16 characters (role:subject:secret)' });
    else tokens.push({ role, subject, secret });
  });
  if (errors.length > 0) throw new ValidationError(errors, 'API tokens');
  return tokens;
}

/** The principal of the request's bearer token, or the 401 (with a WWW-Authenticate challenge) to answer. */
export function authenticate(headers: Record<string, string | string[] | undefined>, tokens: readonly ApiToken[]): Principal | HttpRefusal {
  if (tokens.length === 0) {
    return refused(503, 'notConfigured', [{ field: 'Authorization', rule: 'apiTokenConfigured', message: 'the shop-floor API has no token configured (set MES_API_TOKEN, MES_OPERATOR_TOKEN, MES_SUPERVISOR_TOKEN or MES_API_TOKENS)' }]);
  }
  const presented = bearerToken(header({ headers }, 'authorization'));
  if (!presented) {
    return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: 'an Authorization: Bearer <token> header is required' }], undefined, CHALLENGE);
  }
  // Every token is compared, so the time taken does not tell which one (or whether one) matched.
  let match: ApiToken | undefined;
  for (const token of tokens) {
    if (secretsEqual(presented, token.secret) && !match) match = token;
  }
  if (match) return { role: match.role, subject: match.subject };
  return refused(401, 'unauthorized', [{ field: 'Authorization', rule: 'bearerToken', message: 'the bearer token is not valid' }], undefined, CHALLENGE);
}

/** Undefined when the principal's role may call a route open to `roles`, otherwise the 403. */
export function authorize(principal: Principal, roles: readonly ApiRole[], what: string): HttpRefusal | undefined {
  if (roles.length === 0 || roles.includes(principal.role)) return undefined;
  return refused(403, 'forbidden', [{ field: 'Authorization', rule: 'role', message: `${what} needs the role ${roles.join(' or ')}; the token of ${principal.subject} has the role ${principal.role}` }]);
}

export function authorizeOrThrow(principal: Principal, roles: readonly ApiRole[], what: string): void {
  const refusal = authorize(principal, roles, what);
  if (refusal) throw new ForbiddenError((refusal.response.body as { errors: FieldError[] }).errors);
}

/** The tokens and body limit of one running mes-api node, for the front door's checks made before a body is read. */
export interface TokenGate {
  tokens: readonly ApiToken[];
  maxBodyBytes: number;
}

const gates = new Set<TokenGate>();

/** Called by each mes-api node on start; the returned function removes it again (on close). */
export function registerTokenGate(gate: TokenGate): () => void {
  gates.add(gate);
  return () => { gates.delete(gate); };
}

/** The body limit of the first running mes-api node that accepts the request's token, or undefined. */
export function acceptedBodyLimit(headers: Record<string, string | string[] | undefined>, registered: Iterable<TokenGate> = gates): number | undefined {
  for (const gate of registered) {
    if (gate.tokens.length > 0 && !('response' in authenticate(headers, gate.tokens))) return gate.maxBodyBytes;
  }
  return undefined;
}
