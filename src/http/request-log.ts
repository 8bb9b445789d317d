import type { ApolloServerPlugin } from '@apollo/server';
import { LogController } from 'fastify';
import type { GatewayContext } from '../context';
import type { Logger } from '../logger';

/**
 * What the gateway says about requests at `info`: one line per GraphQL request, with its
 * operation, how long it took, its error codes and the calls each upstream was sent. Nothing of
 * the document, the variables, the caller's token or the answer: those may carry personal data.
 *
 * Fastify's own two lines per request ("incoming request", "request completed") are kept for
 * `LOG_LEVEL=debug` on the busy routes: /graphql (the line above replaces them), the webhook
 * receivers (a simulator or a busy shop sends several a second), the probes, /metrics and the
 * GraphiQL assets. Other paths (404s, refusals) keep them at info.
 */

/** Paths whose Fastify request lines are only written at debug. */
const QUIET_PATH = /^\/(graphql|graphiql|livez|readyz|healthz|metrics)(\/|\?|$)|^\/webhooks\//;

/** Fastify's `logController`: no request lines on the quiet paths unless debug is on. */
export function quietRequestLogs(logger: Logger): LogController {
  return new LogController({ disableRequestLogging: (req) => !logger.isLevelEnabled('debug') && QUIET_PATH.test(req.url) });
}

/** Longest operation name written; a client may send any text there. */
const MAX_NAME = 100;

/** The one line per GraphQL request (over HTTP; graphql-ws subscriptions are long-lived and logged by ws-server.ts). */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, response, contextValue }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const codes = [...new Set((body?.errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))];
          const calls: Record<string, number> = {};
          const cache: Record<string, number> = {};
          for (const [upstream, usage] of Object.entries(contextValue.accounting.toJSON())) {
            calls[upstream] = usage.calls;
            if (usage.cacheHits + usage.cacheMisses > 0) cache[upstream] = usage.cacheHits;
          }
          logger.info(
            {
              requestId: contextValue.requestId,
              operationType: operation?.operation ?? null,
              operationName: operationName ? operationName.slice(0, MAX_NAME) : null,
              durationMs: Math.round(performance.now() - started),
              status: response.http.status ?? 200,
              errorCodes: codes,
              upstreamCalls: calls,
              ...(Object.keys(cache).length > 0 ? { cacheHits: cache } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
