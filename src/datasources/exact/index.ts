/** Exact Online data source: client (REST + OAuth), per-request loaders answering models, wire shapes and models. */
export { createExactClient, exactClientFromConfig, ExactClientOptionsError } from './client';
export type { ExactClient, ExactClientOptions, ExactCallOptions, ODataQuery } from './client';
export { createExactLoaders, chunkCodes, odataString } from './loaders';
export type { ExactLoaders, ExactLoaderOptions } from './loaders';
export { ExactTokenManager } from './auth';
export type { ExactAuthOptions } from './auth';
export { MemoryTokenStore } from './token-store';
export type { ExactTokenState, ExactTokenStore, Release } from './token-store';
export { RedisTokenStore } from './token-store.redis';
export type * from './model';
export type * from './wire';
