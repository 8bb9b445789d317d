import { createCacheStore, FallbackCacheStore, MemoryCacheStore, RedisCacheStore, type CacheStoreLogger } from '../../src/datasources/upstream/cache';
import { DurableRedis } from '../helpers/durable-redis';
import { PrivateRedis } from '../helpers/private-redis';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';
import { until } from '../helpers/until';
import { storeContract } from './store.contract';

/**
 * The fallback store keeps the contract on a healthy Redis, answers from memory while Redis is
 * away (a killed server, a hung one), and returns to Redis when it can. The outages happen on
 * redis-servers of this file's own, so stopping them disturbs no other test.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('cache-store-fallback');

afterAll(async () => {
  await deleteKeys(REDIS_URL, prefix);
});

const fallbackOn = (redisUrl: string, o: { now: () => number; markerTtlMs?: number }, extra: { logger?: CacheStoreLogger; timeoutMs?: number } = {}) => {
  const memory = new MemoryCacheStore({ maxBytes: 1_000_000, ...o });
  const redis = new RedisCacheStore({ redisUrl, keyPrefix: prefix, redisCommandTimeoutMs: extra.timeoutMs, ...o });
  return { memory, store: new FallbackCacheStore(redis, memory, { logger: extra.logger }) };
};

storeContract('fallback over Redis', {
  mode: 'redis',
  make: (o) => fallbackOn(REDIS_URL, o).store,
  peer: (_first, o) => fallbackOn(REDIS_URL, o).store,
});

/** A logger that keeps each message, and checks no call carries more than a code or a count. */
function recordingLogger(): CacheStoreLogger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const fields = (o: object) => expect(Object.keys(o).every((k) => ['component', 'code', 'unreplayed'].includes(k))).toBe(true);
  return {
    warnings,
    infos,
    warn: (o, msg) => (fields(o), warnings.push(msg ?? '')),
    info: (o, msg) => (fields(o), infos.push(msg ?? '')),
  };
}

const entry = (key: string, data: string) => ({ key, data, at: Date.now(), ttlMs: 600_000 });

describe('FallbackCacheStore when Redis dies and comes back', () => {
  let redis: PrivateRedis;
  let close: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    redis = await PrivateRedis.onFreePort();
    await redis.start();
  });
  afterAll(async () => {
    await Promise.all(close.map((c) => c()));
    close = [];
    await redis.stop();
  });

  test('serves reads and writes from memory while Redis is down, then clears memory and uses Redis again', async () => {
    const logger = recordingLogger();
    // A killed Redis is noticed when its connection drops; the timeout only has to outlast a slow reply.
    const { store, memory } = fallbackOn(redis.url, { now: Date.now }, { logger, timeoutMs: 2_000 });
    close.push(() => store.close());
    await store.put([entry('before', '"in redis"')]);
    expect(store.mode()).toBe('redis');
    expect(memory.bytes).toBe(0);

    await redis.stop();
    await store.put([entry('during', '"in memory"')]);
    expect(store.mode()).toBe('fallback');
    expect((await store.getMany(['during', 'before'])).map((e) => e?.data)).toEqual(['"in memory"', undefined]);
    const startedAt = Date.now();
    await store.fill([entry('filled', '"fetched"')], startedAt);
    expect((await store.getMany(['filled']))[0]?.data).toBe('"fetched"');
    expect(await store.tryLock(['lock'], 60_000)).toEqual([true]);
    expect(await store.tryLock(['lock'], 60_000)).toEqual([false]);
    await store.invalidate(['filled']);
    expect(memory.bytes).toBeGreaterThan(0);
    expect(logger.warnings).toEqual([expect.stringMatching(/unreachable/)]);

    await redis.start();
    await until(() => store.mode() === 'redis', 'the store to use Redis again', { everyMs: 50 });
    expect(memory.bytes).toBe(0);
    // The restarted Redis is empty, and what memory held is gone with it.
    expect(await store.getMany(['during', 'before'])).toEqual([undefined, undefined]);
    await store.put([entry('after', '"in redis again"')]);
    expect(memory.bytes).toBe(0);
    expect((await store.getMany(['after']))[0]?.data).toBe('"in redis again"');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.infos).toEqual([expect.stringMatching(/reachable again/)]);
  });
});

describe('FallbackCacheStore over a Redis that keeps its data through an outage', () => {
  let redis: DurableRedis;
  const close: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    redis = await DurableRedis.create();
    await redis.start();
  });
  afterAll(async () => {
    await Promise.all(close.splice(0).map((c) => c()));
    await redis.destroy();
  });

  test('invalidates in Redis, on return, the keys changed in memory during the outage', async () => {
    const logger = recordingLogger();
    const { store } = fallbackOn(redis.url, { now: Date.now }, { logger, timeoutMs: 2_000 });
    close.push(() => store.close());
    await store.put([entry('invalidated', '"old"'), entry('put', '"old"'), entry('kept', '"kept"')]);

    // Killed: the writes below never reach Redis, which comes back with what it had.
    await redis.kill();
    await store.invalidate(['invalidated']);
    await store.put([entry('put', '"new, in memory only"')]);
    expect(store.mode()).toBe('fallback');
    await redis.start();
    await until(() => store.mode() === 'redis', 'the store to use Redis again', { everyMs: 50 });

    // Without the replay Redis would serve both "old" values again.
    expect((await store.getMany(['invalidated', 'put', 'kept'])).map((e) => e?.data)).toEqual([undefined, undefined, '"kept"']);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.infos).toEqual([expect.stringMatching(/reachable again/)]);
  });

  test('falls back when commands time out on a hung Redis, and probes until it answers', async () => {
    const logger = recordingLogger();
    const { store, memory } = fallbackOn(redis.url, { now: Date.now }, { logger, timeoutMs: 1_000 });
    close.push(() => store.close());
    await store.put([entry('hung', '"in redis"')]);
    expect(store.mode()).toBe('redis');

    // Stopped, not killed: the connection stays open and commands time out.
    await redis.pause();
    await store.put([entry('during-hang', '"in memory"')]);
    expect(store.mode()).toBe('fallback');
    expect((await store.getMany(['during-hang']))[0]?.data).toBe('"in memory"');

    await redis.resume();
    // No 'ready' event for a connection that never dropped: the calls themselves probe.
    await until(async () => (await store.getMany(['hung']), store.mode() === 'redis'), 'a probe to find Redis answering', { everyMs: 100 });
    expect(memory.bytes).toBe(0);
    expect((await store.getMany(['hung']))[0]?.data).toBe('"in redis"');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.infos).toHaveLength(1);
  });
});

describe('createCacheStore', () => {
  test('without redisUrl: a memory store; its options are checked first', async () => {
    const s = createCacheStore({ keyPrefix: 'unused:', maxBytes: 10_000 });
    expect(s.mode()).toBe('memory');
    await s.close();
    expect(() => createCacheStore({ keyPrefix: 'unused:', maxBytes: -5 })).toThrow(/Invalid cache store options: maxBytes .* got -5/);
  });

  test('with redisUrl: the fallback store over Redis', async () => {
    const s = createCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix, maxBytes: 100_000 });
    await s.put([entry('created', '1')]);
    expect(s.mode()).toBe('redis');
    await s.close();
  });

  test('names every bad option of both stores in one error', () => {
    expect(() => createCacheStore({ redisUrl: REDIS_URL, keyPrefix: 7 as never, maxBytes: 0, markerTtlMs: -3, redisCommandTimeoutMs: 0 })).toThrow(
      /Invalid cache store options: maxBytes .* got 0; markerTtlMs .* got -3; keyPrefix must be a string, got number; redisCommandTimeoutMs .* got 0/,
    );
  });
});
