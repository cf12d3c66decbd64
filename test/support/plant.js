// Shared by the plant application's tests.
const { adminUrl } = require('./runtime');

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

/** A context value (an object) of the running flows, read through the admin API. */
async function contextValue(runtime, scopePath, key) {
  const res = await fetch(`${adminUrl(runtime)}/context/${scopePath}/${key}`);
  if (res.status !== 200) return undefined;
  const body = await res.json();
  return body.format === 'Object' ? JSON.parse(body.msg) : undefined;
}
const flowContext = (runtime, tabId, key) => contextValue(runtime, `flow/${tabId}`, key);
const globalContext = (runtime, key) => contextValue(runtime, 'global', key);

/**
 * A simulator seed (MES_PLC_SIM_SEED) whose schedule stops `workstation` within `withinMs` of the
 * start for at least `minMs`: the schedule is a pure function of the seed, so a test of downtime
 * gets a real stop early instead of waiting for one.
 */
function seedWithEarlyStop(workstation, idealCycleSeconds, withinMs = 30000, minMs = 60000, afterMs = 0) {
  const { machineSegments, defaultScheduleOptions } = require('../../dist/dev/plant-sim/schedule');
  for (let seed = 1; seed < 10000; seed++) {
    for (const segment of machineSegments({ id: workstation, idealCycleSeconds }, 0, { ...defaultScheduleOptions, seed })) {
      if (segment.startMs > withinMs) break;
      if (segment.state !== 'running' && segment.durationMs >= minMs && segment.startMs >= afterMs) return seed;
    }
  }
  throw new Error(`no seed below 10000 stops ${workstation} early`);
}

module.exports = { ALWAYS_PLANNED, waitFor, flowContext, globalContext, seedWithEarlyStop };
