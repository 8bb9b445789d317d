import { moneyFromDecimal } from '../../util/money';
import type { ShopifyInventoryLevelModel, ShopifyLocationModel, ShopifySetResultModel, ShopifyVariantModel } from './model';
import type { ShopifyLocationWire, ShopifySetQuantitiesPayloadWire, ShopifyVariantWire } from './wire';

/** Shopify wire shapes (wire.ts) -> models (model.ts). Pure functions; the loaders call them. */

export function toLocation(w: ShopifyLocationWire): ShopifyLocationModel {
  return { id: w.id, name: w.name };
}

/**
 * A variant as the gateway shows it. `title` is the product title for single-variant products
 * (whose variant title is Shopify's placeholder "Default Title"), else "Product - Variant".
 */
export function toVariant(w: ShopifyVariantWire, currencyCode: string | null): ShopifyVariantModel {
  return {
    id: w.id,
    sku: w.sku ?? '',
    title: w.title === 'Default Title' ? w.product.title : w.displayName,
    barcode: w.barcode || null,
    // Shopify's Money is a decimal string in the shop's currency: kept as sent, no float in between.
    price: moneyFromDecimal(w.price, currencyCode),
    inventoryItemId: w.inventoryItem.id,
    inventory: w.inventoryItem.inventoryLevels.nodes.map((l): ShopifyInventoryLevelModel => ({
      location: toLocation(l.location),
      available: quantity(l.quantities, 'available'),
      onHand: quantity(l.quantities, 'on_hand'),
    })),
  };
}

/** An inventorySetQuantities answer; Shopify's userError messages are left out (they can quote data). */
export function toSetResult(p: ShopifySetQuantitiesPayloadWire | null): ShopifySetResultModel {
  return {
    changes: (p?.inventoryAdjustmentGroup?.changes ?? []).map((c) => ({
      inventoryItemId: c.item?.id ?? '',
      locationId: c.location?.id ?? '',
      delta: c.delta,
      quantityAfterChange: c.quantityAfterChange,
    })),
    userErrors: (p?.userErrors ?? []).map((e) => ({ code: e.code, field: e.field ?? [] })),
  };
}

function quantity(qs: Array<{ name: string; quantity: number }>, name: string): number {
  return qs.find((q) => q.name === name)?.quantity ?? 0;
}
