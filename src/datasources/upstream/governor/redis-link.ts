import Redis from 'ioredis';
import { BUCKET_OBSERVE, BUCKET_TAKE, FIXED_OBSERVE, FIXED_TAKE, PAUSE, SLIDING_OBSERVE, SLIDING_TAKE } from './scripts.lua';
import { MULTI_OBSERVE, MULTI_TAKE } from './scripts.multi-window.lua';

/** The logger a registry accepts: pino's shape, or anything with these two methods. */
export interface GovernorLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

const PROBE_INTERVAL_MS = 1000;

type Script = (...args: Array<string | number>) => Promise<unknown>;
/** The Lua scripts as EVALSHA commands (ioredis defineCommand loads them once per connection). */
export interface GovernorCommands {
  govSlidingTake: Script;
  govSlidingObserve: Script;
  govFixedTake: Script;
  govFixedObserve: Script;
  govBucketTake: Script;
  govBucketObserve: Script;
  /** Multi-window scripts take one zset per window: the first argument is the number of keys. */
  govMultiTake: Script;
  govMultiObserve: Script;
  govPause: Script;
}

/**
 * One Redis connection for a registry, and the judgement of whether it can be used right now.
 * Commands never queue while Redis is away (enableOfflineQueue false, a short command timeout):
 * a governor must fall back to its local share at once rather than hold calls hostage to a
 * reconnect. ioredis keeps reconnecting in the background; the 'ready' event brings us back.
 */
export class RedisLink {
  readonly redis: Redis;
  private down = false;
  private closing = false;
  /** When a command last failed on a connection ioredis still calls ready (a hung server, a timeout). */
  private failedAt = 0;
  private readonly firstReady: Promise<void>;
  private firstReadyTimer?: NodeJS.Timeout;

  constructor(
    url: string,
    private readonly logger: GovernorLogger | undefined,
    commandTimeoutMs: number,
    connectWaitMs: number,
  ) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1000, commandTimeoutMs * 2),
      // Reconnect quickly at first, then every 2 s at most (min: a cap, not a floor).
      retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
      // Not in ioredis's typings, honoured at run time: how long disconnect() leaves a socket to
      // close before destroying it (default 2 s, which outlives close() and keeps the process up).
      ...({ disconnectTimeout: 100 } as object),
    });
    const defs: Array<[keyof GovernorCommands, number | undefined, string]> = [
      ['govSlidingTake', 2, SLIDING_TAKE],
      ['govSlidingObserve', 2, SLIDING_OBSERVE],
      ['govFixedTake', 1, FIXED_TAKE],
      ['govFixedObserve', 1, FIXED_OBSERVE],
      ['govBucketTake', 1, BUCKET_TAKE],
      ['govBucketObserve', 1, BUCKET_OBSERVE],
      ['govMultiTake', undefined, MULTI_TAKE],
      ['govMultiObserve', undefined, MULTI_OBSERVE],
      ['govPause', 1, PAUSE],
    ];
    for (const [name, numberOfKeys, lua] of defs) this.redis.defineCommand(name, { numberOfKeys, lua });
    // Without a listener ioredis prints every failed reconnect; markDown logs the outage once.
    this.redis.on('error', (err: Error) => this.markDown(err));
    // A dropped connection is an outage even before a command or a reconnect fails.
    this.redis.on('close', () => {
      if (!this.closing) this.markDown({ code: 'CONNECTION_CLOSED' });
    });
    this.redis.on('ready', () => {
      this.failedAt = 0;
      if (this.down) {
        this.down = false;
        this.logger?.info({ component: 'governor' }, 'Redis is reachable again: rate budgets are shared across replicas again');
      }
    });
    this.firstReady = new Promise<void>((resolve) => {
      this.redis.once('ready', () => resolve());
      // Start-up with Redis down must not stall the first calls: after a short wait, fall back.
      this.firstReadyTimer = setTimeout(resolve, connectWaitMs);
    }).finally(() => clearTimeout(this.firstReadyTimer));
  }

  get commands(): GovernorCommands {
    return this.redis as unknown as GovernorCommands;
  }

  /** Resolves when the first connection is up, or after the start-up wait, whichever is first. */
  whenFirstReady(): Promise<void> {
    return this.firstReady;
  }

  /**
   * Whether to ask Redis now. After a failed command the connection may still look ready for a
   * moment (or for good, when Redis hangs): try it again only once a second, not for every call.
   */
  usable(): boolean {
    return this.redis.status === 'ready' && Date.now() - this.failedAt >= PROBE_INTERVAL_MS;
  }

  /** Records an outage; logs it once per outage (never the URL: it may carry a password). */
  markDown(err: unknown): void {
    this.failedAt = Date.now();
    if (this.down) return;
    this.down = true;
    const code = (err as { code?: string })?.code ?? (err as Error)?.name ?? 'error';
    this.logger?.warn({ component: 'governor', code }, 'Redis is unreachable: each governor now uses a conservative local share of its budget');
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.firstReadyTimer);
    // QUIT lets the server close the socket; disconnect() would leave ioredis's 2 s destroy timer.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
