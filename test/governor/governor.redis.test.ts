import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { freshCredential, governorContract, maxInSlidingWindow } from './governor.contract';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('governor-redis');

afterAll(async () => {
  await deleteKeys(REDIS_URL, prefix);
});

governorContract('redis', {
  mode: 'redis',
  make: (extra) => createGovernorRegistry({ redisUrl: REDIS_URL, keyPrefix: prefix, ...extra }),
  peer: (_first, extra) => createGovernorRegistry({ redisUrl: REDIS_URL, keyPrefix: prefix, ...extra }),
});

describe('governor on Redis: replicas', () => {
  const replicas: GovernorRegistry[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
  });

  test('three replicas draw from one budget and never exceed it together', async () => {
    const windowMs = 500;
    const marginMs = 50;
    const cred = freshCredential();
    for (let i = 0; i < 3; i++) replicas.push(createGovernorRegistry({ redisUrl: REDIS_URL, keyPrefix: prefix, windowMs, marginMs }));
    const govs = replicas.map((r) => r.governor('picqer', cred, { kind: 'requests-per-minute', limit: 4 }));
    const permits = await Promise.all(
      govs.flatMap((g) => Array.from({ length: 5 }, () => g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 15_000 }))),
    );
    expect(permits).toHaveLength(15);
    // Admission times on Redis's clock, the one all three count on (not when this test saw them).
    expect(
      maxInSlidingWindow(
        permits.map((p) => p.admittedAt),
        windowMs + marginMs,
      ),
    ).toBeLessThanOrEqual(4);
    expect(govs.map((g) => g.stats().calls)).toEqual([5, 5, 5]);
    expect(govs.every((g) => g.stats().mode === 'redis')).toBe(true);
  });

  test('keys carry the prefix and the credential hash, never the credential', async () => {
    const cred = `secret-api-key-${Date.now()}`;
    const r = createGovernorRegistry({ redisUrl: REDIS_URL, keyPrefix: prefix });
    replicas.push(r);
    const g = r.governor('picqer', cred, { kind: 'requests-per-minute', limit: 10 });
    await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 5_000 });
    const Redis = (await import('ioredis')).default;
    const c = new Redis(REDIS_URL);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    await c.quit();
    const mine = keys.filter((k) => k.includes(g.stats().credential));
    expect(mine.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes(cred))).toBe(false);
  });
});
