import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Response as SseResponse } from 'graphql-sse';
import { SubscriberTooSlowError } from '../events/fanout/push';
import type { Logger } from '../logger';
import type { TransportStats } from '../util/metrics';
import { acceptsGraphqlResponse } from './accept';
import { createSseHandler, type SseHandler, type SseHandlerOptions } from './sse-handler';
import { SseOut } from './sse-out';

/**
 * Subscriptions over Server-Sent Events on the /graphql route (see sse-handler.ts for what runs).
 * A request takes this path when its Accept header asks for `text/event-stream` and for neither
 * JSON type the gateway answers queries with: that is what graphql-sse's client and a browser's
 * EventSource send. Anything else stays with Apollo, which refuses a subscription with 400.
 */

/** True when `accept` names text/event-stream (with a quality above 0) and no GraphQL JSON response type. */
export function wantsEventStream(accept: string | undefined): boolean {
  if (!accept || acceptsGraphqlResponse(accept)) return false;
  return accept.split(',').some((part) => {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (range !== 'text/event-stream') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || parseFloat(q.slice(2)) > 0;
  });
}

export interface SseRoute {
  /** For the route's preHandler: serves an event-stream request (the reply is hijacked), leaves others alone. */
  preHandler: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Streams open now. */
  openStreams(): number;
  /** For the subscription metrics: open streams, those with a subscription running, slow subscribers closed since start. */
  stats(): TransportStats;
  /** Ends every open stream (the gateway is closing: their connections would hold the server open). */
  close(): Promise<void>;
}

/**
 * Registers the SSE path in `scope` (the /graphql route's plugin scope): a preHandler, so the body
 * has been read within the body limit and parsed as JSON, and a preClose hook that ends open streams.
 */
export function registerSse(scope: FastifyInstance, opts: SseHandlerOptions): SseRoute {
  const route = sseRoute(opts);
  scope.addHook('preHandler', route.preHandler);
  scope.addHook('preClose', () => route.close());
  return route;
}

export function sseRoute(opts: SseHandlerOptions): SseRoute {
  const handler = createSseHandler(opts);
  const open = new Map<AsyncGenerator<string, void, undefined>, Stream>();
  const counts = { slowDisconnects: 0 };
  return {
    async preHandler(req, reply) {
      if (!wantsEventStream(req.headers.accept)) return;
      reply.hijack();
      await serve(handler, req, reply, open, opts.logger, counts);
    },
    openStreams: () => open.size,
    stats: () => ({
      connections: open.size,
      subscriptions: [...open.values()].filter((s) => s.out.subscription !== undefined).length,
      slowDisconnects: counts.slowDisconnects,
    }),
    async close() {
      // The subscription ends as when the bus closes: graphql-sse writes `complete`, then ends the
      // response; a stream with no subscription yet is ended at once.
      const ending = [...open].map(([body, s]) => {
        if (s.out.subscription) s.out.subscription.close();
        else void body.return(undefined);
        return s.ended;
      });
      await Promise.all(ending);
    },
  };
}

/** An open stream: its writer, and when its response has ended. */
interface Stream {
  out: SseOut;
  ended: Promise<void>;
}

async function serve(
  handler: SseHandler,
  req: FastifyRequest,
  reply: FastifyReply,
  open: Map<AsyncGenerator<string, void, undefined>, Stream>,
  log: Logger,
  counts: { slowDisconnects: number },
): Promise<void> {
  const out = new SseOut(reply.raw);
  const [body, init] = await respond(handler, req, out, log);
  // Headers set by earlier hooks (CORS) go out too: the reply is hijacked, so Fastify will not send them.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  Object.assign(headers, init.headers);
  if (!body || typeof body === 'string') {
    reply.raw.writeHead(init.status, headers);
    reply.raw.end(body ?? undefined);
    return;
  }
  // graphql-sse's `content-encoding: none` is not a registered coding; the stream is identity-coded.
  delete headers['content-encoding'];
  headers['x-accel-buffering'] = 'no'; // nginx: pass events on as they come
  out.open(init.status, headers);
  let ended = (): void => undefined;
  open.set(body, { out, ended: new Promise<void>((resolve) => (ended = resolve)) });
  const stop = (): void => void body.return(undefined);
  reply.raw.once('close', stop);
  let aborted = false;
  try {
    for await (const chunk of body) out.write(chunk);
  } catch (err) {
    aborted = true;
    if (err instanceof SubscriberTooSlowError) {
      counts.slowDisconnects += 1;
      log.info({ maxPendingEvents: err.maxPendingEvents }, 'SSE: closing a subscriber that is too slow');
    } else log.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'SSE: stream failed');
  } finally {
    open.delete(body);
    reply.raw.off('close', stop);
    out.end(aborted);
    ended();
  }
}

/** graphql-sse's answer to the request; a fault in a hook is logged and answered 500 without its detail. */
async function respond(handler: SseHandler, req: FastifyRequest, out: SseOut, log: Logger): Promise<SseResponse> {
  try {
    return await handler({
      method: req.method,
      url: req.url,
      // graphql-sse compares the Accept header with 'text/event-stream' as a whole string; this
      // route only takes requests that ask for it (wantsEventStream).
      headers: { get: (key) => (key.toLowerCase() === 'accept' ? 'text/event-stream' : headerOf(req, key)) },
      body: (req.body as Record<string, unknown> | undefined) ?? null,
      raw: req,
      context: { out },
    });
  } catch (err) {
    log.error({ err: { type: (err as Error).name, stack: (err as Error).stack } }, 'SSE: unexpected error before the stream opened');
    const body = JSON.stringify({ errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    return [body, { status: 500, statusText: 'Internal Server Error', headers: { 'content-type': 'application/json; charset=utf-8' } }];
  }
}

function headerOf(req: FastifyRequest, key: string): string | undefined {
  const v = req.headers[key.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
