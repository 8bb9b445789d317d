import Redis from 'ioredis';
import type { RateDecision, RateLimitStore } from './rate-limit.types';

/**
 * Counters shared by all replicas: one key per (caller, window), INCR then PEXPIRE in one
 * MULTI, so a key never outlives its window. Keys carry the configured prefix on purpose.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(redisUrl: string, private readonly keyPrefix: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateDecision> {
    const start = now - (now % windowMs);
    const k = `${this.keyPrefix}${key}:${start}`;
    const res = await this.redis.multi().incr(k).pexpire(k, windowMs).exec();
    const count = Number(res?.[0]?.[1] ?? 0);
    return { allowed: count <= limit, count, retryAfterMs: start + windowMs - now };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
