/**
 * Wire shapes of the Shopify Admin GraphQL API as our queries select them (queries.ts), and the
 * inputs we send; map.ts turns answers into models (model.ts). Fields we do not select are left
 * out on purpose.
 */

export interface ShopifyLocationWire {
  id: string;
  name: string;
}

export interface ShopifyQuantityWire {
  name: string;
  quantity: number;
}

export interface ShopifyInventoryLevelWire {
  location: ShopifyLocationWire;
  quantities: ShopifyQuantityWire[];
}

export interface ShopifyPageInfoWire {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ShopifyVariantWire {
  id: string;
  /** Free text in Shopify: may be null, empty, or shared by several variants. */
  sku: string | null;
  barcode: string | null;
  title: string;
  displayName: string;
  /** Money: a decimal string such as "19.99". */
  price: string;
  product: { id: string; title: string };
  inventoryItem: {
    id: string;
    inventoryLevels: { nodes: ShopifyInventoryLevelWire[] };
  };
}

/** One page of GatewayVariantsBySku, with the shop's currency (`shop { currencyCode }`, ISO 4217) read in the same call. */
export interface ShopifyVariantsPageWire {
  nodes: ShopifyVariantWire[];
  pageInfo: ShopifyPageInfoWire;
  /** The currency every `price` on the page is in; null when Shopify left it out. */
  currencyCode: string | null;
}

export interface ShopifyUserErrorWire {
  code: string | null;
  field: string[] | null;
  message: string;
}

export interface ShopifyInventoryChangeWire {
  name: string;
  delta: number;
  quantityAfterChange: number | null;
  item: { id: string } | null;
  location: { id: string } | null;
}

export interface ShopifySetQuantitiesPayloadWire {
  inventoryAdjustmentGroup: { id: string; changes: ShopifyInventoryChangeWire[] } | null;
  userErrors: ShopifyUserErrorWire[];
}

/** One GraphQL error as Shopify sends it; the message is never copied into our errors. */
export interface ShopifyGraphqlErrorWire {
  message: string;
  extensions?: { code?: string };
}

/** One absolute quantity to set (inventorySetQuantities `quantities[]`). */
export interface ShopifyQuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** Compare-and-swap: the quantity we read; null skips the check (required field from 2026-04). */
  changeFromQuantity: number | null;
}
