/**
 * The ERP's own words from an error answer, for people looking at a quarantined actual:
 * OData (SAP Gateway) `{ error: { code, message: { value } | "…" } }` and Frappe (ERPNext)
 * `{ exc_type, exception, _server_messages }`. Undefined when the answer is in neither shape.
 */
export function erpErrorMessage(answer: string | null | undefined): string | undefined {
  if (!answer) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const { error, exc_type: excType, exception, _server_messages: serverMessages } = body as Record<string, unknown>;
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : (message as { value?: unknown } | undefined)?.value;
    if (typeof text === 'string') return typeof code === 'string' && code ? `${code}: ${text}` : text;
  }
  const messages = frappeMessages(serverMessages);
  if (messages.length > 0) return typeof excType === 'string' ? `${excType}: ${messages.join(' ')}` : messages.join(' ');
  return typeof exception === 'string' ? exception : undefined;
}

/** `_server_messages` is a JSON list of JSON objects with the message in `message` (HTML stripped here). */
function frappeMessages(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    return (JSON.parse(value) as unknown[]).map((m) => {
      const parsed = typeof m === 'string' ? JSON.parse(m) as { message?: unknown } : m as { message?: unknown };
      return typeof parsed?.message === 'string' ? parsed.message.replace(/<[^>]*>/g, '') : '';
    }).filter(Boolean);
  } catch {
    return [];
  }
}
