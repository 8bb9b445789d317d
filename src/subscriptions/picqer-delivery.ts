import { createHash } from 'node:crypto';
import { OrderStatus, PicklistStatus } from '../schema/enums';
import { int, obj, oneOf, optInt, qty, str, toIsoTime } from './delivery-fields';
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

/** Validates a parsed delivery and normalises it; throws MalformedDeliveryError naming the bad field. */
export function parsePicqerDelivery(body: unknown, raw: Buffer, opts: { timeZone: string; dedupe: PicqerDedupeMode }): ParsedPicqerDelivery {
  const d = obj(body, 'body');
  const idhook = int(d.idhook, 'idhook');
  const event = str(d.event, 'event', 100);
  const triggeredAt = typeof d.event_triggered_at === 'string' ? d.event_triggered_at : '';
  const data = obj(d.data, 'data');
  const occurredAt = toIsoTime(triggeredAt, opts.timeZone);

  let normalised: NewEvent | null = null;
  let resourceId: number | null = null;
  switch (event === FREE_STOCK_ALIAS ? PICQER_EVENTS.freeStockChanged : event) {
    case PICQER_EVENTS.freeStockChanged: {
      const rows = Array.isArray(data.stock) ? data.stock : null;
      if (!rows) throw new MalformedDeliveryError('data.stock must be an array of stock per warehouse.');
      const stock = rows.map((r, i) => {
        const row = obj(r, `data.stock[${i}]`);
        return {
          warehouseId: int(row.idwarehouse, `data.stock[${i}].idwarehouse`),
          stock: qty(row.stock ?? 0, `data.stock[${i}].stock`),
          reserved: qty(row.reserved ?? 0, `data.stock[${i}].reserved`),
          freeStock: qty(row.freestock, `data.stock[${i}].freestock`),
        };
      });
      resourceId = int(data.idproduct, 'data.idproduct');
      normalised = {
        topic: 'freeStockChanged',
        payload: {
          idproduct: resourceId,
          productcode: str(data.productcode, 'data.productcode'),
          freeStock: stock.reduce((sum, s) => sum + s.freeStock, 0),
          stock,
          occurredAt,
        },
      };
      break;
    }
    case PICQER_EVENTS.picklistClosed:
      resourceId = int(data.idpicklist, 'data.idpicklist');
      normalised = {
        topic: 'picklistClosed',
        payload: {
          idpicklist: resourceId,
          picklistid: str(data.picklistid, 'data.picklistid'),
          warehouseId: optInt(data.idwarehouse, 'data.idwarehouse'),
          status: oneOf(data.status, 'data.status', Object.values(PicklistStatus)),
          closedAt: toIsoTime(data.closed_at, opts.timeZone) ?? occurredAt,
          idorder: optInt(data.idorder, 'data.idorder'),
        },
      };
      break;
    case PICQER_EVENTS.orderStatusChanged:
      resourceId = int(data.idorder, 'data.idorder');
      // Only ids and the status: the order's names and addresses never enter the log.
      normalised = {
        topic: 'orderStatusChanged',
        payload: { idorder: resourceId, orderid: str(data.orderid, 'data.orderid'), status: oneOf(data.status, 'data.status', Object.values(OrderStatus)) },
      };
      break;
    default:
      normalised = null;
  }

  const identity = opts.dedupe === 'fields' ? `${idhook}|${event}|${triggeredAt}|${resourceId ?? ''}` : raw;
  return { event, normalised, dedupeKey: `picqer:${createHash('sha256').update(identity).digest('hex')}` };
}
