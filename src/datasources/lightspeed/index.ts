/** Lightspeed eCom data source: client (REST), per-request loaders answering models, wire shapes and models. */
export { createLightspeedClient, lightspeedClientFromConfig, MAX_LIMIT } from './client';
export type { LightspeedClient, LightspeedClientOptions, LightspeedCallOptions } from './client';
export { createLightspeedLoaders } from './loaders';
export type { LightspeedLoaders, LightspeedLoadersOptions } from './loaders';
export type * from './model';
export type * from './wire';
