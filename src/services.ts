import Redis from 'ioredis';
import type { Config } from './config';
import type { LoaderFactory, Services } from './context';
import { exactClientFromConfig, exactLoaderFactory, RedisTokenStore, type ExactClient } from './datasources/exact';
import { PicqerClient } from './datasources/picqer';
import { ProductCodeIndex } from './datasources/picqer/code-index';
import { shopifyClientFromConfig, shopifyLoaderFactory, type ShopifyClient } from './datasources/shopify';
import { createGovernorRegistry } from './datasources/upstream/governor';
import type { Logger } from './logger';

/**
 * Builds the long-lived services from config: one governor registry, one client per configured
 * upstream, and one shared Redis connection for state that is not the governor's (its own
 * connections fail over differently).
 */
export function createServices(config: Readonly<Config>, logger: Logger): Services {
  const governors = createGovernorRegistry({ redisUrl: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}gov:`, logger });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  redis?.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
  const timeouts = { timeoutMs: config.upstreamTimeoutMs, deadlineMs: config.upstreamDeadlineMs };
  const picqer = config.picqer ? new PicqerClient({ ...config.picqer, governors, ...timeouts }) : null;
  const shopify = shopifyClientFromConfig(config.shopify, governors, timeouts);
  const exact = exactClientFromConfig(config.exact, governors, {
    ...timeouts,
    // Exact refresh tokens rotate: replicas must share one, or all but one lose it.
    tokenStore: redis ? new RedisTokenStore(redis, `${config.redisKeyPrefix}exact:`) : undefined,
  });
  return { config, logger, governors, picqer, picqerCodes: new ProductCodeIndex(), shopify, exact, redis };
}

/** Per-request loaders of the upstreams other than Picqer. */
export const LOADER_FACTORIES: LoaderFactory[] = [shopifyLoaderFactory, exactLoaderFactory];

/** Closes what createServices opened: connections, timers. */
export async function closeServices(services: Services): Promise<void> {
  await services.picqer?.close();
  await (services.shopify as ShopifyClient | null)?.close();
  await (services.exact as ExactClient | null)?.close();
  await services.governors.close();
  const redis = services.redis as Redis | null;
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
