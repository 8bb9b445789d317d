import { ageTo, replaceEntry, replaceEntryThen, type EntryChange } from '../../src/datasources/upstream/cache/replace-entry';
import { MemoryCacheStore } from '../../src/datasources/upstream/cache/store.memory';
import type { StoredEntry } from '../../src/datasources/upstream/cache/cache.types';
import { ManualClock, NOON_2030 } from '../governor/manual-clock';

/**
 * replaceEntryThen: the read-modify-write a webhook runs with its append as `then`. `then` runs
 * once whatever the decision, and what it answers is the answer; a write that meets a moved-on
 * entry drops it (replaceEntry, without `then`, decides again instead).
 */
describe('replaceEntryThen', () => {
  let clock: ManualClock;
  let store: MemoryCacheStore;
  const TTL = 60_000;
  const write = (data: string): EntryChange => ({ write: { data, at: clock.now(), ttlMs: TTL } });

  beforeEach(async () => {
    clock = new ManualClock(NOON_2030);
    store = new MemoryCacheStore({ maxBytes: 1 << 20, now: clock.now });
    await store.put([{ key: 'k', data: '"v1"', at: clock.now(), ttlMs: TTL }]);
  });

  test('writes, then runs `then` once, after the write, and answers what it answers', async () => {
    const seen: Array<string | undefined> = [];
    const answer = await replaceEntryThen(
      store,
      'k',
      () => write('"v2"'),
      async () => {
        seen.push((await store.getMany(['k']))[0]?.data);
        return 'appended';
      },
    );
    expect(answer).toBe('appended');
    expect(seen).toEqual(['"v2"']);
  });

  test('with nothing to write, or a drop, `then` still runs once', async () => {
    let runs = 0;
    const then = async (): Promise<number> => ++runs;
    expect(await replaceEntryThen(store, 'k', () => null, then)).toBe(1);
    expect((await store.getMany(['k']))[0]?.data).toBe('"v1"');
    expect(await replaceEntryThen(store, 'k', () => ({ drop: true }), then)).toBe(2);
    expect(await store.getMany(['k'])).toEqual([undefined]);
  });

  test('a write that another one overtook drops the entry, where replaceEntry decides again', async () => {
    const overtake = async (held: StoredEntry | undefined, data: string): Promise<EntryChange> => {
      // Another replica writes between this read and this write.
      clock.advance(1);
      await store.put([{ key: 'k', data: '"other"', at: clock.now(), ttlMs: TTL }]);
      return write(data + (held?.data ?? ''));
    };
    let runs = 0;
    await replaceEntryThen(
      store,
      'k',
      (held) => overtake(held, '"mine"'),
      async () => ++runs,
    );
    expect(runs).toBe(1);
    expect(await store.getMany(['k'])).toEqual([undefined]);

    await store.put([{ key: 'k', data: '"v1"', at: clock.now(), ttlMs: TTL }]);
    let tries = 0;
    await replaceEntry(store, 'k', (held) => (++tries === 1 ? overtake(held, '"mine"') : write('"decided again"')));
    expect(tries).toBe(2);
    expect((await store.getMany(['k']))[0]?.data).toBe('"decided again"');
  });

  test('an ageing that another write overtook decides again, keeping the value, then `then` runs', async () => {
    const staleFrom = clock.now() - 60_000;
    let tries = 0;
    let runs = 0;
    await replaceEntryThen(
      store,
      'k',
      async (held) => {
        if (++tries === 1) {
          // An order event on another replica ages the entry, but less far.
          await store.put([{ key: 'k', data: '"v1"', at: clock.now() - 1_000, ttlMs: TTL }]);
        }
        return ageTo(staleFrom, TTL)(held);
      },
      async () => ++runs,
    );
    expect(tries).toBe(2);
    expect(runs).toBe(1);
    expect(await store.getMany(['k'])).toEqual([{ data: '"v1"', at: staleFrom }]);
  });

  test('a write refused before it is sent rejects, and `then` never runs', async () => {
    let runs = 0;
    const bad: EntryChange = { write: { data: '"x"', at: clock.now(), ttlMs: 0 } };
    await expect(
      replaceEntryThen(
        store,
        'k',
        () => bad,
        async () => ++runs,
      ),
    ).rejects.toThrow(/ttlMs/);
    expect(runs).toBe(0);
  });
});
