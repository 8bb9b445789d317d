/** Exact Online data source: client (HTTP + OAuth), per-request loaders, wire types and mapping. */
export { createExactClient, ExactClientOptionsError } from './client';
export type { ExactClient, ExactClientOptions, ExactCallOptions, ODataQuery } from './client';
export { ExactTokenManager } from './auth';
export type { ExactAuthOptions } from './auth';
export { MemoryTokenStore } from './token-store';
export type { ExactTokenState, ExactTokenStore, Release } from './token-store';
export { RedisTokenStore } from './token-store.redis';
export { createExactLoaders, chunkCodes, odataString } from './loaders';
export type { ExactLoaders, ExactLoaderOptions } from './loaders';
export { mapItem } from './map';
export type { ExactItemModel, ExactItemWire } from './types';
