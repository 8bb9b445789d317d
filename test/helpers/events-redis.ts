import Redis from 'ioredis';
import { deleteKeys } from './redis-keys';

/** A real Redis client for event tests, with a per-file key prefix and cleanup of that prefix. */
export function eventsRedis(fileTag: string): { redis: Redis; prefix: string; cleanup(): Promise<void> } {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });
  const prefix = `test:${fileTag}:${process.pid}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteKeys('redis://127.0.0.1:6379', prefix);
      await redis.quit();
    },
  };
}
