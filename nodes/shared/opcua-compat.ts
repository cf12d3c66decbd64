/**
 * A backport for the OPC UA client of node-red-contrib-opcua, which pins node-opcua 2.160.0.
 * There, a monitored item whose creation is still pending when the session closes (a deploy
 * while the subscriptions are being made) asks the subscription for its session, which asserts
 * inside a setImmediate: an uncaught exception, and Node-RED exits. node-opcua 2.186 checks
 * `hasSession` first and answers the pending item with an error instead; this gives 2.160 the
 * same check. It changes nothing where the client already checks, or where it is not installed.
 */
import path from 'node:path';

interface Toolbox {
  _toolbox_monitor: ((subscription: { hasSession?: boolean } | null, timestamps: unknown, items: unknown[], done: (err?: Error) => void) => void) & { mesBackport?: true };
}

/** The toolbox of the node-opcua-client that node-red-contrib-opcua loads, if there is one. */
function clientToolbox(): Toolbox | undefined {
  try {
    const contrib = path.dirname(require.resolve('node-red-contrib-opcua/package.json'));
    const client = path.dirname(require.resolve('node-opcua-client/package.json', { paths: [contrib] }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(client, 'dist', 'client_monitored_item_toolbox.js')) as { ClientMonitoredItemToolbox?: Toolbox }).ClientMonitoredItemToolbox;
  } catch {
    return undefined;
  }
}

/** Installs the check once; returns whether the toolbox now has it. */
export function guardPendingMonitoredItems(toolbox: Toolbox | undefined = clientToolbox()): boolean {
  if (!toolbox || typeof toolbox._toolbox_monitor !== 'function') return false;
  if (toolbox._toolbox_monitor.mesBackport || /hasSession/.test(String(toolbox._toolbox_monitor))) return true;
  const original = toolbox._toolbox_monitor;
  const guarded: Toolbox['_toolbox_monitor'] = function guardedMonitor(subscription, timestamps, items, done) {
    if (subscription && subscription.hasSession === false) return done(new Error('Invalid subscription: the session has closed'));
    return original.call(toolbox, subscription, timestamps, items, done);
  };
  guarded.mesBackport = true;
  toolbox._toolbox_monitor = guarded;
  return true;
}
