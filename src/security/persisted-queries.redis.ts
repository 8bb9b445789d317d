import type { PersistedQueryOptions } from '@apollo/server';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

/** Apollo's KeyValueCache, as its persistedQueries option names it (the package itself is Apollo's dependency, not ours). */
type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;
type KeyValueCacheSetOptions = Parameters<KeyValueCache['set']>[2];

/**
 * Apollo's automatic persisted queries (APQ) shared by every replica: a client registers a query
 * (hash and text) on one replica and sends the hash alone to any other. Apollo keeps APQ in
 * memory per process by default, so behind a load balancer most hash-only requests missed and
 * cost a round trip to re-register. This is Apollo's KeyValueCache over Redis (Apollo prefixes
 * its keys with `apq:`; ours add REDIS_KEY_PREFIX), with two bounds: every entry expires
 * (APQ_TTL_SECONDS, which also caps any ttl Apollo asks for), and a document longer than
 * `maxDocumentBytes` is not stored at all.
 *
 * A small local copy answers repeated hashes without a Redis round trip, and keeps APQ working on
 * this replica while Redis is unreachable; a miss only makes the client send its query again.
 */

export interface PersistedQueryCacheOptions {
  redisUrl: string;
  /** Key prefix in Redis, e.g. `pgw:apq:`; required, so two deployments on one Redis stay apart. */
  keyPrefix: string;
  /** APQ_TTL_SECONDS: the longest an entry lives, in Redis and locally. */
  ttlSeconds: number;
  /** Largest document stored, in bytes. Default 64 KiB. */
  maxDocumentBytes?: number;
  /** Entries kept in this process. Default 1000. */
  localEntries?: number;
}

export class RedisPersistedQueryCache implements KeyValueCache {
  private readonly redis: Redis;
  private readonly local: LRUCache<string, string>;
  private readonly maxBytes: number;

  constructor(private readonly opts: PersistedQueryCacheOptions) {
    if (!opts.keyPrefix) throw new TypeError('RedisPersistedQueryCache: keyPrefix must not be empty, so deployments sharing a Redis stay apart.');
    this.maxBytes = opts.maxDocumentBytes ?? 64 * 1024;
    this.local = new LRUCache({ max: opts.localEntries ?? 1000, ttl: opts.ttlSeconds * 1000 });
    // No offline queue: while Redis is away a command fails at once (a miss), instead of holding the request.
    this.redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 500, enableOfflineQueue: false });
    // A failed command is a cache miss; the listener keeps connection errors off stderr.
    this.redis.on('error', () => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    const hit = this.local.get(key);
    if (hit !== undefined) return hit;
    try {
      const value = await this.redis.get(this.opts.keyPrefix + key);
      if (value === null) return undefined;
      this.local.set(key, value);
      return value;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (Buffer.byteLength(value) > this.maxBytes) return;
    const ttl = Math.max(1, Math.min(options?.ttl ?? this.opts.ttlSeconds, this.opts.ttlSeconds));
    this.local.set(key, value, { ttl: ttl * 1000 });
    await this.redis.set(this.opts.keyPrefix + key, value, 'EX', ttl).catch(() => undefined);
  }

  async delete(key: string): Promise<boolean> {
    this.local.delete(key);
    const n = await this.redis.del(this.opts.keyPrefix + key).catch(() => 0);
    return n > 0;
  }

  async close(): Promise<void> {
    this.local.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
