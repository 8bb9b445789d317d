import type { Env } from './env';

/**
 * The entity cache's settings (README "Cache"): one policy per entity type, each from three
 * variables, CACHE_TTL_<TYPE>_MS, CACHE_REVALIDATE_<TYPE>_MS and CACHE_MAX_STALE_<TYPE>_MS.
 */

/** The entity types the cache keeps, each with its own policy. */
export const CACHE_TYPES = ['product', 'productCode', 'warehouses', 'productPage', 'shopifyVariant', 'exactItem', 'lightspeedVariant'] as const;
export type CacheType = (typeof CACHE_TYPES)[number];

/** Freshness rules of one entity type. */
export interface CachePolicy {
  /** Served as fresh for this long after it was fetched or a webhook wrote it. */
  ttlMs: number;
  /** Past the ttl, served at once while one background refresh runs, for this long. */
  revalidateMs: number;
  /** Past the ttl, served when a fetch fails (upstream error, no budget), for this long; ≥ revalidateMs. */
  maxStaleMs: number;
}

export interface CacheConfig {
  /** CACHE_ENABLED, default true. */
  enabled: boolean;
  /** CACHE_MAX_MB, default 64: the in-memory cache's bound (also the fallback's while Redis is away). */
  maxBytes: number;
  policies: Readonly<Record<CacheType, Readonly<CachePolicy>>>;
  /** CACHE_EVENT_GRACE_MS, default 10,000: how long products a picklist or order event touched stay fresh awaiting their stock delivery. */
  eventGraceMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Defaults. Products and their stock are kept fresh by webhooks, so their ttl is only the safety
 * net for a lost delivery; list pages change membership without a per-page event, so they live
 * briefly; Exact sends no webhooks here, so its items refresh on time alone.
 */
const DEFAULTS: Readonly<Record<CacheType, CachePolicy>> = {
  product: { ttlMs: 5 * MIN, revalidateMs: 5 * MIN, maxStaleMs: HOUR },
  productCode: { ttlMs: HOUR, revalidateMs: HOUR, maxStaleMs: 24 * HOUR },
  warehouses: { ttlMs: 10 * MIN, revalidateMs: HOUR, maxStaleMs: 24 * HOUR },
  productPage: { ttlMs: 30_000, revalidateMs: 30_000, maxStaleMs: 5 * MIN },
  shopifyVariant: { ttlMs: MIN, revalidateMs: 5 * MIN, maxStaleMs: HOUR },
  exactItem: { ttlMs: 5 * MIN, revalidateMs: 10 * MIN, maxStaleMs: HOUR },
  // eCom's variant webhooks are not received yet: time and our own pushes keep it fresh.
  lightspeedVariant: { ttlMs: MIN, revalidateMs: 5 * MIN, maxStaleMs: HOUR },
};

/** "productCode" -> "PRODUCT_CODE", the variables' spelling. */
export function cacheVariable(kind: 'TTL' | 'REVALIDATE' | 'MAX_STALE', type: CacheType): keyof Env {
  return `CACHE_${kind}_${type.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_MS` as keyof Env;
}

function policyOf(e: Env, type: CacheType): CachePolicy {
  const read = (kind: 'TTL' | 'REVALIDATE' | 'MAX_STALE'): number | undefined => e[cacheVariable(kind, type)] as number | undefined;
  const d = DEFAULTS[type];
  return { ttlMs: read('TTL') ?? d.ttlMs, revalidateMs: read('REVALIDATE') ?? d.revalidateMs, maxStaleMs: read('MAX_STALE') ?? d.maxStaleMs };
}

export function cacheConfig(e: Env): CacheConfig {
  const policies = Object.fromEntries(CACHE_TYPES.map((t) => [t, policyOf(e, t)])) as Record<CacheType, CachePolicy>;
  return { enabled: e.CACHE_ENABLED ?? true, maxBytes: (e.CACHE_MAX_MB ?? 64) * 2 ** 20, policies, eventGraceMs: e.CACHE_EVENT_GRACE_MS ?? 10_000 };
}

/** A revalidate window longer than max-stale would serve, unasked, what a failure may not. */
export function cacheProblems(e: Env): string[] {
  return CACHE_TYPES.flatMap((t) => {
    const p = policyOf(e, t);
    return p.revalidateMs > p.maxStaleMs
      ? [`${cacheVariable('REVALIDATE', t)} (${p.revalidateMs}) must not be greater than ${cacheVariable('MAX_STALE', t)} (${p.maxStaleMs})`]
      : [];
  });
}
