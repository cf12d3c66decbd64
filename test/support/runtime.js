// Starts the real Node-RED runtime the way `npm start` does (scripts/start.js, the shipped
// flows), as a child process on a free port with its own user directory and database, so tests
// can restart it, or kill -9 it, like a plant would.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.join(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Node-RED listens before its flows run: until "Started flows" an http in route answers with
 * express's 404. So wait for that line, not just for the port.
 */
async function waitUntilFlowsStarted(child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Node-RED exited (${child.exitCode ?? child.signalCode}) before its flows started`);
    if (/Started flows/.test(output())) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Node-RED did not start its flows within ${timeoutMs} ms`);
}

/**
 * @param {object} [options]
 * @param {string} [options.userDir] reuse a user directory (and so its database) across restarts
 * @param {Record<string,string>} [options.env] extra environment, e.g. MES_API_TOKEN
 */
async function startRuntime(options = {}) {
  const userDir = options.userDir || fs.mkdtempSync(path.join(os.tmpdir(), 'mes-runtime-'));
  const port = options.port || await freePort();
  // A copy of the shipped flows in the test's user directory: a test that deploys must never
  // write the repository's flows/flows.json (demo mode runs that file in place).
  const flowFile = path.join(userDir, 'shipped-flows.json');
  if (!fs.existsSync(flowFile)) fs.copyFileSync(path.join(repoRoot, 'flows', 'flows.json'), flowFile);
  const env = {
    ...process.env,
    PORT: String(port),
    MES_USER_DIR: userDir,
    MES_DB: path.join(userDir, 'mes', 'mes.db'),
    MES_LOG_LEVEL: 'info',
    MES_FLOW_FILE: flowFile,
    // The simulated PLC and the embedded broker stay off unless a test asks for them; their
    // clients point at free ports, so no test reaches a plant another process runs.
    MES_PLC_SIM: 'off',
    MES_MQTT_BROKER: 'off',
    MES_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`,
    MES_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
    ...options.env,
  };
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilFlowsStarted(child, () => output, 60000);
  } catch (err) {
    child.kill('SIGKILL');
    err.message += `\n${output}`;
    throw err;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    port,
    userDir,
    env,
    child,
    output: () => output,
    /** Graceful stop: SIGINT lets Node-RED close every node. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
    /** kill -9: no close handlers, no flush; what survives is what was durable. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Base URL of the editor and its admin API (flows/settings.js httpAdminRoot), e.g. `${adminUrl(runtime)}/flows`. */
function adminUrl(runtime) {
  return `${runtime.url}/admin`;
}

module.exports = { startRuntime, freePort, repoRoot, adminUrl };
