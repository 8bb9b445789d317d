/** Lightspeed Retail (X-Series) data source: the client the till-sale receiver uses, its per-delivery loaders, wire shapes and the sale mapping. */
export { createLightspeedRetailClient, lightspeedRetailClientFromConfig } from './client';
export type { LightspeedRetailClient, LightspeedRetailClientOptions, RetailCallOptions } from './client';
export { createLightspeedRetailLoaders } from './loaders';
export type { LightspeedRetailLoaders } from './loaders';
export { COMPLETED_SALE_STATUSES, tillSaleFromWire } from './map';
export type { TillSale, TillSaleLine } from './map';
export type * from './wire';
