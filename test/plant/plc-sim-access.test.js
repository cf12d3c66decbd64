// Issue #13: the simulated PLC is read-only for anonymous clients; writing a tag needs the user
// of MES_PLC_SIM_USER / MES_PLC_SIM_PASSWORD.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { OPCUAClient, AttributeIds, DataType, StatusCodes, UserTokenType } = require('node-opcua');
const { startPlcSimulator } = require('../../dist/dev/plant-sim/server');
const { freePort } = require('../support/runtime');

describe('simulated PLC access (issue #13)', function () {
  this.timeout(60000);
  let simulator;
  let client;
  let endpoint;
  const nodeId = 'ns=1;s=WS-10.state';
  const writeState = (session, value) => session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: { dataType: DataType.String, value } } });

  before(async () => {
    endpoint = `opc.tcp://127.0.0.1:${await freePort()}/mes/plc`;
    const config = {
      site: 'S', area: 'A', line: 'L', workstations: [{ id: 'WS-10', idealCycleSeconds: 5 }],
      opcuaEndpoint: endpoint, opcuaNodeIdTemplate: 'ns=1;s={workstation}.{tag}', simulatorEnabled: true, simulatorSeed: 1,
      mqttUrl: 'mqtt://127.0.0.1:1', embeddedBroker: false,
    };
    simulator = await startPlcSimulator({ config, pkiFolder: fs.mkdtempSync(path.join(os.tmpdir(), 'mes-plc-pki-')), writer: { user: 'plc-writer', password: 'w-secret' } });
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 3, initialDelay: 100 } });
    await client.connect(endpoint);
  });
  after(async () => {
    if (client) await client.disconnect();
    if (simulator) await simulator.stop();
  });

  it('an anonymous client reads a tag but may not write it', async () => {
    const session = await client.createSession();
    try {
      const read = await session.read({ nodeId, attributeId: AttributeIds.Value });
      assert.equal(read.statusCode, StatusCodes.Good);
      const status = await writeState(session, 'running');
      assert.ok([StatusCodes.BadUserAccessDenied, StatusCodes.BadNotWritable].includes(status), `write answered ${status.toString()}`);
    } finally {
      await session.close();
    }
  });

  it('the configured user may write, a wrong password gets no session', async () => {
    const session = await client.createSession({ type: UserTokenType.UserName, userName: 'plc-writer', password: 'w-secret' });
    try {
      assert.equal(await writeState(session, 'running'), StatusCodes.Good);
    } finally {
      await session.close();
    }
    await assert.rejects(client.createSession({ type: UserTokenType.UserName, userName: 'plc-writer', password: 'guess' }));
  });
});
