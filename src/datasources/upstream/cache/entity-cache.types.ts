import type { CachePolicy, CacheType } from '../../../config/cache-config';
import type { Upstream } from '../../../errors';
import type { EntityCacheStore } from './cache.types';

/** What one request's reads did, per upstream: reported as `extensions.upstream`. */
export interface CacheUsageSink {
  recordCache(upstream: Upstream, r: { hits: number; misses: number; stale: number; staleOnError: number; oldestAgeMs: number }): void;
}

/** Running totals, per upstream and type, for /metrics. */
export interface CacheCounts {
  hits: number;
  misses: number;
  stale: number;
  staleOnError: number;
  invalidations: number;
  writes: number;
}

export interface EntityCacheOptions {
  store: EntityCacheStore;
  policies: Readonly<Record<CacheType, CachePolicy>>;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** How long one replica may hold a key's fetch before another fetches it too. Default 10,000 ms. */
  lockTtlMs?: number;
  /** How often a replica waiting on another's fetch looks for its answer. Default 25 ms. */
  lockPollMs?: number;
  /** Store keys remembered per namespace and type, so a hot key's name is made once (EntityCache.fullKeys). Default 50,000. */
  maxKeyNames?: number;
  /** Background refresh failures are reported here; nothing else is logged. */
  onBackgroundError?: (err: unknown) => void;
}

/** One read-through batch: keys of one type, how to name them, and how to fetch the misses. */
export interface ReadRequest<K, V> {
  upstream: Upstream;
  type: CacheType;
  /** Upstream and credential, e.g. "picqer:3f2a…": two accounts never share an entry. */
  namespace: string;
  keys: readonly K[];
  id: (key: K) => string;
  /** Fetches the given keys (never empty), answering in their order; an Error fails only its key. */
  fetch: (keys: K[]) => Promise<Array<V | null | Error>>;
  usage?: CacheUsageSink;
}
