/**
 * The live parts of a line that other nodes (mes-api) call into: each running node registers its
 * service under its store node's id on start and removes it on close, so a request reaches the
 * node that owns the state (its dispatcher, its OEE engine), with the same rules, events and
 * snapshots as a msg to that node. A store may hold several of a kind (an OEE engine per line, an
 * outbox per ERP): those register under a name as well.
 */
export type ServiceKind = 'dispatch' | 'oee' | 'outbox' | 'genealogy';

const services = new Map<string, Map<string, unknown>>();

const keyOf = (kind: ServiceKind, storeId: string) => `${kind}:${storeId}`;

/** Registers `service` (under `name`, default ''); the returned function removes it (only if it is still this one). */
export function registerService<T>(kind: ServiceKind, storeId: string, service: T, name = ''): () => void {
  const key = keyOf(kind, storeId);
  const named = services.get(key) ?? new Map<string, unknown>();
  services.set(key, named);
  named.set(name, service);
  return () => {
    if (named.get(name) !== service) return;
    named.delete(name);
    if (named.size === 0 && services.get(key) === named) services.delete(key);
  };
}

/** The running service of that kind over that store (the one named `name`, or the first), or undefined. */
export function findService<T>(kind: ServiceKind, storeId: string, name?: string): T | undefined {
  const named = services.get(keyOf(kind, storeId));
  if (!named) return undefined;
  if (name !== undefined) return named.get(name) as T | undefined;
  return named.values().next().value as T | undefined;
}

/** Every running service of that kind over that store, by name. */
export function findServices<T>(kind: ServiceKind, storeId: string): ReadonlyMap<string, T> {
  return (services.get(keyOf(kind, storeId)) ?? new Map()) as ReadonlyMap<string, T>;
}
