import type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';

/**
 * What a read-modify-write makes of the entry it read: a new one, none, or leave it as it is.
 * `ageing`: the write keeps the value and only moves its time back (ageTo).
 */
export type EntryChange = { write: Omit<CacheWrite, 'key'>; ageing?: true } | { drop: true } | null;

/** How often a read-modify-write reads again after another write moved the entry on; then it drops the key. */
const MAX_TRIES = 5;

/** Webhooks' reads: sent at once, with the claim issued just before (EntityCacheStore.getMany). */
const URGENT = { urgent: true };

/**
 * Changes one key's entry from what it holds now, atomically against every other replica's write:
 * reads the entry, asks `decide`, and writes with the store's compare-and-set (`replace`); when
 * another write came first, reads again and decides again. After MAX_TRIES such races the key is
 * dropped (and marked), which is always safe: the next read fetches it.
 */
export async function replaceEntry(
  store: EntityCacheStore,
  key: string,
  decide: (held: StoredEntry | undefined) => EntryChange | Promise<EntryChange>,
): Promise<void> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const [held] = await store.getMany([key], URGENT);
    const change = await decide(held);
    if (change === null) return;
    if ('drop' in change) return store.invalidate([key]);
    if (await store.replace({ key, ...change.write }, held)) return;
  }
  await store.invalidate([key]);
}

/**
 * replaceEntry, then `then` (run once; its answer is this one's), in the round trip of the write:
 * `then` runs the moment a new value is sent, so a command it sends on the store's connection (a
 * webhook's append to the event log) is applied after the write without waiting for its answer.
 * Since `then` cannot be taken back, that write, meeting a moved-on entry, drops it rather than
 * deciding again (EntityCacheStore.replace): the next read fetches, never the value the write
 * replaced. With nothing to write, `then` runs at once; after a drop or an ageing (which decides
 * again, as replaceEntry does: a drop would throw away a value still worth serving stale), once
 * that is done.
 */
export async function replaceEntryThen<T>(
  store: EntityCacheStore,
  key: string,
  decide: (held: StoredEntry | undefined) => EntryChange | Promise<EntryChange>,
  then: () => Promise<T>,
): Promise<T> {
  const [held] = await store.getMany([key], URGENT);
  const change = await decide(held);
  if (change === null) return then();
  if ('drop' in change) {
    await store.invalidate([key]);
    return then();
  }
  if (change.ageing) {
    if (!(await store.replace({ key, ...change.write }, held))) await replaceEntry(store, key, decide);
    return then();
  }
  let followed: Promise<T> | undefined;
  try {
    await store.replace({ key, ...change.write }, held, () => {
      followed = then();
    });
  } catch (err) {
    // The write failed after `then` started: its own failure is not a second one to report.
    followed?.catch(() => undefined);
    throw err;
  }
  return followed ?? then();
}

/** Ages an entry so it is stale from `staleFrom` on, keeping its value; no entry: the key is only marked. */
export function ageTo(staleFrom: number, ttlMs: number): (held: StoredEntry | undefined) => EntryChange {
  return (e) => (e ? { write: { data: e.data, at: Math.min(e.at, staleFrom), ttlMs }, ageing: true } : { drop: true });
}

/** What a caller decides about a value held (decoded), as the change to its entry. */
export type ValueDecision<V> = { put: V | null } | { refetch: true } | { drop: true } | null;
/**
 * May answer a promise: for a decision that also waits on another command sent with the entry's
 * read (one round trip for both, rather than one after the other).
 */
export type ValueDecider<V> = (held: { value: V | null; at: number } | undefined) => ValueDecision<V> | Promise<ValueDecision<V>>;

/**
 * Turns a decision on the decoded value into an entry change: `put` writes the value as of
 * `now()`, `refetch` ages the entry to `refetchFrom` so the next read fetches, `drop` removes it.
 */
export function decideOnValue<V>(
  decide: ValueDecider<V>,
  now: () => number,
  refetchFrom: number,
  ttlMs: number,
): (held: StoredEntry | undefined) => Promise<EntryChange> {
  return async (e) => {
    const d = await decide(e ? { value: JSON.parse(e.data) as V | null, at: e.at } : undefined);
    if (d === null) return null;
    if ('drop' in d) return d;
    if ('put' in d) return { write: { data: JSON.stringify(d.put), at: now(), ttlMs } };
    return ageTo(refetchFrom, ttlMs)(e);
  };
}
