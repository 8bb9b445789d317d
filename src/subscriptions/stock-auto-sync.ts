import { createContext, type Services } from '../context';
import type { Logger } from '../logger';
import { syncFreeStock } from '../resolvers/shopify.resolver';
import { LOADER_FACTORIES } from '../services';
import { SubscriberTooSlowError } from './event-subscriber';

/**
 * SHOPIFY_AUTO_SYNC: every freeStockChanged event pushes Picqer's free stock of that product to
 * Shopify, as `syncFreeStockToShopify` would. Why batched and background:
 * - events arrive in bursts (a picklist closes = several products); codes collected for
 *   `batchMs` go out as one sync, so one Shopify mutation serves the burst;
 * - the calls queue as 'background' in the governor, so live GraphQL traffic goes first and the
 *   push stays inside the budget;
 * - with Redis, each event is claimed once (SET NX) so N replicas do not push N times.
 * A failed sync puts its codes back for a later batch (bounded attempts), and a subscription cut
 * off as too slow resumes from the last event it saw, so no claimed event is dropped silently.
 */
export interface AutoSyncOptions {
  /** Default 1,000 ms. */
  batchMs?: number;
  /** Codes per sync (the mutation takes at most 250). Default 250. */
  maxCodes?: number;
  /** Tries per code before it is given up (and logged). Default 5. */
  maxAttempts?: number;
}

export interface AutoSync {
  /** Stops taking events and cancels the next batch. */
  close(): Promise<void>;
  /** Resolves when the sync in flight (if any) has finished. */
  drained(): Promise<void>;
}

export function startAutoSync(services: Services, logger: Logger, opts: AutoSyncOptions = {}): AutoSync {
  const batchMs = opts.batchMs ?? 1000;
  const maxCodes = opts.maxCodes ?? 250;
  const maxAttempts = opts.maxAttempts ?? 5;
  const events = services.events;
  const redis = services.redis;
  const prefix = services.config.redisKeyPrefix;
  /** Code -> failed attempts so far. */
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let lastId: string | undefined;
  let iterator: AsyncIterableIterator<{ id: string; payload: { productcode: string } }> | undefined;

  const schedule = (ms: number): void => {
    if (!closed) timer ??= setTimeout(flush, ms);
  };

  const flush = (): void => {
    timer = undefined;
    const batch = [...pending.entries()].slice(0, maxCodes);
    for (const [code] of batch) pending.delete(code);
    if (pending.size) schedule(0);
    running = running.then(async () => {
      const codes = batch.map(([c]) => c);
      const ctx = createContext(services, { loaderFactories: LOADER_FACTORIES, priority: 'background' });
      try {
        const r = await syncFreeStock(ctx, codes);
        logger.info({ codes: codes.length, changed: r.changed.length, skipped: r.skipped.length, calls: ctx.accounting.toJSON() }, 'auto stock sync');
      } catch (err) {
        const retry = batch.filter(([, attempts]) => attempts + 1 < maxAttempts);
        logger.warn({ err: { message: (err as Error).message }, codes: codes.length, retrying: retry.length }, 'auto stock sync failed');
        for (const [code, attempts] of retry) if (!pending.has(code)) pending.set(code, attempts + 1);
        // Back off before retrying: the usual cause is an upstream that is down or out of budget.
        if (retry.length) schedule(Math.min(60_000, batchMs * 2 ** (retry[0][1] + 1)));
      }
    });
  };

  const claim = async (eventId: string): Promise<boolean> => {
    if (!redis) return true;
    const ok = await redis.set(`${prefix}autosync:${eventId}`, '1', 'PX', 3_600_000, 'NX').catch(() => 'OK');
    return ok === 'OK';
  };

  const loop = (async () => {
    while (!closed) {
      iterator = events.bus.subscribe({ topic: 'freeStockChanged', after: lastId });
      try {
        for await (const event of iterator) {
          if (closed) break;
          lastId = event.id;
          if (!(await claim(event.id))) continue;
          if (!pending.has(event.payload.productcode)) pending.set(event.payload.productcode, 0);
          schedule(batchMs);
        }
        return; // the bus closed
      } catch (err) {
        if (!(err instanceof SubscriberTooSlowError)) throw err;
        logger.warn({ after: lastId }, 'auto stock sync fell behind; resuming from the last event seen');
      }
    }
  })().catch((err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'auto stock sync stopped'));

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await iterator?.return?.();
      await loop;
    },
    async drained() {
      await running;
    },
  };
}
