import * as path from 'node:path';
import { MesStore, type StoreOptions } from './store';

export interface StoreLease {
  readonly store: MesStore;
  release(): void;
}

interface Entry {
  store: MesStore;
  users: number;
}

const openStores = new Map<string, Entry>();

function keyOf(file: string): string {
  return file === ':memory:' ? file : path.resolve(file);
}

/**
 * Hands out one shared connection per database file and counts its users. The database closes
 * when the last user releases it, so a redeploy that restarts one node never closes the store
 * under another node still running, and a full redeploy reopens it cleanly.
 */
export function acquireStore(file: string, options: StoreOptions): StoreLease {
  const key = keyOf(file);
  let entry = openStores.get(key);
  if (!entry || !entry.store.isOpen) {
    entry = { store: MesStore.open(file, options), users: 0 };
    openStores.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users === 0) {
        held.store.close();
        if (openStores.get(key) === held) openStores.delete(key);
      }
    },
  };
}

export function openStoreCount(): number {
  return openStores.size;
}
