import type { ApolloServerPlugin } from '@apollo/server';
import { LogController, type FastifyBaseLogger } from 'fastify';
import type { GatewayContext } from '../context';
import type pino from 'pino';
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
          // Nothing to gather for a line that will not be written (LOG_LEVEL above info).
          if (!logger.isLevelEnabled('info')) return;
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

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogFn = (...args: unknown[]) => void;

/**
 * Fastify's `childLoggerFactory`: each request's `request.log` made only when something is
 * written through it. Fastify makes a pino child per request for its request id; with the
 * redaction rules (logger.ts) pino runs the censor over the child's bindings, which was a few
 * percent of a small request's CPU, for a logger the busy routes never write to (their request
 * lines are at debug, see quietRequestLogs). A call at a level the logger would not write costs
 * nothing; the first call that writes, or a `child`, makes the real child with the same bindings.
 * A route with a log level or serializers of its own gets its child at once.
 */
export function lazyChildLoggers(logger: FastifyBaseLogger, bindings: pino.Bindings, opts: pino.ChildLoggerOptions): FastifyBaseLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  // The gateway's logger is pino's (server.ts hands it to Fastify), so it can say which levels it writes.
  return new LazyChild(logger as Logger, bindings);
}

class LazyChild {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly own: pino.Bindings,
  ) {}

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}

  child(bindings: pino.Bindings, opts?: pino.ChildLoggerOptions): Logger {
    return this.real().child(bindings, opts);
  }

  bindings(): pino.Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings(), ...this.own };
  }

  private real(): Logger {
    return (this.made ??= this.parent.child(this.own));
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.made && !this.parent.isLevelEnabled(level)) return;
    const real = this.real() as unknown as Record<Level, LogFn>;
    real[level](...args);
  }
}
