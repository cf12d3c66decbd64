// A plant PLC restarts (power cycle, firmware update): the shipped flows' OPC UA client must find
// it again on the same endpoint and resubscribe, so that the OEE node gets the line's signals
// without anyone touching the MES. The simulated PLC runs as its own process (npm run plc-sim),
// which the test kills -9 and starts again; Node-RED runs with MES_PLC_SIM=off against it.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime, freePort, repoRoot } = require('../support/runtime');
const { ALWAYS_PLANNED, waitFor, flowContext, seedWithEarlyStop } = require('../support/plant');

/** `npm run plc-sim` as a child process; resolves once its OPC UA server listens. */
async function startPlc(env) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'plc-sim.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`the simulated PLC exited: ${output}`);
    return /serving OPC UA/.test(output);
  }, 'the simulated PLC to listen');
  return {
    /** SIGKILL: the PLC loses power, its connections die without a goodbye; SIGINT: it shuts down in order. */
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

describe('plant application: the PLC restarts under a running MES', function () {
  this.timeout(180000);
  let runtime;
  let plc;
  let plcEnv;
  let oeeBeforeRestart;
  let oeeBeforeAt;

  before(async () => {
    plcEnv = {
      MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
      MES_USER_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mes-plc-')),
      MES_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
      // WS-10 stops within 15 s of each (re)start: its state changes soon after the restart
      MES_PLC_SIM_SEED: String(seedWithEarlyStop('WS-10', 4, 15000, 5000)),
    };
    plc = await startPlc(plcEnv);
    runtime = await startRuntime({
      env: {
        MES_PLC_SIM: 'off',
        MES_OPCUA_ENDPOINT: plcEnv.MES_OPCUA_ENDPOINT,
        MES_OEE_CALENDAR: ALWAYS_PLANNED,
      },
    });
  });
  after(async () => {
    if (runtime) await runtime.stop();
    if (plc) await plc.stop();
  });

  const machines = () => flowContext(runtime, 'plant-tab-machine-state', 'machines');
  const oeeRows = () => flowContext(runtime, 'plant-tab-oee', 'oeeRows');

  /** Stops the PLC, starts it again on the same endpoint, and waits for its signals in the MES. */
  async function restartPlc(signal) {
    await plc.stop(signal);
    const startedAt = Date.now();
    plc = await startPlc(plcEnv);
    // The restarted PLC counts from 0 again and stamps its changes with its own (later) time.
    const after = await waitFor(async () => {
      const m = await machines();
      return m && ['WS-10', 'WS-20', 'WS-30'].every((ws) => m[ws] && Date.parse(m[ws].updated) > startedAt && m[ws].goodCount > 0) && m;
    }, `counter changes from every workstation of the PLC restarted after ${signal}`, 90000);
    for (const ws of ['WS-10', 'WS-20', 'WS-30']) assert.equal(after[ws].source, 'opcua');
  }

  it('reads the line again after the PLC loses power and comes back on the same endpoint', async () => {
    await waitFor(async () => {
      const m = await machines();
      return m && ['WS-10', 'WS-20', 'WS-30'].every((ws) => m[ws] && m[ws].goodCount > 0);
    }, 'good counts from every workstation before the restart', 60000);
    oeeBeforeRestart = await waitFor(async () => {
      const rows = await oeeRows();
      return rows && ['WS-10', 'WS-20', 'WS-30'].every((ws) => rows[ws] && rows[ws].good > 0) && rows;
    }, 'good counts in OEE before the restart', 60000);
    oeeBeforeAt = Date.now();
    await restartPlc('SIGKILL');
  });

  it('reads the line again after the PLC shuts down in order and starts again', async () => {
    await restartPlc('SIGINT');
  });

  it('feeds the OEE node from the restarted PLC: counts resume, the counter reset adds no phantom units', async () => {
    const before = oeeBeforeRestart;
    const grown = await waitFor(async () => {
      const rows = await oeeRows();
      return rows && ['WS-10', 'WS-20', 'WS-30'].every((ws) => rows[ws].good > before[ws].good) && rows;
    }, 'good counts of every workstation to grow in OEE after the restart', 60000);
    // The restarted PLC counts from 0. Since the count above was read, the line can have made one
    // unit per ideal cycle (4 s or more) and the ones in the making (plus the snapshot's 2 s lag);
    // a reset taken for a rollover would add about 2^32.
    const cycles = Math.ceil((Date.now() - oeeBeforeAt) / 4000) + 2;
    for (const ws of ['WS-10', 'WS-20', 'WS-30']) {
      assert.ok(grown[ws].good - before[ws].good <= cycles, `${ws}: ${before[ws].good} → ${grown[ws].good} in ${cycles} cycles at most`);
    }
  });
});
