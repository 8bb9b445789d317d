import { requireLoaders, type Loaders } from '../datasources/loaders';
import type { ProductPair, ShopifyLoaders, ShopifyLocationModel } from '../datasources/shopify';
import { BadUserInputError, UpstreamNotConfiguredError } from '../errors';
import { isValidProductcode, MAX_PRODUCTCODE_LENGTH, MAX_PRODUCTCODES } from '../util/productcodes';

/**
 * What the drift check and the stock sync both stand on: the codes checked against the
 * product-code rule, Picqer's product and Shopify's variant per code, and the mapped locations.
 */

/** BAD_USER_INPUT naming `productcodes` unless every code follows the rule and there are not too many. */
export function checkProductcodes(codes: string[]): void {
  if (codes.length > MAX_PRODUCTCODES) {
    throw new BadUserInputError(`Argument "productcodes" takes at most ${MAX_PRODUCTCODES} codes, got ${codes.length}.`, 'productcodes');
  }
  if (!codes.every(isValidProductcode)) {
    throw new BadUserInputError(
      `Argument "productcodes": each value must be a product code: not blank, at most ${MAX_PRODUCTCODE_LENGTH} characters.`,
      'productcodes',
    );
  }
}

/** Picqer warehouse -> Shopify location id; UPSTREAM_NOT_CONFIGURED naming SHOPIFY_LOCATION_MAP when empty. */
export function mappedLocations(shop: ShopifyLoaders): ReadonlyMap<number, string> {
  if (shop.locationMap.size === 0) throw new UpstreamNotConfiguredError('shopify', ['SHOPIFY_LOCATION_MAP']);
  return shop.locationMap;
}

/**
 * Picqer product and Shopify variant per distinct code, loaded side by side; the first failure
 * fails the whole. Shopify and its location map are checked before anything is loaded.
 */
export async function loadPairs(loaders: Loaders, codes: string[]): Promise<{ pairs: ProductPair[]; shop: ShopifyLoaders }> {
  const shop = requireLoaders(loaders, 'shopify');
  mappedLocations(shop);
  const unique = [...new Set(codes)];
  const [picqer, variants] = await Promise.all([requireLoaders(loaders, 'picqer').productByCode.loadMany(unique), shop.variantBySku.loadMany(unique)]);
  const pairs = unique.map((productcode, i) => ({ productcode, picqer: unwrap(picqer[i]!), variant: unwrap(variants[i]!) }));
  return { pairs, shop };
}

/** The shop's locations by id; a mapped location the shop no longer lists still gets a row, named so. */
export async function locationsById(shop: ShopifyLoaders): Promise<(id: string) => ShopifyLocationModel> {
  const all = await shop.locations();
  const byId = new Map(all.map((l) => [l.id, l]));
  return (id) => byId.get(id) ?? { id, name: `Unknown location ${id}` };
}

function unwrap<T>(v: T | Error): T {
  if (v instanceof Error) throw v;
  return v;
}
