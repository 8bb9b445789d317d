import type { PicqerCacheEffect } from '../../datasources/picqer/cache-effects';
import type { StockChangePayload } from '../log/event.types';
import { MAX_PRODUCTCODE_LENGTH } from '../../util/productcodes';
import { id, list, obj, str } from './delivery-fields';

/**
 * What a Picqer delivery does to the shared cache (datasources/picqer/cache-effects.ts), read from
 * the delivery and, where the event is also a subscription event, from its normalised form.
 * Only ids and product codes are read: nothing personal reaches the cache from here.
 */

/** Events whose delivery carries the whole product with its new stock per warehouse. */
export const PICQER_STOCK_EVENTS = ['products.free_stock_changed', 'products.stock_changed'] as const;
/**
 * Events that change which products exist or what they are, without a stock value to trust.
 * Picqer documents no deactivation event; inactivating a product fires products.changed
 * (UNCONFIRMED, see src/sandbox/README.md).
 */
export const PICQER_PRODUCT_EVENTS = ['products.created', 'products.changed', 'products.assembled_stock_changed'] as const;
/** Order and picklist events whose products' stock and reservations move. */
export const PICQER_LINE_EVENTS = ['picklists.closed', 'orders.status_changed'] as const;

/** The hooks the cache needs beyond the subscriptions' own (registered when the cache is on). */
export const PICQER_CACHE_HOOK_EVENTS: readonly string[] = ['products.stock_changed', ...PICQER_PRODUCT_EVENTS];

/** Most product lines one picklist or order delivery may list for invalidation. */
const MAX_LINES = 5000;

/**
 * The cache effect of one delivery, or null when it touches nothing the cache holds. `stock` is the
 * delivery read as a stock change, for the events in PICQER_STOCK_EVENTS.
 */
export function picqerCacheEffect(event: string, data: Record<string, unknown>, stock: StockChangePayload | null): PicqerCacheEffect | null {
  if (stock) {
    const rows = stock.stock.map((s) => ({ idwarehouse: s.warehouseId, stock: s.stock, reserved: s.reserved, freeStock: s.freeStock }));
    const eventAt = stock.occurredAt === null ? null : Date.parse(stock.occurredAt);
    return { kind: 'stock', idproduct: stock.idproduct, productcode: stock.productcode, stock: rows, eventAt };
  }
  if ((PICQER_PRODUCT_EVENTS as readonly string[]).includes(event)) {
    // A product created or changed may enter or leave a list page (a new code, a changed name for `search`).
    const membership = event !== 'products.assembled_stock_changed';
    return {
      kind: 'products',
      idproducts: [id(data.idproduct, 'data.idproduct')],
      productcodes: [str(data.productcode, 'data.productcode', MAX_PRODUCTCODE_LENGTH)],
      membership,
    };
  }
  if ((PICQER_LINE_EVENTS as readonly string[]).includes(event)) {
    const lines = data.products === undefined ? [] : list(data.products, 'data.products', MAX_LINES);
    const idproducts = [...new Set(lines.map((l, i) => id(obj(l, `data.products[${i}]`).idproduct, `data.products[${i}].idproduct`)))];
    return idproducts.length > 0 ? { kind: 'products', idproducts, productcodes: [], membership: false, refresh: true } : null;
  }
  return null;
}
