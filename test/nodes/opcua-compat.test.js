// The backport for node-red-contrib-opcua's node-opcua 2.160 (nodes/shared/opcua-compat.ts): a
// monitored item still pending when its session closes (a deploy during subscribing) is answered
// with an error instead of an assertion thrown in a setImmediate, which ended Node-RED.
const assert = require('node:assert/strict');
const { guardPendingMonitoredItems } = require('../../dist/nodes/shared/opcua-compat');
const { ClientMonitoredItemToolbox } = require('node-opcua-client/dist/client_monitored_item_toolbox.js');

/** A subscription whose session has closed, as node-opcua 2.160 has it: asking for it asserts. */
const closed = () => ({ hasSession: false, get session() { throw new Error('expecting a valid session here'); } });

describe('OPC UA client: a monitored item pending when the session closes', () => {
  it('is answered with an error by the installed client, not thrown', () => {
    assert.equal(guardPendingMonitoredItems(), true);
    let answer;
    assert.doesNotThrow(() => ClientMonitoredItemToolbox._toolbox_monitor(closed(), 0, [], (err) => { answer = err; }));
    assert.match(answer.message, /session has closed/);
  });

  it('leaves a subscription with a session to the client, and installs itself once', () => {
    guardPendingMonitoredItems();
    const guarded = ClientMonitoredItemToolbox._toolbox_monitor;
    assert.equal(guardPendingMonitoredItems(), true);
    assert.equal(ClientMonitoredItemToolbox._toolbox_monitor, guarded, 'not wrapped twice');
    let answer;
    ClientMonitoredItemToolbox._toolbox_monitor({ hasSession: true, session: {}, isActive: false }, 0, [], (err) => { answer = err; });
    assert.match(answer.message, /terminated or is not fully initiali[sz]ed/, "the client's own answer");
  });

  it('fixes what threw before: the unguarded call asserts', () => {
    const toolbox = { _toolbox_monitor(subscription, _t, _items, done) { if (!subscription.session) done(new Error('Invalid subscription')); } };
    assert.throws(() => toolbox._toolbox_monitor(closed(), 0, [], () => {}), /expecting a valid session/);
    guardPendingMonitoredItems(toolbox);
    let answer;
    toolbox._toolbox_monitor(closed(), 0, [], (err) => { answer = err; });
    assert.match(answer.message, /session has closed/);
  });
});
