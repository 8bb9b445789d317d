import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { OriginPolicy } from './origin';

/**
 * CORS for frontends on their own origin, with @fastify/cors. It answers in an onRequest hook
 * registered before every route's hooks, so a preflight (`OPTIONS` with Origin and
 * Access-Control-Request-Method) is answered 204 before authentication, body parsing or any
 * upstream call: a browser sends no Authorization header on a preflight, so it could never pass
 * authentication anyway. A preflight from an origin not on the list gets 204 too, without any
 * Access-Control-Allow-* header, which is the browser's cue to refuse the real request.
 */

/** The request headers GraphQL clients send (Apollo Client, urql, graphql-sse, the codegen client). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  // Apollo Client's CSRF and operation headers, and its client awareness headers.
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  // graphql-sse: the reservation token of its single-connection mode, and SSE's resume header.
  'x-graphql-event-stream-token',
  'last-event-id',
] as const;

/** Response headers a page may read: a 429's wait and a 401's challenge. */
export const CORS_EXPOSED_HEADERS = ['retry-after', 'www-authenticate'] as const;

export interface CorsOptions {
  origins: OriginPolicy;
  /** CORS_MAX_AGE_SECONDS: how long a browser may reuse a preflight answer (Chromium caps it at 7200). */
  maxAgeSeconds: number;
}

/** Registers CORS on `app` (root level, not encapsulated): call before the routes are registered. */
export async function registerCors(app: FastifyInstance, opts: CorsOptions): Promise<void> {
  await app.register(fastifyCors, {
    origin: (origin, cb) => cb(null, origin !== undefined && opts.origins.allows(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: opts.maxAgeSeconds,
    credentials: false,
    // The preflight of an allowed origin is answered by the plugin's hook; that of any other
    // origin by the hook below. Either way nothing after onRequest runs for a preflight.
    preflight: true,
    strictPreflight: true,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'OPTIONS' || reply.sent) return;
    return reply.code(204).header('vary', 'Origin').header('content-length', '0').send();
  });
}
