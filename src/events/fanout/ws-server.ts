import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer, type Extra as WsExtra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logger';
import type { OriginPolicy } from '../../http/origin';
import type { TransportStats } from '../../util/metrics';
import { formatForClient } from '../../security/client-errors';
import { operationRules, type OperationRules } from '../../security/operation-rules';
import { untrustedOperation, type TrustedDocuments } from '../../security/trusted-documents';
import { SubscriberTooSlowError } from './push';
import { createSharedSubscribe, SharedResultStream, type ExecuteFn } from './shared-execution';
import { checkSubscriptionCount, prepareSubscription, type SubscribeRulesOptions } from './subscribe-rules';
import { WriteBatcher } from './write-batching';

/**
 * Close codes this server uses beyond graphql-ws's own (4400 bad request, 4401 unauthorised,
 * 4403 forbidden, 4408 init timeout, 4409 duplicate id, 4429 too many init requests, 4500).
 * 4429 is shared with graphql-ws's "too many initialisation requests" on purpose: both mean
 * "you are sending or receiving too fast"; the reason text tells them apart.
 */
export const WS_CLOSE = {
  /** The client did not take its events fast enough (more than the bus's maxPendingEvents pending). */
  SUBSCRIBER_TOO_SLOW: { code: 4429, reason: 'subscriber too slow' },
  /** The context factory rejected the connection (e.g. a missing or bad token). */
  UNAUTHENTICATED: { code: 4401, reason: 'Unauthenticated' },
} as const;

export interface AttachGraphqlWsOptions {
  /** The HTTP server Fastify listens on; only upgrades for `path` are taken. */
  server: Server;
  /** Usually '/graphql', the same path as queries. */
  path: string;
  schema: GraphQLSchema;
  /**
   * Builds the GraphQL context once per connection, from the `connection_init` payload and the
   * upgrade request. Throwing rejects the connection (close 4401).
   */
  context: (connectionParams: Record<string, unknown> | undefined, request: IncomingMessage) => Promise<object>;
  /** Active subscriptions one connection may hold; a `subscribe` beyond it is refused (BAD_REQUEST). Default 100. */
  maxSubscriptionsPerConnection?: number;
  /**
   * The document rules HTTP applies (token bound, aliases/directives/spreads, suggestions, depth,
   * cost): each `subscribe` is held to them before anything runs. Default: operationRules(), the
   * documented defaults; the gateway passes the configured ones (security/operation-rules.ts).
   */
  rules?: OperationRules;
  /** Whether Picqer's id for a product code is known, for the cost estimate (as over HTTP). Default: never. */
  knownCode?: (code: string) => boolean;
  /**
   * Largest message accepted, in bytes; a larger frame is refused by `ws` as its header arrives
   * (nothing of it buffered) and the socket closed with 1009 "message too big". The gateway
   * passes BODY_LIMIT_BYTES, the bound of an HTTP body. Default 1 MiB.
   */
  maxPayloadBytes?: number;
  /**
   * CORS_ORIGINS' check (http/origin.ts): an upgrade from a browser page on an origin not on the
   * list is answered 403 before any socket exists. Absent: every origin may connect.
   */
  origins?: Pick<OriginPolicy, 'admitsConnection'>;
  /** TRUSTED_DOCUMENTS=on: a subscription whose document is not listed is refused, as over HTTP. */
  trustedDocuments?: TrustedDocuments;
  logger: Logger;
  /**
   * Executes a subscription's selection set for one event; graphql's `execute` by default. Each
   * event is executed once per distinct operation and caller, not once per subscriber (see
   * shared-execution.ts); tests pass a wrapper to count executions.
   */
  execute?: ExecuteFn;
}

/** Per-connection state graphql-ws carries; `context` is filled in by onConnect. */
type Extra = Record<PropertyKey, unknown> & { context?: object };
type ConnectionParams = Record<string, unknown> | undefined;
type WsServerOptions = ServerOptions<ConnectionParams, WsExtra & Partial<Extra>>;

/** Accepted connections (their graphql-ws contexts) and slow disconnects, read by stats(). */
interface Tally {
  open: Set<{ readonly subscriptions: Record<string, unknown> }>;
  slowDisconnects: number;
}

/**
 * graphql-ws on the gateway's HTTP server. A client that cannot keep up is closed with 4429
 * "subscriber too slow": one of its subscriptions has more events pending than the bus allows
 * (SubscriberTooSlowError; a frame counts as pending until it is written out, so a client that
 * stops reading trips it too).
 */
export function attachGraphqlWs(opts: AttachGraphqlWsOptions): { close(): Promise<void>; stats(): TransportStats } {
  if (!opts.path.startsWith('/')) throw new TypeError(`attachGraphqlWs: path must start with "/", got "${opts.path}".`);
  const rules: SubscribeRulesOptions = {
    schema: opts.schema,
    path: opts.path,
    rules: opts.rules ?? operationRules(),
    knownCode: opts.knownCode,
    maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection ?? 100,
  };
  // No permessage-deflate (also ws's default for servers): `ws` then writes each frame at once and
  // in order, which the per-turn corking of WriteBatcher relies on (write-batching.ts).
  // maxPayload: ws's own default is 100 MiB, which it would buffer (and graphql-ws then JSON.parse)
  // before any of the document bounds could apply.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: opts.maxPayloadBytes ?? 1024 * 1024 });
  const batcher = new WriteBatcher();
  const tally: Tally = { open: new Set(), slowDisconnects: 0 };
  const disposable = useServer<ConnectionParams, Extra>({ ...serverOptions(opts, rules, batcher, tally), isProd: true }, wss);
  const onUpgrade = upgradeHandler(opts, wss);
  opts.server.on('upgrade', onUpgrade);
  return {
    async close() {
      opts.server.off('upgrade', onUpgrade);
      batcher.flush();
      await disposable.dispose();
    },
    /** For /metrics: read when scraped. */
    stats() {
      let subscriptions = 0;
      for (const ctx of tally.open) subscriptions += Object.keys(ctx.subscriptions).length;
      return { connections: tally.open.size, subscriptions, slowDisconnects: tally.slowDisconnects };
    },
  };
}

/** graphql-ws's hooks: who may connect, which operations run, and how their results are written. */
function serverOptions(opts: AttachGraphqlWsOptions, rules: SubscribeRulesOptions, batcher: WriteBatcher, tally: Tally): WsServerOptions {
  const log = opts.logger;
  return {
    schema: opts.schema,
    // One execution per event and distinct (operation, variables, caller), shared by its subscribers.
    subscribe: createSharedSubscribe({ execute: opts.execute }),
    onConnect: async (ctx) => {
      try {
        ctx.extra.context = await opts.context(ctx.connectionParams, ctx.extra.request);
        tally.open.add(ctx);
        return true;
      } catch (err) {
        log.info({ reason: (err as Error).message }, 'graphql-ws: connection refused by the context factory');
        ctx.extra.socket.close(WS_CLOSE.UNAUTHENTICATED.code, WS_CLOSE.UNAUTHENTICATED.reason);
        return false;
      }
    },
    // Only subscriptions travel over the socket: queries and mutations go over HTTP, where the
    // per-token rate limit and the audit log apply. A subscription is held to the same document
    // rules as HTTP (subscribe-rules.ts).
    onSubscribe: (ctx, _id, payload) =>
      untrustedOperation(opts.trustedDocuments, payload.query) ??
      checkSubscriptionCount(Object.keys(ctx.subscriptions).length, rules) ??
      prepareSubscription(payload, rules),
    // A fresh context (loaders, accounting) per operation, so nothing a request caches outlives
    // it on a long-lived socket; the caller was authenticated when the connection opened.
    context: async (ctx) => (ctx.extra.context ? opts.context(ctx.connectionParams, ctx.extra.request) : {}),
    onOperation: (ctx, id, _payload, _args, result) =>
      result instanceof SharedResultStream ? deliverFrames(result, id, ctx.extra.socket, ctx.extra.request.socket, batcher) : undefined,
    // Errors reach clients as over HTTP: quoted values cut to an excerpt, the token bound named.
    onError: (ctx, _id, _payload, errors: readonly GraphQLError[]) => {
      const tooSlow = errors.find((e) => e.originalError instanceof SubscriberTooSlowError)?.originalError as SubscriberTooSlowError | undefined;
      if (tooSlow && closeTooSlow(ctx.extra.socket, tooSlow, log)) tally.slowDisconnects++;
      return errors.map((e) => formatForClient(e.toJSON()));
    },
    // Only results graphql-ws sends itself come here: a subscription refused at its start (an
    // argument, a scope) is one `next` with errors. Event frames are written by deliverFrames.
    onClose: (ctx) => void tally.open.delete(ctx),
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((e) => formatForClient(e.toJSON())) } : undefined),
  };
}

/**
 * Frames of shared results are written here, not by graphql-ws: the payload JSON is made once per
 * event and operation key, and each subscriber's frame is that JSON behind its own id. The frame
 * is exactly what graphql-ws would send; its `complete` and `error` still come from graphql-ws,
 * after the last frame, because the returned iterator settles only when the source ends.
 */
function deliverFrames(result: SharedResultStream, id: string, ws: WebSocket, socket: Duplex, batcher: WriteBatcher): AsyncIterableIterator<never> {
  const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  return result.deliverTo((payload, done) => {
    if (ws.readyState !== ws.OPEN) return done();
    batcher.sendText(socket, head, payload, done);
  });
}

/** Closes the socket with 4429; false when it was closed already. */
function closeTooSlow(ws: WebSocket, err: SubscriberTooSlowError, log: Logger): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  log.info({ maxPendingEvents: err.maxPendingEvents, bufferedBytes: ws.bufferedAmount }, 'graphql-ws: closing a subscriber that is too slow');
  ws.close(WS_CLOSE.SUBSCRIBER_TOO_SLOW.code, WS_CLOSE.SUBSCRIBER_TOO_SLOW.reason);
  return true;
}

/**
 * Takes the HTTP server's upgrades for `opts.path` (someone else may handle other paths; when
 * nobody does, the socket is not left hanging) and hands each new socket to graphql-ws.
 */
function upgradeHandler(opts: AttachGraphqlWsOptions, wss: WebSocketServer): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== opts.path) {
      if (opts.server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (opts.origins && !opts.origins.admitsConnection(request.headers)) {
      opts.logger.info('graphql-ws: upgrade refused, its Origin is not in CORS_ORIGINS');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const before = new Set(ws.listeners('error'));
      wss.emit('connection', ws, request); // graphql-ws's handler attaches its listeners here
      quietClientErrors(ws, ws.listeners('error').filter((l) => !before.has(l)) as Array<(...args: unknown[]) => void>, opts.logger);
    });
  };
}

/**
 * graphql-ws answers a socket's 'error' with console.error and a 4500 "Internal server error"
 * close. The only errors a socket emits are the client's, from ws's frame parser (a message over
 * maxPayload, a malformed frame, invalid UTF-8), and ws has already sent the fitting close
 * (1009, 1002, 1007) before emitting: so graphql-ws's handler is replaced by one that logs the
 * code at info level, as an HTTP 413 is logged.
 */
function quietClientErrors(ws: WebSocket, graphqlWsListeners: Array<(...args: unknown[]) => void>, log: Logger): void {
  for (const l of graphqlWsListeners) ws.off('error', l);
  ws.on('error', (err: Error & { code?: string }) => {
    log.info({ code: err.code }, 'graphql-ws: message refused by the frame parser, socket closed');
    // ws closes on every parser error itself; this covers anything else without leaving it open.
    if (ws.readyState === ws.OPEN) ws.close(4400, 'Bad request');
  });
}
