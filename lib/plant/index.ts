export * from './types';
export { migratePlantConfig } from './migrate';
export { fillAddressTemplate, parsePlantModel, shiftAt, DEFAULT_COUNTER_MAX, DEFAULT_MQTT_TOPIC_TEMPLATE, DEFAULT_OPCUA_NODE_ID_TEMPLATE } from './model';
export * from './derive';
export * from './signals';
