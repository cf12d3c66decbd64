/** What a response from the ERP (or its absence) means for the message that was sent. */
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: 'unreachable' | 'throttled' | 'failed' | 'csrf'; retryAfterMs?: number }
  | { kind: 'quarantine' };

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60 * 1000 };

/** Retry-After is honoured up to a day; a longer answer is more likely a bug than a plan. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** `Retry-After: 120` or `Retry-After: Wed, 25 Nov 2026 10:00:00 GMT` → milliseconds from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * 2xx acknowledges. 408, 429 and 5xx are the ERP saying "not now"; a status that is not a number
 * (ECONNREFUSED, ETIMEDOUT, … as Node-RED's http request node reports them) means it was not
 * reached: all retry. Any other status (4xx, an unfollowed 3xx) says the message itself is wrong:
 * sending it again cannot help, so it goes to quarantine with the ERP's answer.
 */
export function classify(statusCode: unknown, headers: Record<string, unknown> | undefined, nowMs: number): Outcome {
  const status = typeof statusCode === 'number' ? statusCode : /^\d{3}$/.test(String(statusCode ?? '')) ? Number(statusCode) : NaN;
  if (Number.isNaN(status)) return { kind: 'retry', reason: 'unreachable' };
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  // SAP Gateway: the CSRF token is missing or expired; the message is fine, fetch a token and resend.
  if (status === 403 && header(headers, 'x-csrf-token')?.toLowerCase() === 'required') return { kind: 'retry', reason: 'csrf' };
  if (status === 429 || status === 408 || status === 503) {
    return { kind: 'retry', reason: status === 429 ? 'throttled' : 'failed', retryAfterMs: parseRetryAfter(header(headers, 'retry-after'), nowMs) };
  }
  if (status >= 500) return { kind: 'retry', reason: status === 502 || status === 504 ? 'unreachable' : 'failed' };
  return { kind: 'quarantine' };
}

/** Exponential backoff with equal jitter: half the step is fixed, half random, so lanes that failed together spread out. */
export function retryDelay(attempts: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}
