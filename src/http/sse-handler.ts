import type { FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { createHandler, type Handler, type Response as SseResponse } from 'graphql-sse';
import type { Logger } from '../logger';
import { formatForClient } from '../security/client-errors';
import type { OperationRules } from '../security/operation-rules';
import { createSharedSubscribe, SharedResultStream, type ExecuteFn } from '../events/fanout/shared-execution';
import { prepareSubscription, type SubscribeRulesOptions } from '../events/fanout/subscribe-rules';
import type { OriginPolicy } from './origin';
import type { SseOut } from './sse-out';

/**
 * graphql-sse's handler with the gateway's rules: the GraphQL over SSE protocol in its "distinct
 * connections" mode (one subscription per request, `POST /graphql` with `Accept: text/event-stream`,
 * or a GET with the operation in the query string as EventSource sends it). What runs is what
 * graphql-ws runs (ws-server.ts): the same caller check, the same document rules (subscribe-rules.ts),
 * the same shared execution and slow-subscriber limit (shared-execution.ts, push.ts), errors shaped
 * by the same formatter.
 */

export interface SseHandlerOptions {
  schema: GraphQLSchema;
  /** Where queries and mutations go, named when one arrives here. */
  path: string;
  /**
   * The GraphQL context for the request, built exactly as for a query over HTTP (the Authorization
   * header). A GraphQLError it throws refuses the request with its code, and with the HTTP status of
   * `extensions.http.status` (401 for UNAUTHENTICATED) before any stream opens.
   */
  context: (req: FastifyRequest) => Promise<object>;
  /** The document rules of HTTP and graphql-ws (security/operation-rules.ts). */
  rules: OperationRules;
  /** Whether Picqer's id for a product code is known, for the cost estimate. Default: never. */
  knownCode?: (code: string) => boolean;
  /**
   * CORS_ORIGINS (origin.ts): a page on an origin not on the list (when one is set) is answered 403,
   * as graphql-ws refuses its upgrade. Default: every origin.
   */
  origins?: Pick<OriginPolicy, 'admitsConnection'>;
  logger: Logger;
  /** Replaces graphql's `execute` for each event (tests count executions). */
  execute?: ExecuteFn;
}

/** What one SSE request carries through graphql-sse's hooks: its writer, then its GraphQL context. */
export interface SseRequestState {
  out: SseOut;
  gateway?: object;
}

type OperationContext = Record<PropertyKey, unknown>;
export type SseHandler = Handler<FastifyRequest, SseRequestState>;

export function createSseHandler(opts: SseHandlerOptions): SseHandler {
  const rules: SubscribeRulesOptions = {
    schema: opts.schema,
    path: opts.path,
    rules: opts.rules,
    knownCode: opts.knownCode,
    maxSubscriptionsPerConnection: 1,
    transport: 'SSE',
  };
  return createHandler<FastifyRequest, SseRequestState, OperationContext>({
    schema: opts.schema,
    // No stream tokens: "single connection" mode (PUT a stream, then POST operations onto it) would
    // need its operations routed past Apollo on the same path. Each request is its own stream.
    authenticate: () => null,
    // prepareSubscription has validated the document with the gateway's rules; graphql-sse's own
    // validate would run graphql's default rules a second time.
    validate: () => [],
    subscribe: createSharedSubscribe({ execute: opts.execute }),
    onConnect: (req) => connect(req, opts),
    onSubscribe: (req, params) => {
      const prepared = prepareSubscription(params, rules);
      if (Array.isArray(prepared)) return refusal(400, prepared);
      return { ...prepared, contextValue: req.context.gateway as OperationContext };
    },
    onOperation: (_ctx, req, _args, result) => (result instanceof SharedResultStream ? deliverEvents(result, req.context.out) : undefined),
    // Results graphql-sse writes itself: a subscription refused at its start (an argument, a scope)
    // is one `next` with errors, then `complete`, as over graphql-ws.
    // graphql-sse only serialises what it is given: formatted errors stand in for GraphQLErrors.
    onNext: (_ctx, _req, result) =>
      result.errors ? ({ ...result, errors: result.errors.map((e) => formatForClient(toFormatted(e))) } as unknown as typeof result) : undefined,
  });
}

/** The Origin check, then the caller: a refusal is a plain JSON answer, no stream opened. */
async function connect(req: { raw: FastifyRequest; context: SseRequestState }, opts: SseHandlerOptions): Promise<SseResponse | undefined> {
  if (opts.origins && !opts.origins.admitsConnection(req.raw.headers)) {
    opts.logger.info('SSE: request refused, its Origin is not in CORS_ORIGINS');
    return refusal(403, [new GraphQLError('This origin may not open subscriptions here (CORS_ORIGINS).', { extensions: { code: 'FORBIDDEN' } })]);
  }
  try {
    req.context.gateway = await opts.context(req.raw);
    return undefined;
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    opts.logger.info({ reason: err.message }, 'SSE: request refused by the context factory');
    const http = err.extensions.http as { status?: number } | undefined;
    return refusal(http?.status ?? (err.extensions.code === 'UNAUTHENTICATED' ? 401 : 403), [err]);
  }
}

/**
 * Event frames of a shared result are written here, not by graphql-sse: the payload JSON is made
 * once per event and operation key and each subscriber's frame wraps it (as deliverFrames in
 * ws-server.ts does for graphql-ws). The returned iterator yields nothing and settles when the
 * source ends, so graphql-sse then writes `complete`; a source that fails (a subscriber too slow)
 * rejects it, which ends the stream.
 */
function deliverEvents(result: SharedResultStream, out: SseOut): AsyncIterableIterator<never> {
  out.subscription = result;
  return result.deliverTo((payload, done) => out.next(payload, done));
}

/** A JSON answer with GraphQL errors, formatted as over HTTP (HTTP-only extensions left out). */
function refusal(status: number, errors: readonly GraphQLError[]): SseResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  for (const e of errors) {
    const extra = (e.extensions.http as { headers?: Map<string, string> } | undefined)?.headers;
    for (const [k, v] of extra ?? []) headers[k] = v;
  }
  const body = JSON.stringify({ errors: errors.map((e) => formatForClient(toFormatted(e))) });
  return [body, { status, statusText: STATUS_TEXT[status] ?? 'Error', headers }];
}

function toFormatted(e: GraphQLError | GraphQLFormattedError): GraphQLFormattedError {
  const formatted = e instanceof GraphQLError ? e.toJSON() : e;
  if (!formatted.extensions || !('http' in formatted.extensions)) return formatted;
  const { http: _http, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };
