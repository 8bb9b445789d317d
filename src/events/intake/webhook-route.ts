import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger';
import type { WebhookResult } from '../../util/metrics';
import { inSpan } from '../../util/tracing';

/**
 * What every webhook receiver shares: the raw body (the signature covers the exact bytes, so it
 * must be kept; signature.ts checks it), and one error mapping that never answers 500 for bad input and
 * never echoes or logs a body (deliveries carry customers' names and addresses).
 *
 * Error bodies carry the code twice: `{ "error": CODE, "message": "...", "errors": [{ "message": "...",
 * "extensions": { "code": CODE } }] }` — the flat pair as documented since the receivers were
 * added, the `errors` list in the shape GraphQL clients already parse. The codes:
 * | status | error                   | when                                                  |
 * |--------|-------------------------|-------------------------------------------------------|
 * | 400    | MALFORMED_DELIVERY      | not JSON, a required header or field missing or wrong |
 * | 401    | BAD_SIGNATURE           | signature header missing or not matching the body     |
 * | 413    | DELIVERY_TOO_LARGE      | body over the limit                                   |
 * | 415    | UNSUPPORTED_MEDIA_TYPE  | content type is not application/json                 |
 * | 503    | EVENT_LOG_UNAVAILABLE   | the event log could not take it; the sender retries   |
 * | 503    | UPSTREAM_UNAVAILABLE    | (till sales) Picqer or Lightspeed unreachable; retried |
 * | 503    | SALE_IN_PROGRESS        | (till sales) another delivery is applying the sale    |
 */
export class WebhookHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookHttpError';
  }
}

/** 400: names the bad field and what was expected; never quotes the body. */
export class MalformedDeliveryError extends WebhookHttpError {
  constructor(reason: string) {
    super(400, 'MALFORMED_DELIVERY', reason);
  }
}

export class BadSignatureError extends WebhookHttpError {
  constructor(header: string, missing: boolean) {
    super(401, 'BAD_SIGNATURE', missing ? `The ${header} header is required.` : `The ${header} header does not match the body.`);
  }
}

/** Default body limit: deliveries are single resources; 256 KiB leaves room for big orders. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface WebhookRouteOptions {
  path: string;
  bodyLimitBytes: number;
  logger: Logger;
  /** The one content type accepted (kept raw for the signature). Default 'application/json'; Lightspeed Retail posts forms. */
  contentType?: string;
  /** The sender, as metrics label it (bounded: one per route). Default: the path's last segment. */
  source?: string;
  /** Verify, validate, append; resolve with the reply. Throw WebhookHttpError for bad input. */
  handle(req: FastifyRequest, raw: Buffer): Promise<{ status: number; body: object }>;
}

/**
 * Registers `POST path` in its own encapsulated context: the buffer-keeping JSON parser and the
 * error handler apply to this route only, so /graphql keeps Fastify's normal JSON parsing.
 */
export function registerWebhookRoute(app: FastifyInstance, o: WebhookRouteOptions): void {
  if (!Number.isSafeInteger(o.bodyLimitBytes) || o.bodyLimitBytes < 1) {
    throw new RangeError(`bodyLimitBytes must be a positive whole number, got ${o.bodyLimitBytes}.`);
  }
  const source = o.source ?? o.path.split('/').filter(Boolean).pop() ?? 'unknown';
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(o.contentType ?? 'application/json', { parseAs: 'buffer', bodyLimit: o.bodyLimitBytes }, (_req, body, done) => done(null, body));
    const count = (status: number, body?: object): void => app.gatewayMetrics?.webhook(source, webhookResult(status, body));
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const sent = replyError(err, req, reply, o.logger);
      count(sent.statusCode);
      return sent;
    });
    scope.post(o.path, { bodyLimit: o.bodyLimitBytes }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // The delivery's span: the append inside it stores its traceparent with the event, so the
      // fan-out on every replica can link back to it (events/log, events/fanout/event-bus.ts).
      const { status, body } = await inSpan(`webhook ${source}`, { kind: 'server', attributes: { 'gateway.webhook.source': source } }, async (span) => {
        const answer = await o.handle(req, raw);
        span.setAttributes({ 'http.response.status_code': answer.status });
        return answer;
      });
      count(status, body);
      return reply.code(status).send(body);
    });
  });
}

/** The metric label of an answer: a 2xx body says whether it was a duplicate or ignored. */
function webhookResult(status: number, body: object | undefined): WebhookResult {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'rejected';
  const b = body as { duplicate?: unknown; ignored?: unknown } | undefined;
  if (b?.duplicate === true) return 'duplicate';
  if (b?.ignored === true) return 'ignored';
  return 'accepted';
}

function replyError(err: FastifyError, req: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  if (err instanceof WebhookHttpError) {
    logger.info({ path: req.routeOptions.url, status: err.statusCode, code: err.code, reason: err.message }, 'webhook rejected');
    return reply.code(err.statusCode).send(errorBody(err.code, err.message));
  }
  const fst = fastifyError(err);
  if (fst) {
    logger.info({ path: req.routeOptions.url, status: fst.status, code: fst.code }, 'webhook rejected');
    return reply.code(fst.status).send(errorBody(fst.code, fst.message));
  }
  // Our side failed (most likely the event log): 503 so the upstream retries the delivery later.
  logger.error({ err: { message: err.message, name: err.name }, path: req.routeOptions.url }, 'webhook could not be stored');
  return reply.code(503).send(errorBody('EVENT_LOG_UNAVAILABLE', 'The event could not be stored; retry later.'));
}

/** The flat pair and the GraphQL-shaped list; see the table at the top of this file. */
function errorBody(code: string, message: string): object {
  return { error: code, message, errors: [{ message, extensions: { code } }] };
}

function fastifyError(err: FastifyError): { status: number; code: string; message: string } | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'DELIVERY_TOO_LARGE', message: 'The body is larger than this receiver accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.statusCode === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the delivery as application/json.' }
        : { status: 400, code: 'MALFORMED_DELIVERY', message: 'The Content-Length does not match the body.' };
    default:
      // Any other client-side error Fastify raises (4xx) stays a 4xx with a fixed message.
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return { status: err.statusCode, code: 'MALFORMED_DELIVERY', message: 'The request could not be read.' };
      }
      return null;
  }
}
