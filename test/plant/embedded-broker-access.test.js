// Issue #13: the embedded MQTT broker listens on loopback, refuses anonymous clients when a login
// is configured (and insists on one when exposed), and can limit who publishes machine signals.
const assert = require('node:assert/strict');
const mqtt = require('mqtt');
const { startEmbeddedBroker } = require('../../dist/dev/plant-sim/services');

const connect = (url, options) => mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });

describe('embedded MQTT broker access (issue #13)', function () {
  this.timeout(30000);
  let broker;
  let url;
  before(async () => {
    broker = await startEmbeddedBroker(0, { credentials: { username: 'mes', password: 'mqtt-secret' }, signalPublishers: ['plc-gateway'] });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  after(async () => broker && broker.stop());

  it('refuses an anonymous client and a wrong password', async () => {
    await assert.rejects(connect(url, {}), /Bad username or password|Not authorized|bad user/i);
    await assert.rejects(connect(url, { username: 'mes', password: 'guess' }), /Bad username or password|Not authorized|bad user/i);
  });

  it('only the configured clients publish machine signals', async () => {
    const reader = await connect(url, { username: 'mes', password: 'mqtt-secret', clientId: 'mes-reader' });
    const gateway = await connect(url, { username: 'mes', password: 'mqtt-secret', clientId: 'plc-gateway' });
    const intruder = await connect(url, { username: 'mes', password: 'mqtt-secret', clientId: 'intruder' });
    try {
      const received = [];
      reader.on('message', (topic, payload) => received.push(`${topic}=${payload}`));
      await reader.subscribeAsync('s/a/l/WS-10/plc/#', { qos: 1 });
      // A refused QoS 0 publish is dropped silently; the gateway's publish after it is the marker.
      await intruder.publishAsync('s/a/l/WS-10/plc/goodCount', '{"value":4000000000}', { qos: 0 });
      await new Promise((resolve) => intruder.once('close', resolve));
      await gateway.publishAsync('s/a/l/WS-10/plc/goodCount', '{"value":7}', { qos: 1 });
      while (received.length === 0) await new Promise((resolve) => reader.once('message', () => setImmediate(resolve)));
      assert.deepEqual(received, ['s/a/l/WS-10/plc/goodCount={"value":7}']);
    } finally {
      await Promise.all([reader.endAsync(), gateway.endAsync(), intruder.endAsync(true)]);
    }
  });

  it('will not listen beyond loopback without a login', async () => {
    await assert.rejects(startEmbeddedBroker(0, { host: '0.0.0.0' }), /MES_MQTT_USERNAME/);
  });
});
