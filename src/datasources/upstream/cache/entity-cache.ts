import { CACHE_TYPES, type CachePolicy, type CacheType } from '../../../config/cache-config';
import type { Upstream } from '../../../errors';
import { DecodeMemo } from './decode-memo';
import { CacheTotals, StoreKeyNames, storeKey } from './entity-names';
import { ageTo, decideOnValue, replaceEntry, replaceEntryThen, type ValueDecider } from './replace-entry';
import type { CacheWrite, StoredEntry } from './cache.types';
import type { CacheCounts, EntityCacheOptions, ReadRequest } from './entity-cache.types';

export type { CacheCounts, CacheUsageSink, EntityCacheOptions, ReadRequest } from './entity-cache.types';

/**
 * The entity cache the loaders read through. One instance per process, shared by every request;
 * the store under it is shared by every replica (Redis) or is this process's memory.
 *
 * An entry's age decides what a read does with it:
 * - age ≤ ttl: fresh, served;
 * - ttl < age ≤ ttl + revalidate: served at once, and refreshed in the background (one refresh
 *   across all replicas: the refresh takes a lock in the store);
 * - ttl + revalidate < age ≤ ttl + maxStale: fetched again; served only if that fetch fails
 *   (upstream error, budget exhausted), and the answer says so;
 * - older, or none: fetched; the field fails if the fetch fails.
 * Webhooks keep entries fresh (`put`, `invalidate`): the ttl is the safety net for what they miss.
 *
 * Concurrent misses for one key make one upstream call: within the process they share one promise;
 * across replicas the first takes a lock in the store and the others wait for its answer to appear
 * (taking the lock once it is free without one, and after `lockTtlMs` fetching regardless).
 */

type Outcome<V> = { value: V | null } | { error: Error };

/** The items of `from` at the positions `idx`. */
function pick<T>(idx: readonly number[], from: readonly T[]): T[] {
  return idx.map((i) => from[i]);
}

export class EntityCache {
  private readonly now: () => number;
  private readonly lockTtlMs: number;
  private readonly lockPollMs: number;
  /** Fetches in flight in this process, by full key: concurrent misses share one. */
  private readonly inflight = new Map<string, Promise<Outcome<unknown>>>();
  /** Background refreshes running in this process, by full key. */
  private readonly refreshing = new Set<string>();
  private readonly totals = new CacheTotals();
  private readonly decoded = new DecodeMemo();
  private readonly names: StoreKeyNames;
  private closed = false;

  constructor(private readonly opts: EntityCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.lockTtlMs = opts.lockTtlMs ?? 10_000;
    this.lockPollMs = opts.lockPollMs ?? 25;
    this.names = new StoreKeyNames(opts.maxKeyNames ?? 50_000);
    for (const t of CACHE_TYPES) {
      const p = opts.policies[t];
      if (!p || !(p.ttlMs >= 0 && p.revalidateMs >= 0 && p.maxStaleMs >= p.revalidateMs)) {
        throw new RangeError(`EntityCache policy for ${t} must have ttlMs ≥ 0 and 0 ≤ revalidateMs ≤ maxStaleMs, got ${JSON.stringify(p)}.`);
      }
    }
  }

  /** The store's mode, for metrics and the bench. */
  mode(): 'memory' | 'redis' | 'fallback' {
    return this.opts.store.mode();
  }

  /** Reads `keys` through the cache: one store round trip, one fetch for the misses. */
  async load<K, V>(req: ReadRequest<K, V>): Promise<Array<V | null | Error>> {
    const policy = this.opts.policies[req.type];
    const full = this.names.of(req);
    const entries = await this.opts.store.getMany(full);
    const now = this.now();
    const out: Array<V | null | Error | undefined> = new Array<V | null | Error | undefined>(req.keys.length);
    const stats = { hits: 0, misses: 0, stale: 0, staleOnError: 0, oldestAgeMs: 0 };
    const fetchIdx: number[] = [];
    const refreshIdx: number[] = [];
    entries.forEach((e, i) => {
      const age = e ? now - e.at : Infinity;
      if (e && age <= policy.ttlMs + policy.revalidateMs) {
        out[i] = this.decoded.decode(full[i], e.data) as V | null;
        stats.hits += 1;
        stats.oldestAgeMs = Math.max(stats.oldestAgeMs, age);
        if (age > policy.ttlMs) {
          stats.stale += 1;
          refreshIdx.push(i);
        }
      } else {
        stats.misses += 1;
        fetchIdx.push(i);
      }
    });
    if (fetchIdx.length > 0) {
      const got = await this.fetchShared(req, pick(fetchIdx, req.keys), pick(fetchIdx, full), policy);
      fetchIdx.forEach((i, j) => {
        const r = got[j];
        if ('value' in r) return void (out[i] = r.value);
        const old = entries[i];
        const age = old ? now - old.at : Infinity;
        if (old && age <= policy.ttlMs + policy.maxStaleMs) {
          // Better an answer a little old than none: the extensions say how old.
          out[i] = this.decoded.decode(full[i], old.data) as V | null;
          stats.staleOnError += 1;
          stats.oldestAgeMs = Math.max(stats.oldestAgeMs, age);
        } else {
          out[i] = r.error;
        }
      });
    }
    if (refreshIdx.length > 0) this.refreshInBackground(req, refreshIdx, full, policy);
    this.count(req.upstream, req.type, { hits: stats.hits, misses: stats.misses, stale: stats.stale, staleOnError: stats.staleOnError });
    req.usage?.recordCache(req.upstream, stats);
    return out as Array<V | null | Error>;
  }

  /** Writes values a webhook carried (no upstream call); fetches begun earlier will not overwrite them. */
  async put<V>(upstream: Upstream, type: CacheType, namespace: string, values: ReadonlyArray<{ id: string; value: V | null }>): Promise<void> {
    if (values.length === 0) return;
    const at = this.now();
    const ttlMs = this.storeTtl(type);
    await this.opts.store.put(values.map((v) => ({ key: this.key(namespace, type, v.id), data: JSON.stringify(v.value), at, ttlMs })));
    this.count(upstream, type, { writes: values.length });
  }

  /**
   * Stores values fetched outside `load` (a list page's rows, a product found by its code) as a
   * fill: skipped for any key an event changed at or after `startedAt`.
   */
  async fill<V>(type: CacheType, namespace: string, values: ReadonlyArray<{ id: string; value: V | null }>, startedAt: number): Promise<void> {
    if (values.length === 0) return;
    const ttlMs = this.storeTtl(type);
    const writes = values.map((v) => ({ key: this.key(namespace, type, v.id), data: JSON.stringify(v.value), at: startedAt, ttlMs }));
    await this.opts.store.fill(writes, startedAt).catch(() => undefined);
  }

  /** The clock the cache uses; a fetch outside `load` reads it before it starts, for `fill`. */
  clock(): number {
    return this.now();
  }

  /** The entries as stored (undefined where none), without fetching: for read-modify-write by webhooks. */
  async peek<V>(type: CacheType, namespace: string, ids: readonly string[]): Promise<Array<{ value: V | null; at: number } | undefined>> {
    const entries = await this.opts.store.getMany(ids.map((id) => this.key(namespace, type, id)));
    return entries.map((e: StoredEntry | undefined) => (e ? { value: JSON.parse(e.data) as V | null, at: e.at } : undefined));
  }

  /**
   * True for the first caller on any replica to claim `id` within `ttlMs`, false for every later
   * one, and false when the store cannot tell (so false must be read as "seen before"). A webhook
   * receiver tells a delivery's first receipt from its repeats this way.
   */
  async claim(namespace: string, id: string, ttlMs: number): Promise<boolean> {
    const [first] = await this.opts.store.tryLock([`${namespace}:claim:${id}`], ttlMs).catch(() => [false]);
    return first === true;
  }

  /**
   * Keeps the entries but lets them be fresh for at most `graceMs` more, on every replica (then
   * served at once while one refresh runs, kept to serve if the upstream fails); with `refetch`,
   * the next read fetches. For an event that says "changed" without the new value. Entries are
   * aged by compare-and-set, so a value another replica writes meanwhile is never put back to
   * what it was; fetches begun before now will not overwrite them; ids without an entry are marked.
   */
  async markStale(upstream: Upstream, type: CacheType, namespace: string, ids: readonly string[], opts: { graceMs?: number; refetch?: boolean } = {}) {
    const p = this.opts.policies[type];
    // refetch: past the revalidate window too, so the next read fetches (and serves the entry only if that fails).
    const staleFrom = opts.refetch ? this.now() - p.ttlMs - p.revalidateMs - 1 : this.now() + (opts.graceMs ?? 0) - p.ttlMs - 1;
    const age = ageTo(staleFrom, this.storeTtl(type));
    await Promise.all(ids.map((id) => replaceEntry(this.opts.store, this.key(namespace, type, id), age)));
    this.count(upstream, type, { invalidations: ids.length });
  }

  /**
   * Read-modify-write of one entry, atomic against other replicas' writes: `decide` gets the value
   * held (undefined: none) and answers a value to write now (`put`), `refetch` (the next read
   * fetches), or null (leave it). A race makes it decide again on what the other write left. With
   * `then`: it goes out in a put's round trip (a command it sends on the store's connection follows
   * the write) and a race drops the entry (replaceEntryThen); answers what `then` answers.
   */
  async modify<V>(upstream: Upstream, type: CacheType, namespace: string, id: string, decide: ValueDecider<V>): Promise<void>;
  async modify<V, T>(upstream: Upstream, type: CacheType, namespace: string, id: string, decide: ValueDecider<V>, then: () => Promise<T>): Promise<T>;
  async modify<V, T>(upstream: Upstream, type: CacheType, namespace: string, id: string, decide: ValueDecider<V>, then?: () => Promise<T>) {
    const p = this.opts.policies[type];
    const change = decideOnValue(decide, this.now, this.now() - p.ttlMs - p.revalidateMs - 1, this.storeTtl(type));
    const key = this.key(namespace, type, id);
    const followed = then ? await replaceEntryThen(this.opts.store, key, change, then) : await replaceEntry(this.opts.store, key, change);
    this.count(upstream, type, { writes: 1 });
    return followed;
  }

  /** Drops entries on every replica; fetches begun before now will not bring them back. */
  async invalidate(upstream: Upstream, type: CacheType, namespace: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.opts.store.invalidate(ids.map((id) => this.key(namespace, type, id)));
    this.count(upstream, type, { invalidations: ids.length });
  }

  /** Running totals by "upstream:type". */
  stats(): ReadonlyMap<string, Readonly<CacheCounts>> {
    return this.totals.all();
  }

  /** Stops background refreshes from starting and closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    await this.opts.store.close();
  }

  private key(namespace: string, type: CacheType, id: string): string {
    return storeKey(namespace, type, id);
  }

  private storeTtl(type: CacheType): number {
    const p = this.opts.policies[type];
    return Math.max(1, p.ttlMs + p.maxStaleMs);
  }

  /**
   * The misses' values, each key fetched once however many ask: a key already in flight in this
   * process is joined; the rest are fetched by whoever takes their lock, and waited for elsewhere.
   */
  private async fetchShared<K, V>(req: ReadRequest<K, V>, keys: K[], full: string[], policy: CachePolicy): Promise<Array<Outcome<V>>> {
    const results = new Array<Promise<Outcome<V>>>(keys.length);
    const mine: number[] = [];
    full.forEach((k, i) => {
      const p = this.inflight.get(k) as Promise<Outcome<V>> | undefined;
      if (p) results[i] = p;
      else mine.push(i);
    });
    if (mine.length > 0) {
      const batch = this.fetchLocked(req, pick(mine, keys), pick(mine, full), policy);
      mine.forEach((i, j) => {
        const p = batch.then((r) => r[j]);
        this.inflight.set(full[i], p);
        void p.finally(() => this.inflight.delete(full[i]));
        results[i] = p;
      });
    }
    return Promise.all(results);
  }

  /**
   * Takes the cross-replica locks and fetches what it locked; for the keys another replica holds,
   * looks for that replica's answer every `lockPollMs`, taking the lock itself once it is free
   * (that fetch failed), and after `lockTtlMs` of real time fetches regardless.
   */
  private async fetchLocked<K, V>(req: ReadRequest<K, V>, keys: K[], full: string[], policy: CachePolicy): Promise<Array<Outcome<V>>> {
    const out = new Array<Outcome<V>>(keys.length);
    const lock = (i: number): string => `${full[i]}:lock`;
    const giveUpAt = Date.now() + this.lockTtlMs;
    const fetches: Array<Promise<void>> = [];
    let open = keys.map((_, i) => i);
    while (open.length > 0) {
      const force = Date.now() >= giveUpAt || this.closed;
      const taken = force ? open.map(() => true) : await this.opts.store.tryLock(open.map(lock), this.lockTtlMs).catch(() => open.map(() => true));
      let mine = open.filter((_, j) => taken[j]);
      // Another replica may have stored the answer and let go of the lock since we last looked.
      if (!force && mine.length > 0) mine = await this.takeStored(mine, full, out, policy);
      if (mine.length > 0) {
        const fetched = this.fetchAndFill(req, pick(mine, keys), pick(mine, full), policy);
        fetches.push(
          fetched
            .then((r) => mine.forEach((i, j) => (out[i] = r[j])))
            .finally(() => (force ? undefined : this.opts.store.unlock(mine.map(lock)).catch(() => undefined))),
        );
      }
      open = open.filter((_, j) => !taken[j]);
      if (open.length === 0) break;
      await new Promise((r) => setTimeout(r, this.lockPollMs));
      open = await this.readFresh(open, full, out, policy);
    }
    await Promise.all(fetches);
    return out;
  }

  /** Of keys just locked, answers those another replica stored fresh meanwhile (and lets their locks go); returns the rest. */
  private async takeStored<V>(idx: number[], full: string[], out: Array<Outcome<V>>, policy: CachePolicy): Promise<number[]> {
    const rest = await this.readFresh(idx, full, out, policy);
    const stored = idx.filter((i) => !rest.includes(i));
    if (stored.length > 0) await this.opts.store.unlock(stored.map((i) => `${full[i]}:lock`)).catch(() => undefined);
    return rest;
  }

  /** Answers the keys whose entry is fresh now (another replica's fetch); returns the others. */
  private async readFresh<V>(idx: number[], full: string[], out: Array<Outcome<V>>, policy: CachePolicy): Promise<number[]> {
    const got = await this.opts.store.getMany(idx.map((i) => full[i]));
    const now = this.now();
    return idx.filter((i, j) => {
      const e = got[j];
      const fresh = e !== undefined && now - e.at <= policy.ttlMs;
      if (fresh) out[i] = { value: this.decoded.decode(full[i], e.data) as V | null };
      return !fresh;
    });
  }

  /**
   * One upstream fetch for `keys`, its answers stored unless an event changed a key meanwhile. Such
   * an answer may be older than the event, so it is not given either: the event's own entry is,
   * when fresh, else the key is fetched once more (`again`: that answer is given as it is).
   */
  private async fetchAndFill<K, V>(req: ReadRequest<K, V>, keys: K[], full: string[], policy: CachePolicy, again = false): Promise<Array<Outcome<V>>> {
    if (keys.length === 0) return [];
    const startedAt = this.now();
    let values: Array<V | null | Error>;
    try {
      values = await req.fetch(keys);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return keys.map(() => ({ error }));
    }
    const ttlMs = Math.max(1, policy.ttlMs + policy.maxStaleMs);
    const idx = values.flatMap((v, i) => (v instanceof Error ? [] : [i]));
    const writes: CacheWrite[] = idx.map((i) => ({ key: full[i], data: JSON.stringify(values[i]), at: startedAt, ttlMs }));
    // A store that fails stores nothing, and no event can be told from that: the answers stand.
    const stored = writes.length > 0 ? await this.opts.store.fill(writes, startedAt).catch(() => writes.map(() => true)) : [];
    const out = values.map((v): Outcome<V> => (v instanceof Error ? { error: v } : { value: v }));
    const superseded = idx.filter((_, j) => !stored[j]);
    if (superseded.length === 0 || again) return out;
    const rest = await this.readFresh(superseded, full, out, policy);
    const refetched = await this.fetchAndFill(req, pick(rest, keys), pick(rest, full), policy, true);
    rest.forEach((i, j) => (out[i] = refetched[j]));
    return out;
  }

  /** Refreshes stale entries after the answer has gone, one refresh per key across replicas. */
  private refreshInBackground<K, V>(req: ReadRequest<K, V>, idx: number[], full: string[], policy: CachePolicy): void {
    const todo = idx.filter((i) => !this.refreshing.has(full[i]));
    if (todo.length === 0 || this.closed) return;
    for (const i of todo) this.refreshing.add(full[i]);
    const locks = todo.map((i) => `${full[i]}:refresh`);
    const background = { ...req, usage: undefined };
    void (async () => {
      const taken = await this.opts.store.tryLock(locks, this.lockTtlMs);
      const mine = todo.filter((_, j) => taken[j]);
      // The refresh locks are left to expire rather than released: a refresh just done needs no second one soon.
      if (mine.length > 0) {
        await this.fetchAndFill(background, pick(mine, req.keys), pick(mine, full), policy);
      }
    })()
      .catch((err: unknown) => this.opts.onBackgroundError?.(err))
      .finally(() => {
        for (const i of todo) this.refreshing.delete(full[i]);
      });
  }

  private count(upstream: Upstream, type: CacheType, add: Partial<CacheCounts>): void {
    this.totals.add(upstream, type, add);
  }
}

export { CACHE_TYPES, type CachePolicy, type CacheType };
