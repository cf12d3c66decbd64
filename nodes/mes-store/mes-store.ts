import * as path from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { ALL_COMPONENTS } from '../../lib';
import { acquireStore, type StoreLease } from '../../lib/store';
import type { StoreProvider } from '../shared/adapter';
import { configVersion } from '../../lib/util';

interface MesStoreDef extends NodeDef {
  /** Database file; relative paths are under the Node-RED user directory. Empty: `<userDir>/mes/mes.db`. */
  path: string;
  durability: 'full' | 'normal';
}

export = function register(RED: NodeAPI): void {
  function MesStoreNode(this: StoreProvider & { lease?: StoreLease; file: string }, config: MesStoreDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-store configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const userDir = (RED.settings.userDir as string | undefined) ?? process.cwd();
    const file = config.path?.trim() ? path.resolve(userDir, config.path.trim()) : path.join(userDir, 'mes', 'mes.db');
    const options = { components: ALL_COMPONENTS, durability: config.durability === 'normal' ? 'normal' as const : 'full' as const };
    this.file = file;
    // Open at deploy so that a bad path or a database from a newer release shows up at once.
    try {
      this.lease = acquireStore(file, options);
    } catch (err) {
      this.error(RED._('mes-store.errors.open', { file, message: (err as Error).message }));
    }
    this.acquire = () => acquireStore(file, options);
    this.on('close', (done: () => void) => {
      this.lease?.release();
      this.lease = undefined;
      done();
    });
  }
  RED.nodes.registerType('mes-store', MesStoreNode as unknown as (this: Node, config: NodeDef) => void);
};
