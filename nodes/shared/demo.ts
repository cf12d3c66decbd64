import type { Node, NodeAPI } from 'node-red';
import { isDemoMode, type ModeSettings } from '../../lib/demo';

/**
 * Outside demo mode a demo node does nothing: a grey status, and input is dropped with one
 * warning (a plant running the shipped flows would otherwise log one every ten minutes).
 * Returns true when the node is off and its constructor should stop here.
 */
export function offOutsideDemo(RED: NodeAPI, node: Node, type: string): boolean {
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
