import { CACHE_TYPES, type CachePolicy, type CacheType } from '../../src/config/cache-config';
import { EntityCache, type ReadRequest } from '../../src/datasources/upstream/cache/entity-cache';
import { MemoryCacheStore, RedisCacheStore } from '../../src/datasources/upstream/cache';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { ManualClock, NOON_2030 } from '../governor/manual-clock';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';
import { until } from '../helpers/until';

/**
 * The read-through layer over real stores: what a read does with an entry of each age, the
 * answers of a failing upstream, one fetch per key however many ask (in one process and across
 * two "replicas" on one Redis), and an event that lands during a fetch winning over it. The
 * clock is the test's; only the Redis tests wait, and they wait for state.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const POLICY: CachePolicy = { ttlMs: 1_000, revalidateMs: 4_000, maxStaleMs: 60_000 };
const policies = Object.fromEntries(CACHE_TYPES.map((t) => [t, POLICY])) as Record<CacheType, CachePolicy>;

/** An upstream that records every batch it is asked and answers "<key>@<version>". */
class FakeUpstream {
  batches: string[][] = [];
  version = 1;
  failing = false;
  private gate?: Promise<void>;
  private open?: () => void;

  /** Holds every fetch until release(): for requests that must overlap. */
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  readonly fetch = async (keys: string[]): Promise<Array<string | null | Error>> => {
    this.batches.push([...keys]);
    // The upstream's state when the request reached it: a change while the answer travels is not in it.
    const version = this.version;
    await this.gate;
    if (this.failing) throw new Error('upstream down');
    return keys.map((k) => (k === 'missing' ? null : `${k}@${version}`));
  };

  get calls(): number {
    return this.batches.length;
  }
}

function request(upstream: FakeUpstream, keys: string[], usage?: CallAccounting): ReadRequest<string, string> {
  return { upstream: 'picqer', type: 'product', namespace: 'picqer:test', keys, id: (k) => k, fetch: upstream.fetch, usage };
}

describe('EntityCache over the memory store', () => {
  let clock: ManualClock;
  let cache: EntityCache;
  let up: FakeUpstream;

  beforeEach(() => {
    clock = new ManualClock(NOON_2030);
    cache = new EntityCache({ store: new MemoryCacheStore({ maxBytes: 1 << 20, now: clock.now }), policies, now: clock.now });
    up = new FakeUpstream();
  });
  afterEach(() => cache.close());

  test('a miss fetches once for the whole batch; a fresh entry is served without a call', async () => {
    const usage = new CallAccounting();
    expect(await cache.load(request(up, ['a', 'b', 'missing'], usage))).toEqual(['a@1', 'b@1', null]);
    expect(up.batches).toEqual([['a', 'b', 'missing']]);
    clock.advance(500);
    expect(await cache.load(request(up, ['a', 'missing'], usage))).toEqual(['a@1', null]);
    expect(up.calls).toBe(1);
    expect(usage.toJSON().picqer).toMatchObject({ cacheHits: 2, cacheMisses: 3, cacheStale: 0, oldestAgeMs: 500 });
  });

  test('keys read again, past the names it keeps, still find their own entries', async () => {
    const store = new MemoryCacheStore({ maxBytes: 1 << 20, now: clock.now });
    const asked: string[][] = [];
    const getMany = store.getMany.bind(store);
    store.getMany = (keys) => (asked.push([...keys]), getMany(keys));
    const small = new EntityCache({ store, policies, now: clock.now, maxKeyNames: 2 });
    try {
      expect(await small.load(request(up, ['a', 'b']))).toEqual(['a@1', 'b@1']);
      // Over the two kept names: made again from empty, one read's keys at a time.
      expect(await small.load(request(up, ['c', 'a', 'd']))).toEqual(['c@1', 'a@1', 'd@1']);
      expect(await small.load(request(up, ['b', 'a']))).toEqual(['b@1', 'a@1']);
      expect(await small.load(request(up, ['d']))).toEqual(['d@1']);
      expect(up.batches).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      // The store is asked by each key's own name only (a fetch also looks for another replica's answer).
      expect(new Set(asked.flat())).toEqual(new Set(['a', 'b', 'c', 'd'].map((k) => `picqer:test:product:${k}`)));
      expect(asked.slice(-2)).toEqual([['picqer:test:product:b', 'picqer:test:product:a'], ['picqer:test:product:d']]);
    } finally {
      await small.close();
    }
  });

  test('past its ttl an entry is served at once and refreshed once in the background', async () => {
    await cache.load(request(up, ['a']));
    up.version = 2;
    clock.advance(POLICY.ttlMs + 1);
    const usage = new CallAccounting();
    expect(await cache.load(request(up, ['a'], usage))).toEqual(['a@1']);
    expect(usage.toJSON().picqer).toMatchObject({ cacheHits: 1, cacheStale: 1, cacheMisses: 0 });
    await until(async () => (await cache.peek<string>('product', 'picqer:test', ['a']))[0]?.value === 'a@2', 'the background refresh to store a@2');
    expect(await cache.load(request(up, ['a']))).toEqual(['a@2']);
    expect(up.calls).toBe(2);
  });

  test('past ttl + revalidate it is fetched again; if that fails the old value is served and counted', async () => {
    await cache.load(request(up, ['a']));
    clock.advance(POLICY.ttlMs + POLICY.revalidateMs + 1);
    up.failing = true;
    const usage = new CallAccounting();
    expect(await cache.load(request(up, ['a', 'b'], usage))).toEqual(['a@1', expect.any(Error)]);
    expect(usage.toJSON().picqer).toMatchObject({ staleOnError: 1, cacheMisses: 2 });
    expect(up.calls).toBe(2);
    // Beyond max-stale nothing is served in its place.
    clock.advance(POLICY.maxStaleMs);
    const [late] = await cache.load(request(up, ['a']));
    expect(late).toBeInstanceOf(Error);
  });

  test('concurrent misses for one key in one process make one call', async () => {
    up.hold();
    const reads = Array.from({ length: 100 }, () => cache.load(request(up, ['hot'])));
    await until(() => up.calls > 0, 'the first fetch to start');
    up.release();
    expect(new Set((await Promise.all(reads)).flat())).toEqual(new Set(['hot@1']));
    expect(up.calls).toBe(1);
  });

  test('a fetch begun before an event does not overwrite what the event wrote', async () => {
    up.hold();
    const read = cache.load(request(up, ['a']));
    await until(() => up.calls > 0, 'the fetch to start');
    clock.advance(10);
    await cache.put('picqer', 'product', 'picqer:test', [{ id: 'a', value: 'a@event' }]);
    up.release();
    expect(await read).toEqual(['a@event']);
    expect(await cache.load(request(up, ['a']))).toEqual(['a@event']);
    expect(up.calls).toBe(1);
    // An invalidation during a fetch: its answer is neither stored nor given; a fetch begun after the event is.
    up.hold();
    clock.advance(10);
    const again = cache.load(request(up, ['b']));
    await until(() => up.batches.some((b) => b.includes('b')), 'the fetch of b to start');
    clock.advance(10);
    await cache.invalidate('picqer', 'product', 'picqer:test', ['b']);
    up.version = 2;
    up.release();
    expect(await again).toEqual(['b@2']);
    expect(up.batches).toEqual([['a'], ['b'], ['b']]);
  });

  test("a read that joined a fetch an event overtook gets the event's value, or a second fetch, never the older answer", async () => {
    up.hold();
    const first = cache.load(request(up, ['put-meanwhile', 'dropped-meanwhile']));
    const joined = cache.load(request(up, ['put-meanwhile', 'dropped-meanwhile']));
    await until(() => up.calls === 1, 'the fetch to start');
    clock.advance(5);
    // While the fetch is on its way: one key gets a webhook's value, the other is only said to have changed.
    await cache.put('picqer', 'product', 'picqer:test', [{ id: 'put-meanwhile', value: 'from the event' }]);
    await cache.invalidate('picqer', 'product', 'picqer:test', ['dropped-meanwhile']);
    up.version = 2;
    up.release();
    // The first fetch answered what Picqer held before the events (@1): given to neither read.
    expect(await first).toEqual(['from the event', 'dropped-meanwhile@2']);
    expect(await joined).toEqual(['from the event', 'dropped-meanwhile@2']);
    expect(up.batches).toEqual([['put-meanwhile', 'dropped-meanwhile'], ['dropped-meanwhile']]);
  });

  test('markStale keeps an entry fresh for its grace, then serves it stale while one refresh runs; a write in the grace cancels that', async () => {
    await cache.load(request(up, ['a', 'b']));
    up.version = 2;
    await cache.markStale('picqer', 'product', 'picqer:test', ['a', 'b'], { graceMs: 300 });
    clock.advance(200);
    const usage = new CallAccounting();
    expect(await cache.load(request(up, ['a', 'b'], usage))).toEqual(['a@1', 'b@1']);
    expect(usage.toJSON().picqer).toMatchObject({ cacheHits: 2, cacheStale: 0 });
    // The value arrives for b by another delivery within the grace: b needs no call.
    await cache.put('picqer', 'product', 'picqer:test', [{ id: 'b', value: 'b@delivered' }]);
    clock.advance(101);
    const later = new CallAccounting();
    expect(await cache.load(request(up, ['a', 'b'], later))).toEqual(['a@1', 'b@delivered']);
    expect(later.toJSON().picqer).toMatchObject({ cacheHits: 2, cacheStale: 1 });
    await until(async () => (await cache.peek<string>('product', 'picqer:test', ['a']))[0]?.value === 'a@2', 'the refresh of a');
    expect(up.batches).toEqual([['a', 'b'], ['a']]);
  });

  test('rejects a policy whose revalidate window exceeds its max-stale, naming the type', () => {
    const bad = { ...policies, warehouses: { ttlMs: 1, revalidateMs: 10, maxStaleMs: 5 } };
    expect(() => new EntityCache({ store: new MemoryCacheStore({ maxBytes: 1024 }), policies: bad })).toThrow(/warehouses/);
  });
});

/**
 * A Redis store that lets another replica act between its next read and what follows it: the
 * interleaving a read-modify-write must survive, forced instead of hoped for.
 */
class InterleavingStore extends RedisCacheStore {
  between?: () => Promise<void>;

  override async getMany(keys: readonly string[]) {
    const got = await super.getMany(keys);
    const act = this.between;
    this.between = undefined;
    if (act) await act();
    return got;
  }
}

describe('EntityCache across two replicas on one Redis', () => {
  const prefix = testPrefix('entity-cache');
  const caches: EntityCache[] = [];
  const replica = (store = new RedisCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix })): EntityCache => {
    const c = new EntityCache({ store, policies, lockPollMs: 5 });
    caches.push(c);
    return c;
  };

  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await deleteKeys(REDIS_URL, prefix);
  });

  test('100 concurrent misses for one key, split over two replicas, make one upstream call', async () => {
    const [a, b] = [replica(), replica()];
    const up = new FakeUpstream();
    up.hold();
    const reads = Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).load(request(up, ['stampede'])));
    await until(() => up.calls > 0, 'the first fetch to start');
    up.release();
    const answers = (await Promise.all(reads)).flat();
    expect(answers).toHaveLength(100);
    expect(new Set(answers)).toEqual(new Set(['stampede@1']));
    expect(up.calls).toBe(1);
  });

  test('when the replica holding the lock fails, a waiting replica fetches in its place', async () => {
    const [a, b] = [replica(), replica()];
    const failing = new FakeUpstream();
    failing.failing = true;
    failing.hold();
    const first = a.load(request(failing, ['orphan']));
    await until(() => failing.calls > 0, 'replica A to start its fetch');
    const good = new FakeUpstream();
    const second = b.load(request(good, ['orphan']));
    failing.release();
    expect((await first)[0]).toBeInstanceOf(Error);
    expect(await second).toEqual(['orphan@1']);
    expect(good.calls).toBe(1);
  });

  test('markStale never puts back a value another replica wrote after it read the entry', async () => {
    const store = new InterleavingStore({ redisUrl: REDIS_URL, keyPrefix: prefix });
    const [a, b] = [replica(store), replica()];
    await a.put('picqer', 'product', 'picqer:test', [{ id: 'race', value: 'stock 5' }]);
    // Between A's read and its write, B applies a newer stock delivery.
    store.between = () => b.put('picqer', 'product', 'picqer:test', [{ id: 'race', value: 'stock 4' }]);
    await a.markStale('picqer', 'product', 'picqer:test', ['race'], { graceMs: 10_000 });
    expect((await b.peek<string>('product', 'picqer:test', ['race']))[0]?.value).toBe('stock 4');
  });

  test('modify decides again on what a racing write left, so no update is lost', async () => {
    const store = new InterleavingStore({ redisUrl: REDIS_URL, keyPrefix: prefix });
    const [a, b] = [replica(store), replica()];
    const add = (n: number) => (held: { value: number | null } | undefined) => ({ put: (held?.value ?? 0) + n });
    await a.put('picqer', 'product', 'picqer:test', [{ id: 'sum', value: 1 }]);
    store.between = () => b.modify<number>('picqer', 'product', 'picqer:test', 'sum', add(10));
    await a.modify<number>('picqer', 'product', 'picqer:test', 'sum', add(100));
    expect((await b.peek<number>('product', 'picqer:test', ['sum']))[0]?.value).toBe(111);
    // refetch ages the entry past its revalidate window: the next read fetches.
    await a.modify<number>('picqer', 'product', 'picqer:test', 'sum', () => ({ refetch: true }));
    const up = new FakeUpstream();
    expect(await b.load(request(up, ['sum']))).toEqual(['sum@1']);
    // At least one call: a fetch begun in the millisecond the entry was aged cannot be told from one
    // begun before it, so its answer is neither stored nor given, and the key is fetched once more.
    expect(up.calls).toBeGreaterThanOrEqual(1);
    expect(up.calls).toBeLessThanOrEqual(2);
  });
});
