import Redis from 'ioredis';
import { cacheConnectionOptions, RedisCacheStore } from '../../src/datasources/upstream/cache/store.redis';
import { freePort } from '../helpers/free-port';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';
import { storeContract } from './store.contract';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('cache-store-redis');

let admin: Redis;
beforeAll(() => {
  admin = new Redis(REDIS_URL);
});
afterAll(async () => {
  await admin.quit();
  await deleteKeys(REDIS_URL, prefix);
});

storeContract('redis', {
  mode: 'redis',
  make: (o) => new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix, ...o }),
  peer: (_first, o) => new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix, ...o }),
});

/** Every key under `p`, found with SCAN (never KEYS). */
async function keysUnder(p: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

describe('RedisCacheStore', () => {
  const stores: RedisCacheStore[] = [];
  const make = (keyPrefix: string) => {
    const s = new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  test('every key it writes has a ttl: entries, markers and locks', async () => {
    const p = `${prefix}ttl:`;
    const s = make(p);
    const now = Date.now();
    await s.put([{ key: 'put', data: '1', at: now, ttlMs: 60_000 }]);
    await s.fill([{ key: 'fill', data: '1', at: now, ttlMs: 60_000 }], now);
    await s.invalidate(['invalidated']);
    await s.tryLock(['locked'], 60_000);
    const keys = await keysUnder(p);
    expect(keys.sort()).toEqual([`${p}l:locked`, `${p}m:invalidated`, `${p}m:put`, `${p}v:fill`, `${p}v:put`]);
    const ttls = await Promise.all(keys.map((k) => admin.pttl(k)));
    expect(ttls.every((t) => t > 0)).toBe(true);
  });

  test('a value it did not write reads as no entry', async () => {
    const p = `${prefix}foreign:`;
    await admin.set(`${p}v:k`, 'not ours', 'PX', 60_000);
    expect(await make(p).getMany(['k'])).toEqual([undefined]);
  });

  test('fails at once, instead of queueing, when Redis cannot be reached', async () => {
    const s = new RedisCacheStore({ redisUrl: `redis://127.0.0.1:${await freePort()}`, keyPrefix: prefix, redisConnectWaitMs: 0 });
    stores.push(s);
    await expect(s.getMany(['k'])).rejects.toThrow();
    await expect(s.put([{ key: 'k', data: '1', at: Date.now(), ttlMs: 1_000 }])).rejects.toThrow();
    expect(s.usable()).toBe(false);
  });

  test('names every bad option and its value in one error', () => {
    expect(
      () => new RedisCacheStore({ redisUrl: 42 as never, keyPrefix: undefined as never, markerTtlMs: 0, redisCommandTimeoutMs: -1, redisConnectWaitMs: -1 }),
    ).toThrow(
      /Invalid RedisCacheStore options: redisUrl must be a redis:\/\/ URL, got number; keyPrefix must be a string, got undefined; markerTtlMs .* got 0; redisCommandTimeoutMs .* got -1; redisConnectWaitMs .* got -1/,
    );
  });
  test('commands issued in the same turn (sent together) are all answered, in the order issued', async () => {
    const p = `${prefix}coalesce:`;
    const s = make(p);
    const now = Date.now();
    await s.put([{ key: 'k0', data: '"zero"', at: now, ttlMs: 60_000 }]);
    const reads = Array.from({ length: 40 }, (_, i) => s.getMany([`k${i % 2}`]));
    const write = s.put([{ key: 'k1', data: '"one"', at: now, ttlMs: 60_000 }]);
    const after = s.getMany(['k1']);
    // Reads issued before the put see no k1; the read after it does.
    expect((await Promise.all(reads)).map(([e]) => e?.data ?? null)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? '"zero"' : null)));
    await write;
    expect((await after)[0]?.data).toBe('"one"');
  });

  test('an urgent read leaves at once, with what the turn had issued before it; others wait for the turn to end', async () => {
    const p = `${prefix}urgent:`;
    const conn = new Redis(REDIS_URL, cacheConnectionOptions());
    try {
      const s = new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix: p, redis: conn });
      stores.push(s);
      await s.put([{ key: 'k', data: '"v"', at: Date.now(), ttlMs: 60_000 }]);
      const socket = (conn as unknown as { stream: { writableCorked: number; writableLength: number } }).stream;
      // The store issues a command after one microtask (it waits for its first connection).
      const issued = (): Promise<void> => Promise.resolve().then(() => undefined);
      const plain = s.getMany(['k']);
      await issued();
      expect(socket.writableCorked).toBe(1); // held until the turn's end
      const urgent = s.getMany(['k'], { urgent: true });
      await issued();
      expect(socket.writableCorked).toBe(0);
      expect(socket.writableLength).toBe(0); // both handed to the socket, nothing buffered
      expect((await urgent)[0]?.data).toBe('"v"');
      expect((await plain)[0]?.data).toBe('"v"');
    } finally {
      await conn.quit();
    }
  });

  test('a command `sent` issues on a connection handed in is applied after the write', async () => {
    const p = `${prefix}sent-order:`;
    const conn = new Redis(REDIS_URL, cacheConnectionOptions());
    try {
      const s = new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix: p, redis: conn });
      stores.push(s);
      const now = Date.now();
      await s.put([{ key: 'k', data: '"before"', at: now, ttlMs: 60_000 }]);
      const [held] = await s.getMany(['k']);
      let read: Promise<string | null> | undefined;
      // Sent on the same connection the moment `sent` runs, without waiting for the write's answer.
      expect(
        await s.replace({ key: 'k', data: '"after"', at: now + 1, ttlMs: 60_000 }, held, () => {
          read = conn.get(`${p}v:k`);
        }),
      ).toBe(true);
      expect(await read).toBe(`${now + 1}|"after"`);
      // The store leaves a connection it was handed open.
      await s.close();
      expect(await conn.ping()).toBe('PONG');
    } finally {
      await conn.quit();
    }
  });
});
