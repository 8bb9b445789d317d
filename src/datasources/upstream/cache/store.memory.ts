import { LRUCache } from 'lru-cache';
import type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';
import { checkLockTtl, checkWrites, clockOption, DEFAULT_MARKER_TTL_MS, fillTooOld, numberOption } from './store.checks';

/** Options of a hot read, made once: lru-cache's `get` otherwise makes an empty one per call. */
const READ = Object.freeze({});

export interface MemoryCacheStoreOptions {
  /** Bound of the entries, in approximate bytes (UTF-16 key and data plus a fixed overhead each). */
  maxBytes: number;
  /** How long a key counts as changed after a put or invalidate. Default 60,000 ms: longer than any upstream fetch. */
  markerTtlMs?: number;
  /** Most "changed" markers kept (the oldest go first; see fill). Default 50,000. */
  maxMarkers?: number;
  /** Epoch ms for entry ttls, markers and locks. Default Date.now; tests move it by hand. */
  now?: () => number;
}

/**
 * What an entry costs beyond its strings: the entry object, its number, and lru-cache's slots
 * (key map, value, links, size, ttl, start). An estimate, so the bound holds roughly without
 * measuring the heap.
 */
const ENTRY_OVERHEAD_BYTES = 120;

/** Locks are held only while a fetch runs; a lock pushed out costs one duplicate fetch at worst. */
const MAX_LOCKS = 10_000;

/** The problems with `opts`, one line each (empty when valid). */
export function memoryStoreProblems(opts: MemoryCacheStoreOptions): string[] {
  const problems: string[] = [];
  if (opts.maxBytes === undefined) problems.push('maxBytes is required (the memory bound in bytes)');
  else numberOption(problems, 'maxBytes', opts.maxBytes, 0, ENTRY_OVERHEAD_BYTES);
  numberOption(problems, 'markerTtlMs', opts.markerTtlMs, 0);
  numberOption(problems, 'maxMarkers', opts.maxMarkers, 0);
  clockOption(problems, 'now', opts.now);
  return problems;
}

/**
 * The entity cache in this process's memory: the store without Redis, and the fallback's while
 * Redis is away. An LRU bounded in bytes, each entry with its own ttl.
 *
 * "Changed" markers (put, invalidate) live in a separate map bounded by count, so a fill of an
 * older fetch never overwrites an event's work. When that map is full its oldest marker goes, and
 * its time is remembered: every fill of a fetch begun at or before it is dropped, since the
 * dropped marker might have been for one of its keys. A dropped fill costs a miss, never staleness.
 */
export class MemoryCacheStore implements EntityCacheStore {
  private readonly entries: LRUCache<string, StoredEntry>;
  private readonly markers: LRUCache<string, number>;
  private readonly locks: LRUCache<string, true>;
  private readonly now: () => number;
  private readonly markerTtlMs: number;
  /** The newest time of a marker pushed out of the full marker map (see the class comment). */
  private evictedMarkerAt = -Infinity;

  constructor(opts: MemoryCacheStoreOptions) {
    const problems = memoryStoreProblems(opts);
    if (problems.length) throw new RangeError(`Invalid MemoryCacheStore options: ${problems.join('; ')}`);
    this.now = opts.now ?? Date.now;
    this.markerTtlMs = opts.markerTtlMs ?? DEFAULT_MARKER_TTL_MS;
    // Every map reads the store's clock on each check (ttlResolution 0, not lru-cache's cached
    // reading) so an injected clock is believed at once; expired items go when read or pushed
    // out, not by a timer per entry.
    const timing = { ttlAutopurge: false, ttlResolution: 0, perf: { now: this.now } };
    this.entries = new LRUCache<string, StoredEntry>({
      ...timing,
      maxSize: Math.floor(opts.maxBytes),
      sizeCalculation: (e, key) => 2 * (key.length + e.data.length) + ENTRY_OVERHEAD_BYTES,
    });
    this.markers = new LRUCache<string, number>({
      ...timing,
      max: opts.maxMarkers ?? 50_000,
      ttl: this.markerTtlMs,
      dispose: (at, _key, reason) => {
        if (reason === 'evict') this.evictedMarkerAt = Math.max(this.evictedMarkerAt, at);
      },
    });
    this.locks = new LRUCache<string, true>({ ...timing, max: MAX_LOCKS });
  }

  readonly mode = (): 'memory' => 'memory';

  /** Approximate bytes held by the entries (markers and locks are bounded by count instead). */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  async getMany(keys: readonly string[]): Promise<Array<StoredEntry | undefined>> {
    return keys.map((k) => {
      const e = this.entries.get(k, READ);
      // A copy: the caller must not be able to change what the store holds.
      return e && { data: e.data, at: e.at };
    });
  }

  async fill(writes: readonly CacheWrite[], startedAt: number): Promise<boolean[]> {
    checkWrites('fill', writes);
    if (fillTooOld(startedAt, this.now(), this.markerTtlMs) || startedAt <= this.evictedMarkerAt) return writes.map(() => false);
    return writes.map((w) => {
      // peek: checking a marker must not make it the last to be pushed out.
      const changedAt = this.markers.peek(w.key);
      const store = changedAt === undefined || changedAt < startedAt;
      if (store) this.set(w);
      return store;
    });
  }

  async put(writes: readonly CacheWrite[]): Promise<void> {
    checkWrites('put', writes);
    const now = this.now();
    for (const w of writes) {
      this.mark(w.key, now);
      this.set(w);
    }
  }

  async replace(write: CacheWrite, expected: StoredEntry | undefined, sent?: () => void): Promise<boolean> {
    checkWrites('replace', [write]);
    const cur = this.entries.get(write.key);
    // With `sent`, only the data counts (see the interface): a time moved by an ageing does not.
    const wrote = cur?.data === expected?.data && (sent !== undefined || cur?.at === expected?.at);
    const held = !wrote && sent !== undefined && cur?.data === write.data;
    if (wrote) {
      this.mark(write.key, this.now());
      this.set(write);
    } else if (sent && !held) await this.invalidate([write.key]);
    sent?.();
    return wrote || held;
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    const now = this.now();
    for (const k of keys) {
      this.mark(k, now);
      this.entries.delete(k);
    }
  }

  async tryLock(keys: readonly string[], ttlMs: number): Promise<boolean[]> {
    checkLockTtl(ttlMs);
    return keys.map((k) => {
      if (this.locks.has(k)) return false;
      this.locks.set(k, true, { ttl: Math.ceil(ttlMs) });
      return true;
    });
  }

  async unlock(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.locks.delete(k);
  }

  /** Forgets everything: entries, markers and locks (the fallback store, when Redis is back). */
  clear(): void {
    this.entries.clear();
    this.markers.clear();
    this.locks.clear();
    this.evictedMarkerAt = -Infinity;
  }

  async close(): Promise<void> {
    this.clear();
  }

  /**
   * An entry larger than the whole bound is not kept (lru-cache refuses it and drops the key's
   * older value, so no stale value outlives the write).
   */
  private set(w: CacheWrite): void {
    this.entries.set(w.key, { data: w.data, at: w.at }, { ttl: Math.ceil(w.ttlMs) });
  }

  /** Keeps the later time when a key changes again (a clock that stepped back must not shorten it). */
  private mark(key: string, now: number): void {
    this.markers.set(key, Math.max(now, this.markers.peek(key) ?? -Infinity));
  }
}
