import { createLoaders } from '../datasources/loaders';
import { CallAccounting } from '../datasources/upstream/accounting';
import { BadUserInputError } from '../errors';
import type { EventSubscriber } from '../events/fanout/event-subscriber';
import { SubscriberTooSlowError } from '../events/fanout/push';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { isValidProductcode } from '../util/productcodes';
import { RetryQueue, type Queued } from './retry-queue';
import { syncChannels } from './channel-sync';
import type { ChannelName } from './channels';

/**
 * SHOPIFY_AUTO_SYNC / LIGHTSPEED_AUTO_SYNC: every freeStockChanged event pushes Picqer's free
 * stock of that product to those channels, as `syncFreeStock(channels)` would. Why batched and background:
 * - events arrive in bursts (a picklist closes = several products); codes collected for
 *   `batchMs` go out as one sync, so one Shopify mutation serves the burst;
 * - the calls queue as 'background' in the governor, so live GraphQL traffic goes first and the
 *   push stays inside the budget;
 * - with Redis, each event is claimed once (SET NX) so N replicas do not push N times.
 * A failed sync puts its codes back, each not before its own backoff, up to `maxAttempts`; the
 * codes given up are logged. A subscription cut off as too slow resumes from the last event it
 * saw. On close, what is still queued is pushed once more before the services go away.
 */
export interface AutoSyncOptions {
  /** Default 1,000 ms. */
  batchMs?: number;
  /** Codes per sync (the mutation takes at most 250). Default 250. */
  maxCodes?: number;
  /** Tries per code before it is given up (and logged). Default 5. */
  maxAttempts?: number;
  /** The channels pushed to; a failed push retries them all (each sends only what differs). Default ['SHOPIFY']. */
  channels?: readonly ChannelName[];
}

export interface AutoSync {
  /** Stops taking events and pushes what is still queued (one last try). */
  close(): Promise<void>;
  /** Resolves when the sync in flight (if any) has finished. */
  drained(): Promise<void>;
}

/** How long close() gives the last push. */
const CLOSE_GRACE_MS = 5_000;
/** How long a claim on an event keeps other replicas from pushing it too. */
const CLAIM_TTL_MS = 3_600_000;

/** Starts following freeStockChanged events from the log's current end. */
export function startAutoSync(services: Services, logger: Logger, opts: AutoSyncOptions = {}): AutoSync {
  const job = new AutoSyncJob(services, logger, {
    batchMs: opts.batchMs ?? 1000,
    maxCodes: opts.maxCodes ?? 250,
    maxAttempts: opts.maxAttempts ?? 5,
    channels: opts.channels ?? ['SHOPIFY'],
  });
  job.start();
  return { close: () => job.close(), drained: () => job.drained() };
}

class AutoSyncJob {
  private readonly queue: RetryQueue;
  /** The sync in flight; syncs run one after the other. */
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private subscription?: EventSubscriber<'freeStockChanged'>;
  private following: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
    private readonly opts: Required<AutoSyncOptions>,
  ) {
    this.queue = new RetryQueue(opts.maxCodes, (due) => this.enqueueSync(due));
  }

  start(): void {
    this.following = this.follow().catch((err: unknown) => this.logger.error({ err: { message: (err as Error).message } }, 'auto stock sync stopped'));
  }

  async drained(): Promise<void> {
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.stop();
    this.subscription?.close();
    await this.following;
    // Claimed events are this replica's to push: one last try for each queued code, bounded in
    // time so shutdown does not wait out a rate-limit pause (closing the governors then rejects
    // what is still waiting).
    await Promise.race([this.lastTry(), new Promise<void>((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
    const left = this.queue.codes();
    if (left.length) this.logger.warn({ givenUp: left }, 'auto stock sync stopped with codes not pushed');
  }

  /**
   * Takes freeStockChanged events from the bus until closed, starting from the log's end, so a
   * resume after falling behind never skips to "live only".
   */
  private async follow(): Promise<void> {
    let lastId = await this.services.events.log.lastId();
    while (!this.closed) {
      const subscription = (this.subscription = this.services.events.bus.subscribe({ topic: 'freeStockChanged', after: lastId }));
      try {
        for await (const event of subscription) {
          if (this.closed) break;
          lastId = event.id;
          await this.take(event.id, event.payload.productcode);
        }
        return; // closed, or the bus closed
      } catch (err) {
        if (!(err instanceof SubscriberTooSlowError)) throw err;
        this.logger.warn({ after: lastId }, 'auto stock sync fell behind; resuming from the last event seen');
      }
    }
  }

  /** Queues the event's code for the next batch, unless the rule refuses it or another replica claimed it. */
  private async take(eventId: string, code: string): Promise<void> {
    // A code the sync would refuse as input is skipped on arrival, never retried.
    if (!isValidProductcode(code) || !(await this.claim(eventId))) return;
    this.queue.add(code, Date.now() + this.opts.batchMs);
  }

  private async claim(eventId: string): Promise<boolean> {
    const { redis, config } = this.services;
    if (!redis) return true;
    // Redis away: push anyway; a repeated push sends nothing that is already equal.
    const ok = await redis.set(`${config.redisKeyPrefix}autosync:${eventId}`, '1', 'PX', CLAIM_TTL_MS, 'NX').catch(() => 'OK');
    return ok === 'OK';
  }

  private enqueueSync(batch: Array<[string, Queued]>): Promise<void> {
    this.running = this.running.then(() => this.sync(batch));
    return this.running;
  }

  /** One sync of `batch` at background priority; a failure puts the codes back with a backoff. */
  private async sync(batch: Array<[string, Queued]>): Promise<void> {
    const codes = batch.map(([c]) => c);
    const accounting = new CallAccounting('background');
    try {
      const r = await syncChannels(createLoaders(this.services, accounting), codes, this.opts.channels);
      this.logger.info(
        { channels: this.opts.channels, codes: codes.length, changed: r.changed.length, skipped: r.skipped.length, calls: accounting.toJSON() },
        'auto stock sync',
      );
    } catch (err) {
      const retry = err instanceof BadUserInputError ? [] : batch.filter(([, q]) => q.attempts + 1 < this.opts.maxAttempts);
      const given = codes.filter((c) => !retry.some(([r]) => r === c));
      this.logger.warn({ err: { message: (err as Error).message }, retrying: retry.length, givenUp: given }, 'auto stock sync failed');
      // Back off per code: the usual cause is an upstream that is down or out of budget.
      this.queue.retry(retry, (attempts) => Date.now() + Math.min(60_000, this.opts.batchMs * 2 ** attempts));
    }
  }

  /** Each code still queued, once more, in batches, whatever its backoff. */
  private async lastTry(): Promise<void> {
    await this.running;
    for (let batch = this.queue.takeUntried(); batch.length > 0; batch = this.queue.takeUntried()) await this.enqueueSync(batch);
  }
}
