import { MemoryCacheStore } from '../../src/datasources/upstream/cache/store.memory';
import { ManualClock, NOON_2030 } from '../governor/manual-clock';
import { storeContract } from './store.contract';

storeContract('memory', {
  mode: 'memory',
  make: (o) => new MemoryCacheStore({ maxBytes: 1_000_000, ...o }),
  peer: (first) => first,
});

describe('MemoryCacheStore', () => {
  const write = (key: string, data: string) => ({ key, data, at: NOON_2030, ttlMs: 60_000 });

  test('stays within maxBytes when given 10 times as much, pushing out the least recently used', async () => {
    const maxBytes = 20_000;
    const s = new MemoryCacheStore({ maxBytes });
    const data = JSON.stringify({ name: 'x'.repeat(300) });
    await s.put([write('hot', data)]);
    const written: string[] = [];
    let total = 0;
    for (let i = 0; total < 10 * maxBytes; i++) {
      const k = `cold:${i}`;
      await s.put([write(k, data)]);
      written.push(k);
      total += 2 * (k.length + data.length);
      // Read on every write: the hot key is always the most recently used but one.
      expect((await s.getMany(['hot']))[0]).toBeDefined();
      expect(s.bytes).toBeLessThanOrEqual(maxBytes);
    }
    const got = await s.getMany(written);
    const kept = written.filter((_k, i) => got[i] !== undefined);
    // What is left is the newest run of writes, up to the bound, and nothing older.
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(written.length / 5);
    expect(kept).toEqual(written.slice(written.length - kept.length));
    expect(s.bytes).toBeGreaterThan(maxBytes / 2);
  });

  test('an entry larger than the whole bound is not kept, nor the value it replaced', async () => {
    const s = new MemoryCacheStore({ maxBytes: 1_000 });
    await s.put([write('k', '"small"')]);
    await s.put([write('k', JSON.stringify('x'.repeat(1_000)))]);
    expect(await s.getMany(['k'])).toEqual([undefined]);
    expect(s.bytes).toBe(0);
  });

  test('when the marker map is full, fills of fetches begun before the oldest dropped marker are dropped', async () => {
    const clock = new ManualClock(NOON_2030);
    const s = new MemoryCacheStore({ maxBytes: 100_000, maxMarkers: 2, now: clock.now });
    const startedAt = clock.now();
    // k1's marker is pushed out by k2's and k3's: only the dropped marker's time protects k1 now.
    await s.put([write('k1', '"webhook"'), write('k2', '"webhook"'), write('k3', '"webhook"')]);
    await s.fill([write('k1', '"fetched"')], startedAt);
    expect((await s.getMany(['k1']))[0]?.data).toBe('"webhook"');
    clock.advance(1);
    await s.fill([write('k4', '"fetched"')], clock.now());
    expect((await s.getMany(['k4']))[0]?.data).toBe('"fetched"');
  });

  test('clear() forgets entries, markers and locks', async () => {
    const s = new MemoryCacheStore({ maxBytes: 100_000 });
    await s.put([write('k', '1')]);
    await s.tryLock(['k'], 60_000);
    s.clear();
    expect(s.bytes).toBe(0);
    expect(await s.getMany(['k'])).toEqual([undefined]);
    expect(await s.tryLock(['k'], 60_000)).toEqual([true]);
    await s.fill([write('k', '2')], NOON_2030 - 1);
    expect((await s.getMany(['k']))[0]?.data).toBe('2');
  });

  test('names every bad option and its value in one error', () => {
    expect(() => new MemoryCacheStore({ maxBytes: 0, markerTtlMs: -1, maxMarkers: NaN })).toThrow(
      /Invalid MemoryCacheStore options: maxBytes must be a finite number >= \d+, got 0; markerTtlMs must .* got -1; maxMarkers must .* got NaN/,
    );
    expect(() => new MemoryCacheStore({} as never)).toThrow(/maxBytes is required/);
  });
});
