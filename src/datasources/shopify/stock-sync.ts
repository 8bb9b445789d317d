import type { PicqerProductModel } from '../picqer/model';
import type { ShopifyVariantModel } from './model';
import type { ShopifyQuantityInput } from './wire';

/**
 * Comparing and aligning Picqer free stock with Shopify's available quantity, per configured
 * warehouse -> location pair. Pure functions over data the loaders already fetched, so the
 * resolvers stay thin and the rules are testable without HTTP.
 *
 * Picqer is the source of truth. A negative free stock (oversold) counts as 0: we never push a
 * negative available quantity to the shop.
 */

export interface ProductPair {
  productcode: string;
  picqer: Pick<PicqerProductModel, 'stock'> | null;
  variant: ShopifyVariantModel | null;
}

export interface DriftRow {
  productcode: string;
  warehouseId: number;
  locationId: string;
  picqerFreeStock: number;
  shopifyAvailable: number;
  /** shopifyAvailable − picqerFreeStock. */
  difference: number;
}

export type SkipReason = 'NOT_IN_PICQER' | 'NOT_IN_SHOPIFY' | 'NOT_STOCKED_AT_LOCATION';

export interface SyncPlan {
  quantities: ShopifyQuantityInput[];
  /** One per quantity, same order: what it changes. */
  changes: Array<{ productcode: string; warehouseId: number; locationId: string; from: number; to: number }>;
  unchanged: number;
  skipped: Array<{ productcode: string; reason: SkipReason; warehouseId?: number; locationId?: string }>;
}

/** Picqer free stock of one warehouse, floored at 0. */
export function freeStockIn(p: Pick<PicqerProductModel, 'stock'>, warehouseId: number): number {
  return Math.max(0, p.stock.find((s) => s.idwarehouse === warehouseId)?.freeStock ?? 0);
}

/** Rows where |Shopify available − Picqer free stock| > threshold, for every mapped pair. */
export function findDrift(pairs: ProductPair[], locationMap: ReadonlyMap<number, string>, threshold: number): DriftRow[] {
  const rows: DriftRow[] = [];
  for (const { productcode, picqer, variant } of pairs) {
    if (!picqer || !variant) continue;
    for (const [warehouseId, locationId] of locationMap) {
      const level = variant.inventory.find((l) => l.location.id === locationId);
      if (!level) continue;
      const free = freeStockIn(picqer, warehouseId);
      const difference = level.available - free;
      if (Math.abs(difference) > threshold) {
        rows.push({ productcode, warehouseId, locationId, picqerFreeStock: free, shopifyAvailable: level.available, difference });
      }
    }
  }
  return rows;
}

/**
 * What to send so Shopify's available equals Picqer's free stock. Equal quantities are left
 * out, so running it twice sends nothing the second time. Each quantity carries the value we read
 * as `changeFromQuantity`: a sale in the shop between our read and our write fails the write
 * (CHANGE_FROM_QUANTITY_STALE) instead of being overwritten.
 */
export function planStockSync(pairs: ProductPair[], locationMap: ReadonlyMap<number, string>): SyncPlan {
  const plan: SyncPlan = { quantities: [], changes: [], unchanged: 0, skipped: [] };
  for (const { productcode, picqer, variant } of pairs) {
    if (!picqer) {
      plan.skipped.push({ productcode, reason: 'NOT_IN_PICQER' });
      continue;
    }
    if (!variant) {
      plan.skipped.push({ productcode, reason: 'NOT_IN_SHOPIFY' });
      continue;
    }
    for (const [warehouseId, locationId] of locationMap) {
      const level = variant.inventory.find((l) => l.location.id === locationId);
      if (!level) {
        plan.skipped.push({ productcode, reason: 'NOT_STOCKED_AT_LOCATION', warehouseId, locationId });
        continue;
      }
      const to = freeStockIn(picqer, warehouseId);
      if (to === level.available) {
        plan.unchanged++;
        continue;
      }
      plan.quantities.push({ inventoryItemId: variant.inventoryItemId, locationId, quantity: to, changeFromQuantity: level.available });
      plan.changes.push({ productcode, warehouseId, locationId, from: level.available, to });
    }
  }
  return plan;
}
