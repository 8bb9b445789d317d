import type { PicqerStockLevelModel } from './model';

/**
 * Stock of a virtual composition (Picqer product type `virtual_composition`, a bundle): it has no
 * stock of its own, so in every warehouse it is what its parts allow, the fewest whole bundles any
 * part can fill: min over parts of floor(part stock ÷ amount per bundle), for physical and for free
 * stock alike. A part without a row in a warehouse has none there. Negative free stock (reservations
 * above stock) allows no bundle, so a bundle's stock is never below 0; `reserved` is what the parts'
 * reservations take out of the bundles their stock would make. A composition without parts has no
 * rows. Used by the loaders (Product.stock, Product.freeStock) and the webhook intake (a part's
 * stock event moves its bundles), so both compute it the same way.
 */
export function composeStock(parts: ReadonlyArray<{ amount: number; stock: readonly PicqerStockLevelModel[] }>): PicqerStockLevelModel[] {
  const counted = parts.filter((p) => p.amount > 0);
  if (counted.length === 0) return [];
  const warehouses = [...new Set(counted.flatMap((p) => p.stock.map((s) => s.idwarehouse)))].sort((a, b) => a - b);
  return warehouses.map((idwarehouse) => {
    let stock = Infinity;
    let freeStock = Infinity;
    for (const part of counted) {
      const row = part.stock.find((s) => s.idwarehouse === idwarehouse);
      stock = Math.min(stock, Math.floor(Math.max(0, row?.stock ?? 0) / part.amount));
      freeStock = Math.min(freeStock, Math.floor(Math.max(0, row?.freeStock ?? 0) / part.amount));
    }
    freeStock = Math.min(freeStock, stock);
    return { idwarehouse, stock, reserved: stock - freeStock, freeStock };
  });
}

/** Deepest nesting of compositions followed (a composition holding itself would never end). */
export const MAX_COMPOSITION_DEPTH = 8;
