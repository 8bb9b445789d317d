import type { Loaders } from '../datasources/loaders';
import { findDrift, type DriftRow, type ShopifyLocationModel } from '../datasources/shopify';
import { BadUserInputError } from '../errors';
import { checkProductcodes, loadPairs, locationsById, mappedLocations } from './stock-pairs';

/** One product at one mapped location whose Shopify available differs from Picqer's free stock. */
export interface StockDriftRow extends Omit<DriftRow, 'locationId'> {
  location: ShopifyLocationModel;
}

/**
 * Products whose Shopify available quantity differs from Picqer's free stock by more than
 * `threshold` at a mapped location (the `stockDrift` query). Reads only.
 */
export async function findStockDrift(loaders: Loaders, productcodes: string[], threshold: number): Promise<StockDriftRow[]> {
  checkProductcodes(productcodes);
  if (!Number.isInteger(threshold) || threshold < 0) throw new BadUserInputError(`Argument "threshold" must be 0 or more, got ${threshold}.`, 'threshold');
  const { pairs, shop } = await loadPairs(loaders, productcodes);
  const names = await locationsById(shop);
  return findDrift(pairs, mappedLocations(shop), threshold).map(({ locationId, ...row }) => ({ ...row, location: names(locationId) }));
}
