export { PicqerClient, PICQER_PAGE_SIZE } from './client';
export type { PicqerClientOptions, CallOptions } from './client';
export { createPicqerLoaders } from './loaders';
export type { PicqerLoaders } from './loaders';
export * from './map';
