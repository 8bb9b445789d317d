/** Shopify data source: client (Admin GraphQL), per-request loaders answering models, wire shapes and models. */
export { createShopifyClient, inspectCost, shopifyClientFromConfig } from './client';
export type { ShopifyClient, ShopifyClientOptions, ShopifyCallOptions } from './client';
export { createShopifyLoaders, chunkSkus } from './loaders';
export type { ShopifyLoaders, ShopifyLoadersOptions } from './loaders';
export { LocationsCache } from './locations-cache';
export * from './stock-sync';
export type * from './model';
export type * from './wire';
