import { ApolloServer, type ApolloServerPlugin, type PersistedQueryOptions } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import { createContext, type GatewayContext } from './context';
import type { Services } from './services';
import { ERROR_CODES } from './errors';
import { DEFAULT_QUERY, graphiqlHtml, registerGraphiqlAssets } from './graphiql';
import { formatForClient } from './security/client-errors';
import { trustedDocumentsHook, type TrustedDocuments } from './security/trusted-documents';
import { compiledExecution, type CompiledExecutionStats } from './security/compiled-execution';
import { operationRulesOf, type OperationRules } from './security/operation-rules';
import { acceptsGraphqlResponse } from './http/accept';
import { createGatewayMetrics, registerMetricsRoute } from './http/metrics-route';
import { metricsPlugin } from './http/metrics.plugin';
import { operationTracing } from './http/tracing.plugin';
import type { GatewayMetrics } from './util/metrics';
import { registerCors, type CorsOptions } from './http/cors';
import { clientErrorHandler, httpErrorHandler, notFoundHandler, sendGraphqlError } from './http/error-replies';
import { subscriptionsOverHttpPlugin } from './http/subscriptions-over-http.plugin';
import { lazyChildLoggers, quietRequestLogs, requestLogPlugin } from './http/request-log';
import { registerSse, wantsEventStream, type SseRoute } from './http/sse-route';
import { registerDemoPage } from './http/demo-page';

/**
 * The HTTP face of the gateway: /graphql (GraphQL over HTTP via Apollo, GraphiQL for browsers),
 * /metrics. Subsystems (webhooks, graphql-ws, auth, the probes of http/health.ts) plug in through the options.
 */

export interface GatewayOptions {
  services: Services;
  schema: GraphQLSchema;
  /**
   * Resolves the caller from the Authorization header and the client's address (req.ip, behind
   * TRUSTED_PROXIES); throws UnauthenticatedError. Absent: no auth.
   */
  authenticate?: (authorization: string | undefined, client: { ip: string }) => GatewayContext['caller'] | Promise<GatewayContext['caller']>;
  /** Extra Apollo plugins (limits, audit). */
  apolloPlugins?: ApolloServerPlugin<GatewayContext>[];
  /** Registers further routes (webhooks) before the server starts. */
  routes?: Array<(app: FastifyInstance) => void | Promise<void>>;
  /** GraphiQL's starting headers, e.g. the sandbox's demo token. */
  graphiqlHeaders?: Record<string, string>;
  /**
   * Parse and validation bounds, shared with graphql-ws (security/operation-rules.ts). Default:
   * operationRulesOf(config).
   */
  operationRules?: OperationRules;
  /** Operations kept compiled, per document, operation and scope set (security/compiled-execution.ts). Default 1000. */
  maxCompiledOperations?: number;
  /** CORS for pages on other origins (http/cors.ts); absent: no Access-Control-* headers at all. */
  cors?: CorsOptions;
  /** APQ's store and ttl (shared through Redis: security/persisted-queries.redis.ts). Default: Apollo's, in memory. */
  persistedQueries?: PersistedQueryOptions;
  /** TRUSTED_DOCUMENTS=on: only these operations run (security/trusted-documents.ts). */
  trustedDocuments?: TrustedDocuments;
}

export interface Gateway {
  app: FastifyInstance;
  /** What /metrics serves (gatewayMetrics.registry). */
  metrics: Registry;
  /** The instruments, for subsystems that add figures (a subscription transport's counts). */
  gatewayMetrics: GatewayMetrics;
  /** How operations ran since start: compiled by graphql-jit, on graphql-js, or from the plan cache. */
  executionStats(): CompiledExecutionStats;
  /** Starts listening; resolves to the base URL (http://host:port). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the server (not yet listening): Fastify, metrics, Apollo on /graphql, the plain routes, then the subsystems' routes. */
export async function buildGateway(opts: GatewayOptions): Promise<Gateway> {
  const { services } = opts;
  const app = createFastify(services);
  const observed = createGatewayMetrics(services);
  const metrics = observed.metrics;
  app.addHook('onClose', async () => observed.stop());
  const execution = compiledExecution(opts.schema, {
    maxOperations: opts.maxCompiledOperations,
    onFallback: (operationName, reason) => services.logger.warn({ operationName, reason }, 'operation runs on graphql-js: graphql-jit did not compile it'),
  });
  // Before any route: a preflight is answered in its onRequest hook, ahead of everything else.
  if (opts.cors) await registerCors(app, opts.cors);
  const apollo = await startApollo(app, opts, execution.gateway, metrics);
  const sse = await registerGraphqlRoute(app, apollo, opts);
  metrics.addTransport('sse', () => sse.stats());
  // Sandbox mode's live-stock page (/demo), with the demo token GraphiQL starts with.
  const demoAuthorization = services.config.sandbox ? opts.graphiqlHeaders?.Authorization : undefined;
  if (demoAuthorization) registerDemoPage(app, { authorization: demoAuthorization });
  registerPlainRoutes(app);
  registerMetricsRoute(app, metrics, services.config);
  for (const route of opts.routes ?? []) await route(app);
  return gatewayHandle(app, metrics, execution.stats);
}

/** Fastify with the gateway's body limit, request deadlines and GraphQL-shaped error replies. */
function createFastify({ config, logger }: Services): FastifyInstance {
  const replies = { logger, bodyLimitBytes: config.bodyLimitBytes, requestTimeoutMs: config.requestTimeoutMs };
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // TRUSTED_PROXIES: only these may name the client in X-Forwarded-For (req.ip, the public caller's rate key).
    trustProxy: config.browser.trustedProxies.length > 0 ? [...config.browser.trustedProxies] : false,
    bodyLimit: config.bodyLimitBytes,
    // Only the path is logged (see logger.ts): query strings may carry variables.
    requestIdHeader: false,
    // Webhooks, probes and /graphql (one line of its own, request-log.ts) log their requests at debug only.
    logController: quietRequestLogs(logger),
    // request.log made only when written to (most requests never are).
    childLoggerFactory: lazyChildLoggers,
    // A request must arrive in full (headers and body) within REQUEST_TIMEOUT_MS, or it is answered
    // 408 and its connection closed: a body shorter than its Content-Length cannot hold a socket.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      // Node requires headersTimeout <= requestTimeout; headers are part of the request anyway.
      headersTimeout: config.requestTimeoutMs,
      // Node checks those deadlines only on this interval (default 30 s), which would stretch a
      // 15 s timeout to 45 s; a quarter of the timeout, at most a second, keeps it close.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(config.requestTimeoutMs / 4))),
    },
    clientErrorHandler: clientErrorHandler(replies),
  });
  // Every error response has the GraphQL shape; set before any route, so every scope inherits it.
  app.setErrorHandler(httpErrorHandler(replies));
  return app;
}

/**
 * Apollo with the document bounds, error masking and plugins, started (it drains with `app`).
 * Operations run compiled through `gateway`, Apollo's custom-executor interface; no plugin has a
 * per-field hook (a single one would make Apollo wrap every resolver of the schema), and Apollo's
 * cacheControl plugin, which is one, is off: no field sets a cache hint, so every answer was
 * `no-store` anyway, now set by responseHeadersPlugin.
 */
async function startApollo(
  app: FastifyInstance,
  opts: GatewayOptions,
  gateway: ReturnType<typeof compiledExecution>['gateway'],
  metrics: GatewayMetrics,
): Promise<ApolloServer<GatewayContext>> {
  const { config, logger } = opts.services;
  const rules = opts.operationRules ?? operationRulesOf(config);
  const tracing = operationTracing();
  const apollo = new ApolloServer<GatewayContext>({
    gateway: tracing.wrapGateway(gateway),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Auth is a bearer header, never a cookie, so a cross-site "simple" request carries no
    // credentials; CSRF prevention would only break plain GET requests the spec allows.
    csrfPrevention: false,
    // SIGTERM is main.ts's to handle (drain first: http/graceful-shutdown.ts). Apollo's own handler
    // would stop the server at once and then re-send the signal, killing the process mid-drain.
    stopOnTerminationSignals: false,
    persistedQueries: opts.persistedQueries,
    // The document is bounded before anything analyses it: graphql's parser stops at maxTokens,
    // and a rule refuses too many aliases, directives or fragment spreads; without introspection,
    // no "Did you mean …?" spelling out the schema. The same rules bind graphql-ws (operation-rules.ts).
    parseOptions: { ...rules.parseOptions },
    validationRules: [...rules.validationRules],
    validationOptions: { ...rules.validationOptions },
    formatError: (formatted, error) => formatForClient(maskUnexpected(formatted, error, logger)),
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // The schema is a federation subgraph: Apollo would offer routers inline traces (ftv1), which the compiled executor cannot fill.
      ApolloServerPluginInlineTraceDisabled(),
      responseHeadersPlugin(),
      requestLogPlugin(logger),
      metricsPlugin(metrics),
      tracing.plugin,
      ...(opts.apolloPlugins ?? []),
    ],
  });
  // Added here rather than in the options: it is part of the HTTP transport, like the 406 hook on the route.
  apollo.addPlugin(subscriptionsOverHttpPlugin('/graphql'));
  await apollo.start();
  return apollo;
}

/** /graphql in its own scope: JSON bodies only, GraphiQL for browsers, 406 before Apollo runs, then Apollo. */
async function registerGraphqlRoute(app: FastifyInstance, apollo: ApolloServer<GatewayContext>, opts: GatewayOptions): Promise<SseRoute> {
  const { services } = opts;
  const context = async (req: FastifyRequest, maxCalls?: number): Promise<GatewayContext> => {
    const caller = await opts.authenticate?.(req.headers.authorization, { ip: req.ip });
    return createContext(services, { requestId: String(req.id), caller, maxCalls });
  };
  // A query or mutation sends at most twice the calls MAX_QUERY_COST lets its estimate reach
  // (the estimate cannot know, say, which rows of a page are bundles). Subscriptions over SSE are
  // long-lived and unbounded here, as over graphql-ws.
  const maxCalls = 2 * services.config.security.maxQueryCost;
  const operationContext = (req: FastifyRequest): Promise<GatewayContext> => context(req, maxCalls);
  registerGraphiqlAssets(app);
  const page = services.config.graphiql ? graphiqlHtml({ endpoint: '/graphql', defaultHeaders: opts.graphiqlHeaders, defaultQuery: DEFAULT_QUERY }) : undefined;
  let sse: SseRoute | undefined;
  await app.register(async (scope) => {
    // GraphQL over HTTP takes JSON bodies only: any other media type is 415, not a parse error.
    scope.removeContentTypeParser('text/plain');
    // Trusted documents: an operation not on the list is refused once its body is read, before anything parses it.
    if (opts.trustedDocuments) scope.addHook('preHandler', trustedDocumentsHook(opts.trustedDocuments));
    // A browser navigating here (HTML preferred over JSON) gets GraphiQL, even with ?query=…,
    // which GraphiQL itself writes into its address for sharing; GraphQL clients ask for JSON.
    scope.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'GET' || !page) return;
      if (prefersHtml(req.headers.accept)) {
        return reply.header('content-type', 'text/html; charset=utf-8').send(page);
      }
    });
    // Apollo picks the response type only after executing, so a request it would answer 406 is
    // refused here, before the body is even read: nothing runs, nothing is audited (accept.ts).
    scope.addHook('onRequest', async (req, reply) => {
      if (req.method === 'OPTIONS' || acceptsGraphqlResponse(req.headers.accept) || wantsEventStream(req.headers.accept)) return;
      return sendGraphqlError(
        reply,
        406,
        'NOT_ACCEPTABLE',
        'The Accept header allows neither application/graphql-response+json nor application/json, the only types /graphql answers with; nothing was run.',
      );
    });
    // Subscriptions over SSE: a request asking for text/event-stream is streamed before Apollo sees it.
    const rules = opts.operationRules ?? operationRulesOf(services.config);
    const knownCode = (code: string): boolean => services.picqerCodes.get(code) !== undefined;
    sse = registerSse(scope, { schema: opts.schema, path: '/graphql', context, rules, knownCode, origins: opts.cors?.origins, logger: services.logger });
    await scope.register(fastifyApollo(apollo), { context: operationContext, path: '/graphql', method: ['GET', 'POST', 'OPTIONS'] });
  });
  if (!sse) throw new Error('the /graphql scope did not register its SSE route');
  return sse;
}

/** The routes outside GraphQL: the 404 reply (/livez, /readyz, /healthz: http/health.ts, added by app.ts; /metrics: http/metrics-route.ts). */
function registerPlainRoutes(app: FastifyInstance): void {
  // Fastify's own 404 logs the raw URL, query string included (which may carry variables with
  // personal data); this one names the path only.
  app.setNotFoundHandler(notFoundHandler);
}

function gatewayHandle(app: FastifyInstance, metrics: GatewayMetrics, executionStats: () => CompiledExecutionStats): Gateway {
  return {
    app,
    metrics: metrics.registry,
    gatewayMetrics: metrics,
    executionStats,
    async listen(port, host) {
      await app.listen({ port, host });
      const addr = app.server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    async close() {
      await app.close();
    },
  };
}

function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  if (html === -1) return false;
  const json = accept.search(/application\/(graphql-response\+)?json/);
  return json === -1 || html < json;
}

/**
 * Adds `extensions.upstream` (the calls each upstream was sent for this request, and waits) and
 * `cache-control: no-store`: answers depend on the caller's scopes and on live stock.
 */
function responseHeadersPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
          if (response.body.kind !== 'single') return;
          const r = response.body.singleResult;
          r.extensions = { ...(r.extensions ?? {}), upstream: contextValue.accounting.toJSON() };
        },
      };
    },
  };
}

/** Codes whose messages are written for clients: ours (errors.ts) and GraphQL's request errors. */
const PUBLIC_CODES = new Set<string>([
  ...ERROR_CODES,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Errors we made on purpose (GraphQLError with a code) pass through; anything else is a bug
 * and is logged, then shown as a generic error so no internal detail (or data) leaks.
 */
function maskUnexpected(formatted: GraphQLFormattedError, error: unknown, logger: Services['logger']): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && PUBLIC_CODES.has(code)) return formatted;
  logger.error(
    { err: original instanceof Error ? { type: original.name, stack: original.stack } : undefined, path: formatted.path },
    'unexpected resolver error',
  );
  return { message: 'Internal error.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
