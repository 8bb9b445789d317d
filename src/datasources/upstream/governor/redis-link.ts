import Redis from 'ioredis';
import { BUCKET_OBSERVE, BUCKET_TAKE, FIXED_OBSERVE, FIXED_TAKE, PAUSE, SLIDING_OBSERVE, SLIDING_TAKE } from './scripts.lua';

/** The logger a registry accepts: pino's shape, or anything with these two methods. */
export interface GovernorLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

type Script = (...args: Array<string | number>) => Promise<unknown>;
/** The Lua scripts as EVALSHA commands (ioredis defineCommand loads them once per connection). */
export interface GovernorCommands {
  govSlidingTake: Script;
  govSlidingObserve: Script;
  govFixedTake: Script;
  govFixedObserve: Script;
  govBucketTake: Script;
  govBucketObserve: Script;
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
  private readonly firstReady: Promise<void>;
  private firstReadyTimer?: NodeJS.Timeout;

  constructor(url: string, private readonly logger: GovernorLogger | undefined, commandTimeoutMs: number, connectWaitMs: number) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1000, commandTimeoutMs * 2),
      // Reconnect quickly at first, then every 2 s at most (min: a cap, not a floor).
      retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
    });
    const defs: Array<[keyof GovernorCommands, number, string]> = [
      ['govSlidingTake', 2, SLIDING_TAKE], ['govSlidingObserve', 2, SLIDING_OBSERVE],
      ['govFixedTake', 1, FIXED_TAKE], ['govFixedObserve', 1, FIXED_OBSERVE],
      ['govBucketTake', 1, BUCKET_TAKE], ['govBucketObserve', 1, BUCKET_OBSERVE], ['govPause', 1, PAUSE],
    ];
    for (const [name, numberOfKeys, lua] of defs) this.redis.defineCommand(name, { numberOfKeys, lua });
    // Without a listener ioredis prints every failed reconnect; markDown logs the outage once.
    this.redis.on('error', (err: Error) => this.markDown(err));
    this.redis.on('ready', () => {
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

  usable(): boolean {
    return this.redis.status === 'ready';
  }

  /** Records an outage; logs it once per outage (never the URL: it may carry a password). */
  markDown(err: unknown): void {
    if (this.down) return;
    this.down = true;
    const code = (err as { code?: string })?.code ?? (err as Error)?.name ?? 'error';
    this.logger?.warn({ component: 'governor', code }, 'Redis is unreachable: each governor now uses a conservative local share of its budget');
  }

  async close(): Promise<void> {
    clearTimeout(this.firstReadyTimer);
    this.redis.disconnect();
  }
}
