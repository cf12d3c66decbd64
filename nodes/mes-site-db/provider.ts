import type { Node } from 'node-red';
import type { Pool } from 'pg';

export interface SitePoolLease {
  readonly pool: Pool;
  release(): Promise<void>;
}

/** What a `mes-site-db` config node offers its users: one shared pool, closed when the last one releases it. */
export interface SiteDbProvider extends Node {
  acquire(): SitePoolLease;
  /** host:port/database, for messages. */
  readonly target: string;
}
