import type Redis from 'ioredis';
import type { EntityCacheStore } from './cache.types';
import { FallbackCacheStore, type CacheStoreLogger } from './store.fallback';
import { MemoryCacheStore, memoryStoreProblems } from './store.memory';
import { RedisCacheStore, redisStoreProblems } from './store.redis';

export type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';
export { FallbackCacheStore, type CacheStoreLogger, type FallbackCacheStoreOptions } from './store.fallback';
export { MemoryCacheStore, type MemoryCacheStoreOptions } from './store.memory';
export { cacheConnectionOptions, RedisCacheStore, type RedisCacheStoreOptions } from './store.redis';

export interface CacheStoreOptions {
  /** With it, replicas on the same Redis and prefix share the cache (memory while Redis is away). Without it: memory. */
  redisUrl?: string;
  /** Prefix of every Redis key, e.g. "pgw:cache:" (tests use one per file). */
  keyPrefix: string;
  /** The memory store's bound in bytes: the whole cache without Redis, the fallback's with it. */
  maxBytes: number;
  /** How long a key counts as changed after a put or invalidate: longer than any upstream fetch. Default 60,000 ms. */
  markerTtlMs?: number;
  /** Epoch ms for ttls, markers and locks; give the read-through layer the same clock. Default Date.now. */
  now?: () => number;
  /** Hears the switches to and from the memory fallback. */
  logger?: CacheStoreLogger;
  /** Past this a Redis command fails and memory answers. Default 500 ms. */
  redisCommandTimeoutMs?: number;
  /** How long the first calls wait for the first Redis connection. Default 2,000 ms. */
  redisConnectWaitMs?: number;
  /** With `redisUrl`: the connection to use instead of opening one (RedisCacheStoreOptions.redis). */
  redis?: Redis;
}

/**
 * The entity cache's store: Redis with a memory fallback when `redisUrl` is given, else memory
 * alone. Validates every option first and names each bad one in a single error.
 */
export function createCacheStore(opts: CacheStoreOptions): EntityCacheStore {
  const memoryOpts = { maxBytes: opts.maxBytes, markerTtlMs: opts.markerTtlMs, now: opts.now };
  const problems = memoryStoreProblems(memoryOpts);
  if (opts.redisUrl === undefined) {
    if (problems.length) throw new RangeError(`Invalid cache store options: ${problems.join('; ')}`);
    return new MemoryCacheStore(memoryOpts);
  }
  const redisOpts = {
    redisUrl: opts.redisUrl,
    keyPrefix: opts.keyPrefix,
    markerTtlMs: opts.markerTtlMs,
    now: opts.now,
    redisCommandTimeoutMs: opts.redisCommandTimeoutMs,
    redisConnectWaitMs: opts.redisConnectWaitMs,
    redis: opts.redis,
  };
  // The options both stores share are reported once.
  const all = [...new Set([...problems, ...redisStoreProblems(redisOpts)])];
  if (all.length) throw new RangeError(`Invalid cache store options: ${all.join('; ')}`);
  return new FallbackCacheStore(new RedisCacheStore(redisOpts), new MemoryCacheStore(memoryOpts), { logger: opts.logger });
}
