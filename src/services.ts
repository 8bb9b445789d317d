import Redis from 'ioredis';
import type { Authenticator } from './auth/authenticator';
import type { Config } from './config';
import { exactClientFromConfig, RedisTokenStore, type ExactClient } from './datasources/exact';
import { picqerClientFromConfig, ProductCodeIndex, type PicqerClient } from './datasources/picqer';
import { LocationsCache, shopifyClientFromConfig, type ShopifyClient } from './datasources/shopify';
import { lightspeedClientFromConfig, type LightspeedClient } from './datasources/lightspeed';
import { lightspeedRetailClientFromConfig, type LightspeedRetailClient } from './datasources/lightspeed-retail';
import { cacheConnectionOptions, createCacheStore } from './datasources/upstream/cache';
import { EntityCache } from './datasources/upstream/cache/entity-cache';
import { cacheNamespace } from './datasources/upstream/cache/namespace';
import { createGovernorRegistry } from './datasources/upstream/governor';
import type { GovernorRegistry } from './datasources/upstream/governor/governor.types';
import type { Upstream } from './errors';
import type { Logger } from './logger';
import { createEventBus, type EventServices } from './events/fanout/event-bus';
import type { EventLog } from './events/log/event-log.types';
import { MemoryEventLog } from './events/log/event-log.memory';
import { RedisEventLog } from './events/log/event-log.redis';
import { MemoryTillSaleLedger, type TillSaleLedger } from './events/log/till-sale-ledger';
import { RedisTillSaleLedger } from './events/log/till-sale-ledger.redis';

/**
 * Long-lived services, built once at start-up by createServices. An upstream that is not
 * configured is null; its fields resolve to null with UPSTREAM_NOT_CONFIGURED.
 */
export interface Services {
  config: Readonly<Config>;
  logger: Logger;
  governors: GovernorRegistry;
  picqer: PicqerClient | null;
  /** productcode -> idproduct seen in earlier answers, so code lookups batch by id. */
  picqerCodes: ProductCodeIndex;
  shopify: ShopifyClient | null;
  /** The shop's locations, shared across requests for a few minutes. */
  shopifyLocations: LocationsCache;
  exact: ExactClient | null;
  /** Lightspeed eCom, the second webshop. */
  lightspeed: LightspeedClient | null;
  /** Lightspeed Retail X-Series, the till (its sales lower Picqer stock). */
  lightspeedRetail: LightspeedRetailClient | null;
  /** Which till sales were applied, line by line, and what was reported (shared through Redis). */
  tillSales: TillSaleLedger;
  /** The entity cache the loaders read through and the webhooks keep fresh; null with CACHE_ENABLED=false. */
  cache: EntityCache | null;
  /** Each configured upstream's namespace in the cache: upstream plus a hash of its account. */
  cacheNamespaces: Readonly<Partial<Record<Upstream, string>>>;
  /** The shared Redis connection (REDIS_URL), null for a single in-memory process. */
  redis: Redis | null;
  /**
   * The entity cache's connection, which the event log's appends share (Redis then applies a
   * webhook's cache write before its append: datasources/picqer/cache-effects.ts); null without
   * Redis or without the cache.
   */
  cacheRedis: Redis | null;
  /** Webhook events: the log and this replica's bus. */
  events: EventServices;
  /**
   * Set by startGateway once security is built; absent in code that builds services alone.
   * The scope checks read `auth.enabled` here, so a missing caller fails closed when auth is on.
   */
  auth?: Authenticator;
}

/**
 * Builds the long-lived services from config: one governor registry, one client per configured
 * upstream, and one shared Redis connection for state that is not the governor's (its own
 * connections fail over differently).
 */
export async function createServices(config: Readonly<Config>, logger: Logger): Promise<Services> {
  // What is open so far, closed again if a later step fails (e.g. Redis unreachable at start).
  const opened: Array<() => Promise<void>> = [];
  try {
    const governors = createGovernorRegistry({
      redisUrl: config.redisUrl,
      keyPrefix: `${config.redisKeyPrefix}gov:`,
      logger,
      fallbackShare: config.governorFallbackShare,
      marginMs: config.governorMarginMs,
      windowMs: config.governorWindowMs,
    });
    opened.push(() => governors.close());
    const redis = sharedRedis(config, logger);
    if (redis) opened.push(() => quit(redis));
    const timeouts = { timeoutMs: config.upstreamTimeoutMs, deadlineMs: config.upstreamDeadlineMs };
    const picqer = picqerClientFromConfig(config.picqer, governors, timeouts);
    if (picqer) opened.push(() => picqer.close());
    const shopify = shopifyClientFromConfig(config.shopify, governors, timeouts);
    if (shopify) opened.push(() => shopify.close());
    const exact = exactClientFromConfig(config.exact, governors, {
      ...timeouts,
      // Exact refresh tokens rotate: replicas must share one, or all but one lose it.
      tokenStore: redis ? new RedisTokenStore(redis, `${config.redisKeyPrefix}exact:`) : undefined,
    });
    if (exact) opened.push(() => exact.close());
    const lightspeed = lightspeedClientFromConfig(config.lightspeedEcom, governors, timeouts);
    if (lightspeed) opened.push(() => lightspeed.close());
    const lightspeedRetail = lightspeedRetailClientFromConfig(config.lightspeedRetail, governors, timeouts);
    if (lightspeedRetail) opened.push(() => lightspeedRetail.close());
    const tillSales: TillSaleLedger = redis ? new RedisTillSaleLedger({ redis, keyPrefix: config.redisKeyPrefix }) : new MemoryTillSaleLedger();
    // Webhook events: a Redis stream shared by every replica, or an in-memory ring for one process.
    const retention = { retentionMs: config.eventRetentionMs };
    const cacheRedis = redis && config.cache.enabled ? new Redis(config.redisUrl!, cacheConnectionOptions()) : null;
    if (cacheRedis) opened.push(() => quit(cacheRedis));
    const log: EventLog = redis
      ? new RedisEventLog({ redis, keyPrefix: config.redisKeyPrefix, ...retention, writer: cacheRedis ?? undefined })
      : new MemoryEventLog(retention);
    opened.push(() => log.close());
    const events: EventServices = { log, bus: await createEventBus(log, { logger, windowMs: config.eventFanoutWindowMs }) };
    const cache = createEntityCache(config, logger, cacheRedis);
    if (cache) opened.push(() => cache.close());
    const shared = { picqerCodes: new ProductCodeIndex(), shopifyLocations: new LocationsCache(), cache, cacheNamespaces: namespaces(config) };
    return { config, logger, governors, picqer, shopify, exact, lightspeed, redis, cacheRedis, events, lightspeedRetail, tillSales, ...shared };
  } catch (err) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

/** The shared Redis connection for state that is not the governor's or the cache's, or null without REDIS_URL. */
function sharedRedis(config: Readonly<Config>, logger: Logger): Redis | null {
  if (!config.redisUrl) return null;
  const redis = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  // ioredis repeats the error on every reconnect attempt: say it once per outage.
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) logger.warn({ err: { message: err.message } }, 'redis connection lost; retrying');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info('redis connection back');
    redisDown = false;
  });
  return redis;
}

/** Closes a connection this module opened: QUIT, or a plain disconnect when Redis does not answer. */
async function quit(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

/** The entity cache over Redis (shared, with a memory fallback) or memory; null when turned off. */
function createEntityCache(config: Readonly<Config>, logger: Logger, redis: Redis | null): EntityCache | null {
  if (!config.cache.enabled) return null;
  return new EntityCache({
    store: createCacheStore({
      redisUrl: config.redisUrl,
      keyPrefix: `${config.redisKeyPrefix}cache:`,
      maxBytes: config.cache.maxBytes,
      logger,
      redis: redis ?? undefined,
    }),
    policies: config.cache.policies,
    onBackgroundError: (err) => logger.warn({ err: { message: (err as Error).message } }, 'cache: a background refresh failed'),
  });
}

/** The cached models' shape: bumped when a cached model changes shape, so a new gateway never reads an old entry. */
const MODELS_V = 'models:2';

/** Each configured upstream's account, hashed: two accounts behind one gateway never share an entry. */
function namespaces(config: Readonly<Config>): Partial<Record<Upstream, string>> {
  const { picqer, shopify, exact, lightspeedEcom } = config;
  return {
    // MODELS_V: entries of an older model shape (price as a float before issue 17's Money) are never read.
    ...(picqer ? { picqer: cacheNamespace('picqer', [picqer.baseUrl, picqer.apiKey, MODELS_V]) } : {}),
    ...(shopify ? { shopify: cacheNamespace('shopify', [shopify.baseUrl, shopify.accessToken, MODELS_V]) } : {}),
    ...(exact ? { exact: cacheNamespace('exact', [exact.baseUrl, String(exact.division), exact.clientId]) } : {}),
    ...(lightspeedEcom ? { lightspeed: cacheNamespace('lightspeed', [lightspeedEcom.baseUrl, lightspeedEcom.language, lightspeedEcom.apiKey]) } : {}),
  };
}

/**
 * Closes what createServices opened: connections, timers. The bus goes before its log, the
 * clients before the governors they wait on. One step failing does not stop the others.
 */
export async function closeServices(services: Services): Promise<void> {
  const steps: Array<() => Promise<unknown> | undefined> = [
    () => services.events.bus.close(),
    () => services.cache?.close(),
    () => services.events.log.close(),
    () => services.picqer?.close(),
    () => services.shopify?.close(),
    () => services.exact?.close(),
    () => services.lightspeed?.close(),
    () => services.lightspeedRetail?.close(),
    () => services.governors.close(),
    () => (services.redis ? quit(services.redis) : undefined),
    () => (services.cacheRedis ? quit(services.cacheRedis) : undefined),
  ];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      services.logger.warn({ err: { message: (err as Error).message } }, 'error while closing a service');
    }
  }
}
