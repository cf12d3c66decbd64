// A PLC the test drives: a real OPC UA server (node-opcua) with the tags of the plant model's
// workstations (`ns=1;s=<workstation>.<tag>`), whose values and source timestamps the test sets.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { DataType, OPCUACertificateManager, OPCUAServer, StatusCodes, nodesets } = require('node-opcua');
const { freePort } = require('./runtime');

const TAGS = { state: DataType.String, goodCount: DataType.UInt32, rejectCount: DataType.UInt32, faultCode: DataType.UInt16 };
const INITIAL = { state: 'stopped', goodCount: 0, rejectCount: 0, faultCode: 0 };

/** @param {string[]} workstations */
async function startTestPlc(workstations) {
  const port = await freePort();
  const pki = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-test-plc-'));
  const server = new OPCUAServer({
    port, host: '127.0.0.1', hostname: '127.0.0.1', resourcePath: '/test/plc', nodeset_filename: [nodesets.standard], allowAnonymous: true,
    serverCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(pki, 'server'), automaticallyAcceptUnknownCertificate: true }),
  });
  await server.initialize();
  const namespace = server.engine.addressSpace.getOwnNamespace();
  const variables = new Map();
  const addWorkstation = (ws) => {
    const machine = namespace.addObject({ organizedBy: server.engine.addressSpace.rootFolder.objects, browseName: ws });
    for (const [tag, dataType] of Object.entries(TAGS)) {
      const variable = namespace.addVariable({ componentOf: machine, browseName: tag, nodeId: `s=${ws}.${tag}`, dataType: DataType[dataType], minimumSamplingInterval: 100 });
      variable.setValueFromSource({ dataType, value: INITIAL[tag] }, StatusCodes.Good, new Date());
      variables.set(`${ws}.${tag}`, { variable, dataType });
    }
  };
  workstations.forEach(addWorkstation);
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}/test/plc`,
    /** Sets a tag as the PLC would, stamped with `time` (default now). */
    set(ws, tag, value, time = new Date()) {
      const { variable, dataType } = variables.get(`${ws}.${tag}`);
      variable.setValueFromSource({ dataType, value }, StatusCodes.Good, time);
    },
    async stop() {
      await server.shutdown(0);
    },
  };
}

module.exports = { startTestPlc };
