import { deleteKeys } from '../helpers/redis-keys';
import Redis from 'ioredis';
import { MemoryRateLimitStore } from '../../src/security/rate-limit.memory';
import { RedisRateLimitStore } from '../../src/security/rate-limit.redis';
import type { RateLimitStore } from '../../src/security/rate-limit.types';

/** One contract for both per-token rate-limit stores (real Redis at 127.0.0.1:6379). */
const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `test:security:rl:${process.pid}:`;

const impls: Array<[string, () => RateLimitStore]> = [
  ['memory', () => new MemoryRateLimitStore()],
  ['redis', () => new RedisRateLimitStore(REDIS_URL, PREFIX)],
];

afterAll(async () => {
  await deleteKeys(REDIS_URL, PREFIX);
});

describe.each(impls)('%s rate-limit store', (_name, make) => {
  let store: RateLimitStore;
  beforeEach(() => {
    store = make();
  });
  afterEach(async () => {
    await store.close();
  });

  it('allows `limit` hits per window, then refuses with the time to the window end', async () => {
    const now = 1_800_000_000_000 + 15_000; // 15 s into a minute window
    const key = `k1-${Math.random()}`;
    const d = [];
    for (let i = 0; i < 4; i++) d.push(await store.hit(key, 3, 60_000, now));
    expect(d.map((x) => x.allowed)).toEqual([true, true, true, false]);
    expect(d.map((x) => x.count)).toEqual([1, 2, 3, 4]);
    expect(d[3].retryAfterMs).toBe(45_000);
  });

  it('starts afresh in the next window and keeps keys apart', async () => {
    const t0 = 1_800_000_000_000;
    const key = `k2-${Math.random()}`;
    await store.hit(key, 1, 60_000, t0);
    expect((await store.hit(key, 1, 60_000, t0 + 1)).allowed).toBe(false);
    expect((await store.hit(`${key}-other`, 1, 60_000, t0 + 1)).allowed).toBe(true);
    expect((await store.hit(key, 1, 60_000, t0 + 60_000)).allowed).toBe(true);
  });
});

describe('retention of what the rate limiter keeps', () => {
  it('memory: counters of ended windows are dropped', async () => {
    const s = new MemoryRateLimitStore();
    const t0 = 1_800_000_000_000;
    await s.hit('a', 5, 60_000, t0);
    await s.hit('b', 5, 60_000, t0);
    expect(s.size).toBe(2);
    await s.hit('c', 5, 60_000, t0 + 60_000);
    expect(s.size).toBe(1);
    await s.close();
  });

  it('redis: every counter key expires within its window', async () => {
    const s = new RedisRateLimitStore(REDIS_URL, PREFIX);
    const r = new Redis(REDIS_URL);
    try {
      await s.hit('ttl', 5, 60_000);
      const [, keys] = await r.scan('0', 'MATCH', `${PREFIX}ttl:*`, 'COUNT', 1000);
      expect(keys).toHaveLength(1);
      const ttl = await r.pttl(keys[0]);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await s.close();
      await r.quit();
    }
  });
});
