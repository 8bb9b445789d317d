import DataLoader from 'dataloader';
import type { CallAccounting } from '../upstream/accounting';
import type { EntityCache } from '../upstream/cache/entity-cache';
import type { Priority } from '../upstream/governor/governor.types';
import type { LightspeedClient } from './client';
import { toVariant } from './map';
import type { LightspeedStockChangeModel, LightspeedVariantModel } from './model';

/**
 * Per-request DataLoaders over Lightspeed eCom. eCom's `variants.json` filters on one `sku` per
 * call and has no list filter, so a batch costs one call per distinct SKU (DataLoader removes the
 * repeats within a request, the shared cache the repeats across requests); the governor spaces
 * them inside eCom's windows. Of the variants eCom returns for a SKU we keep the first whose `sku`
 * equals the code exactly, as for Shopify.
 */

export interface LightspeedLoadersOptions {
  /** Picqer warehouses whose free stock, summed, is the webshop's stock (LIGHTSPEED_ECOM_WAREHOUSES). Default: none (drift/sync refuse to run). */
  warehouses?: readonly number[];
  /** The shop's currency, for prices (LIGHTSPEED_ECOM_CURRENCY). Default EUR. */
  currency?: string;
  /** The shop language the client reads (names the webshop "location"). Default "nl". */
  language?: string;
  priority?: Priority;
  /** The shared entity cache and this shop's namespace in it. Default: none (every batch asks eCom). */
  cached?: { cache: EntityCache; namespace: string };
}

export interface LightspeedLoaders {
  variantBySku: DataLoader<string, LightspeedVariantModel | null>;
  /**
   * The same, read from eCom past the cache: what drift and the push compare. No webhook keeps a
   * cached stock level fresh yet, and eCom has no compare-and-set on a write, so a push decided on
   * a cached level could leave the shop wrong and call it unchanged.
   */
  freshVariantBySku: DataLoader<string, LightspeedVariantModel | null>;
  /** The Picqer warehouses the webshop's one stock level stands for. */
  warehouses: readonly number[];
  currency: string;
  language: string;
  /** Sets each variant's stock level (one PUT each) and forgets the cached variants of `skus`. */
  setStockLevels: (changes: LightspeedStockChangeModel[], skus: readonly string[]) => Promise<LightspeedStockChangeModel[]>;
}

export function createLightspeedLoaders(client: LightspeedClient, accounting: CallAccounting, opts: LightspeedLoadersOptions = {}): LightspeedLoaders {
  const call = { accounting, priority: opts.priority };
  const fetchVariants = async (skus: readonly string[]): Promise<Array<LightspeedVariantModel | null | Error>> =>
    Promise.all(
      skus.map(async (sku) => {
        if (sku.trim() === '') return null;
        try {
          const found = (await client.variantsBySku(sku, call)).find((v) => v.sku === sku);
          return found ? toVariant(found) : null;
        } catch (err) {
          // One SKU's failure fails that SKU's field only.
          return err as Error;
        }
      }),
    );
  const cached = opts.cached;
  const variantBySku = new DataLoader<string, LightspeedVariantModel | null>(
    async (skus) =>
      cached
        ? cached.cache.load({
            upstream: 'lightspeed',
            type: 'lightspeedVariant',
            namespace: cached.namespace,
            keys: skus,
            id: (s) => s,
            fetch: fetchVariants,
            usage: accounting,
          })
        : fetchVariants(skus),
    { maxBatchSize: 1000 },
  );
  const freshVariantBySku = new DataLoader<string, LightspeedVariantModel | null>(fetchVariants, { maxBatchSize: 1000 });
  return {
    variantBySku,
    freshVariantBySku,
    warehouses: opts.warehouses ?? [],
    currency: opts.currency ?? 'EUR',
    language: opts.language ?? 'nl',
    async setStockLevels(changes, skus) {
      const done: LightspeedStockChangeModel[] = [];
      try {
        // In parallel: the governor admits them as eCom's windows allow.
        const results = await Promise.allSettled(changes.map((c) => client.setStockLevel(c.variantId, c.to, call)));
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') done.push({ ...changes[i], to: toVariant(r.value).stockLevel });
        });
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed && done.length === 0) throw failed.reason;
        return done;
      } finally {
        for (const s of skus) {
          variantBySku.clear(s);
          freshVariantBySku.clear(s);
        }
        // Our own push changed the webshop's stock: no replica may serve the variants as they were.
        await cached?.cache.invalidate('lightspeed', 'lightspeedVariant', cached.namespace, skus);
      }
    },
  };
}
