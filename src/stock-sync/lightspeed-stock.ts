import { requireLoaders, type Loaders } from '../datasources/loaders';
import type { LightspeedStockChangeModel, LightspeedVariantModel } from '../datasources/lightspeed';
import type { PicqerProductModel } from '../datasources/picqer/model';
import { LIGHTSPEED_LOCATION, lightspeedWarehouses, summedFreeStock } from './channels';
import type { ChannelDriftRow, ChannelSyncResult } from './channel-rows';

/**
 * Drift and the stock push for the Lightspeed webshop: its one stock level per variant against
 * the summed Picqer free stock of LIGHTSPEED_ECOM_WAREHOUSES. A variant whose stock eCom does not
 * track (`stockTracking: disabled`) is neither compared nor pushed. The push sends only what
 * differs, one PUT per variant (eCom has no bulk stock write), so a second run sends nothing.
 * Both read the variants from eCom, past the cache (see LightspeedLoaders.freshVariantBySku).
 */

interface Pair {
  productcode: string;
  picqer: PicqerProductModel | null;
  variant: LightspeedVariantModel | null;
}

async function loadPairs(loaders: Loaders, codes: readonly string[]): Promise<{ pairs: Pair[]; warehouses: readonly number[] }> {
  const ls = requireLoaders(loaders, 'lightspeed');
  const warehouses = lightspeedWarehouses(ls);
  const unique = [...new Set(codes)];
  const [picqer, variants] = await Promise.all([requireLoaders(loaders, 'picqer').productByCode.loadMany(unique), ls.freshVariantBySku.loadMany(unique)]);
  return { pairs: unique.map((productcode, i) => ({ productcode, picqer: unwrap(picqer[i]!), variant: unwrap(variants[i]!) })), warehouses };
}

/** Rows where |webshop stock level − summed Picqer free stock| > threshold. */
export async function lightspeedDrift(loaders: Loaders, codes: readonly string[], threshold: number): Promise<ChannelDriftRow[]> {
  const { pairs, warehouses } = await loadPairs(loaders, codes);
  const rows: ChannelDriftRow[] = [];
  for (const { productcode, picqer, variant } of pairs) {
    if (!picqer || !variant?.tracked) continue;
    const free = summedFreeStock(picqer, warehouses);
    const difference = variant.stockLevel - free;
    if (Math.abs(difference) > threshold) rows.push(row(productcode, warehouses, free, variant.stockLevel));
  }
  return rows;
}

function row(productcode: string, warehouses: readonly number[], free: number, available: number): ChannelDriftRow {
  return {
    channel: 'LIGHTSPEED',
    productcode,
    warehouseId: warehouses[0],
    warehouseIds: [...warehouses],
    location: { ...LIGHTSPEED_LOCATION },
    picqerFreeStock: free,
    available,
    shopifyAvailable: available,
    difference: available - free,
  };
}

/** Sets each tracked variant's stock level to the summed free stock where they differ. */
export async function lightspeedSync(loaders: Loaders, codes: readonly string[]): Promise<ChannelSyncResult> {
  const { pairs, warehouses } = await loadPairs(loaders, codes);
  const out: ChannelSyncResult = { changed: [], unchanged: 0, skipped: [], mutations: 0 };
  const planned: LightspeedStockChangeModel[] = [];
  const skip = (productcode: string, reason: string): void => void out.skipped.push({ channel: 'LIGHTSPEED', productcode, reason, warehouseId: null });
  for (const { productcode, picqer, variant } of pairs) {
    if (!picqer) skip(productcode, 'NOT_IN_PICQER');
    else if (!variant) skip(productcode, 'NOT_IN_LIGHTSPEED');
    else if (!variant.tracked) skip(productcode, 'STOCK_NOT_TRACKED');
    else {
      const to = summedFreeStock(picqer, warehouses);
      if (to === variant.stockLevel) out.unchanged++;
      else planned.push({ variantId: variant.id, sku: productcode, from: variant.stockLevel, to });
    }
  }
  if (planned.length === 0) return out;
  const done = await requireLoaders(loaders, 'lightspeed').setStockLevels(
    planned,
    planned.map((p) => p.sku),
  );
  out.mutations = planned.length;
  const applied = new Map(done.map((d) => [d.variantId, d]));
  for (const p of planned) {
    const d = applied.get(p.variantId);
    if (d) {
      out.changed.push({
        channel: 'LIGHTSPEED',
        productcode: p.sku,
        warehouseId: warehouses[0],
        warehouseIds: [...warehouses],
        location: { ...LIGHTSPEED_LOCATION },
        from: p.from,
        to: d.to,
      });
    } else skip(p.sku, 'NOT_APPLIED');
  }
  return out;
}

function unwrap<T>(v: T | Error): T {
  if (v instanceof Error) throw v;
  return v;
}
