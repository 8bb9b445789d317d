import { randomUUID } from 'node:crypto';
import type { ValueDecider } from '../upstream/cache/replace-entry';
import type { PicqerStockLevelModel, PicqerProductModel } from './model';
import { PAGE_GENERATION_ID, type PicqerCacheBinding } from './product-loaders';

/**
 * What a Picqer webhook does to the shared cache, applied by the receiver before the delivery is
 * acknowledged and before its event reaches the log (so before any subscriber sees it): one event
 * updates the cache and the subscribers alike, on every replica, since the cache is shared.
 * - `stock`: the delivery carries the product's new stock (free_stock_changed, stock_changed): the
 *   cached product is updated in place, no upstream call;
 * - `products`: something changed without the new value (a product created or changed, a
 *   picklist closed, an order's status): exactly those products are dropped, and with
 *   `membership` (which products exist or match a list) every cached list page too. With
 *   `refresh`, they are kept and go stale after a grace period instead (then served at once while
 *   one refresh runs, and still there if the budget is gone): a picklist or order event moves
 *   stock that Picqer's own stock deliveries bring in place within moments, so dropping or
 *   refreshing at once would spend budget on what is about to arrive.
 */
export type PicqerCacheEffect =
  | {
      kind: 'stock';
      idproduct: number;
      productcode: string;
      stock: PicqerStockLevelModel[];
      /** When Picqer says the change happened (epoch ms, whole seconds), or null when the delivery had no time. */
      eventAt: number | null;
    }
  | { kind: 'products'; idproducts: number[]; productcodes: string[]; membership: boolean; refresh?: boolean };

/** The receiver's view of the cache: apply an effect, or distrust it (a repeated delivery may be older than what we hold). */
export interface PicqerCacheEffects {
  /**
   * Applies the effect of the delivery identified by `deliveryKey` (its dedupe key). Only the
   * first receipt of a delivery, on any replica, writes stock in place; a repeat (Picqer retrying
   * a delivery whose answer it missed, say, after later ones were applied) drops the product
   * instead, before anyone can read the older stock it carries.
   */
  apply(effect: PicqerCacheEffect, deliveryKey: string): Promise<void>;
  /**
   * apply, then `then` (the delivery's append to the event log), answering what it answers. For a
   * stock delivery `then` goes out in the round trip of the cache write, right behind it on the
   * cache's connection: Redis applies the write first, so no subscriber hears of the event before
   * the cache holds it, and a hook's queue of deliveries drains one round trip sooner. (With the
   * event log on another connection the order would be the network's: the gateway gives the log
   * the cache's connection, see services.ts.)
   */
  applyThen<T>(effect: PicqerCacheEffect, deliveryKey: string, then: () => Promise<T>): Promise<T>;
  /** Drops what the effect touches instead of writing it: for a delivery seen before, whose data may be older than a later one's. */
  distrust(effect: PicqerCacheEffect): Promise<void>;
}

/**
 * How long a delivery's first receipt is remembered: as long as the event log remembers a
 * delivery for its dedupe (48 h; Picqer retries for about 17 h). Only stock deliveries are
 * remembered, one small key each, with this ttl.
 */
export const DELIVERY_REPEAT_WINDOW_MS = 48 * 60 * 60 * 1000;

/**
 * How long products touched by a picklist or order event stay fresh waiting for the stock delivery
 * of the same change before one refresh fetches them (CACHE_EVENT_GRACE_MS; 10 s covers the
 * delivery lag the cache bench saw under load). 0 makes them stale at once.
 */
export const DEFAULT_EVENT_GRACE_MS = 10_000;

export function picqerCacheEffects({ cache, namespace }: PicqerCacheBinding, opts: { eventGraceMs?: number } = {}): PicqerCacheEffects {
  const graceMs = opts.eventGraceMs ?? DEFAULT_EVENT_GRACE_MS;
  const drop = (idproducts: number[], productcodes: string[]): Promise<unknown> =>
    Promise.all([cache.invalidate('picqer', 'product', namespace, idproducts.map(String)), cache.invalidate('picqer', 'productCode', namespace, productcodes)]);
  const applyProducts = async (effect: Extract<PicqerCacheEffect, { kind: 'products' }>): Promise<void> => {
    if (effect.refresh) return cache.markStale('picqer', 'product', namespace, effect.idproducts.map(String), { graceMs });
    await drop(effect.idproducts, effect.productcodes);
    // A new generation id: every page cached under the old one is unreachable from now on.
    if (effect.membership) await cache.put('picqer', 'productPage', namespace, [{ id: PAGE_GENERATION_ID, value: randomUUID() }]);
  };
  // Dropping is safe whatever the order of deliveries; writing a repeat's stock is not. The claim
  // goes out with the entry's read (one round trip: a receiver's answer time is how fast a hook's
  // queue of deliveries drains, so how soon the last of a burst is in the cache).
  const claim = (deliveryKey: string): Promise<boolean> => cache.claim(namespace, `delivery:${deliveryKey}`, DELIVERY_REPEAT_WINDOW_MS);
  return {
    async apply(effect, deliveryKey) {
      if (effect.kind === 'products') return applyProducts(effect);
      // A race with another write decides again on what that write left.
      await cache.modify('picqer', 'product', namespace, String(effect.idproduct), stockDecider(effect, claim(deliveryKey)));
    },
    async applyThen(effect, deliveryKey, then) {
      if (effect.kind === 'products') {
        await applyProducts(effect);
        return then();
      }
      return cache.modify('picqer', 'product', namespace, String(effect.idproduct), stockDecider(effect, claim(deliveryKey)), then);
    },
    async distrust(effect) {
      if (effect.kind === 'stock') await drop([effect.idproduct], []);
      else await drop(effect.idproducts, effect.productcodes);
    },
  };
}

/** A cached product as webhooks write it: with the Picqer time of the stock it holds. */
type HeldProduct = PicqerProductModel & { stockEventAt?: number };

/**
 * Writes a stock delivery's stock into the cached product unless it may be older than what the
 * entry holds: free_stock_changed and stock_changed come through separate hooks, each retried on
 * its own, so an older delivery can arrive after a newer one. Picqer's event time has whole
 * seconds. Against stock a webhook wrote, a delivery from the same or an earlier second carrying
 * other stock is in doubt; against stock fetched from Picqer (which knows no event time), so is a
 * delivery from the second the fetch began in or an earlier one (the fetch may hold a later change
 * whose delivery is still on its way). In doubt, the next read of the product asks Picqer rather
 * than guessing (the entry stays, for if that fails). A Picqer clock behind ours only costs that
 * one read; one ahead of ours is trusted as before.
 */
function stockDecider(effect: Extract<PicqerCacheEffect, { kind: 'stock' }>, first: Promise<boolean>): ValueDecider<HeldProduct> {
  // Written with a compare-and-set: a write by another replica between reading the entry and
  // writing it (the other stock hook's delivery, an order event ageing the entry) cannot be lost.
  return async (held) => {
    // A repeat of a delivery: dropped, not written.
    if (!(await first)) return { drop: true };
    // Nothing to update (refetch of no entry only marks it): a fetch begun before this event must not store older stock.
    if (!held?.value) return { refetch: true };
    const before = held.value.stockEventAt;
    const older = effect.eventAt !== null && effect.eventAt <= (before ?? held.at);
    if (older) {
      // The stock held already says the same: nothing to write, and an entry aged for a doubt
      // raised by another delivery must stay aged (a write would make it fresh again).
      if (JSON.stringify(held.value.stock) === JSON.stringify(effect.stock)) return null;
      return { refetch: true };
    }
    return { put: { ...held.value, stock: effect.stock, stockEventAt: effect.eventAt ?? before } };
  };
}
