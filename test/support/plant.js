// Shared by the plant application's tests.

/** MES node types this build registers: tests of a part's wiring run once the part has landed. */
const registered = new Set(Object.keys(require('../../package.json')['node-red'].nodes));

/** An OEE calendar without breaks, so that OEE has planned time whenever a test runs. */
const ALWAYS_PLANNED = JSON.stringify({ timeZone: 'UTC', shifts: [{ name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00', breaks: [] }] });

/** Polls check() until it returns something truthy; a live line gives no event to await. */
async function waitFor(check, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A flow context value of the running flows, read through the admin API. */
async function flowContext(runtime, tabId, key) {
  const res = await fetch(`${runtime.url}/context/flow/${tabId}/${key}`);
  if (res.status !== 200) return undefined;
  const body = await res.json();
  return body.format === 'Object' ? JSON.parse(body.msg) : undefined;
}

module.exports = { registered, ALWAYS_PLANNED, waitFor, flowContext };
