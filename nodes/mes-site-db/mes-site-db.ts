import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { Pool, type PoolConfig } from 'pg';
import { resolveSecret } from '../../lib/util';
import type { SiteDbProvider, SitePoolLease } from './provider';

interface SiteDbDef extends NodeDef {
  version?: number;
  host: string;
  port: number | string;
  database: string;
  user: string;
  tls: boolean;
  tlsRejectUnauthorized: boolean;
  /** PEM file of the CA that signed the server's certificate; relative paths are under the user directory. */
  tlsCaPath: string;
  poolSize: number | string;
}

interface SiteDbCredentials {
  password?: string;
}

const CONFIG_VERSION = 1;

export = function register(RED: NodeAPI): void {
  function SiteDbNode(this: SiteDbProvider & { credentials?: SiteDbCredentials }, config: SiteDbDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const userDir = (RED.settings.userDir as string | undefined) ?? process.cwd();
    const port = Number(config.port) || 5432;
    const host = config.host?.trim() || 'localhost';
    const database = config.database?.trim() || 'mes_site';
    (node as { target: string }).target = `${host}:${port}/${database}`;
    if ((config.version ?? CONFIG_VERSION) > CONFIG_VERSION) node.warn(RED._('mes-site-db.errors.newerVersion', { version: String(config.version) }));

    let pool: Pool | null = null;
    let users = 0;

    const poolConfig = (): PoolConfig => {
      let ssl: PoolConfig['ssl'] = false;
      if (config.tls) {
        const caPath = config.tlsCaPath?.trim();
        let ca: string | undefined;
        if (caPath) {
          try {
            ca = fs.readFileSync(path.resolve(userDir, caPath), 'utf8');
          } catch (err) {
            throw new Error(RED._('mes-site-db.errors.ca', { file: caPath, message: (err as Error).message }), { cause: err });
          }
        }
        ssl = { rejectUnauthorized: config.tlsRejectUnauthorized !== false, ca };
      }
      return {
        host, port, database, user: config.user?.trim() || 'postgres', password: resolveSecret(node.credentials?.password), ssl,
        max: Math.max(1, Number(config.poolSize) || 4),
        // A connection or query that the network drops silently ends within Node-RED's 15 s close timeout.
        connectionTimeoutMillis: 4000,
        query_timeout: 10000,
        keepAlive: true,
        application_name: 'node-red-contrib-mes',
      };
    };

    const end = (): Promise<void> => {
      const closing = pool;
      pool = null;
      return closing ? closing.end().catch(() => undefined) : Promise.resolve();
    };

    node.acquire = (): SitePoolLease => {
      if (!pool) {
        pool = new Pool(poolConfig());
        // Idle connections report the server going away here; the users see it on their next query.
        pool.on('error', (err) => node.debug(RED._('mes-site-db.errors.idle', { message: err.message })));
      }
      users += 1;
      const held = pool;
      let released = false;
      return {
        pool: held,
        release() {
          if (released) return Promise.resolve();
          released = true;
          users -= 1;
          return users === 0 && pool === held ? end() : Promise.resolve();
        },
      };
    };

    node.on('close', (done: () => void) => {
      users = 0;
      end().finally(() => done());
    });
  }

  RED.nodes.registerType('mes-site-db', SiteDbNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: { password: { type: 'password' } },
  });
};
