/**
 * The simulated PLC: a real OPC UA server (node-opcua) whose variables follow the seeded line
 * schedule, with each value's source timestamp set to the moment the machine changed, and the
 * same tag changes published over MQTT, as many PLC gateways do. Clients see it as they would see
 * a plant's PLC; nothing in the flows knows it is simulated.
 */
import * as path from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, PermissionType, StatusCodes, WellKnownRoles, makeRoles, nodesets } from 'node-opcua';
import type { UAVariable } from 'node-opcua';
import type { MqttClient } from 'mqtt';
import { secretsEqual } from '../../lib/util';
import { isa95Topic, opcuaNodeId, PlantConfig } from './config';
import { LineSimulator, MachineTags, TagChange, TagName, tagNames } from './schedule';

const dataTypes: Record<TagName, DataType> = {
  state: DataType.String,
  running: DataType.Boolean,
  goodCount: DataType.UInt32,
  rejectCount: DataType.UInt32,
  faultCode: DataType.UInt16,
  speed: DataType.Double,
  idealCycleTime: DataType.Double,
};

export interface PlcSimulatorOptions {
  config: PlantConfig;
  /** Folder for the server's certificates (created on first start). */
  pkiFolder: string;
  /** How often the schedule is advanced to the wall clock; tag times come from the schedule. */
  tickMs?: number;
  /** Also publish tag changes to this MQTT client, under site/area/line/workstation/plc/<tag>. */
  mqtt?: MqttClient;
  startMs?: number;
  /** The one user allowed to write tags (MES_PLC_SIM_USER / MES_PLC_SIM_PASSWORD); anonymous clients only read. */
  writer?: { user: string; password: string };
}

/** Anonymous clients browse and read; only the signed-in writer may change a tag, as on a real PLC. */
const TAG_PERMISSIONS = [
  { roleId: WellKnownRoles.Anonymous, permissions: PermissionType.Browse | PermissionType.Read | PermissionType.ReadRolePermissions },
  { roleId: WellKnownRoles.AuthenticatedUser, permissions: PermissionType.Browse | PermissionType.Read | PermissionType.ReadRolePermissions | PermissionType.Write },
];

export interface RunningSimulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** Port and resource path of an opc.tcp:// endpoint URL. */
export function parseEndpoint(endpoint: string): { hostname: string; port: number; resourcePath: string } {
  const match = /^opc\.tcp:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(endpoint);
  if (!match) throw new Error(`MES_OPCUA_ENDPOINT: "${endpoint}" is not opc.tcp://host:port/path`);
  return { hostname: match[1], port: Number(match[2]), resourcePath: match[3] ?? '' };
}

/** The `s=` part of a template-made node id; the simulator serves string ids in its own namespace 1. */
function ownStringId(nodeId: string): string {
  const match = /^ns=1;s=(.+)$/.exec(nodeId);
  if (!match) throw new Error(`the plant model's OPC UA node id template: the simulator serves node ids "ns=1;s=..." only, not "${nodeId}"`);
  return `s=${match[1]}`;
}

export async function startPlcSimulator(options: PlcSimulatorOptions): Promise<RunningSimulator> {
  const { config } = options;
  const { hostname, port, resourcePath } = parseEndpoint(config.opcuaEndpoint);
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(options.pkiFolder, 'server'),
    automaticallyAcceptUnknownCertificate: true,
  });
  const server = new OPCUAServer({
    port,
    // Bound to the endpoint's host (loopback by default), never to every interface unasked.
    host: hostname,
    resourcePath,
    // Endpoints advertised under the name clients use, so that they find a matching endpoint.
    hostname,
    nodeset_filename: [nodesets.standard],
    serverCertificateManager,
    buildInfo: { productName: 'node-red-contrib-mes line simulator', manufacturerName: 'node-red-contrib-mes' },
    allowAnonymous: true,
    userManager: {
      isValidUser: (user: string, password: string) => Boolean(options.writer && user === options.writer.user && secretsEqual(password, options.writer.password)),
      getUserRoles: () => makeRoles([WellKnownRoles.AuthenticatedUser]),
    },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('OPC UA server has no address space');
  const namespace = addressSpace.getOwnNamespace();
  const lineFolder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: config.line });

  const simulator = new LineSimulator(config.workstations, options.startMs ?? Date.now(), { seed: config.simulatorSeed });
  const initial = simulator.snapshot();
  const variables = new Map<string, UAVariable>();
  for (const ws of config.workstations) {
    const machine = namespace.addObject({ organizedBy: lineFolder, browseName: ws.id });
    for (const tag of tagNames) {
      const variable = namespace.addVariable({
        componentOf: machine,
        browseName: tag,
        nodeId: ownStringId(opcuaNodeId(config, ws.id, tag)),
        dataType: DataType[dataTypes[tag]],
        minimumSamplingInterval: 100,
        rolePermissions: TAG_PERMISSIONS,
      });
      variable.setValueFromSource({ dataType: dataTypes[tag], value: initial[ws.id][tag] }, StatusCodes.Good, new Date());
      variables.set(`${ws.id}/${tag}`, variable);
    }
  }

  const publish = (change: TagChange) => {
    const variable = variables.get(`${change.workstation}/${change.tag}`) as UAVariable;
    variable.setValueFromSource({ dataType: dataTypes[change.tag], value: change.value }, StatusCodes.Good, new Date(change.timeMs));
    options.mqtt?.publish(
      isa95Topic(config, change.workstation, `plc/${change.tag}`),
      JSON.stringify({ value: change.value, timestamp: new Date(change.timeMs).toISOString() }),
      { qos: 1, retain: true },
    );
  };
  // Retained, so that a subscriber starting later (or the MES after a restart) gets every tag at once.
  const startTime = Date.now();
  for (const ws of config.workstations) {
    for (const tag of tagNames) {
      options.mqtt?.publish(
        isa95Topic(config, ws.id, `plc/${tag}`),
        JSON.stringify({ value: initial[ws.id][tag], timestamp: new Date(startTime).toISOString() }),
        { qos: 1, retain: true },
      );
    }
  }
  const tick = () => {
    for (const change of simulator.advanceTo(Date.now())) publish(change);
  };
  await server.start();
  const timer = setInterval(tick, options.tickMs ?? 250);
  return {
    endpoint: config.opcuaEndpoint,
    async stop() {
      clearInterval(timer);
      await server.shutdown(0);
    },
  };
}

export type { MachineTags };
