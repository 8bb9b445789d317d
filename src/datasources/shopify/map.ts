import type {
  ShopifyInventoryLevelModel, ShopifyLocationModel, ShopifyLocationWire, ShopifyVariantModel, ShopifyVariantWire,
} from './wire';

/** Wire shapes (wire.ts) -> models the resolvers hand to type-graphql. */

export function toShopifyLocation(w: ShopifyLocationWire): ShopifyLocationModel {
  return { id: w.id, name: w.name };
}

/**
 * A variant as the gateway shows it. `title` is the product title for single-variant products
 * (whose variant title is Shopify's placeholder "Default Title"), else "Product - Variant".
 */
export function toShopifyVariant(w: ShopifyVariantWire): ShopifyVariantModel {
  const price = Number(w.price);
  return {
    id: w.id,
    sku: w.sku ?? '',
    title: w.title === 'Default Title' ? w.product.title : w.displayName,
    barcode: w.barcode || null,
    price: w.price != null && Number.isFinite(price) ? price : null,
    inventoryItemId: w.inventoryItem.id,
    inventory: w.inventoryItem.inventoryLevels.nodes.map((l): ShopifyInventoryLevelModel => ({
      location: toShopifyLocation(l.location),
      available: quantity(l.quantities, 'available'),
      onHand: quantity(l.quantities, 'on_hand'),
    })),
  };
}

function quantity(qs: Array<{ name: string; quantity: number }>, name: string): number {
  return qs.find((q) => q.name === name)?.quantity ?? 0;
}

/**
 * Parses SHOPIFY_LOCATION_MAP-style text: "1=gid://shopify/Location/1,2=gid://shopify/Location/2"
 * (Picqer warehouse id = Shopify location gid). Returns the problems instead of throwing, so
 * config.ts can report them with every other problem.
 */
export function parseLocationMap(text: string): { map: Map<number, string>; problems: string[] } {
  const map = new Map<number, string>();
  const problems: string[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)\s*=\s*(gid:\/\/shopify\/Location\/\d+)$/.exec(part);
    if (!m) {
      problems.push(`SHOPIFY_LOCATION_MAP entry "${part}" must look like 1=gid://shopify/Location/123`);
      continue;
    }
    const wh = Number(m[1]);
    if (map.has(wh)) problems.push(`SHOPIFY_LOCATION_MAP maps warehouse ${wh} twice`);
    map.set(wh, m[2]!);
  }
  return { map, problems };
}
