import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Services } from '../services';
import { registerCacheMetrics } from '../datasources/upstream/cache/metrics';
import { registerGovernorMetrics } from '../datasources/upstream/governor/metrics';
import { parseEventId } from '../events/log/event-id';
import { GatewayMetrics } from '../util/metrics';

/**
 * /metrics: the gateway's figures for Prometheus, on the main port or on a listener of its own
 * (METRICS_PORT), behind a bearer token when METRICS_TOKEN is set (config/metrics-config.ts says
 * when production requires one of the two).
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's metrics, for routes registered by subsystems (the webhook receivers count their deliveries). */
    gatewayMetrics?: GatewayMetrics;
  }
}

/**
 * The gateway's metrics over `services`: the governors' budgets and every upstream request they
 * admit, the cache's totals, the event bus's append-to-fan-out lag. Listeners are removed by
 * `stop()` (the services may outlive the gateway in tests).
 */
export function createGatewayMetrics(services: Services): { metrics: GatewayMetrics; stop(): void } {
  const metrics = new GatewayMetrics({ operationNames: services.config.metrics?.operationNames });
  registerGovernorMetrics(services.governors, metrics.registry);
  if (services.cache) registerCacheMetrics(services.cache, metrics.registry);
  const offCall = services.governors.onCall((r) => {
    metrics.governorWait(r.upstream, r.waitedSeconds);
    metrics.upstreamRequest(r.upstream, r.status, r.seconds);
  });
  // Event ids start with the append's time in ms (Redis's clock, or this process's for memory).
  const offDispatch = services.events.bus.onDispatch((e) => metrics.eventFanout((Date.now() - parseEventId(e.id)[0]) / 1000));
  return {
    metrics,
    stop() {
      offCall();
      offDispatch();
    },
  };
}

/**
 * Makes `metrics` reachable from every route (app.gatewayMetrics) and, unless it has a port of
 * its own, serves GET /metrics on the main port.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics, config: Readonly<Config>): void {
  app.decorate('gatewayMetrics', metrics);
  if (config.metrics?.port !== undefined) return;
  const token = config.metrics?.token;
  app.get('/metrics', async (req, reply) => {
    if (!authorised(req.headers.authorization, token)) return reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORISED);
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** A listener serving GET /metrics only, on `port` (0: a free one); resolves with its URL. */
export async function startMetricsListener(
  metrics: GatewayMetrics,
  o: { port: number; host: string; token?: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => void serve(req, res, metrics, o.token));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { url: `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${port}/metrics`, close: () => closeServer(server) };
}

const UNAUTHORISED = { errors: [{ message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.', extensions: { code: 'UNAUTHENTICATED' } }] };

async function serve(req: IncomingMessage, res: ServerResponse, metrics: GatewayMetrics, token: string | undefined): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here.\n');
  if (!authorised(req.headers.authorization, token)) {
    return void res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify(UNAUTHORISED));
  }
  try {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
  }
}

/** No token configured: open. Otherwise the bearer must match, compared in constant time. */
function authorised(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
