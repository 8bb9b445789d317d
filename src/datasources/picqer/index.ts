/** Picqer data source: client (REST), per-request loaders answering models, wire shapes and models. */
export { createPicqerClient, picqerClientFromConfig, PICQER_PAGE_SIZE } from './client';
export type { PicqerClient, PicqerClientOptions, CallOptions, ProductListFilter, OrderListFilter, PicklistListFilter } from './client';
export { createPicqerLoaders, generalFreeStock } from './loaders';
export type { PicqerLoaders } from './loaders';
export { ProductCodeIndex } from './code-index';
export type { ProductCodeIndexOptions } from './code-index';
export { warmProductCodes } from './warmup';
export type { WarmupHandle } from './warmup';
export type * from './model';
export type * from './wire';
export { composeStock } from './bundle-stock';
export { warehouseCalls } from './warehouse-calls';
export type { WarehouseLoaders } from './warehouse-loaders';
export type * from './warehouse-model';
export type * from './warehouse-wire';
