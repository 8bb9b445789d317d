import Redis from 'ioredis';
import { MemoryRateLimitStore } from './rate-limit.memory';
import type { RateDecision, RateLimitStore } from './rate-limit.types';

/**
 * Counters shared by all replicas: one key per (caller, window), INCR then PEXPIRE in one
 * MULTI, so a key never outlives its window. Keys carry the configured prefix on purpose.
 * An abuse limit must not take the gateway down with Redis: while Redis is unreachable each
 * replica counts on its own (so a caller may get up to replicas x the limit until it is back).
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;
  private readonly fallback = new MemoryRateLimitStore();
  /** The connection was up and dropped: count locally at once rather than wait for retries. */
  private lost = false;

  constructor(
    redisUrl: string,
    private readonly keyPrefix: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false, commandTimeout: 500 });
    // Errors surface as failed hits (answered from the fallback); the listener keeps them off stderr.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => (this.lost = false));
    this.redis.on('close', () => (this.lost = true));
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateDecision> {
    if (this.lost) return this.fallback.hit(key, limit, windowMs, now);
    const start = now - (now % windowMs);
    const k = `${this.keyPrefix}${key}:${start}`;
    try {
      const res = await this.redis.multi().incr(k).pexpire(k, windowMs).exec();
      const count = Number(res?.[0]?.[1] ?? 0);
      return { allowed: count <= limit, count, retryAfterMs: start + windowMs - now };
    } catch {
      return this.fallback.hit(key, limit, windowMs, now);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    if (this.lost) this.redis.disconnect();
    else await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
