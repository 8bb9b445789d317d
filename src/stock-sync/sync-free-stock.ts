import type { Loaders } from '../datasources/loaders';
import { planStockSync, type ShopifyLocationModel, type ShopifySetResultModel, type SyncPlan } from '../datasources/shopify';
import { checkProductcodes, loadPairs, locationsById, mappedLocations } from './stock-pairs';

/** What one sync did: the shape of the `syncFreeStockToShopify` answer. */
export interface FreeStockSyncResult {
  changed: Array<{ productcode: string; warehouseId: number; location: ShopifyLocationModel; from: number; to: number }>;
  /** Product × location pairs already equal. */
  unchanged: number;
  /** Left alone, and why: NOT_IN_PICQER, NOT_IN_SHOPIFY, NOT_STOCKED_AT_LOCATION, or Shopify's userError code. */
  skipped: Array<{ productcode: string; reason: string; warehouseId: number | null }>;
  /** inventorySetQuantities calls made. */
  mutations: number;
}

/** Quantities one inventorySetQuantities call takes. */
const QUANTITIES_PER_MUTATION = 250;

/**
 * Sets each variant's available quantity at the mapped locations to Picqer's free stock, sending
 * only what differs. The `syncFreeStockToShopify` mutation and the automatic sync on
 * freeStockChanged (auto-sync.ts) both run this; the loaders decide whose budget and priority the
 * calls use (the request's, or the background job's).
 */
export async function syncFreeStock(loaders: Loaders, productcodes: string[]): Promise<FreeStockSyncResult> {
  checkProductcodes(productcodes);
  const { pairs, shop } = await loadPairs(loaders, productcodes);
  const names = await locationsById(shop);
  const plan = planStockSync(pairs, mappedLocations(shop));
  const applied = await shop.setAvailable(plan.quantities, 'correction', productcodes);
  return { ...outcome(plan, applied, names), unchanged: plan.unchanged, mutations: Math.ceil(plan.quantities.length / QUANTITIES_PER_MUTATION) };
}

/** Which planned changes Shopify applied, and why the others were not (per row). */
function outcome(plan: SyncPlan, result: ShopifySetResultModel, names: (id: string) => ShopifyLocationModel): Pick<FreeStockSyncResult, 'changed' | 'skipped'> {
  const applied = new Set(result.changes.map((c) => `${c.inventoryItemId}|${c.locationId}`));
  // A batch with a userError is rejected whole (Shopify's all-or-nothing); say why per row. An
  // error about the whole call (the reason, the idempotency key …) names no row: it is every
  // unapplied row's reason.
  const why = new Map<number, string>();
  let whole: string | undefined;
  for (const e of result.userErrors) {
    if (e.field[1] === 'quantities' && e.field[2] !== undefined) why.set(Number(e.field[2]), e.code ?? 'REJECTED');
    else whole ??= e.code ?? 'REJECTED';
  }
  const skipped: FreeStockSyncResult['skipped'] = plan.skipped.map((s) => ({
    productcode: s.productcode,
    reason: s.reason,
    warehouseId: s.warehouseId ?? null,
  }));
  const changed: FreeStockSyncResult['changed'] = [];
  plan.changes.forEach((c, i) => {
    const q = plan.quantities[i];
    if (applied.has(`${q.inventoryItemId}|${q.locationId}`)) changed.push({ ...c, location: names(c.locationId) });
    else skipped.push({ productcode: c.productcode, reason: why.get(i) ?? whole ?? 'NOT_APPLIED', warehouseId: c.warehouseId });
  });
  return { changed, skipped };
}
