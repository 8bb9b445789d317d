import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, OperationTypeNode, getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logger';
import { formatForClient } from '../../security/client-errors';
import { operationRules, parseDocument, validateDocument, type OperationRules } from '../../security/operation-rules';
import { checkQueryLimits } from '../../security/query-limits';
import { SubscriberTooSlowError } from './event-subscriber';
import { createSharedSubscribe, SharedResultStream, type ExecuteFn } from './shared-execution';
import { WriteBatcher } from './write-batching';

/**
 * Close codes this server uses beyond graphql-ws's own (4400 bad request, 4401 unauthorised,
 * 4403 forbidden, 4408 init timeout, 4409 duplicate id, 4429 too many init requests, 4500).
 * 4429 is shared with graphql-ws's "too many initialisation requests" on purpose: both mean
 * "you are sending or receiving too fast"; the reason text tells them apart.
 */
export const WS_CLOSE = {
  /** The client did not read its messages fast enough (socket buffer or event queue over the limit). */
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
  /** Close a socket whose unsent data exceeds this many bytes. Default 1 MiB. */
  maxBufferedBytes?: number;
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

/**
 * graphql-ws on the gateway's HTTP server. A client that cannot keep up is closed with 4429
 * "subscriber too slow" from either of two signals: its socket buffer grows past
 * `maxBufferedBytes`, or one of its subscriptions' bus queue overflows (SubscriberTooSlowError).
 */
export function attachGraphqlWs(opts: AttachGraphqlWsOptions): { close(): Promise<void> } {
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const maxSubscriptions = opts.maxSubscriptionsPerConnection ?? 100;
  const rules = opts.rules ?? operationRules();
  if (!opts.path.startsWith('/')) throw new TypeError(`attachGraphqlWs: path must start with "/", got "${opts.path}".`);
  // No permessage-deflate (also ws's default for servers): `ws` then writes each frame at once and in
  // order, which the frames WriteBatcher writes beside it rely on (write-batching.ts).
  // maxPayload: ws's own default is 100 MiB, which it would buffer (and graphql-ws then JSON.parse)
  // before any of the document bounds could apply.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: opts.maxPayloadBytes ?? 1024 * 1024 });
  const log = opts.logger;
  const batcher = new WriteBatcher();

  const tooSlow = (socket: WebSocket, why: string): void => {
    if (socket.readyState !== socket.OPEN) return;
    log.info({ why, bufferedBytes: socket.bufferedAmount }, 'graphql-ws: closing a subscriber that is too slow');
    socket.close(WS_CLOSE.SUBSCRIBER_TOO_SLOW.code, WS_CLOSE.SUBSCRIBER_TOO_SLOW.reason);
  };

  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: opts.schema,
      // One execution per event and distinct (operation, variables, caller), shared by its subscribers.
      subscribe: createSharedSubscribe({ execute: opts.execute }),
      isProd: true, // never send internal error text to clients
      onConnect: async (ctx) => {
        try {
          ctx.extra.context = await opts.context(ctx.connectionParams, ctx.extra.request);
          return true;
        } catch (err) {
          log.info({ reason: (err as Error).message }, 'graphql-ws: connection refused by the context factory');
          ctx.extra.socket.close(WS_CLOSE.UNAUTHENTICATED.code, WS_CLOSE.UNAUTHENTICATED.reason);
          return false;
        }
      },
      // Only subscriptions travel over the socket: queries and mutations go over HTTP, where the
      // per-token rate limit and the audit log apply. A subscription is held to the same document
      // rules as HTTP, and returning its ExecutionArgs here means graphql-ws neither parses nor
      // validates it again (its own parse has no token bound).
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws has already registered this id, so it is counted among the active ones. Each
        // subscription holds a context and a bus queue: without a bound one socket could hold any number.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptions) {
          return [new GraphQLError(
            `This connection already has ${maxSubscriptions} active subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one or open another connection.`,
            { extensions: { code: 'BAD_REQUEST' } },
          )];
        }
        return prepareSubscription(payload);
      },
      // A fresh context (loaders, accounting) per operation, so nothing a request caches outlives
      // it on a long-lived socket; the caller was authenticated when the connection opened.
      context: async (ctx) => (ctx.extra.context ? opts.context(ctx.connectionParams, ctx.extra.request) : {}),
      // Frames of shared results are written here, not by graphql-ws: the payload JSON is made once
      // per event and operation key, and each subscriber's frame is that JSON behind its own id.
      // The frame is exactly what graphql-ws would send; its `complete` and `error` still come from
      // graphql-ws, after the last frame, because the returned iterator settles only when the
      // source ends.
      onOperation: (ctx, id, _payload, _args, result) => {
        if (!(result instanceof SharedResultStream)) return undefined;
        const socket = ctx.extra.socket;
        const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
        return result.deliverTo((payload) => {
          if (socket.readyState !== socket.OPEN) return;
          batcher.writeText(socket, head, payload);
          if (socket.bufferedAmount > maxBuffered) {
            tooSlow(socket, 'socket buffer over the limit');
            // Ends this subscription now (unregistered from the bus), not when the close handshake
            // with a client that does not read finally times out.
            throw new SubscriberTooSlowError(`${maxBuffered} unsent bytes`);
          }
        });
      },
      // Errors reach clients as over HTTP: quoted values cut to an excerpt, the token bound named.
      onError: (ctx, _id, _payload, errors: readonly GraphQLError[]) => {
        if (errors.some((e) => e.originalError instanceof SubscriberTooSlowError)) tooSlow(ctx.extra.socket, 'event queue overflow');
        return errors.map((e) => formatForClient(e.toJSON()));
      },
      // Only results graphql-ws sends itself come here: a subscription refused at its start (an
      // argument, a scope) is one `next` with errors. Event frames are written in onOperation.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatForClient(e.toJSON())) } : undefined,
    },
    wss,
  );

  /**
   * The document rules, in HTTP's order, on one `subscribe`: its ExecutionArgs, or the errors to
   * send as that operation's `error` message. Nothing runs and no upstream is called before this
   * has accepted the operation.
   */
  function prepareSubscription(payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
    const document = parseDocument(payload.query, rules);
    if (document instanceof GraphQLError) return [document];
    // Before validation: a query or mutation is told where to go, whatever else is wrong with it.
    const kind = getOperationAST(document, payload.operationName)?.operation;
    if (kind && kind !== OperationTypeNode.SUBSCRIPTION) {
      return [new GraphQLError(`Only subscriptions are served over graphql-ws; send ${kind} operations to POST ${opts.path}.`, { extensions: { code: 'BAD_REQUEST' } })];
    }
    const invalid = validateDocument(opts.schema, document, rules);
    if (invalid.length > 0) return invalid;
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) {
      const message = payload.operationName
        ? `operationName "${payload.operationName}" names no operation in the document.`
        : 'The document has several operations; name the one to run in operationName.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    const variableValues = payload.variables ?? undefined;
    try {
      checkQueryLimits(opts.schema, document, operation, variableValues, { ...rules.queryLimits, knownCode: opts.knownCode });
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    return { schema: opts.schema, document, operationName: payload.operationName, variableValues };
  }

  /**
   * graphql-ws answers a socket's 'error' with console.error and a 4500 "Internal server error"
   * close. The only errors a socket emits are the client's, from ws's frame parser (a message over
   * maxPayload, a malformed frame, invalid UTF-8), and ws has already sent the fitting close
   * (1009, 1002, 1007) before emitting: so graphql-ws's handler is replaced by one that logs the
   * code at info level, as an HTTP 413 is logged.
   */
  const quietClientErrors = (ws: WebSocket, graphqlWsListeners: Array<(...args: unknown[]) => void>): void => {
    for (const l of graphqlWsListeners) ws.off('error', l);
    ws.on('error', (err: Error & { code?: string }) => {
      log.info({ code: err.code }, 'graphql-ws: message refused by the frame parser, socket closed');
      // ws closes on every parser error itself; this covers anything else without leaving it open.
      if (ws.readyState === ws.OPEN) ws.close(4400, 'Bad request');
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== opts.path) {
      // Someone else may handle other paths; when nobody does, do not leave the socket hanging.
      if (opts.server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const before = new Set(ws.listeners('error'));
      wss.emit('connection', ws, request); // graphql-ws's handler attaches its listeners here
      quietClientErrors(ws, ws.listeners('error').filter((l) => !before.has(l)) as Array<(...args: unknown[]) => void>);
    });
  };
  opts.server.on('upgrade', onUpgrade);

  return {
    async close() {
      opts.server.off('upgrade', onUpgrade);
      batcher.flush();
      await disposable.dispose();
    },
  };
}
