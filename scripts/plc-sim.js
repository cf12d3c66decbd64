#!/usr/bin/env node
// `npm run plc-sim`: the simulated PLC line on its own, without Node-RED: the same OPC UA server
// (and MQTT tag publishing) that `npm start` runs beside Node-RED, for an MES started with
// MES_PLC_SIM=off. Use it to run the "PLC" on another machine, or to stop and restart it under a
// running MES as a plant PLC restarts. It reads the same MES_* variables as `npm start`
// (docs/plant.md); Ctrl-C (SIGINT) or SIGTERM stops it.
const fs = require('node:fs');
const path = require('node:path');
const { applyPlantEnvDefaults } = require('../dist/dev/plant-sim/config');
const { startPlantServices } = require('../dist/dev/plant-sim/services');

const repoRoot = path.join(__dirname, '..');
applyPlantEnvDefaults(process.env);
const userDir = process.env.MES_USER_DIR || path.join(repoRoot, '.node-red');
// Only the PLC: a broker, when wanted, is the MES's (npm start) or the plant's.
// The line it simulates is the plant model of the MES's flow file.
const flows = JSON.parse(fs.readFileSync(process.env.MES_FLOW_FILE || path.join(repoRoot, 'flows', 'flows.json'), 'utf8'));
startPlantServices({ ...process.env, MES_PLC_SIM: 'on', MES_MQTT_BROKER: 'off' }, userDir, flows).then((services) => {
  const stop = () => services.stop().then(() => process.exit(0), (err) => {
    console.error(`The simulated PLC did not stop cleanly: ${err.message}`);
    process.exit(1);
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}, (err) => {
  console.error(`The simulated PLC could not start: ${err.message}`);
  process.exit(1);
});
