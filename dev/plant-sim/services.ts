/**
 * What `npm start` runs beside Node-RED for the demo plant: an embedded MQTT broker and the
 * simulated PLC. Each is skipped when the environment points at a real one (MES_MQTT_BROKER=off,
 * MES_PLC_SIM=off), so the same flows then talk to the plant.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { secretsEqual } from '../../lib/util';
import { plantConfigFromEnv } from './config';
import { startPlcSimulator, RunningSimulator } from './server';

export interface RunningBroker {
  port: number;
  stop(): Promise<void>;
}

/** Port of an mqtt:// URL on this machine, or undefined when the broker is elsewhere. */
export function localMqttPort(url: string): number | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:' || !['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(parsed.hostname)) return undefined;
  return parsed.port ? Number(parsed.port) : 1883;
}

export interface BrokerOptions {
  /** Interface to listen on; loopback unless MES_MQTT_BIND says otherwise. */
  host?: string;
  /** MES_MQTT_USERNAME / MES_MQTT_PASSWORD: every client must sign in with them. Required when not on loopback. */
  credentials?: { username: string; password: string };
  /** MES_MQTT_SIGNAL_CLIENTS: the client ids that may publish machine signals (topics with a `plc` level); unset, any signed-in client may. */
  signalPublishers?: readonly string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** Machine-signal topics: `{site}/{area}/{line}/{workstation}/plc/{tag}` (the plant model's default template). */
export function isMachineSignalTopic(topic: string): boolean {
  return topic.split('/').includes('plc');
}

/** Whether `clientId` may publish to `topic` under `signalPublishers`. */
export function mayPublish(topic: string, clientId: string, signalPublishers?: readonly string[]): boolean {
  return !signalPublishers || !isMachineSignalTopic(topic) || signalPublishers.includes(clientId);
}

interface AedesClient { id: string }

/** Port 0 takes a free port; `port` of the result is the one it listens on. */
export async function startEmbeddedBroker(port: number, options: BrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const { credentials, signalPublishers } = options;
  if (!LOOPBACK_HOSTS.has(host) && !credentials) {
    throw new Error(`the embedded MQTT broker would listen on ${host} without a login: set MES_MQTT_USERNAME and MES_MQTT_PASSWORD`);
  }
  // aedes is loaded here, not at the top, so that a plant using its own broker never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Aedes } = require('aedes');
  const broker = await Aedes.createBroker({
    authenticate(_client: AedesClient, username: string | undefined, password: Buffer | undefined, callback: (err: Error | null, ok: boolean) => void) {
      if (!credentials) return callback(null, true);
      const ok = username === credentials.username && secretsEqual(password?.toString('utf8') ?? '', credentials.password);
      if (ok) return callback(null, true);
      // MQTT return code 4: bad user name or password.
      return callback(Object.assign(new Error('bad user name or password'), { returnCode: 4 }), false);
    },
    authorizePublish(client: AedesClient | null, packet: { topic: string }, callback: (err?: Error | null) => void) {
      if (client && !mayPublish(packet.topic, client.id, signalPublishers)) return callback(new Error(`client ${client.id} may not publish machine signals`));
      return callback(null);
    },
  });
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PlantServices {
  broker?: RunningBroker;
  simulator?: RunningSimulator;
  stop(): Promise<void>;
}

/** `flows`: the flow file's nodes, whose plant model the simulator runs. */
export async function startPlantServices(env: NodeJS.ProcessEnv, userDir: string, flows: unknown[], log: (line: string) => void = console.log): Promise<PlantServices> {
  const config = plantConfigFromEnv(env, flows);
  const services: PlantServices = {
    async stop() {
      await services.simulator?.stop();
      await services.broker?.stop();
    },
  };
  const brokerPort = localMqttPort(config.mqttUrl);
  const simulatorClientId = `mes-plc-sim-${process.pid}`;
  const credentials = env.MES_MQTT_USERNAME && env.MES_MQTT_PASSWORD ? { username: env.MES_MQTT_USERNAME, password: env.MES_MQTT_PASSWORD } : undefined;
  if (config.embeddedBroker && brokerPort !== undefined) {
    try {
      const signalPublishers = env.MES_MQTT_SIGNAL_CLIENTS ? env.MES_MQTT_SIGNAL_CLIENTS.split(',').map((s) => s.trim()).filter(Boolean).concat(simulatorClientId) : undefined;
      services.broker = await startEmbeddedBroker(brokerPort, { host: env.MES_MQTT_BIND || '127.0.0.1', credentials, signalPublishers });
      log(`Embedded MQTT broker on ${config.mqttUrl} (MES_MQTT_BROKER=off to use another broker)`);
    } catch (err) {
      // A broker already listening there (a local mosquitto) serves the flows just as well.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      log(`MQTT: port ${brokerPort} is in use; using the broker already listening on ${config.mqttUrl}`);
    }
  }
  if (config.simulatorEnabled) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mqtt = require('mqtt') as typeof import('mqtt');
    const client = mqtt.connect(config.mqttUrl, { clientId: simulatorClientId, reconnectPeriod: 2000, ...credentials });
    const writer = env.MES_PLC_SIM_USER && env.MES_PLC_SIM_PASSWORD ? { user: env.MES_PLC_SIM_USER, password: env.MES_PLC_SIM_PASSWORD } : undefined;
    const simulator = await startPlcSimulator({ config, pkiFolder: path.join(userDir, 'opcua-pki'), mqtt: client, writer });
    services.simulator = {
      endpoint: simulator.endpoint,
      async stop() {
        await simulator.stop();
        await client.endAsync();
      },
    };
    log(`Simulated PLC line (${config.workstations.map((w) => w.id).join(', ')}) serving OPC UA on ${simulator.endpoint} (MES_PLC_SIM=off for a real PLC)`);
  }
  return services;
}
