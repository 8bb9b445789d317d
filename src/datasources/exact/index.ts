import type { ExactConfig } from '../../config';
import type { LoaderFactory } from '../../context';
import type { GovernorRegistry } from '../upstream/governor.types';
import { createExactClient, type ExactClient } from './client';
import { createExactLoaders } from './loaders';
import type { ExactTokenStore } from './token-store';

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
export type { ExactItemModel, ExactItemWire } from './wire';

/**
 * Registers `context.loaders.exact` (null when Exact is not configured). Expects the client at
 * `services.exact` (built with exactClientFromConfig).
 */
export const exactLoaderFactory: LoaderFactory = (services, accounting) => {
  const client = services.exact ?? null;
  return ['exact', client ? createExactLoaders(client, accounting) : null];
};

/**
 * The Exact client for a validated config; null when Exact is not configured. With several
 * replicas pass a RedisTokenStore, so that they share one rotating refresh token.
 */
export function exactClientFromConfig(
  cfg: ExactConfig | undefined,
  governors: GovernorRegistry,
  extra: { tokenStore?: ExactTokenStore; timeoutMs?: number; deadlineMs?: number } = {},
): ExactClient | null {
  return cfg ? createExactClient({ ...cfg, governors, ...extra }) : null;
}
