import type Redis from 'ioredis';
import { createContext, type Services } from '../context';
import type { Logger } from '../logger';
import { syncFreeStock } from '../resolvers/shopify.resolver';
import { LOADER_FACTORIES } from '../services';
import type { EventServices } from './event-bus';

/**
 * SHOPIFY_AUTO_SYNC: every freeStockChanged event pushes Picqer's free stock of that product to
 * Shopify, as `syncFreeStockToShopify` would. Why batched and background:
 * - events arrive in bursts (a picklist closes = several products); codes collected for
 *   `batchMs` go out as one sync, so one Shopify mutation serves the burst;
 * - the calls queue as 'background' in the governor, so live GraphQL traffic goes first and the
 *   push stays inside the budget;
 * - with Redis, each event is claimed once (SET NX) so N replicas do not push N times.
 */
export interface AutoSyncOptions {
  /** Default 1,000 ms. */
  batchMs?: number;
  /** Codes per sync (the mutation takes at most 250). Default 250. */
  maxCodes?: number;
}

export interface AutoSync {
  /** Resolves when the work queued so far is done (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function startAutoSync(services: Services, logger: Logger, opts: AutoSyncOptions = {}): AutoSync {
  const batchMs = opts.batchMs ?? 1000;
  const maxCodes = opts.maxCodes ?? 250;
  const events = services.events as EventServices;
  const redis = services.redis as Redis | null;
  const prefix = services.config.redisKeyPrefix;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    const codes = [...pending].slice(0, maxCodes);
    for (const c of codes) pending.delete(c);
    if (pending.size) timer = setTimeout(flush, 0);
    running = running.then(async () => {
      const ctx = createContext(services, { loaderFactories: LOADER_FACTORIES, priority: 'background' });
      try {
        const r = await syncFreeStock(ctx, codes);
        logger.info({ codes: codes.length, changed: r.changed.length, skipped: r.skipped.length, calls: ctx.accounting.toJSON() }, 'auto stock sync');
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, codes: codes.length }, 'auto stock sync failed');
      }
    });
  };

  const claim = async (eventId: string): Promise<boolean> => {
    if (!redis) return true;
    const ok = await redis.set(`${prefix}autosync:${eventId}`, '1', 'PX', 3_600_000, 'NX').catch(() => 'OK');
    return ok === 'OK';
  };

  const iterator = events.bus.subscribe({ topic: 'freeStockChanged' });
  const loop = (async () => {
    for await (const event of iterator) {
      if (closed) break;
      if (!(await claim(event.id))) continue;
      pending.add(event.payload.productcode);
      timer ??= setTimeout(flush, batchMs);
    }
  })().catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'auto stock sync stopped'));

  return {
    async idle() {
      while (timer || pending.size) {
        if (timer) {
          clearTimeout(timer);
          flush();
        }
        await running;
      }
      await running;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await iterator.return?.();
      await loop;
      await running;
    },
  };
}
