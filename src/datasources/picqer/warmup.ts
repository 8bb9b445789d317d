import type { Logger } from '../../logger';
import { PICQER_PAGE_SIZE, type PicqerClient } from './client';
import type { ProductCodeIndex } from './code-index';
import { toProduct } from './map';
import type { PicqerCacheBinding } from './product-loaders';

/**
 * Fills the product code index at start-up by paging through Picqer's products as background
 * work, so the first joins keyed on product codes (stockDrift, the stock push) already batch by
 * id. Background priority: any live query that arrives meanwhile goes first in the governor.
 * Bounded by `maxPages`; stops early on `stop()` or at the last page. With the shared cache, the
 * products and their codes go into it too, so the first reads of any product cost no call.
 */
export interface WarmupHandle {
  /** Resolves to the number of products indexed (never rejects). */
  done: Promise<number>;
  stop(): void;
}

export function warmProductCodes(
  client: PicqerClient,
  index: ProductCodeIndex,
  opts: { maxPages: number; logger: Logger; cached?: PicqerCacheBinding },
): WarmupHandle {
  let stopped = false;
  const done = (async () => {
    let seen = 0;
    try {
      for (let page = 0; page < opts.maxPages && !stopped; page++) {
        const startedAt = opts.cached?.cache.clock() ?? 0;
        const rows = await client.listProducts({ offset: page * PICQER_PAGE_SIZE }, { priority: 'background' });
        for (const p of rows) index.set(p.productcode, p.idproduct);
        if (opts.cached) await fillCache(opts.cached, rows.map(toProduct), startedAt);
        seen += rows.length;
        if (rows.length < PICQER_PAGE_SIZE) break;
      }
      opts.logger.info({ products: seen }, 'picqer product codes indexed');
    } catch (err) {
      if (!stopped) opts.logger.warn({ err: { message: (err as Error).message }, products: seen }, 'picqer product code warm-up stopped');
    }
    return seen;
  })();
  return {
    done,
    stop() {
      stopped = true;
    },
  };
}

/** Products and their codes into the shared cache, as a fill: a webhook applied meanwhile wins. */
async function fillCache({ cache, namespace }: PicqerCacheBinding, rows: ReturnType<typeof toProduct>[], startedAt: number): Promise<void> {
  await cache.fill(
    'product',
    namespace,
    rows.map((p) => ({ id: String(p.idproduct), value: p })),
    startedAt,
  );
  await cache.fill(
    'productCode',
    namespace,
    rows.map((p) => ({ id: p.productcode, value: p.idproduct })),
    startedAt,
  );
}
