/**
 * The live parts of a line that other nodes (mes-api) call into: each running node registers its
 * service under its store node's id on start and removes it on close, so a request reaches the
 * node that owns the state (its dispatcher, its OEE engine), with the same rules, events and
 * snapshots as a msg to that node.
 */
export type ServiceKind = 'dispatch' | 'oee' | 'outbox' | 'genealogy';

const services = new Map<string, unknown>();

const keyOf = (kind: ServiceKind, storeId: string) => `${kind}:${storeId}`;

/** Registers `service`; the returned function removes it (only if it is still this one). */
export function registerService<T>(kind: ServiceKind, storeId: string, service: T): () => void {
  const key = keyOf(kind, storeId);
  services.set(key, service);
  return () => {
    if (services.get(key) === service) services.delete(key);
  };
}

/** The running service of that kind over that store, or undefined. */
export function findService<T>(kind: ServiceKind, storeId: string): T | undefined {
  return services.get(keyOf(kind, storeId)) as T | undefined;
}
