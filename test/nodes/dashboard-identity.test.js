// The mes-dashboard-identity plugin inside Dashboard 2.0's own message path (addConnectionCredentials),
// which keeps a `_client` the browser wrote into a widget message.
const assert = require('node:assert/strict');
const { addConnectionCredentials } = require('@flowfuse/node-red-dashboard/nodes/utils/index.js');
const registerIdentity = require('../../dist/nodes/mes-dashboard-identity/mes-dashboard-identity.js');
const { verifiedConnection } = require('../../dist/lib/dashboard/client-seal');

function dashboardRed() {
  const plugins = [];
  return { plugins: { registerPlugin: (id, def) => plugins.push(def), getByType: (type) => plugins.filter((p) => p.type === type) } };
}

describe('mes-dashboard-identity plugin', () => {
  const RED = dashboardRed();
  registerIdentity(RED);
  const base = { includeClientData: true };
  const connection = (id, user) => ({ id, handshake: { address: '127.0.0.1' }, data: user ? { user } : {} });
  const fromBrowser = () => ({ payload: 1, _client: { user: { userId: 'boss', username: 'boss' }, socketId: 'someone-else', mesSeal: 'made-up', theme: 'dark' } });

  it('without a login, removes the user a browser wrote; the connection is sealed without one', () => {
    const msg = addConnectionCredentials(RED, fromBrowser(), connection('socket-1'), base);
    assert.equal(msg._client.user, undefined);
    assert.equal(msg._client.socketId, 'socket-1');
    assert.equal(msg._client.theme, 'dark', 'other client data stays');
    assert.deepEqual(verifiedConnection(msg._client), { socketId: 'socket-1', socketIp: '127.0.0.1', userId: undefined });
  });

  it('with a login, the login replaces the user a browser wrote', () => {
    const msg = addConnectionCredentials(RED, fromBrowser(), connection('socket-2', 'anna'), base);
    assert.deepEqual(msg._client.user, { userId: 'anna', username: 'anna' });
    assert.equal(verifiedConnection(msg._client).userId, 'anna');
  });

  it('a ui-base without client data never reaches the plugin: what the browser wrote carries no valid seal', () => {
    const msg = addConnectionCredentials(RED, fromBrowser(), connection('socket-3', 'anna'), { includeClientData: false });
    assert.equal(msg._client.user.userId, 'boss', 'Dashboard 2.0 passes it on as the browser wrote it');
    assert.equal(verifiedConnection(msg._client), undefined);
  });
});
