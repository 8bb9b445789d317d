import type { CacheWrite, EntityCacheStore } from '../../src/datasources/upstream/cache/cache.types';
import { ManualClock, NOON_2030 } from '../governor/manual-clock';
import { until } from '../helpers/until';

/**
 * One behaviour suite for every entity-cache store (memory, Redis, the fallback over Redis).
 * `make` builds a store on the test's clock; `peer` another replica of it (a second store on the
 * same Redis and prefix; for memory, the same store). Markers and fills run on a ManualClock the
 * test moves. Ttls in Redis run on Redis's own clock: those tests use ttls of a few ms and await
 * the state they expect, so they neither sleep nor depend on how fast the machine is.
 */
export interface StoreBackend {
  mode: 'memory' | 'redis';
  make(opts: StoreOptions): EntityCacheStore;
  peer(first: EntityCacheStore, opts: StoreOptions): EntityCacheStore;
}

export interface StoreOptions {
  now: () => number;
  markerTtlMs?: number;
}

/** A ttl no test outlives. */
const LONG = 600_000;
/** A ttl that is over by the time the test has moved the clock past it (and Redis's a moment later). */
const SHORT = 20;

export function storeContract(name: string, backend: StoreBackend): void {
  describe(`entity cache store contract: ${name}`, () => {
    const open = new Set<EntityCacheStore>();
    let clock: ManualClock;
    let seq = 0;
    /** A key no other test uses, with characters a key may carry. */
    const key = (label: string) => `picqer:3f2a:product:${label}:${++seq}`;
    const w = (k: string, data: string, ttlMs = LONG): CacheWrite => ({ key: k, data, at: clock.now(), ttlMs });
    const make = (markerTtlMs?: number) => {
      const s = backend.make({ now: clock.now, markerTtlMs });
      open.add(s);
      return s;
    };
    const peer = (first: EntityCacheStore) => {
      const s = backend.peer(first, { now: clock.now });
      open.add(s);
      return s;
    };

    beforeEach(() => {
      clock = new ManualClock(NOON_2030);
    });
    afterEach(async () => {
      await Promise.all([...open].map((s) => s.close()));
      open.clear();
    });

    test(`reports mode '${backend.mode}'`, () => {
      expect(make().mode()).toBe(backend.mode);
    });

    test('getMany answers in the order asked, undefined where there is no entry', async () => {
      const s = make();
      const [a, b, c] = [key('a'), key('b'), key('c')];
      await s.put([w(a, '"A"'), w(c, '"C"')]);
      expect(await s.getMany([c, b, a, c])).toEqual([
        { data: '"C"', at: NOON_2030 },
        undefined,
        { data: '"A"', at: NOON_2030 },
        { data: '"C"', at: NOON_2030 },
      ]);
      expect(await s.getMany([])).toEqual([]);
    });

    test('keeps data and at exactly: a bar, quotes, non-ASCII, empty text', async () => {
      const s = make();
      const [a, b] = [key('bar|and space é'), key('empty')];
      const data = JSON.stringify({ name: 'a|b|c', note: 'café 🍕 "quoted"', n: 1.5 });
      await s.put([
        { key: a, data, at: 1_700_000_000_123, ttlMs: LONG },
        { key: b, data: '', at: 1, ttlMs: LONG },
      ]);
      expect(await s.getMany([a, b])).toEqual([
        { data, at: 1_700_000_000_123 },
        { data: '', at: 1 },
      ]);
    });

    test('put overwrites what a key held; invalidate deletes only the keys given', async () => {
      const s = make();
      const [a, b] = [key('a'), key('b')];
      await s.put([w(a, '1'), w(b, '1')]);
      clock.advance(5);
      await s.put([w(a, '2')]);
      expect(await s.getMany([a])).toEqual([{ data: '2', at: NOON_2030 + 5 }]);
      await s.invalidate([a, key('never-written')]);
      expect(await s.getMany([a, b])).toEqual([undefined, { data: '1', at: NOON_2030 }]);
    });

    test('replace writes only over the entry expected (or over none), and marks the key changed', async () => {
      const a = make();
      const b = peer(a);
      const [k, fresh] = [key('cas'), key('cas-new')];
      await a.put([w(k, '"v1"')]);
      const [held] = await a.getMany([k]);
      clock.advance(5);
      // Another replica writes first: the read-modify-write based on v1 must not land.
      await b.put([w(k, '"v2 by the other replica"')]);
      expect(await a.replace(w(k, '"v1 modified"'), held)).toBe(false);
      expect((await a.getMany([k]))[0]?.data).toBe('"v2 by the other replica"');
      // Same text, other time: still not the entry read.
      expect(await a.replace(w(k, '"x"'), { data: '"v2 by the other replica"', at: NOON_2030 })).toBe(false);
      const [now] = await a.getMany([k]);
      clock.advance(5);
      const startedAt = clock.now();
      expect(await a.replace(w(k, '"v2 modified"'), now)).toBe(true);
      expect(await b.getMany([k])).toEqual([{ data: '"v2 modified"', at: startedAt }]);
      // Marked: a fetch begun at that moment does not overwrite it.
      await b.fill([{ key: k, data: '"fetched"', at: startedAt, ttlMs: LONG }], startedAt);
      expect((await a.getMany([k]))[0]?.data).toBe('"v2 modified"');
      // Expecting no entry: writes where there is none, refuses where there is one.
      expect(await a.replace(w(fresh, '"first"'), undefined)).toBe(true);
      expect(await b.replace(w(fresh, '"second"'), undefined)).toBe(false);
      expect((await b.getMany([fresh]))[0]?.data).toBe('"first"');
    });

    /** Two replicas, a and b, and a key holding "v1" as a read it (a read-modify-write's start). */
    const v1ReadByA = async (label: string) => {
      const a = make();
      const b = peer(a);
      const k = key(label);
      await a.put([w(k, '"v1"')]);
      const [held] = await a.getMany([k]);
      return { a, b, k, held };
    };

    test('replace with `sent` calls it once, after the write: a read it sends sees the write', async () => {
      const s = make();
      const k = key('sent');
      await s.put([w(k, '"v1"')]);
      const [held] = await s.getMany([k]);
      const seen: Array<Promise<Array<{ data: string } | undefined>>> = [];
      clock.advance(5);
      expect(await s.replace(w(k, '"v2"'), held, () => seen.push(s.getMany([k])))).toBe(true);
      expect(seen).toHaveLength(1);
      expect((await seen[0])[0]?.data).toBe('"v2"');
    });

    test('replace with `sent` drops an entry that moved on, and marks its key', async () => {
      const { a, b, k, held } = await v1ReadByA('sent-race');
      clock.advance(5);
      await b.put([w(k, '"v2 by the other replica"')]);
      let sent = 0;
      const droppedAt = clock.now();
      expect(await a.replace(w(k, '"v1 modified"'), held, () => sent++)).toBe(false);
      expect(sent).toBe(1);
      expect(await b.getMany([k])).toEqual([undefined]);
      // Marked: a fetch begun before the drop does not bring the other value back.
      expect(await b.fill([{ key: k, data: '"fetched"', at: droppedAt, ttlMs: LONG }], droppedAt)).toEqual([false]);
    });

    test('replace with `sent` writes over an entry whose data is the one expected though its time moved', async () => {
      const { a, b, k, held } = await v1ReadByA('sent-aged');
      // Another replica ages the entry: same data, an earlier time.
      await b.put([{ key: k, data: '"v1"', at: clock.now() - 60_000, ttlMs: LONG }]);
      clock.advance(5);
      expect(await a.replace(w(k, '"v2"'), held, () => undefined)).toBe(true);
      expect(await b.getMany([k])).toEqual([{ data: '"v2"', at: clock.now() }]);
      // Without `sent` the time counts.
      const [now] = await a.getMany([k]);
      await b.put([{ key: k, data: '"v2"', at: clock.now() - 60_000, ttlMs: LONG }]);
      expect(await a.replace(w(k, '"v3"'), now)).toBe(false);
    });

    test('replace with `sent` keeps a moved-on entry that already holds the data written', async () => {
      const { a, b, k, held } = await v1ReadByA('sent-same');
      clock.advance(5);
      await b.put([w(k, '"v2"')]);
      const [other] = await b.getMany([k]);
      clock.advance(5);
      expect(await a.replace(w(k, '"v2"'), held, () => undefined)).toBe(true);
      expect(await b.getMany([k])).toEqual([other]);
    });

    test('replace rejects a write with a ttl that would keep it forever', async () => {
      const s = make();
      await expect(s.replace({ key: key('bad'), data: '1', at: clock.now(), ttlMs: 0 }, undefined)).rejects.toThrow(/ttlMs must be a finite number > 0/);
    });

    test('fill stores what no event changed, and skips keys put or invalidated at or after startedAt', async () => {
      const s = make();
      const [untouched, before, same, after, invalidated] = ['untouched', 'before', 'same', 'after', 'invalidated'].map(key);
      await s.put([w(before, '"event before the fetch"')]);
      clock.advance(10);
      const startedAt = clock.now();
      await s.put([w(same, '"event as the fetch began"')]);
      clock.advance(5);
      await s.put([w(after, '"event during the fetch"')]);
      await s.invalidate([invalidated]);
      clock.advance(5);
      const fetched = [untouched, before, same, after, invalidated].map((k) => ({ key: k, data: '"fetched"', at: startedAt, ttlMs: LONG }));
      expect(await s.fill(fetched, startedAt)).toEqual([true, true, false, false, false]);
      const got = await s.getMany([untouched, before, same, after, invalidated]);
      expect(got.map((e) => e?.data)).toEqual(['"fetched"', '"fetched"', '"event as the fetch began"', '"event during the fetch"', undefined]);
    });

    test("fill honours another replica's events", async () => {
      const a = make();
      const b = peer(a);
      const [k1, k2] = [key('a'), key('b')];
      const startedAt = clock.now();
      await a.put([w(k1, '"webhook"')]);
      await a.invalidate([k2]);
      await b.fill([{ key: k1, data: '"fetched"', at: startedAt, ttlMs: LONG }], startedAt);
      await b.fill([{ key: k2, data: '"fetched"', at: startedAt, ttlMs: LONG }], startedAt);
      expect(await b.getMany([k1, k2])).toEqual([{ data: '"webhook"', at: startedAt }, undefined]);
      expect(await a.getMany([k1])).toEqual([{ data: '"webhook"', at: startedAt }]);
    });

    test('drops a fill whose fetch began a marker lifetime ago (its markers may be gone)', async () => {
      const s = make(1_000);
      const [late, inTime] = [key('late'), key('in-time')];
      const longAgo = clock.now();
      clock.advance(1);
      const recently = clock.now();
      clock.advance(999);
      await s.fill([{ key: late, data: '"late"', at: longAgo, ttlMs: LONG }], longAgo);
      await s.fill([{ key: inTime, data: '"in time"', at: recently, ttlMs: LONG }], recently);
      expect((await s.getMany([late, inTime])).map((e) => e?.data)).toEqual([undefined, '"in time"']);
    });

    test('an entry is gone after its ttlMs, each entry on its own ttl', async () => {
      const s = make();
      const [short, long] = [key('short'), key('long')];
      await s.put([w(short, '"s"', SHORT), w(long, '"l"')]);
      await s.fill([{ key: key('filled'), data: '"f"', at: clock.now(), ttlMs: SHORT }], clock.now());
      clock.advance(SHORT + 1);
      await until(async () => (await s.getMany([short]))[0] === undefined, 'the short-lived entry to expire');
      expect((await s.getMany([long]))[0]?.data).toBe('"l"');
    });

    test('a lock is exclusive across replicas until its holder unlocks it', async () => {
      const a = make();
      const b = peer(a);
      const [x, y, z] = [key('x'), key('y'), key('z')];
      expect(await a.tryLock([x, y], LONG)).toEqual([true, true]);
      expect(await b.tryLock([x, z], LONG)).toEqual([false, true]);
      // Not re-entrant: a second fetch in the same replica waits like any other.
      expect(await a.tryLock([x], LONG)).toEqual([false]);
      await a.unlock([x]);
      expect(await b.tryLock([x], LONG)).toEqual([true]);
      expect(await a.tryLock([], LONG)).toEqual([]);
    });

    test('a lock ends with its ttl', async () => {
      const a = make();
      const b = peer(a);
      const x = key('x');
      expect(await a.tryLock([x], SHORT)).toEqual([true]);
      clock.advance(SHORT + 1);
      await until(async () => (await b.tryLock([x], LONG))[0], 'the lock to expire');
      expect(await a.tryLock([x], LONG)).toEqual([false]);
    });

    test('rejects a ttl that would never end, naming it', async () => {
      const s = make();
      await expect(s.put([w(key('a'), '1', 0)])).rejects.toThrow(/ttlMs must be a finite number > 0, got 0/);
      await expect(s.fill([w(key('a'), '1', Infinity)], clock.now())).rejects.toThrow(/ttlMs .*got Infinity/);
      await expect(s.tryLock([key('a')], -1)).rejects.toThrow(/tryLock: ttlMs .*got -1/);
    });

    if (backend.mode === 'redis') {
      // With one store in memory, "another replica" is the holder itself.
      test("unlock releases only the caller's own locks", async () => {
        const a = make();
        const b = peer(a);
        const [x, y] = [key('x'), key('y')];
        await a.tryLock([x], LONG);
        await b.unlock([x]);
        expect(await b.tryLock([x], LONG)).toEqual([false]);
        // a's lock on y expires and b takes y: a's late unlock must not free b's lock.
        await a.tryLock([y], SHORT);
        clock.advance(SHORT + 1);
        await until(async () => (await b.tryLock([y], LONG))[0], "a's lock to expire");
        await a.unlock([y]);
        expect(await a.tryLock([y], LONG)).toEqual([false]);
      });
    }
  });
}
