/**
 * The plant application's configuration, read from environment variables so that the same flows
 * run against the simulated line or a real plant. Defaults give the demo of `npm start`.
 */
import type { TagName, WorkstationSpec } from './schedule';

export interface PlantConfig {
  site: string;
  area: string;
  line: string;
  workstations: WorkstationSpec[];
  /** OPC UA endpoint the flows read from (and the simulator serves on when it runs). */
  opcuaEndpoint: string;
  /** Node id of a tag, `{workstation}` and `{tag}` replaced; e.g. `ns=1;s={workstation}.{tag}`. */
  opcuaNodeIdTemplate: string;
  /** Whether `npm start` runs the simulated PLC (MES_PLC_SIM=off for a real plant). */
  simulatorEnabled: boolean;
  simulatorSeed: number;
  /** Broker the MQTT nodes use; the embedded broker serves it when the host is local. */
  mqttUrl: string;
  /** Whether `npm start` runs the embedded MQTT broker (MES_MQTT_BROKER=off to use another). */
  embeddedBroker: boolean;
}

/** Every variable the plant flows read, with its demo default. */
export const plantEnvDefaults: Readonly<Record<string, string>> = {
  MES_SITE: 'demo-site',
  MES_AREA: 'assembly',
  MES_LINE: 'line-1',
  // id:idealCycleSeconds, comma separated
  MES_LINE_WORKSTATIONS: 'WS-10:4,WS-20:5,WS-30:4.5',
  MES_OPCUA_ENDPOINT: 'opc.tcp://127.0.0.1:4840/mes/plc',
  MES_OPCUA_NODE_ID: 'ns=1;s={workstation}.{tag}',
  MES_PLC_SIM: 'on',
  MES_PLC_SIM_SEED: '42',
  MES_MQTT_URL: 'mqtt://127.0.0.1:1883',
  MES_MQTT_BROKER: 'embedded',
  MES_SIGNAL_SOURCE: 'opcua',
  // ERP outbox: dialect (canonical, sap, erpnext, b2mml) and its optional fields; MES_ERP_URL
  // defaults to the mock ERP of this runtime, MES_ERP_AUTHORIZATION to no Authorization header.
  MES_ERP_DIALECT: 'canonical',
  MES_ERP_AUTHORIZATION: '',
  MES_ERP_STORAGE_LOCATION: '',
  MES_ERP_SOURCE_WAREHOUSE: '',
  MES_ERP_TARGET_WAREHOUSE: '',
  // Stops shorter than this are micro-stops (a performance loss); longer ones are downtime for the
  // operator to classify. Plants set it by their own loss definitions (often 30 s to 5 min).
  MES_OEE_MICRO_STOP_SECONDS: '30',
  // The OEE shift calendar (mes-oee's calendar JSON): three 8-hour shifts, every day, 30-minute breaks.
  MES_OEE_CALENDAR: JSON.stringify({
    timeZone: 'UTC',
    shifts: [['early', '06:00', '14:00', '10:00'], ['late', '14:00', '22:00', '18:00'], ['night', '22:00', '06:00', '02:00']].map(([name, start, end, pause]) => ({
      name, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start, end, breaks: [{ start: pause, end: pause.replace(':00', ':30') }],
    })),
  }),
};

/** Fills in the defaults the environment lacks, so that flows reading `${MES_...}` see them. */
export function applyPlantEnvDefaults(env: NodeJS.ProcessEnv = process.env): void {
  const setDefault = (name: string, value: string) => {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  };
  for (const [name, value] of Object.entries(plantEnvDefaults)) setDefault(name, value);
  // Node-RED replaces only whole-value ${VAR} references, so composed values get their own variable.
  setDefault('MES_MQTT_SIGNAL_TOPIC', isa95Topic({ site: env.MES_SITE as string, area: env.MES_AREA as string, line: env.MES_LINE as string }, '+', 'plc/+'));
  setDefault('MES_ERP_URL', `http://127.0.0.1:${env.PORT || 1880}/mock-erp/api`);
}

export function parseWorkstations(text: string): WorkstationSpec[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const [id, cycle] = entry.split(':');
    const idealCycleSeconds = cycle === undefined ? 5 : Number(cycle);
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`MES_LINE_WORKSTATIONS: workstation id "${id}" may hold only letters, digits, _ . -`);
    if (!(idealCycleSeconds > 0) || !Number.isFinite(idealCycleSeconds)) throw new Error(`MES_LINE_WORKSTATIONS: ideal cycle time of ${id} must be a positive number of seconds`);
    return { id, idealCycleSeconds };
  });
  if (list.length === 0) throw new Error('MES_LINE_WORKSTATIONS: no workstation given');
  return list;
}

const off = (value: string | undefined) => /^(off|false|0|no)$/i.test(value ?? '');

export function plantConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PlantConfig {
  const get = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] as string : plantEnvDefaults[name]);
  const seed = Number(get('MES_PLC_SIM_SEED'));
  if (!Number.isInteger(seed)) throw new Error('MES_PLC_SIM_SEED must be an integer');
  return {
    site: get('MES_SITE'),
    area: get('MES_AREA'),
    line: get('MES_LINE'),
    workstations: parseWorkstations(get('MES_LINE_WORKSTATIONS')),
    opcuaEndpoint: get('MES_OPCUA_ENDPOINT'),
    opcuaNodeIdTemplate: get('MES_OPCUA_NODE_ID'),
    simulatorEnabled: !off(get('MES_PLC_SIM')),
    simulatorSeed: seed,
    mqttUrl: get('MES_MQTT_URL'),
    embeddedBroker: !off(get('MES_MQTT_BROKER')),
  };
}

/** The OPC UA node id of a tag, from the template. */
export function opcuaNodeId(template: string, workstation: string, tag: TagName): string {
  return template.replace(/\{workstation\}/g, workstation).replace(/\{tag\}/g, tag);
}

/** The ISA-95 topic of an MES event or signal: site/area/line/workstation/leaf. */
export function isa95Topic(config: Pick<PlantConfig, 'site' | 'area' | 'line'>, workstation: string, leaf: string): string {
  return [config.site, config.area, config.line, workstation, leaf].join('/');
}
