// Dispatch in a real Node-RED runtime (npm start's script): the shipped order API plus a dispatch
// tab whose commands arrive over HTTP. Orders are released from the store, commands are durable
// before they are answered, and after kill -9 the state and the command ids are still there.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRuntime, repoRoot } = require('../support/runtime');
const { validOrder } = require('../support/orders');
const { plantConfig } = require('../support/dispatch');

const TOKEN = 'dispatch-test-token';

/** The shipped flows, the intake's events wired into a dispatch node, commands on POST /test/dispatch/:command. */
function writeFlowFile(userDir) {
  const flows = JSON.parse(fs.readFileSync(path.join(repoRoot, 'flows', 'flows.json'), 'utf8'));
  const intake = flows.find((n) => n.type === 'mes-order-intake');
  const store = flows.find((n) => n.type === 'mes-store');
  intake.wires[0].push('t-dispatch');
  const z = 't-tab';
  flows.push(
    { id: z, type: 'tab', label: 'dispatch test' },
    { id: 't-plant', type: 'mes-plant', name: 'test plant', ...plantConfig() },
    { id: 't-in', type: 'http in', z, url: '/test/dispatch/:command', method: 'post', upload: false, skipBodyParsing: false, x: 100, y: 100, wires: [['t-topic']] },
    { id: 't-topic', type: 'change', z, rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'req.params.command', tot: 'msg' }], x: 250, y: 100, wires: [['t-dispatch']] },
    { id: 't-dispatch', type: 'mes-dispatch', z, store: store.id, plant: 't-plant', overrunPercent: 0, releaseIntervalSeconds: 0, x: 400, y: 100, wires: [[], [], ['t-out']] },
    { id: 't-out', type: 'http response', z, statusCode: '', headers: {}, x: 550, y: 100, wires: [] },
    { id: 't-catch', type: 'catch', z, scope: ['t-dispatch'], uncaught: false, x: 100, y: 200, wires: [['t-refused']] },
    { id: 't-refused', type: 'change', z, rules: [
      { t: 'set', p: 'statusCode', pt: 'msg', to: '409', tot: 'num' },
      { t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' },
    ], x: 250, y: 200, wires: [['t-out']] },
  );
  const file = path.join(userDir, 'flows-dispatch.json');
  fs.writeFileSync(file, JSON.stringify(flows));
  return file;
}

describe('dispatch in the real runtime (HTTP commands, kill -9)', function () {
  this.timeout(120000);
  let runtime;
  after(async () => runtime && runtime.kill());

  const post = (urlPath, body) => fetch(`${runtime.url}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  const getOrder = async (id) => (await fetch(`${runtime.url}/mes/v1/orders/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  let seq = 0;
  const body = (topic, extra = {}) => {
    seq += 1;
    return {
      commandId: `rt-${seq}`, eventTime: new Date(Date.parse('2026-11-25T07:00:00Z') + seq * 1000).toISOString(),
      workstation: 'WS-T1', operator: 'op-anna', ...(topic === 'sign-on' ? {} : { orderId: 'PO-1000', operationKey: '0010' }), ...extra,
    };
  };
  const command = (topic, extra) => post(`/test/dispatch/${topic}`, body(topic, extra));

  it('releases an order from the intake, records commands durably, and keeps them across kill -9', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-dispatch-rt-'));
    const env = { MES_API_TOKEN: TOKEN, MES_FLOW_FILE: writeFlowFile(userDir) };
    runtime = await startRuntime({ userDir, env });
    assert.equal((await post('/mes/v1/orders', validOrder())).status, 201);
    // The intake's order.received event reaches dispatch after the HTTP reply: wait for the queue.
    let order = await getOrder('PO-1000');
    for (let i = 0; i < 100 && order.operations[0].state !== 'queued'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      order = await getOrder('PO-1000');
    }
    assert.equal(order.operations[0].state, 'queued');

    assert.equal((await command('sign-on')).status, 200);
    const started = await command('start');
    assert.equal(started.status, 200);
    assert.equal((await started.json()).state, 'running');
    const refused = await command('report', { goodQuantity: 101 });
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /\[rule: exceedsInput\]/);
    const report = body('report', { goodQuantity: 10 });
    const reported = await post('/test/dispatch/report', report);
    assert.equal((await reported.json()).duplicate, false);

    await runtime.kill();
    runtime = await startRuntime({ userDir, env });
    order = await getOrder('PO-1000');
    assert.equal(order.status, 'in_progress');
    const [turn, assy] = order.operations;
    assert.deepEqual([turn.state, turn.workstation, turn.goodQuantity, turn.inputQuantity, turn.wip], ['running', 'WS-T1', 10, 100, 90]);
    assert.deepEqual([assy.state, assy.inputQuantity, assy.wip], ['queued', 10, 10]);

    const again = await post('/test/dispatch/report', report);
    assert.equal(again.status, 200);
    assert.equal((await again.json()).duplicate, true);
    assert.equal((await getOrder('PO-1000')).operations[0].goodQuantity, 10);
  });
});
