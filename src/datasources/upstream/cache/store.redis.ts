import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import { coalescedWrites } from '../../../util/coalesced-writes';
import type { CacheWrite, EntityCacheStore, StoredEntry } from './cache.types';
import { CACHE_FILL, CACHE_INVALIDATE, CACHE_PUT, CACHE_REPLACE, CACHE_UNLOCK } from './scripts.lua';
import { checkLockTtl, checkWrites, clockOption, DEFAULT_MARKER_TTL_MS, fillTooOld, numberOption } from './store.checks';

export interface RedisCacheStoreOptions {
  /** redis://… of the Redis every replica shares. */
  redisUrl: string;
  /**
   * Prefix of every key, e.g. "pgw:cache:" (tests use one per file). An entry is
   * `${keyPrefix}v:${key}`, its "changed" marker `${keyPrefix}m:${key}`, its lock `${keyPrefix}l:${key}`.
   */
  keyPrefix: string;
  /** How long a key counts as changed after a put or invalidate. Default 60,000 ms: longer than any upstream fetch. */
  markerTtlMs?: number;
  /** Epoch ms written into markers; the read-through layer's `startedAt` must come from the same clock. Default Date.now. */
  now?: () => number;
  /** Past this a command fails (and the fallback store answers from memory). Default 500 ms. */
  redisCommandTimeoutMs?: number;
  /** How long the first calls wait for the first connection before they fail. Default 2,000 ms. */
  redisConnectWaitMs?: number;
  /**
   * A connection to use instead of opening one (opened with cacheConnectionOptions; the store does
   * not close it): the gateway gives the cache and the event log's appends one connection, so
   * Redis applies a webhook's cache write before its append (cache-effects.ts). `redisUrl` and
   * `redisCommandTimeoutMs` are then the connection's own.
   */
  redis?: Redis;
}

/**
 * The options of the store's connection: it never queues a command while Redis is away (no
 * offline queue, a short command timeout, no retries, no resending after a reconnect), so a call
 * fails at once instead of waiting; ioredis keeps reconnecting in the background.
 */
export function cacheConnectionOptions(commandTimeoutMs = 500): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    // A command whose caller already got an error must not run later behind its back.
    autoResendUnfulfilledCommands: false,
    connectTimeout: Math.max(1000, commandTimeoutMs * 2),
    // Reconnect quickly at first, then every 2 s at most (min: a cap, not a floor).
    retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
    // Not in ioredis's typings, honoured at run time: how long disconnect() leaves a socket to
    // close before destroying it (default 2 s, which outlives close() and keeps the process up).
    ...({ disconnectTimeout: 100 } as object),
  };
}

/** After a failed command, Redis is tried again at most this often (see usable()). */
const PROBE_INTERVAL_MS = 1000;

type Script = (...args: Array<string | number>) => Promise<unknown>;
/** The Lua scripts as EVALSHA commands (ioredis's defineCommand loads each once per connection). */
interface CacheCommands {
  cacheFill: Script;
  cachePut: Script;
  cacheInvalidate: Script;
  cacheReplace: Script;
  cacheUnlock: Script;
}

/** The problems with `opts`, one line each (empty when valid). */
export function redisStoreProblems(opts: RedisCacheStoreOptions): string[] {
  const problems: string[] = [];
  if (typeof opts.redisUrl !== 'string' || opts.redisUrl === '') problems.push(`redisUrl must be a redis:// URL, got ${typeof opts.redisUrl}`);
  if (typeof opts.keyPrefix !== 'string') problems.push(`keyPrefix must be a string, got ${typeof opts.keyPrefix}`);
  numberOption(problems, 'markerTtlMs', opts.markerTtlMs, 0);
  numberOption(problems, 'redisCommandTimeoutMs', opts.redisCommandTimeoutMs, 0);
  numberOption(problems, 'redisConnectWaitMs', opts.redisConnectWaitMs, 0, 0);
  clockOption(problems, 'now', opts.now);
  return problems;
}

/**
 * The entity cache in Redis, shared by every replica on the same key prefix. Each method is one
 * round trip (MGET, a pipeline, or one script); every key it writes has a ttl, so nothing grows
 * without bound. Errors propagate: FallbackCacheStore catches them and answers from memory.
 *
 * Its own connection never queues a command while Redis is away (no offline queue, a short
 * command timeout, no retries), so a call fails at once instead of waiting for a reconnect;
 * ioredis keeps reconnecting in the background. Keys are not hash-tagged: a batch spans many
 * slots, so this store needs a single Redis (or a proxy), not a cluster.
 */
export class RedisCacheStore implements EntityCacheStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly markerTtlMs: number;
  /** Tells this store's locks from other replicas' (unlock deletes only its own). */
  private readonly token = randomBytes(12).toString('base64url');
  private readonly firstReady: Promise<void>;
  private firstReadyTimer?: NodeJS.Timeout;
  /** When a command last failed, on Date.now (real time: a probe interval, not cache time). */
  private failedAt = 0;
  private closing = false;
  /** False for a connection handed in (`redis`): its owner closes it. */
  private readonly ownsConnection: boolean;
  /** One socket write per event-loop turn for all of this store's commands (util/coalesced-writes.ts). */
  private readonly writes: ReturnType<typeof coalescedWrites>;

  constructor(opts: RedisCacheStoreOptions) {
    const problems = redisStoreProblems(opts);
    if (problems.length) throw new RangeError(`Invalid RedisCacheStore options: ${problems.join('; ')}`);
    this.prefix = opts.keyPrefix;
    this.now = opts.now ?? Date.now;
    this.markerTtlMs = Math.ceil(opts.markerTtlMs ?? DEFAULT_MARKER_TTL_MS);
    this.ownsConnection = opts.redis === undefined;
    this.redis = opts.redis ?? new Redis(opts.redisUrl, cacheConnectionOptions(opts.redisCommandTimeoutMs));
    this.writes = coalescedWrites(this.redis);
    this.redis.defineCommand('cacheFill', { lua: CACHE_FILL });
    this.redis.defineCommand('cachePut', { lua: CACHE_PUT });
    this.redis.defineCommand('cacheInvalidate', { lua: CACHE_INVALIDATE });
    this.redis.defineCommand('cacheReplace', { lua: CACHE_REPLACE });
    this.redis.defineCommand('cacheUnlock', { lua: CACHE_UNLOCK });
    // Without a listener ioredis prints every failed reconnect; the fallback store logs outages.
    this.redis.on('error', () => this.markFailed());
    this.redis.on('ready', () => (this.failedAt = 0));
    this.firstReady = new Promise<void>((resolve) => {
      // A connection handed in may be up already.
      if (this.redis.status === 'ready') return resolve();
      this.redis.once('ready', () => resolve());
      // Start-up with Redis down must not stall the first calls: after a short wait, they fail.
      this.firstReadyTimer = setTimeout(resolve, opts.redisConnectWaitMs ?? 2000);
    }).finally(() => clearTimeout(this.firstReadyTimer));
  }

  readonly mode = (): 'redis' => 'redis';

  /**
   * Whether Redis is worth asking now: connected, and no command failed in the last second. A
   * hung server keeps its connection "ready" while every command times out; this keeps a caller
   * from paying that timeout on every call.
   */
  usable(): boolean {
    return this.redis.status === 'ready' && Date.now() - this.failedAt >= PROBE_INTERVAL_MS;
  }

  /** Calls `listener` each time the connection becomes ready (after start-up or an outage). */
  onReady(listener: () => void): void {
    this.redis.on('ready', listener);
  }

  /** One PING: resolves when Redis answers, rejects otherwise. */
  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async getMany(keys: readonly string[], opts?: { urgent?: boolean }): Promise<Array<StoredEntry | undefined>> {
    if (keys.length === 0) return [];
    const values = await this.call(() => this.redis.mget(keys.map((k) => this.entryKey(k))), opts?.urgent);
    return values.map(parseEntry);
  }

  async fill(writes: readonly CacheWrite[], startedAt: number): Promise<boolean[]> {
    checkWrites('fill', writes);
    if (writes.length === 0 || fillTooOld(startedAt, this.now(), this.markerTtlMs)) return writes.map(() => false);
    const stored = await this.call(() => this.commands.cacheFill(...this.pairs(writes.map((w) => w.key)), startedAt, ...this.values(writes)));
    return (stored as number[]).map((n) => n === 1);
  }

  async put(writes: readonly CacheWrite[]): Promise<void> {
    checkWrites('put', writes);
    if (writes.length === 0) return;
    await this.call(() => this.commands.cachePut(...this.pairs(writes.map((w) => w.key)), this.now(), this.markerTtlMs, ...this.values(writes)));
  }

  async replace(write: CacheWrite, expected: StoredEntry | undefined, sent?: () => void): Promise<boolean> {
    checkWrites('replace', [write]);
    const was = expected ? entryText(expected) : '';
    const wrote = await this.call(() => {
      const reply = this.commands.cacheReplace(...this.pairs([write.key]), this.now(), this.markerTtlMs, was, ...this.values([write]), sent ? '1' : '0');
      // Issued: what `sent` sends on this connection now follows the script (ioredis sends the
      // script itself, not its sha, the first time on a connection, so no NOSCRIPT resend can
      // come after; only a SCRIPT FLUSH on a live connection would make one).
      sent?.();
      return reply;
    }, true); // only webhooks write this way: sent at once (see getMany's `urgent`)
    return wrote === 1;
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.call(() => this.commands.cacheInvalidate(...this.pairs(keys), this.now(), this.markerTtlMs));
  }

  async tryLock(keys: readonly string[], ttlMs: number): Promise<boolean[]> {
    checkLockTtl(ttlMs);
    if (keys.length === 0) return [];
    const px = Math.ceil(ttlMs);
    return this.call(async () => {
      const p = this.redis.pipeline();
      for (const k of keys) p.set(this.lockKey(k), this.token, 'PX', px, 'NX');
      // A pipeline answers each command on its own: one failed SET fails the call, like a script.
      return ((await p.exec()) ?? []).map(([err, reply]) => {
        if (err) throw err;
        return reply === 'OK';
      });
    });
  }

  async unlock(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.call(() => this.commands.cacheUnlock(keys.length, ...keys.map((k) => this.lockKey(k)), this.token));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.firstReadyTimer);
    if (!this.ownsConnection) return;
    // QUIT lets the server close the socket; disconnect() would leave ioredis's 2 s destroy timer.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private get commands(): CacheCommands {
    return this.redis as unknown as CacheCommands;
  }

  /**
   * Runs one round trip once the first connection had its chance; a failure is remembered for
   * usable(). `urgent`: what the connection holds goes out now, this command with it.
   */
  private async call<T>(run: () => Promise<T>, urgent = false): Promise<T> {
    if (this.closing) throw new Error('RedisCacheStore: the store is closed');
    await this.firstReady;
    this.writes.beforeCommand();
    try {
      const reply = run();
      if (urgent) this.writes.flush();
      return await reply;
    } catch (err) {
      this.markFailed();
      throw err;
    }
  }

  private markFailed(): void {
    this.failedAt = Date.now();
  }

  /** The scripts' key list: how many keys, then entry and marker per key. */
  private pairs(keys: readonly string[]): Array<string | number> {
    const out: Array<string | number> = [keys.length * 2];
    for (const k of keys) out.push(this.entryKey(k), `${this.prefix}m:${k}`);
    return out;
  }

  /** The scripts' per-write arguments: the stored value and its ttl. */
  private values(writes: readonly CacheWrite[]): Array<string | number> {
    return writes.flatMap((w) => [entryText(w), Math.ceil(w.ttlMs)]);
  }

  private entryKey(key: string): string {
    return `${this.prefix}v:${key}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}l:${key}`;
  }
}

/** An entry as Redis holds it: `${at}|${data}`. */
function entryText(e: StoredEntry): string {
  return `${e.at}|${e.data}`;
}

/** `${at}|${data}` back to an entry; anything else (not ours) reads as no entry. */
function parseEntry(value: string | null): StoredEntry | undefined {
  if (value === null) return undefined;
  const bar = value.indexOf('|');
  const at = bar > 0 ? Number(value.slice(0, bar)) : NaN;
  return Number.isFinite(at) ? { at, data: value.slice(bar + 1) } : undefined;
}
