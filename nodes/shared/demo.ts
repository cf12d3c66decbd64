import type { Node, NodeAPI } from 'node-red';
import { checkDemoConfigVersion, isDemoMode, type ModeSettings } from '../../lib/demo';
import { reportSetupFailure } from './adapter';

/**
 * Outside demo mode a demo node does nothing: a grey status, and input is dropped with one
 * warning (a plant running the shipped flows would otherwise log one every ten minutes).
 */
function offOutsideDemo(RED: NodeAPI, node: Node, type: string): boolean {
  if (isDemoMode(RED.settings as unknown as ModeSettings)) return false;
  node.status({ fill: 'grey', shape: 'ring', text: RED._(`${type}.status.off`) });
  let warned = false;
  node.on('input', (_msg: unknown, _send: unknown, done: () => void) => {
    if (!warned) node.warn(RED._(`${type}.warnings.dropped`));
    warned = true;
    done();
  });
  return true;
}

/**
 * The start of a demo node: what `configure` makes of its configuration, or undefined when the
 * node stays off (not demo mode) or cannot start (a newer configuration version, a broken rule:
 * reported on its status and in the log); then the constructor stops there.
 */
export function startDemoNode<T>(RED: NodeAPI, node: Node, type: string, version: unknown, configure: () => T): T | undefined {
  if (offOutsideDemo(RED, node, type)) return undefined;
  try {
    checkDemoConfigVersion(version);
    return configure();
  } catch (err) {
    reportSetupFailure(node, err);
    return undefined;
  }
}
