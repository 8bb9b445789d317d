import type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';
import { checkLockTtl, checkWrites } from './store.checks';
import type { MemoryCacheStore } from './store.memory';
import type { RedisCacheStore } from './store.redis';

/** The logger the store accepts: pino's shape, or anything with these two methods. */
export interface CacheStoreLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface FallbackCacheStoreOptions {
  /** Hears each switch once: warn when Redis goes, info when it is back. Never given keys or data. */
  logger?: CacheStoreLogger;
  /**
   * Most keys changed (put, invalidated) during an outage that are invalidated in Redis when it is
   * back; past it, the rest stay as Redis had them until their ttl, and the return says how many.
   * Default 100,000.
   */
  maxReplayKeys?: number;
}

/** Keys per invalidate while replaying an outage's changes: one script call must stay short. */
const REPLAY_BATCH = 500;

/**
 * Redis while it answers, this process's memory while it does not. A Redis command that fails
 * (connection down, timeout) is answered by the memory store in the same call, and the store
 * reports 'fallback' until Redis is usable again: when the connection is ready again, or, for a
 * server that hung without dropping it, when a probe once a second succeeds. Redis errors never
 * reach the caller; a misuse (a bad ttl) does, before Redis is asked.
 *
 * Coming back, the keys this replica changed during the outage are invalidated in Redis (it may
 * still hold what they were before, if it only was out of reach), and the memory store is
 * cleared: its entries may have missed other replicas' invalidations.
 */
export class FallbackCacheStore implements EntityCacheStore {
  private inFallback = false;
  /** Keys put or invalidated from memory during this outage, to invalidate in Redis on return. */
  private readonly changed = new Set<string>();
  private droppedChanges = 0;
  private recovering?: Promise<void>;
  private readonly maxReplayKeys: number;

  constructor(
    private readonly redis: RedisCacheStore,
    private readonly memory: MemoryCacheStore,
    private readonly opts: FallbackCacheStoreOptions = {},
  ) {
    const max = opts.maxReplayKeys ?? 100_000;
    if (!(Number.isInteger(max) && max >= 0)) throw new RangeError(`Invalid FallbackCacheStore options: maxReplayKeys must be an integer >= 0, got ${max}`);
    this.maxReplayKeys = max;
    redis.onReady(() => void this.recover());
  }

  readonly mode = (): 'redis' | 'fallback' => (this.inFallback ? 'fallback' : 'redis');

  // async throughout: a misuse caught by the checks rejects, as it does in the other stores.

  async getMany(keys: readonly string[], opts?: { urgent?: boolean }): Promise<Array<StoredEntry | undefined>> {
    return this.run((s) => s.getMany(keys, opts));
  }

  async fill(writes: readonly CacheWrite[], startedAt: number): Promise<boolean[]> {
    checkWrites('fill', writes);
    return this.run((s) => s.fill(writes, startedAt));
  }

  async put(writes: readonly CacheWrite[]): Promise<void> {
    checkWrites('put', writes);
    return this.run(
      (s) => s.put(writes),
      writes.map((w) => w.key),
    );
  }

  async replace(write: CacheWrite, expected: StoredEntry | undefined, sent?: () => void): Promise<boolean> {
    checkWrites('replace', [write]);
    // Once, though Redis may fail after sending and memory then take the write.
    let pending = sent;
    const once = (): void => {
      const f = pending;
      pending = undefined;
      f?.();
    };
    return this.run((s) => s.replace(write, expected, sent && once), [write.key]);
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    return this.run((s) => s.invalidate(keys), keys);
  }

  async tryLock(keys: readonly string[], ttlMs: number): Promise<boolean[]> {
    checkLockTtl(ttlMs);
    return this.run((s) => s.tryLock(keys, ttlMs));
  }

  async unlock(keys: readonly string[]): Promise<void> {
    return this.run((s) => s.unlock(keys));
  }

  async close(): Promise<void> {
    await Promise.all([this.redis.close(), this.memory.close()]);
  }

  /**
   * One call: on Redis unless it is known to be away, else (or when Redis fails it) on memory.
   * `changedKeys`: what the call changes, remembered when memory takes it.
   */
  private async run<T>(op: (s: EntityCacheStore) => Promise<T>, changedKeys?: readonly string[]): Promise<T> {
    if (this.inFallback && this.redis.usable()) await this.recover();
    if (!this.inFallback) {
      try {
        return await op(this.redis);
      } catch (err) {
        this.enterFallback(err);
      }
    }
    if (changedKeys) this.remember(changedKeys);
    return op(this.memory);
  }

  private enterFallback(err: unknown): void {
    if (this.inFallback) return;
    this.inFallback = true;
    const code = (err as { code?: string })?.code ?? (err as Error)?.name ?? 'error';
    this.opts.logger?.warn({ component: 'entity-cache', code }, "Redis is unreachable: the entity cache serves from this replica's memory");
  }

  private remember(keys: readonly string[]): void {
    for (const k of keys) {
      if (this.changed.has(k)) continue;
      if (this.changed.size < this.maxReplayKeys) this.changed.add(k);
      else this.droppedChanges++;
    }
  }

  /** One attempt at a time, however many calls and 'ready' events ask for it. */
  private recover(): Promise<void> {
    this.recovering ??= this.tryRecover().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  /**
   * Replays the outage's changes as invalidations, then switches back to Redis. A failure leaves
   * the store in fallback with the keys not yet replayed; the next probe tries again.
   */
  private async tryRecover(): Promise<void> {
    if (!this.inFallback) return;
    let batch: string[] = [];
    try {
      await this.redis.ping();
      while ((batch = this.takeChanged()).length > 0) await this.redis.invalidate(batch);
    } catch {
      for (const k of batch) this.changed.add(k);
      return;
    }
    // No await since the last takeChanged() found nothing: no call has changed memory meanwhile.
    this.memory.clear();
    this.inFallback = false;
    const unreplayed = this.droppedChanges;
    this.droppedChanges = 0;
    this.opts.logger?.info(
      { component: 'entity-cache', unreplayed },
      unreplayed
        ? `Redis is reachable again: the entity cache is shared again; ${unreplayed} keys changed during the outage were not replayed and may be stale until their ttl`
        : 'Redis is reachable again: the entity cache is shared again',
    );
  }

  private takeChanged(): string[] {
    const batch: string[] = [];
    for (const k of this.changed) {
      batch.push(k);
      this.changed.delete(k);
      if (batch.length === REPLAY_BATCH) break;
    }
    return batch;
  }
}
