import type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';

/** What a read-modify-write makes of the entry it read: a new one, none, or leave it as it is. */
export type EntryChange = { write: Omit<CacheWrite, 'key'> } | { drop: true } | null;

/** How often a read-modify-write reads again after another write moved the entry on; then it drops the key. */
const MAX_TRIES = 5;

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
    const [held] = await store.getMany([key]);
    const change = await decide(held);
    if (change === null) return;
    if ('drop' in change) return store.invalidate([key]);
    if (await store.replace({ key, ...change.write }, held)) return;
  }
  await store.invalidate([key]);
}

/** Ages an entry so it is stale from `staleFrom` on, keeping its value; no entry: the key is only marked. */
export function ageTo(staleFrom: number, ttlMs: number): (held: StoredEntry | undefined) => EntryChange {
  return (e) => (e ? { write: { data: e.data, at: Math.min(e.at, staleFrom), ttlMs } } : { drop: true });
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
