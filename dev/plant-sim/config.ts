/**
 * The demo services' configuration: the line to simulate comes from the plant model in the flow
 * file, endpoints and switches from environment variables. Defaults give the demo of `npm start`.
 */
import { DEFAULT_OPCUA_NODE_ID_TEMPLATE, fillAddressTemplate, parsePlantModel } from '../../lib/plant';
import type { TagName, WorkstationSpec } from './schedule';

export interface PlantConfig {
  site: string;
  area: string;
  line: string;
  workstations: WorkstationSpec[];
  /** OPC UA endpoint the flows read from (and the simulator serves on when it runs). */
  opcuaEndpoint: string;
  /** Node id of a tag, `{site}`, `{area}`, `{line}`, `{workstation}` and `{tag}` replaced; e.g. `ns=1;s={workstation}.{tag}`. */
  opcuaNodeIdTemplate: string;
  /** Whether `npm start` runs the simulated PLC (MES_PLC_SIM=off for a real plant). */
  simulatorEnabled: boolean;
  simulatorSeed: number;
  /** Broker the MQTT nodes use; the embedded broker serves it when the host is local. */
  mqttUrl: string;
  /** Whether `npm start` runs the embedded MQTT broker (MES_MQTT_BROKER=off to use another). */
  embeddedBroker: boolean;
}

/** Every variable the plant flows and the demo services read, with its demo default. */
export const plantEnvDefaults: Readonly<Record<string, string>> = {
  MES_OPCUA_ENDPOINT: 'opc.tcp://127.0.0.1:4840/mes/plc',
  MES_PLC_SIM: 'on',
  MES_PLC_SIM_SEED: '42',
  MES_MQTT_URL: 'mqtt://127.0.0.1:1883',
  MES_MQTT_BROKER: 'embedded',
  // ERP outbox: dialect (canonical, sap, erpnext, b2mml) and its optional fields; in demo mode
  // MES_ERP_URL defaults to the mock ERP of this runtime, in plant mode to none (actuals wait).
  MES_ERP_DIALECT: 'canonical',
  MES_ERP_AUTHORIZATION: '',
  MES_ERP_STORAGE_LOCATION: '',
  MES_ERP_SOURCE_WAREHOUSE: '',
  MES_ERP_TARGET_WAREHOUSE: '',
  MES_ERP_COMPANY: '',
  // Stops shorter than this are micro-stops (a performance loss); longer ones are downtime for the
  // operator to classify. Plants set it by their own loss definitions (often 30 s to 5 min).
  MES_OEE_MICRO_STOP_SECONDS: '30',
};

/** Fills in the defaults the environment lacks, so that flows reading `${MES_...}` see them. */
export function applyPlantEnvDefaults(env: NodeJS.ProcessEnv = process.env, demo = true): void {
  const setDefault = (name: string, value: string) => {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  };
  for (const [name, value] of Object.entries(plantEnvDefaults)) setDefault(name, value);
  // A plant never has its actuals acknowledged by a mock: without an ERP URL they wait.
  setDefault('MES_ERP_URL', demo ? `http://127.0.0.1:${env.PORT || 1880}/mock-erp/api` : '');
}

/**
 * The workstations to simulate: those of the plant model in the flow file (the first `mes-plant`
 * node) that read a PLC, with the address template and hierarchy of the model, so that the
 * simulated line is the plant the flows describe.
 */
export function simulatedPlant(flows: unknown[], env: NodeJS.ProcessEnv = process.env): Pick<PlantConfig, 'site' | 'area' | 'line' | 'workstations' | 'opcuaNodeIdTemplate'> {
  const raw = flows.find((n) => (n as { type?: string }).type === 'mes-plant') as Record<string, unknown> | undefined;
  if (!raw) throw new Error('the flow file has no mes-plant node to simulate');
  // Node-RED replaces whole-value ${VAR} strings when the flow starts; so does the simulator.
  const resolved = JSON.parse(JSON.stringify(raw), (_key, value) => (typeof value === 'string' && /^\$\{(\w+)\}$/.test(value) ? env[value.slice(2, -1)] ?? '' : value));
  const plant = parsePlantModel(resolved);
  const stations = [...plant.workstations.values()].filter((ws) => ws.signals.source !== 'none');
  if (stations.length === 0) throw new Error('no workstation of the plant model reads a PLC');
  return {
    site: plant.site,
    area: stations[0].area,
    line: stations[0].line,
    workstations: stations.map((ws) => ({ id: ws.id, idealCycleSeconds: ws.idealCycleTimeSeconds ?? 5 })),
    opcuaNodeIdTemplate: typeof resolved.opcuaNodeIdTemplate === 'string' && resolved.opcuaNodeIdTemplate ? resolved.opcuaNodeIdTemplate : DEFAULT_OPCUA_NODE_ID_TEMPLATE,
  };
}

const off = (value: string | undefined) => /^(off|false|0|no)$/i.test(value ?? '');

/** The services' settings: the plant from the flow file, endpoints and switches from the environment. */
export function plantConfigFromEnv(env: NodeJS.ProcessEnv, flows: unknown[]): PlantConfig {
  const get = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] as string : plantEnvDefaults[name]);
  const seed = Number(get('MES_PLC_SIM_SEED'));
  if (!Number.isInteger(seed)) throw new Error('MES_PLC_SIM_SEED must be an integer');
  const simulatorEnabled = !off(get('MES_PLC_SIM'));
  // The plant model is read only for a line to simulate: a flow file without one runs no simulator.
  const plant = simulatorEnabled ? simulatedPlant(flows, env) : { site: '', area: '', line: '', workstations: [], opcuaNodeIdTemplate: DEFAULT_OPCUA_NODE_ID_TEMPLATE };
  return {
    ...plant,
    opcuaEndpoint: get('MES_OPCUA_ENDPOINT'),
    simulatorEnabled,
    simulatorSeed: seed,
    mqttUrl: get('MES_MQTT_URL'),
    embeddedBroker: !off(get('MES_MQTT_BROKER')),
  };
}

/** The OPC UA node id of a tag, from the plant model's template. */
export function opcuaNodeId(config: Pick<PlantConfig, 'site' | 'area' | 'line' | 'opcuaNodeIdTemplate'>, workstation: string, tag: TagName): string {
  return fillAddressTemplate(config.opcuaNodeIdTemplate, { site: config.site, area: config.area, line: config.line, id: workstation }, tag);
}

/** The ISA-95 topic of an MES event or signal: site/area/line/workstation/leaf. */
export function isa95Topic(config: Pick<PlantConfig, 'site' | 'area' | 'line'>, workstation: string, leaf: string): string {
  return [config.site, config.area, config.line, workstation, leaf].join('/');
}
