import type { Pool } from 'pg';

/**
 * What a line knows of the operations other lines run for its orders: the good quantity of each
 * as the site database's `site_operations` last held it. Dispatch reads it synchronously
 * (`goodQuantity`) to decide cross-line precedence; `refresh` loads it from the site.
 *
 * Never early: an operation the site has not reported is unknown (undefined: dispatch holds its
 * successor), and a failed refresh keeps the last known figures, which a good quantity only ever
 * outgrows, so the site being unreachable can hold an operation longer but never release it sooner.
 */
export class SiteProgress {
  private readonly good = new Map<string, number>();
  private lastRefresh: { at: number; ok: boolean; error: string | null } | null = null;

  goodQuantity(orderId: string, operationKey: string): number | undefined {
    return this.good.get(`${orderId}\u0000${operationKey}`);
  }

  /** When the figures were last loaded and whether that worked; null before the first attempt. */
  get status(): { at: number; ok: boolean; error: string | null } | null {
    return this.lastRefresh;
  }

  /**
   * Loads the site's figures for the operations of `orderIds` (dispatch asks only for those of other lines). Resolves with how many
   * it holds; rejects (keeping the previous figures) when the site cannot be read.
   */
  async refresh(pool: Pool, orderIds: string[], now = Date.now()): Promise<number> {
    if (orderIds.length === 0) return this.good.size;
    try {
      const { rows } = await pool.query<{ order_id: string; operation_key: string; good_quantity: number }>(
        'SELECT order_id, operation_key, good_quantity FROM site_operations WHERE order_id = ANY($1::text[])',
        [orderIds]);
      for (const r of rows) {
        const key = `${r.order_id}\u0000${r.operation_key}`;
        this.good.set(key, Math.max(this.good.get(key) ?? 0, r.good_quantity));
      }
      this.lastRefresh = { at: now, ok: true, error: null };
      return this.good.size;
    } catch (err) {
      this.lastRefresh = { at: now, ok: false, error: (err as Error).message };
      throw err;
    }
  }
}
