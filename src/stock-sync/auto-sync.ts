import { createContext, type Services } from '../context';
import { BadUserInputError } from '../errors';
import type { Logger } from '../logger';
import { syncFreeStock } from '../resolvers/shopify.resolver';
import { isValidProductcode } from '../schema/shopify/productcodes.args';
import type { EventSubscriber } from '../events/fanout/event-subscriber';
import { SubscriberTooSlowError } from '../events/fanout/push';

/**
 * SHOPIFY_AUTO_SYNC: every freeStockChanged event pushes Picqer's free stock of that product to
 * Shopify, as `syncFreeStockToShopify` would. Why batched and background:
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
}

export interface AutoSync {
  /** Stops taking events and pushes what is still queued (one last try). */
  close(): Promise<void>;
  /** Resolves when the sync in flight (if any) has finished. */
  drained(): Promise<void>;
}

interface Queued {
  attempts: number;
  /** Epoch ms before which the code is not retried. */
  notBefore: number;
}

/** The earliest notBefore in the queue (a loop: spreading a huge queue into Math.min overflows the stack). */
function earliest(pending: ReadonlyMap<string, Queued>): number {
  let at = Infinity;
  for (const q of pending.values()) if (q.notBefore < at) at = q.notBefore;
  return at;
}


/** How long close() gives the last push. */
const CLOSE_GRACE_MS = 5_000;

export function startAutoSync(services: Services, logger: Logger, opts: AutoSyncOptions = {}): AutoSync {
  const batchMs = opts.batchMs ?? 1000;
  const maxCodes = opts.maxCodes ?? 250;
  const maxAttempts = opts.maxAttempts ?? 5;
  const { events, redis } = services;
  const prefix = services.config.redisKeyPrefix;
  const pending = new Map<string, Queued>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let subscription: EventSubscriber<'freeStockChanged'> | undefined;

  /** Arms the timer for `at`, unless it is already armed for an earlier moment. */
  const wakeAt = (at: number): void => {
    if (closed || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(flush, Math.max(0, at - Date.now()));
  };

  /** Syncs the codes that are due (at most maxCodes) and re-arms the timer for the rest. */
  const flush = (): void => {
    timer = undefined;
    timerAt = Infinity;
    const now = Date.now();
    const due = [...pending.entries()].filter(([, q]) => q.notBefore <= now).slice(0, maxCodes);
    for (const [code] of due) pending.delete(code);
    if (pending.size) wakeAt(earliest(pending));
    if (due.length) running = running.then(() => syncBatch(due));
  };

  const syncBatch = async (batch: Array<[string, Queued]>): Promise<void> => {
    const codes = batch.map(([c]) => c);
    const ctx = createContext(services, { priority: 'background' });
    try {
      const r = await syncFreeStock(ctx, codes);
      logger.info({ codes: codes.length, changed: r.changed.length, skipped: r.skipped.length, calls: ctx.accounting.toJSON() }, 'auto stock sync');
    } catch (err) {
      const retry = err instanceof BadUserInputError ? [] : batch.filter(([, q]) => q.attempts + 1 < maxAttempts);
      const given = codes.filter((c) => !retry.some(([r]) => r === c));
      logger.warn({ err: { message: (err as Error).message }, retrying: retry.length, givenUp: given }, 'auto stock sync failed');
      for (const [code, q] of retry) {
        // Back off per code: the usual cause is an upstream that is down or out of budget. A new
        // event for the code meanwhile does not reset its count or its backoff.
        const attempts = q.attempts + 1;
        const notBefore = Date.now() + Math.min(60_000, batchMs * 2 ** attempts);
        const queued = pending.get(code);
        pending.set(code, { attempts: Math.max(attempts, queued?.attempts ?? 0), notBefore: Math.max(notBefore, queued?.notBefore ?? 0) });
      }
      if (pending.size) wakeAt(earliest(pending));
    }
  };

  const claim = async (eventId: string): Promise<boolean> => {
    if (!redis) return true;
    const ok = await redis.set(`${prefix}autosync:${eventId}`, '1', 'PX', 3_600_000, 'NX').catch(() => 'OK');
    return ok === 'OK';
  };

  const loop = (async () => {
    // Start from the log's end, so a resume after falling behind never skips to "live only".
    let lastId = await events.log.lastId();
    while (!closed) {
      const stream = (subscription = events.bus.subscribe({ topic: 'freeStockChanged', after: lastId }));
      try {
        for await (const event of stream) {
          if (closed) break;
          lastId = event.id;
          const code = event.payload.productcode;
          // A code the sync would refuse as input is skipped on arrival, never retried.
          if (!isValidProductcode(code) || !(await claim(event.id))) continue;
          if (!pending.has(code)) pending.set(code, { attempts: 0, notBefore: Date.now() + batchMs });
          wakeAt(Date.now() + batchMs);
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
      subscription?.close();
      await loop;
      // Claimed events are this replica's to push: one last try for each queued code, bounded in
      // time so shutdown does not wait out a rate-limit pause (closing the governors then
      // rejects what is still waiting).
      const lastTry = (async () => {
        await running;
        const tried = new Set<string>();
        for (;;) {
          const next = [...pending.keys()].filter((c) => !tried.has(c));
          if (next.length === 0) break;
          const batch = next.slice(0, maxCodes).map((c): [string, Queued] => [c, pending.get(c)!]);
          for (const [c] of batch) {
            tried.add(c);
            pending.delete(c);
          }
          running = running.then(() => syncBatch(batch));
          await running;
        }
      })();
      await Promise.race([lastTry, new Promise<void>((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
      if (pending.size) logger.warn({ givenUp: [...pending.keys()] }, 'auto stock sync stopped with codes not pushed');
    },
    async drained() {
      await running;
    },
  };
}
