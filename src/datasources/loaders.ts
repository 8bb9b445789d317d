import { UpstreamNotConfiguredError, type Upstream } from '../errors';
import { createExactLoaders, type ExactClient, type ExactLoaders } from './exact';
import { createLightspeedLoaders, type LightspeedClient, type LightspeedLoaders } from './lightspeed';
import { createPicqerLoaders, type PicqerClient, type PicqerLoaders, type ProductCodeIndex } from './picqer';
import { createShopifyLoaders, type LocationsCache, type ShopifyClient, type ShopifyLoaders } from './shopify';
import type { CallAccounting } from './upstream/accounting';
import type { EntityCache } from './upstream/cache/entity-cache';

/**
 * Every upstream's per-request loaders, built here and nowhere else. The rule for an upstream
 * without credentials is one: its entry is null, and `requireLoaders` turns that into
 * UPSTREAM_NOT_CONFIGURED for the field that asked, so the rest of the answer still comes back.
 */
export interface Loaders {
  picqer: PicqerLoaders | null;
  shopify: ShopifyLoaders | null;
  exact: ExactLoaders | null;
  /** Lightspeed eCom, the second webshop. */
  lightspeed: LightspeedLoaders | null;
}

/**
 * Starts the request's Picqer warehouse list (a prefetch, schema/common/prefetch.ts): for
 * `Product.freeStock` and `StockLevel.warehouse`, which every row of a page answers from it.
 */
export const prefetchWarehouses = (ctx: { loaders: Loaders }): unknown => ctx.loaders.picqer?.warehouses();

/** What the loaders are built from: the long-lived clients and caches (a subset of Services). */
export interface LoaderSources {
  picqer: PicqerClient | null;
  /** productcode -> idproduct seen in earlier answers, so code lookups batch by id. */
  picqerCodes: ProductCodeIndex;
  shopify: ShopifyClient | null;
  /** The shop's locations, shared across requests. */
  shopifyLocations: LocationsCache;
  exact: ExactClient | null;
  lightspeed: LightspeedClient | null;
  config: {
    shopify?: { locationMap: Readonly<Record<number, string>> };
    lightspeedEcom?: { warehouses: readonly number[]; currency: string; language: string };
  };
  /** The shared entity cache, null when CACHE_ENABLED=false. */
  cache: EntityCache | null;
  /** Each configured upstream's namespace in the cache (cacheNamespace). */
  cacheNamespaces: Readonly<Partial<Record<Upstream, string>>>;
}

/**
 * The variables that configure each upstream, named in UPSTREAM_NOT_CONFIGURED. Keyed by the
 * upstreams that have loaders: Upstream names Lightspeed for its governor before its client lands.
 */
const CONFIG_VARIABLES: Readonly<Record<keyof Loaders, readonly string[]>> = {
  picqer: ['PICQER_SUBDOMAIN', 'PICQER_API_KEY'],
  shopify: ['SHOPIFY_SHOP', 'SHOPIFY_ACCESS_TOKEN'],
  exact: ['EXACT_DIVISION', 'EXACT_CLIENT_ID', 'EXACT_CLIENT_SECRET', 'EXACT_REFRESH_TOKEN'],
  lightspeed: ['LIGHTSPEED_ECOM_BASE_URL', 'LIGHTSPEED_ECOM_LANGUAGE', 'LIGHTSPEED_ECOM_API_KEY', 'LIGHTSPEED_ECOM_API_SECRET'],
};

/** Builds one request's loaders; every call they make is counted on `accounting` at its priority. */
export function createLoaders(sources: LoaderSources, accounting: CallAccounting): Loaders {
  const { picqer, shopify, exact } = sources;
  const bind = (u: Upstream): { cache: EntityCache; namespace: string } | undefined => {
    const namespace = sources.cacheNamespaces[u];
    return sources.cache && namespace ? { cache: sources.cache, namespace } : undefined;
  };
  return {
    picqer: picqer ? createPicqerLoaders(picqer, accounting, sources.picqerCodes, bind('picqer')) : null,
    shopify: shopify
      ? createShopifyLoaders(shopify, accounting, {
          locationMap: sources.config.shopify?.locationMap,
          locationsCache: sources.shopifyLocations,
          cached: bind('shopify'),
        })
      : null,
    exact: exact ? createExactLoaders(exact, accounting, { cached: bind('exact') }) : null,
    lightspeed: sources.lightspeed
      ? createLightspeedLoaders(sources.lightspeed, accounting, { ...sources.config.lightspeedEcom, cached: bind('lightspeed') })
      : null,
  };
}

/** The loaders of `upstream`, or UPSTREAM_NOT_CONFIGURED naming the variables that configure it. */
export function requireLoaders<U extends keyof Loaders>(loaders: Loaders, upstream: U): NonNullable<Loaders[U]> {
  const l = loaders[upstream];
  if (l) return l;
  throw new UpstreamNotConfiguredError(upstream, [...CONFIG_VARIABLES[upstream]]);
}
