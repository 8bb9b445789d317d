import Redis from 'ioredis';

/** A per-file key prefix and its clean-up (SCAN, never KEYS), for tests on the shared Redis. */
export function testPrefix(file: string): string {
  return `test:${file}:${process.pid}:${Date.now()}:`;
}

export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await r.del(...keys);
  } while (cursor !== '0');
  await r.quit();
  return deleted;
}
