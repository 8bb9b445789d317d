import type { Loaders } from '../datasources/loaders';
import { moneyFromNumber, type MoneyModel } from '../util/money';
import type { LightspeedLoaders } from '../datasources/lightspeed';
import type { ShopifyLoaders } from '../datasources/shopify';
import type { ChannelLocationModel } from './channel-rows';
import { CHANNELS, LIGHTSPEED_LOCATION, type ChannelName } from './channels';

/** A product's listing in one shop, as `Product.channels` answers it. */
export interface ChannelListingModel {
  channel: ChannelName;
  id: string;
  sku: string;
  title: string;
  price: MoneyModel | null;
  inventory: Array<{ location: ChannelLocationModel; available: number; warehouseIds: number[] }>;
}

/**
 * The listing of `productcode` in every configured shop, in CHANNELS order; a shop without a
 * variant for the code is left out (no listing there is not an error). The loaders batch these
 * across the rows of a page, so a page costs what `Product.shopify` and one eCom call per SKU do.
 */
export async function productListings(loaders: Loaders, productcode: string): Promise<ChannelListingModel[]> {
  const found = await Promise.all(
    CHANNELS.map((c) => (c === 'SHOPIFY' ? shopifyListing(loaders.shopify, productcode) : lightspeedListing(loaders.lightspeed, productcode))),
  );
  return found.filter((l): l is ChannelListingModel => l !== null);
}

async function shopifyListing(shop: ShopifyLoaders | null, code: string): Promise<ChannelListingModel | null> {
  const v = shop && (await shop.variantBySku.load(code));
  if (!shop || !v) return null;
  const warehousesOf = (locationId: string): number[] => [...shop.locationMap].filter(([, l]) => l === locationId).map(([w]) => w);
  return {
    channel: 'SHOPIFY',
    id: v.id,
    sku: v.sku,
    title: v.title,
    price: v.price,
    inventory: v.inventory.map((l) => ({ location: { ...l.location }, available: l.available, warehouseIds: warehousesOf(l.location.id) })),
  };
}

async function lightspeedListing(ls: LightspeedLoaders | null, code: string): Promise<ChannelListingModel | null> {
  const v = ls && (await ls.variantBySku.load(code));
  if (!ls || !v) return null;
  return {
    channel: 'LIGHTSPEED',
    id: String(v.id),
    sku: v.sku,
    title: v.title,
    price: moneyFromNumber(v.priceIncl, ls.currency),
    inventory: [{ location: { ...LIGHTSPEED_LOCATION }, available: v.stockLevel, warehouseIds: [...ls.warehouses] }],
  };
}
