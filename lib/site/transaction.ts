import type { Pool, PoolClient } from 'pg';

/** A socket error or a server going away (SQLSTATE class 08, 57P0x), as opposed to an error of the SQL itself. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P');
}

/**
 * Runs `work` in one transaction on a connection of the pool: committed if it resolves, rolled
 * back if it throws. A connection that broke meanwhile is closed, not handed back for reuse.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The server going away between two queries is reported here (and by the next query), not thrown.
  const onConnectionError = (err: Error) => { broken = err; };
  client.on('error', onConnectionError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    broken ??= isConnectionError(err) ? err as Error : undefined;
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onConnectionError);
    client.release(broken);
  }
}
