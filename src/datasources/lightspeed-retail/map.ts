import type { RetailSaleLineWire, RetailSaleWire } from './wire';

/**
 * Wire → the gateway's till sale. Only ids, SKUs and quantities: a sale's customer and payments
 * never leave this function.
 */

export interface TillSaleLine {
  /** The line's id, or `#<index>` when the payload has none: the key its application is recorded under. */
  key: string;
  productId: string;
  /** Sold quantity; negative for a return. */
  quantity: number;
  sku: string | null;
}

export interface TillSale {
  id: string;
  outletId: string;
  status: string;
  lines: TillSaleLine[];
}

/**
 * Statuses of a completed sale, whose goods have left the store (UNCONFIRMED which statuses X-Series
 * deducts inventory on; these are the finished ones). A SAVED (parked) or VOIDED sale changes nothing.
 */
export const COMPLETED_SALE_STATUSES: readonly string[] = ['CLOSED', 'ONACCOUNT_CLOSED', 'LAYBY_CLOSED'];

/** Lines from either shape: API 1.0 `register_sale_products` (webhooks) or API 2.0 `line_items`. */
export function tillSaleFromWire(w: RetailSaleWire): TillSale {
  const lines: RetailSaleLineWire[] = w.register_sale_products ?? w.line_items ?? [];
  return {
    id: w.id,
    outletId: w.outlet_id,
    status: w.status,
    lines: lines.map((l, i) => ({ key: l.id ?? `#${i}`, productId: l.product_id, quantity: l.quantity, sku: l.sku ?? null })),
  };
}
