// The MQTT broker of the plant tests: the one named by MES_TEST_MQTT_URL (.ci/run runs the MQTT
// tests a second time against mosquitto that way), or else the embedded aedes broker that
// `npm start` runs, here in the test process on a free loopback port.
const { startEmbeddedBroker } = require('../../dist/dev/plant-sim/services');

/** @returns {Promise<{url: string, stop: () => Promise<void>}>} */
async function startBroker() {
  if (process.env.MES_TEST_MQTT_URL) return { url: process.env.MES_TEST_MQTT_URL, async stop() {} };
  const broker = await startEmbeddedBroker(0);
  return { url: `mqtt://127.0.0.1:${broker.port}`, stop: () => broker.stop() };
}

module.exports = { startBroker };
