import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { Config } from './config';
import { createContext } from './context';
import { picqerCacheEffects } from './datasources/picqer/cache-effects';
import type { PicqerCacheBinding } from './datasources/picqer/product-loaders';
import { warmProductCodes } from './datasources/picqer/warmup';
import { shopifyCacheEffects } from './datasources/shopify/cache-effects';
import type { Logger } from './logger';
import { getSchema } from './build-schema';
import { createSecurity, type Security } from './security';
import { buildGateway, type Gateway } from './server';
import { startMetricsListener } from './http/metrics-route';
import { closeServices, createServices, type Services } from './services';
import { attachGraphqlWs } from './events/fanout/ws-server';
import { Readiness, registerHealthRoutes, type ReadinessCheck } from './http/health';
import { ensurePicqerHooks } from './events/intake/picqer.hooks';
import { PICQER_CACHE_HOOK_EVENTS } from './events/intake/picqer.effects';
import { PICQER_HOOK_EVENTS, registerPicqerWebhooks } from './events/intake/picqer.webhook';
import { picqerBundleEvents } from './events/intake/picqer-bundles';
import { registerShopifyWebhooks } from './events/intake/shopify.webhook';
import { ensureTillHookPointsHere, tillSaleReceiver } from './events/intake/lightspeed-retail.setup';
import { startAutoSync, type AutoSync } from './stock-sync/auto-sync';

export interface RunningGateway {
  url: string;
  /** METRICS_PORT's listener, http://host:port/metrics; absent when /metrics is on the main port. */
  metricsUrl?: string;
  gateway: Gateway;
  services: Services;
  /** /readyz's state: SIGTERM's drain turns it off (http/graceful-shutdown.ts). */
  readiness: Readiness;
  close(): Promise<void>;
}

export interface StartOptions {
  graphiqlHeaders?: Record<string, string>;
  /** Audit records go here instead of AUDIT_LOG (tests). */
  auditStream?: import('pino').DestinationStream;
}

/**
 * Wires config -> services -> schema -> HTTP server (GraphQL over HTTP, graphql-ws, webhook
 * receivers) and starts listening; then, if asked, makes sure Picqer's hooks point here.
 * Used by main.ts, the tests and the benches.
 */
export async function startGateway(config: Readonly<Config>, logger: Logger, opts: StartOptions = {}): Promise<RunningGateway> {
  const closers = new Closers(logger);
  try {
    const services = await createServices(config, logger);
    closers.push(() => closeServices(services));
    const schema = await getSchema();
    const security = createSecurity(config, { auditStream: opts.auditStream });
    closers.push(() => security.close());
    services.auth = security.authenticator;
    const readiness = new Readiness({ checks: readinessChecks(services) });
    const gateway = await buildHttp(config, services, schema, security, opts, readiness);
    closers.push(() => gateway.close());
    const ws = attachWs(config, services, schema, security, gateway.app.server);
    closers.push(() => ws.close());
    gateway.gatewayMetrics.addTransport('graphql-ws', () => ws.stats());
    security.registerMetrics(gateway.metrics);
    const metricsListener =
      config.metrics.port === undefined
        ? undefined
        : await startMetricsListener(gateway.gatewayMetrics, { ...config.metrics, port: config.metrics.port, host: config.host });
    if (metricsListener) closers.push(() => metricsListener.close());
    const url = await gateway.listen(config.port, config.host);
    startBackgroundWork(config, services, closers);
    await ensureHooksPointHere(config, services, url);
    await ensureTillHookPointsHere(config, services, url);
    // Any close drains: every answer from now on says Connection: close (http/health.ts), or a
    // kept-alive client's connection would hold the listener open for Fastify's keep-alive timeout.
    const close = async (): Promise<void> => {
      readiness.startDraining();
      await closers.closeAll();
    };
    return { url, metricsUrl: metricsListener?.url, gateway, services, readiness, close };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** Everything opened so far, closed in reverse order on shutdown or when start-up fails half-way. */
class Closers {
  private readonly closers: Array<() => Promise<void>> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Closed before everything opened earlier. */
  push(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** Closed after everything else, whenever it was opened. */
  atEnd(close: () => Promise<void>): void {
    this.closers.unshift(close);
  }

  /** Idempotent: a second call waits for the first instead of closing everything again. */
  closeAll(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const close of this.closers.splice(0).reverse()) {
        await close().catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message } }, 'error while closing'));
      }
    })());
  }
}

/** The HTTP server with security's rules and plugins, and a webhook receiver per upstream that has a secret. */
async function buildHttp(
  config: Readonly<Config>,
  services: Services,
  schema: GraphQLSchema,
  security: Security,
  opts: StartOptions,
  readiness: Readiness,
): Promise<Gateway> {
  const { events, logger } = services;
  // Lightspeed till sales (LIGHTSPEED_RETAIL_WEBHOOK_SECRET): the receiver and its counters.
  const tillSales = tillSaleReceiver(config, services);
  const gateway = await buildGateway({
    services,
    schema,
    graphiqlHeaders: opts.graphiqlHeaders,
    authenticate: security.authenticate,
    apolloPlugins: security.apolloPlugins,
    persistedQueries: security.persistedQueries,
    trustedDocuments: security.trustedDocuments,
    operationRules: security.operationRules,
    cors: { origins: security.origins, maxAgeSeconds: config.browser.corsMaxAgeSeconds },
    routes: [
      (app) => {
        // A receiver exists only with its secret: an unsigned delivery is never accepted.
        const picqerSecret = config.picqer?.webhookSecret;
        const cache = cacheBindings(services);
        if (picqerSecret)
          registerPicqerWebhooks(app, {
            secret: picqerSecret,
            log: events.log,
            logger,
            cache: cache.picqer && picqerCacheEffects(cache.picqer, { eventGraceMs: config.cache.eventGraceMs }),
            bundles: services.picqer ? picqerBundleEvents(services.picqer, { logger }) : undefined,
          });
        const shopifySecret = config.shopify?.webhookSecret;
        if (shopifySecret)
          registerShopifyWebhooks(app, { secret: shopifySecret, log: events.log, logger, cache: cache.shopify && shopifyCacheEffects(cache.shopify) });
      },
      (app) => tillSales?.routes(app),
      (app) => registerHealthRoutes(app, readiness),
    ],
  });
  tillSales?.metrics(gateway.metrics);
  return gateway;
}

/** What /readyz asks besides the drain: Redis where REDIS_URL is set (a connection not ready fails at once), the event-log consumer. */
function readinessChecks(services: Services): Record<string, ReadinessCheck> {
  const { redis, events } = services;
  return {
    ...(redis ? { redis: async () => redis.status === 'ready' && (await redis.ping()) === 'PONG' } : {}),
    eventLog: () => events.bus.consuming,
  };
}

/** The shared cache with each upstream's namespace in it, for the webhook receivers. */
function cacheBindings(services: Services): { picqer?: PicqerCacheBinding; shopify?: PicqerCacheBinding } {
  const { cache, cacheNamespaces: ns } = services;
  if (!cache) return {};
  return {
    picqer: ns.picqer ? { cache, namespace: ns.picqer } : undefined,
    shopify: ns.shopify ? { cache, namespace: ns.shopify } : undefined,
  };
}

/** graphql-ws on the HTTP server's /graphql, bound by the same rules and caller checks as HTTP. */
function attachWs(config: Readonly<Config>, services: Services, schema: GraphQLSchema, security: Security, server: Server): ReturnType<typeof attachGraphqlWs> {
  return attachGraphqlWs({
    server,
    path: '/graphql',
    schema,
    logger: services.logger,
    maxSubscriptionsPerConnection: config.security.maxSubscriptionsPerConnection,
    // The document rules and size bound HTTP applies, so no limit can be sidestepped over the socket.
    rules: security.operationRules,
    knownCode: (code) => services.picqerCodes.get(code) !== undefined,
    maxPayloadBytes: config.bodyLimitBytes,
    // Pages on origins not in CORS_ORIGINS may not open a socket either (when the list is set).
    origins: security.origins,
    trustedDocuments: security.trustedDocuments,
    // Same caller rules as HTTP: the token travels in the connection_init payload.
    context: async (params, request) => createContext(services, { caller: await security.authenticateConnection(params, request.socket.remoteAddress) }),
  });
}

/**
 * Background work: the product-code warm-up and the channels' auto-sync (SHOPIFY_AUTO_SYNC,
 * LIGHTSPEED_AUTO_SYNC). Stopped before the services close; a call it has waiting for budget is
 * rejected when the governors close, so shutdown never waits out a rate-limit pause. What is
 * still finishing is awaited last.
 */
function startBackgroundWork(config: Readonly<Config>, services: Services, closers: Closers): void {
  if (services.picqer && config.picqerWarmupPages > 0) {
    const warmup = warmProductCodes(services.picqer, services.picqerCodes, {
      maxPages: config.picqerWarmupPages,
      logger: services.logger,
      cached: cacheBindings(services).picqer,
    });
    closers.atEnd(async () => void (await warmup.done));
    closers.push(async () => warmup.stop());
  }
  const channels = [...(config.shopifyAutoSync ? (['SHOPIFY'] as const) : []), ...(config.lightspeedAutoSync ? (['LIGHTSPEED'] as const) : [])];
  if (channels.length > 0) {
    const autoSync: AutoSync = startAutoSync(services, services.logger, { channels });
    closers.atEnd(() => autoSync.drained());
    closers.push(() => autoSync.close());
  }
}

/** With PICQER_REGISTER_HOOKS, makes sure Picqer's hooks deliver to `url` (or the public URL). */
async function ensureHooksPointHere(config: Readonly<Config>, services: Services, url: string): Promise<void> {
  const picqer = services.picqer;
  if (!config.picqer?.registerHooks || !config.picqer.webhookSecret || !picqer) return;
  try {
    await ensurePicqerHooks(
      { listHooks: (offset) => picqer.listHooks(offset, { priority: 'background' }), createHook: (input) => picqer.createHook(input) },
      // In sandbox mode the hooks live in the local sandbox: it reaches the listening address.
      {
        publicUrl: config.sandbox ? url : (config.publicUrl ?? url),
        secret: config.picqer.webhookSecret,
        // The cache also listens to product events no subscription carries.
        events: services.cache ? [...PICQER_HOOK_EVENTS, ...PICQER_CACHE_HOOK_EVENTS] : PICQER_HOOK_EVENTS,
        logger: services.logger,
      },
    );
  } catch (err) {
    // The gateway still answers queries; webhooks wait until the hooks exist.
    services.logger.error({ err: { message: (err as Error).message } }, 'could not register Picqer hooks');
  }
}
