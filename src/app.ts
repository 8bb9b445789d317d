import type { Config } from './config';
import { createContext } from './context';
import { warmProductCodes } from './datasources/picqer/warmup';
import type { Logger } from './logger';
import { getSchema } from './build-schema';
import { createSecurity } from './security';
import { buildGateway, type Gateway } from './server';
import { closeServices, createServices, type Services } from './services';
import { attachGraphqlWs } from './events/fanout/ws-server';
import { ensurePicqerHooks } from './events/intake/picqer.hooks';
import { PICQER_HOOK_EVENTS, registerPicqerWebhooks } from './events/intake/picqer.webhook';
import { registerShopifyWebhooks } from './events/intake/shopify.webhook';
import { startAutoSync, type AutoSync } from './stock-sync/auto-sync';

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  services: Services;
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
  // Everything opened so far, closed in reverse order on shutdown or when start-up fails half-way.
  const closers: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  // Idempotent: a second close() waits for the first instead of closing everything again.
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      for (const close of closers.splice(0).reverse()) {
        await close().catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'error while closing'));
      }
    })());
  try {
    const services = await createServices(config, logger);
    closers.push(() => closeServices(services));
    const events = services.events;
    const schema = await getSchema();
    const security = createSecurity(config, { auditStream: opts.auditStream });
    closers.push(() => security.close());
    services.auth = security.authenticator;
    const gateway = await buildGateway({
      services,
      schema,
      graphiqlHeaders: opts.graphiqlHeaders,
      authenticate: security.authenticate,
      apolloPlugins: security.apolloPlugins,
      operationRules: security.operationRules,
      routes: [
        (app) => {
          // A receiver exists only with its secret: an unsigned delivery is never accepted.
          const picqerSecret = config.picqer?.webhookSecret;
          if (picqerSecret) registerPicqerWebhooks(app, { secret: picqerSecret, log: events.log, logger });
          const shopifySecret = config.shopify?.webhookSecret;
          if (shopifySecret) registerShopifyWebhooks(app, { secret: shopifySecret, log: events.log, logger });
        },
      ],
    });
    closers.push(() => gateway.close());
    const ws = attachGraphqlWs({
      server: gateway.app.server,
      path: '/graphql',
      schema,
      logger,
      maxSubscriptionsPerConnection: config.security.maxSubscriptionsPerConnection,
      // The document rules and size bound HTTP applies, so no limit can be sidestepped over the socket.
      rules: security.operationRules,
      knownCode: (code) => services.picqerCodes.get(code) !== undefined,
      maxPayloadBytes: config.bodyLimitBytes,
      // Same caller rules as HTTP: the token travels in the connection_init payload.
      context: async (params) =>
        createContext(services, { caller: security.authenticateConnection(params) }),
    });
    closers.push(() => ws.close());
    const url = await gateway.listen(config.port, config.host);

    // Background work. Stopped before the services close; a call it has waiting for budget is
    // rejected when the governors close, so shutdown never waits out a rate-limit pause.
    if (services.picqer && config.picqerWarmupPages > 0) {
      const warmup = warmProductCodes(services.picqer, services.picqerCodes, { maxPages: config.picqerWarmupPages, logger });
      closers.splice(0, 0, async () => void (await warmup.done));
      closers.push(async () => warmup.stop());
    }
    if (config.shopifyAutoSync) {
      const autoSync: AutoSync = startAutoSync(services, logger);
      closers.splice(0, 0, () => autoSync.drained());
      closers.push(() => autoSync.close());
    }
    if (config.picqer?.registerHooks && config.picqer.webhookSecret && services.picqer) {
      const picqer = services.picqer;
      try {
        await ensurePicqerHooks(
          { listHooks: (offset) => picqer.listHooks(offset, { priority: 'background' }), createHook: (input) => picqer.createHook(input) },
          // In sandbox mode the hooks live in the local sandbox: it reaches the listening address.
          { publicUrl: config.sandbox ? url : (config.publicUrl ?? url), secret: config.picqer.webhookSecret, events: PICQER_HOOK_EVENTS, logger },
        );
      } catch (err) {
        // The gateway still answers queries; webhooks wait until the hooks exist.
        logger.error({ err: { message: (err as Error).message } }, 'could not register Picqer hooks');
      }
    }
    return { url, gateway, services, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
