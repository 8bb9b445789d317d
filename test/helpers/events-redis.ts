import Redis from 'ioredis';

/** A real Redis client for event tests, with a per-file key prefix and cleanup of that prefix. */
export function eventsRedis(fileTag: string): { redis: Redis; prefix: string; cleanup(): Promise<void> } {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });
  const prefix = `test:${fileTag}:${process.pid}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
