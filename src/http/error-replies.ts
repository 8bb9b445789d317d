import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpErrorCode } from '../errors';
import type { Logger } from '../logger';

/**
 * Answers for requests refused before GraphQL sees them (bad JSON, wrong media type, too large,
 * unknown route, too slow, not acceptable), in the shape GraphQL clients parse:
 * `{"errors":[{"message","extensions":{"code"}}]}`. Messages are fixed per case: they never quote
 * the body, the query string or a parser's message (a JSON parser's message quotes the body it
 * choked on), and the logs get only the status and Fastify's error code, for the same reason.
 */

/** The body of an error response: one GraphQL error with a code. */
export function graphqlErrorBody(message: string, code: HttpErrorCode): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/** Sends a GraphQL-shaped error with the status. */
export function sendGraphqlError(reply: FastifyReply, status: number, code: HttpErrorCode, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(graphqlErrorBody(message, code));
}

export interface ErrorReplyOptions {
  logger: Logger;
  /** BODY_LIMIT_BYTES, named in the 413 message. */
  bodyLimitBytes: number;
  /** REQUEST_TIMEOUT_MS, named in the 408 message. */
  requestTimeoutMs: number;
}

/** For `app.setErrorHandler`: Fastify's own errors (content-type parsing, body limit) and anything thrown in a route. */
export function httpErrorHandler(o: ErrorReplyOptions) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      // A bug or an unexpected failure: the stack goes to the log, nothing of it to the client.
      o.logger.error({ err: { type: err.name, code: err.code, stack: err.stack }, path: pathOf(req) }, 'request failed');
      return sendGraphqlError(reply, status, 'INTERNAL_SERVER_ERROR', 'Internal error.');
    }
    o.logger.info({ status, code: err.code, path: pathOf(req) }, 'request refused');
    const [code, message] = clientErrorReply(err.code, status, o);
    return sendGraphqlError(reply, status, code, message);
  };
}

function clientErrorReply(fastifyCode: string | undefined, status: number, o: ErrorReplyOptions): [HttpErrorCode, string] {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ['BAD_REQUEST', 'The body is not valid JSON; send {"query": "…", "variables": {…}}.'];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ['BAD_REQUEST', 'The body is empty; send {"query": "…", "variables": {…}}.'];
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ['BAD_REQUEST', 'The Content-Length does not match the body.'];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ['PAYLOAD_TOO_LARGE', `The body is larger than ${o.bodyLimitBytes} bytes (BODY_LIMIT_BYTES).`];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return ['UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'];
    default:
      return byStatus(status);
  }
}

function byStatus(status: number): [HttpErrorCode, string] {
  switch (status) {
    case 404:
      return ['NOT_FOUND', 'Not found.'];
    case 406:
      return ['NOT_ACCEPTABLE', 'The Accept header allows no JSON response.'];
    case 413:
      return ['PAYLOAD_TOO_LARGE', 'The body is too large.'];
    case 415:
      return ['UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'];
    default:
      return ['BAD_REQUEST', `The request could not be read (HTTP ${status}).`];
  }
}

/** For `app.setNotFoundHandler`: names the method and path, never the query string (it may carry variables). */
export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendGraphqlError(reply, 404, 'NOT_FOUND', `No route for ${req.method} ${pathOf(req)}.`);
}

/**
 * For Fastify's `clientErrorHandler`: errors Node raises before there is a request to reply to
 * (the request did not arrive in full within REQUEST_TIMEOUT_MS, headers too large, not HTTP).
 * Fastify's default logs the error object, whose `rawPacket` holds the bytes received, headers
 * (and so a bearer token) included; this one logs the code only.
 */
export function clientErrorHandler(o: ErrorReplyOptions) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    // A reset connection is gone: nothing to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, message]: [number, HttpErrorCode, string] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', `The request did not arrive in full within ${o.requestTimeoutMs} ms (REQUEST_TIMEOUT_MS).`]
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'The request headers are too large.']
          : [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1.'];
    if (status === 408) o.logger.info({ status, code: err.code }, 'request timed out');
    else o.logger.debug({ status, code: err.code }, 'client error');
    // Only on a socket that has sent nothing yet, as Node does: after an early answer (a 406
    // before the body was read) or on a reused keep-alive socket, bytes written now would land
    // after a complete response and read as garbage; closing says enough there.
    if (socket.writable && socket.bytesWritten === 0) {
      const body = graphqlErrorBody(message, code);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}

/** The request's path without its query string, cut to a length fit for a message. */
function pathOf(req: FastifyRequest): string {
  const path = req.url.split('?')[0];
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
