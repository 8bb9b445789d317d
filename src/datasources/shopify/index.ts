import type { ShopifyConfig } from '../../config';
import type { LoaderFactory } from '../../context';
import type { GovernorRegistry } from '../upstream/governor.types';
import { createShopifyClient, type ShopifyClient } from './client';
import { createShopifyLoaders } from './loaders';

export { createShopifyClient, inspectCost } from './client';
export type { ShopifyClient, ShopifyClientOptions, ShopifyCallOptions } from './client';
export { createShopifyLoaders, chunkSkus } from './loaders';
export { LocationsCache } from './locations-cache';
export type { ShopifyLoaders, ShopifyLoadersOptions } from './loaders';
export * from './map';
export * from './stock-sync';
export type * from './wire';

/**
 * Registers `context.loaders.shopify` (null when Shopify is not configured). Expects the client at
 * `services.shopify` (built from config.shopify with createShopifyClient).
 */
export const shopifyLoaderFactory: LoaderFactory = (services, accounting) => {
  const client = services.shopify ?? null;
  const locationsCache = services.shopifyLocations;
  return ['shopify', client ? createShopifyLoaders(client, accounting, { locationMap: services.config.shopify?.locationMap, locationsCache }) : null];
};

/** The client for `services.shopify`, or null when Shopify is not configured. */
export function shopifyClientFromConfig(
  cfg: ShopifyConfig | undefined,
  governors: GovernorRegistry,
  extra: { timeoutMs?: number; deadlineMs?: number } = {},
): ShopifyClient | null {
  return cfg ? createShopifyClient({ baseUrl: cfg.baseUrl, accessToken: cfg.accessToken, apiVersion: cfg.apiVersion, governors, ...extra }) : null;
}
