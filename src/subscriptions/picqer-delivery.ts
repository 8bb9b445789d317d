import { createHash } from 'node:crypto';
import { OrderStatus, PicklistStatus } from '../schema/enums';
import { id, INT_MAX, INT_MIN, list, obj, oneOf, optId, optTime, qty, str } from './delivery-fields';
import type { NewEvent } from './event.types';
import { MalformedDeliveryError } from './webhook-route';

/**
 * Picqer webhook events this gateway turns into subscriptions, as Picqer's event list and
 * integrations in the wild spell them. The issue wrote "products.freestockchanged"; that
 * spelling is accepted on receipt as an alias but never registered.
 */
export const PICQER_EVENTS = {
  freeStockChanged: 'products.free_stock_changed',
  picklistClosed: 'picklists.closed',
  orderStatusChanged: 'orders.status_changed',
} as const;
const FREE_STOCK_ALIAS = 'products.freestockchanged';

/** The hooks `ensurePicqerHooks` registers by default. */
export const PICQER_HOOK_EVENTS: string[] = Object.values(PICQER_EVENTS);

/**
 * How a Picqer delivery is recognised as a repeat.
 * - 'body' (default): sha256 of the raw body. A retry resends the same delivery, so the same
 *   bytes; two real changes of one product within the same second differ in their data, so they
 *   stay two events. (UNCONFIRMED that Picqer retries byte-for-byte; if it re-serialises, the worst
 *   case is a repeated event carrying the same state, harmless for a stock screen.)
 * - 'fields': sha256 of idhook + event + event_triggered_at + the resource id. Robust to
 *   re-serialisation, but `event_triggered_at` has one-second resolution, so a second stock change
 *   of the same product in the same second would be dropped as a duplicate: wrong stock on screen.
 */
export type PicqerDedupeMode = 'body' | 'fields';

export interface ParsedPicqerDelivery {
  event: string;
  /** Null for an event this gateway does not use (answered 202, not stored). */
  normalised: NewEvent | null;
  dedupeKey: string;
}

/** Most warehouses one stock delivery may list; real accounts have a handful. */
const MAX_STOCK_ROWS = 1000;
/** The product-code rule (src/schema/shopify/productcodes.args.ts): not blank, at most 255. */
const MAX_CODE_LENGTH = 255;

/**
 * Validates a parsed delivery against the shape Picqer documents and normalises it; throws
 * MalformedDeliveryError naming the bad field. Ids are 1…2^31−1 and quantities fit GraphQL's Int
 * (they reach subscribers as Int); stock and reservations are not negative (Picqer's stock cannot
 * go below zero), while free stock may be (reservations above stock). Validation stops at what the
 * gateway stores: a field it does not read is not judged, so a richer delivery is never refused
 * (a refused real delivery is retried for hours and then deactivates the hook).
 */
export function parsePicqerDelivery(body: unknown, raw: Buffer, opts: { timeZone: string; dedupe: PicqerDedupeMode }): ParsedPicqerDelivery {
  const d = obj(body, 'body');
  const idhook = id(d.idhook, 'idhook');
  const event = str(d.event, 'event', 100);
  // Picqer's own free-stock example omits event_triggered_at, so it may be absent; when present it
  // must be a time, since it becomes the event's occurredAt.
  const occurredAt = optTime(d.event_triggered_at, 'event_triggered_at', opts.timeZone);
  const triggeredAt = typeof d.event_triggered_at === 'string' ? d.event_triggered_at : '';
  const data = obj(d.data, 'data');

  let normalised: NewEvent | null = null;
  let resourceId: number | null = null;
  switch (event === FREE_STOCK_ALIAS ? PICQER_EVENTS.freeStockChanged : event) {
    case PICQER_EVENTS.freeStockChanged: {
      if (!Array.isArray(data.stock)) throw new MalformedDeliveryError('data.stock must be an array of stock per warehouse.');
      const stock = list(data.stock, 'data.stock', MAX_STOCK_ROWS).map((r, i) => {
        const row = obj(r, `data.stock[${i}]`);
        return {
          warehouseId: id(row.idwarehouse, `data.stock[${i}].idwarehouse`),
          stock: qty(row.stock ?? 0, `data.stock[${i}].stock`, 0),
          reserved: qty(row.reserved ?? 0, `data.stock[${i}].reserved`, 0),
          freeStock: qty(row.freestock, `data.stock[${i}].freestock`),
        };
      });
      const freeStock = stock.reduce((sum, s) => sum + s.freeStock, 0);
      // Each row fits an Int, their sum need not; the sum is a subscriber's Int too.
      if (freeStock < INT_MIN || freeStock > INT_MAX) {
        throw new MalformedDeliveryError(`data.stock: the free stock summed over warehouses must be from ${INT_MIN} to ${INT_MAX}.`);
      }
      resourceId = id(data.idproduct, 'data.idproduct');
      normalised = {
        topic: 'freeStockChanged',
        payload: { idproduct: resourceId, productcode: str(data.productcode, 'data.productcode', MAX_CODE_LENGTH), freeStock, stock, occurredAt },
      };
      break;
    }
    case PICQER_EVENTS.picklistClosed:
      resourceId = id(data.idpicklist, 'data.idpicklist');
      normalised = {
        topic: 'picklistClosed',
        payload: {
          idpicklist: resourceId,
          picklistid: str(data.picklistid, 'data.picklistid', MAX_CODE_LENGTH),
          warehouseId: optId(data.idwarehouse, 'data.idwarehouse'),
          status: oneOf(data.status, 'data.status', Object.values(PicklistStatus)),
          closedAt: optTime(data.closed_at, 'data.closed_at', opts.timeZone) ?? occurredAt,
          idorder: optId(data.idorder, 'data.idorder'),
        },
      };
      break;
    case PICQER_EVENTS.orderStatusChanged:
      resourceId = id(data.idorder, 'data.idorder');
      // Only ids and the status: the order's names and addresses never enter the log.
      normalised = {
        topic: 'orderStatusChanged',
        payload: {
          idorder: resourceId,
          orderid: str(data.orderid, 'data.orderid', MAX_CODE_LENGTH),
          status: oneOf(data.status, 'data.status', Object.values(OrderStatus)),
        },
      };
      break;
    default:
      normalised = null;
  }

  const identity = opts.dedupe === 'fields' ? `${idhook}|${event}|${triggeredAt}|${resourceId ?? ''}` : raw;
  return { event, normalised, dedupeKey: `picqer:${createHash('sha256').update(identity).digest('hex')}` };
}
