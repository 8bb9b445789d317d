/**
 * The entity cache's storage: what a store keeps and the few operations the read-through layer
 * (read-through.ts) and the webhook effects need. Two stores keep one contract (memory: an LRU
 * bounded in bytes; Redis: shared by every replica), and a fallback store serves from memory while
 * Redis is away. Values are opaque JSON text here; keys arrive complete (prefix, upstream,
 * credential hash, type, id) and are never parsed.
 *
 * Time is epoch ms from the store's clock (`now` option), so a test can move it.
 */

/** One entry as a store keeps it. */
export interface StoredEntry {
  /** The value as JSON text. */
  data: string;
  /** When the upstream answer it holds was asked for, or when a webhook wrote it (epoch ms). */
  at: number;
}

/** One write: the value, when it was true, and how long the store may keep it. */
export interface CacheWrite {
  key: string;
  data: string;
  at: number;
  /** The store drops the entry after this long (freshness + max-stale). Finite and > 0, or the write is rejected. */
  ttlMs: number;
}

export interface EntityCacheStore {
  /** 'memory', 'redis', or 'fallback' while a Redis-backed store serves from memory. */
  readonly mode: () => 'memory' | 'redis' | 'fallback';
  /**
   * The entries of `keys`, in order, in one round trip; undefined where there is none. `urgent`:
   * sent at once rather than with the rest of the event-loop turn's commands (a webhook's
   * read-modify-write, whose answer time is how fast a hook's deliveries drain); stores without a
   * connection ignore it.
   */
  getMany(keys: readonly string[], opts?: { urgent?: boolean }): Promise<Array<StoredEntry | undefined>>;
  /**
   * Stores what an upstream fetch begun at `startedAt` answered, in one round trip, except for a
   * key changed (put or invalidated) at or after `startedAt`: an answer fetched before an event
   * must never overwrite what the event did. A key counts as changed for the store's `markerTtlMs`
   * (default 60 s), so a fill whose fetch began that long ago or earlier is dropped whole.
   * Answers, per write in order, whether it was stored.
   */
  fill(writes: readonly CacheWrite[], startedAt: number): Promise<boolean[]>;
  /** Writes unconditionally (a webhook's new value) and marks the keys changed now. */
  put(writes: readonly CacheWrite[]): Promise<void>;
  /**
   * Writes `write` and marks its key changed now, only if the key's entry is still `expected`
   * (the same time and text; undefined: no entry), in one atomic step: a read-modify-write that
   * another replica's write cannot slip into. False, writing nothing, when the entry moved on.
   *
   * With `sent`, for writing a new value: `sent` is called once, right after the write is sent,
   * and a command it sends on the store's connection is applied after the write (replaceEntryThen).
   * Only the expected entry's data counts then (an ageing that moved its time in between does not
   * change what was decided on it). An entry that holds the data written already (another replica
   * wrote the same, as the two stock hooks' deliveries of one change do) stays: true. Any other
   * moved-on entry is dropped and its key marked, in the same atomic step, since whatever `sent`
   * published must not meet the value this write replaces: false. (Not for an ageing, whose
   * "same data, earlier time" would count as done on an entry aged less far.)
   */
  replace(write: CacheWrite, expected: StoredEntry | undefined, sent?: () => void): Promise<boolean>;
  /** Deletes the keys and marks them changed now, so fills of fetches begun before are dropped. */
  invalidate(keys: readonly string[]): Promise<void>;
  /**
   * Tries to take a lock per key for `ttlMs` (one refresh or one miss fetch across replicas);
   * true where this store took it. Not re-entrant: a key this store already holds answers false.
   * A lock ends with `unlock` or its ttl.
   */
  tryLock(keys: readonly string[], ttlMs: number): Promise<boolean[]>;
  /** Releases the keys' locks this store holds; a lock another replica took (after ours expired) stays. */
  unlock(keys: readonly string[]): Promise<void>;
  /** Closes the store's connection; the store must not be used afterwards. */
  close(): Promise<void>;
}
