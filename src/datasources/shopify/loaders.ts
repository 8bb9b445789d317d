import DataLoader from 'dataloader';
import type { LocationsCache } from './locations-cache';
import type { CallAccounting } from '../upstream/accounting';
import type { EntityCache } from '../upstream/cache/entity-cache';
import type { Priority } from '../upstream/governor/governor.types';
import type { ShopifyClient } from './client';
import { toLocation, toSetResult, toVariant } from './map';
import type { ShopifyLocationModel, ShopifySetResultModel, ShopifyVariantModel } from './model';
import { MAX_ARRAY_INPUT, maxVariantsPerQuery } from './queries';
import type { ShopifyQuantityInput } from './wire';

/**
 * Per-request DataLoaders over Shopify. Variants are found by SKU through the search syntax
 * (`sku:"A" OR sku:"B" …`), many SKUs a call, with every inventory level in the same query, so a
 * page of 100 products costs one locations call plus a couple of variant calls.
 *
 * SKU is not unique in Shopify. Of the variants a search returns for one SKU we take the first
 * whose `sku` equals the code exactly (case-sensitive), in Shopify's default order (by id), i.e.
 * the oldest variant. The search itself is case-insensitive and may match more than asked for,
 * which is why the exact comparison happens here.
 */

export interface ShopifyLoadersOptions {
  /** Picqer warehouse id -> Shopify location gid. Default: none (drift/sync refuse to run). */
  locationMap?: Readonly<Record<number, string>>;
  /** SKUs per search query. Default 50 (keeps the query string short: limit UNCONFIRMED). */
  skusPerQuery?: number;
  /** Longest search string we send. Default 2,000 characters (UNCONFIRMED limit). */
  maxSearchChars?: number;
  /** Inventory levels read per variant at most (the shop's location count, capped). Default 25. */
  maxLevels?: number;
  priority?: Priority;
  /** Locations shared across requests (services.shopifyLocations). Default: read once per request. */
  locationsCache?: LocationsCache;
  /** The shared entity cache and this shop's namespace in it. Default: none (every batch asks Shopify). */
  cached?: { cache: EntityCache; namespace: string };
}

/**
 * The cache id of an inventory item's SKU: Shopify's inventory webhook names the item, not the SKU.
 * The variant carries the item's GID ("gid://shopify/InventoryItem/123"), the webhook its bare
 * number ("123"): both are keyed by the number, or the webhook would never find the SKU.
 */
export function inventoryItemCacheId(inventoryItemId: string): string {
  const number = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/.exec(inventoryItemId)?.[1];
  return `item:${number ?? inventoryItemId}`;
}

export interface ShopifyLoaders {
  variantBySku: DataLoader<string, ShopifyVariantModel | null>;
  /** All locations, fetched once per request. */
  locations: () => Promise<ShopifyLocationModel[]>;
  /** Warehouse id -> location gid, from configuration. */
  locationMap: ReadonlyMap<number, string>;
  /** Sets `available` quantities (≤ 250 a call) and forgets the cached variants they touch. */
  setAvailable: (quantities: ShopifyQuantityInput[], reason: string, skus: string[]) => Promise<ShopifySetResultModel>;
}

export function createShopifyLoaders(client: ShopifyClient, accounting: CallAccounting, opts: ShopifyLoadersOptions = {}): ShopifyLoaders {
  const call = { accounting, priority: opts.priority };
  const skusPerQuery = opts.skusPerQuery ?? 50;
  const maxChars = opts.maxSearchChars ?? 2000;
  const maxLevels = opts.maxLevels ?? 25;

  let locationsP: Promise<ShopifyLocationModel[]> | undefined;
  const locations = (): Promise<ShopifyLocationModel[]> =>
    (locationsP ??= (opts.locationsCache ? opts.locationsCache.get(() => client.locations(call)) : client.locations(call))
      .then((ls) => ls.map(toLocation))
      .catch((err: unknown) => {
        locationsP = undefined;
        throw err;
      }));

  const fetchVariants = variantFetcher(client, call, locations, { skusPerQuery, maxChars, maxLevels });
  const cached = opts.cached;
  const variantBySku = new DataLoader<string, ShopifyVariantModel | null>(
    async (skus) => (cached ? readThrough(cached, skus, fetchVariants, accounting) : fetchVariants(skus)),
    // The search length, not DataLoader, bounds a batch: chunking happens inside.
    { maxBatchSize: 1000 },
  );

  const locationMap = new Map(Object.entries(opts.locationMap ?? {}).map(([k, v]) => [Number(k), v] as const));

  return {
    variantBySku,
    locations,
    locationMap,
    async setAvailable(quantities, reason, skus) {
      const out: ShopifySetResultModel = { changes: [], userErrors: [] };
      for (let i = 0; i < quantities.length; i += MAX_ARRAY_INPUT) {
        const r = toSetResult(await client.setAvailable(quantities.slice(i, i + MAX_ARRAY_INPUT), reason, call));
        out.changes.push(...r.changes);
        out.userErrors.push(...r.userErrors.map((e) => ({ ...e, field: shiftIndex(e.field, i) })));
      }
      for (const s of skus) variantBySku.clear(s);
      // Our own push changed Shopify's stock: no replica may serve the variants as they were.
      await cached?.cache.invalidate('shopify', 'shopifyVariant', cached.namespace, skus);
      return out;
    },
  };
}

/**
 * Variants by SKU through the shared cache; each variant found also records its inventory item's
 * SKU, so an inventory webhook (which names only the item) can drop the right entry.
 */
async function readThrough(
  cached: { cache: EntityCache; namespace: string },
  skus: readonly string[],
  fetch: (skus: readonly string[]) => Promise<Array<ShopifyVariantModel | null>>,
  accounting: CallAccounting,
): Promise<Array<ShopifyVariantModel | null | Error>> {
  const { cache, namespace } = cached;
  return cache.load({
    upstream: 'shopify',
    type: 'shopifyVariant',
    namespace,
    keys: skus,
    id: (sku) => sku,
    fetch: async (miss) => {
      const startedAt = cache.clock();
      const found = await fetch(miss);
      const items = found.flatMap((v) => (v ? [{ id: inventoryItemCacheId(v.inventoryItemId), value: v.sku }] : []));
      await cache.fill('shopifyVariant', namespace, items, startedAt);
      return found;
    },
    usage: accounting,
  });
}

/**
 * Variants by SKU: each batch searches Shopify in chunks of SKUs (bounded by count and query
 * length), following pages, and keeps the first exact match per asked SKU.
 */
function variantFetcher(
  client: ShopifyClient,
  call: { accounting: CallAccounting; priority?: ShopifyLoadersOptions['priority'] },
  locations: () => Promise<ShopifyLocationModel[]>,
  limits: { skusPerQuery: number; maxChars: number; maxLevels: number },
): (skus: readonly string[]) => Promise<Array<ShopifyVariantModel | null>> {
  const { skusPerQuery, maxChars, maxLevels } = limits;
  return async (skus) => {
    const levels = Math.max(1, Math.min(maxLevels, (await locations()).length));
    const maxFirst = maxVariantsPerQuery(levels);
    // Leave room in each page for duplicates and near-matches of the asked SKUs.
    const perQuery = Math.max(1, Math.min(skusPerQuery, Math.floor(maxFirst * 0.8)));
    const wanted = [...new Set(skus.filter((s) => s.trim() !== ''))];
    const found = new Map<string, ShopifyVariantModel>();
    await Promise.all(
      chunkSkus(wanted, perQuery, maxChars).map(async (chunk) => {
        const asked = new Set(chunk);
        // The bucket must hold the whole requested cost up front, so ask for little more than
        // the SKUs we search; duplicates beyond that come on a next page.
        const first = Math.min(maxFirst, chunk.length + Math.max(2, Math.ceil(chunk.length / 10)));
        let after: string | null = null;
        do {
          const page: Awaited<ReturnType<ShopifyClient['variantsBySkus']>> = await client.variantsBySkus(chunk, { first, after, levels }, call);
          for (const v of page.nodes) if (v.sku !== null && asked.has(v.sku) && !found.has(v.sku)) found.set(v.sku, toVariant(v, page.currencyCode));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
      }),
    );
    return skus.map((s) => found.get(s) ?? null);
  };
}

/** Splits SKUs into search queries of at most `size` SKUs and `maxChars` characters. */
export function chunkSkus(skus: readonly string[], size: number, maxChars: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let chars = 0;
  for (const s of skus) {
    const len = s.length + 12; // sku:"…" plus " OR "
    if (cur.length > 0 && (cur.length >= size || chars + len > maxChars)) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(s);
    chars += len;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** userError field paths index into one batch; make them index into the whole list. */
function shiftIndex(field: string[], offset: number): string[] {
  if (offset === 0 || field[1] !== 'quantities' || !/^\d+$/.test(field[2] ?? '')) return field;
  return [field[0], field[1], String(Number(field[2]) + offset), ...field.slice(3)];
}
