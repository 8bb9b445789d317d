import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '../../src/logger';
import { EventBus } from '../../src/events/fanout/event-bus';
import type { EventLog } from '../../src/events/log/event-log.types';
import { registerPicqerWebhooks } from '../../src/events/intake/picqer.webhook';
import { registerShopifyWebhooks } from '../../src/events/intake/shopify.webhook';
import { attachGraphqlWs } from '../../src/events/fanout/ws-server';
import { eventsSchema } from './events-schema';

export const PICQER_SECRET = 'picqer-hook-secret-for-tests-only';
export const SHOPIFY_SECRET = 'shopify-app-secret-for-tests-only';
/** The token the test context factory accepts in connection_init. */
export const WS_TOKEN = 'token-for-tests-only';

export interface EventsServer {
  app: FastifyInstance;
  bus: EventBus;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * A real Fastify server on port 0 with the receivers, a bus over `log` and graphql-ws on /graphql:
 * the subscription pieces as the gateway assembles them. Closing it closes bus and server, not the log.
 */
export async function startEventsServer(
  log: EventLog,
  opts: { maxPendingEvents?: number; bodyLimitBytes?: number; maxSubscriptionsPerConnection?: number } = {},
): Promise<EventsServer> {
  const logger = createLogger('silent');
  const app = Fastify({ logger: false });
  const bus = new EventBus(log, { maxPendingEvents: opts.maxPendingEvents, blockMs: 1000, logger });
  await bus.start();
  registerPicqerWebhooks(app, { secret: PICQER_SECRET, log, logger, bodyLimitBytes: opts.bodyLimitBytes });
  registerShopifyWebhooks(app, { secret: SHOPIFY_SECRET, log, logger, bodyLimitBytes: opts.bodyLimitBytes });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ws = attachGraphqlWs({
    server: app.server,
    path: '/graphql',
    schema: await eventsSchema(),
    logger,
    maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection,
    context: async (params) => {
      if (params?.token !== WS_TOKEN) throw new Error('missing or wrong token');
      return { services: { events: { log, bus } } };
    },
  });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    bus,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    async close() {
      await bus.close();
      await ws.close();
      await app.close();
    },
  };
}

export function sign(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A graphql-ws client over the `ws` package, failing fast instead of retrying. */
export function wsClient(url: string, token: string | null = WS_TOKEN, webSocketImpl: unknown = WebSocket): Client {
  return createClient({
    url,
    webSocketImpl,
    connectionParams: token ? { token } : {},
    retryAttempts: 0,
    lazy: true,
  });
}
