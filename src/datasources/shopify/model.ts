import type { MoneyModel } from '../../util/money';

/**
 * Shopify data as the loaders hand it out (map.ts builds these from wire.ts): plain shapes with
 * the field names of the schema's object types, so resolvers return them as they are.
 */

export interface ShopifyLocationModel {
  id: string;
  name: string;
}

export interface ShopifyInventoryLevelModel {
  location: ShopifyLocationModel;
  available: number;
  onHand: number;
}

export interface ShopifyVariantModel {
  id: string;
  sku: string;
  title: string;
  barcode: string | null;
  /** The variant's price as Shopify states it, in the shop's currency (read with the variants: `shop { currencyCode }`). */
  price: MoneyModel | null;
  inventoryItemId: string;
  inventory: ShopifyInventoryLevelModel[];
}

/** What an inventorySetQuantities call did. */
export interface ShopifySetResultModel {
  /** Changes Shopify applied, with the quantity after each. */
  changes: Array<{ inventoryItemId: string; locationId: string; delta: number; quantityAfterChange: number | null }>;
  /** Shopify's userErrors: code and field path only; the mutation is all-or-nothing. */
  userErrors: Array<{ code: string | null; field: string[] }>;
}
