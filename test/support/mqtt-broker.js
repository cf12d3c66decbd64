// A real MQTT broker for tests: the one named by MES_TEST_MQTT_URL (.ci/run starts mosquitto
// there), or else a mosquitto of our own on a free port.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const { freePort } = require('./runtime');

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => fs.existsSync(p));

async function waitForPort(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

/** @returns {Promise<{url: string, stop: () => Promise<void>}>} */
async function startBroker() {
  if (process.env.MES_TEST_MQTT_URL) return { url: process.env.MES_TEST_MQTT_URL, async stop() {} };
  if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install mosquitto; .ci/run does)');
  const port = await freePort();
  const child = spawn(MOSQUITTO, ['-p', String(port)], { stdio: 'ignore' });
  await waitForPort(port);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

module.exports = { startBroker };
