import { GraphQLError } from 'graphql';

/**
 * Every error a client can see, each with one literal `extensions.code`.
 * The table in README.md ("Error codes") lists them; test/errors.test.ts keeps the two in step.
 * Messages name the bad thing and what was expected; none carries a key, token or personal data.
 */

export type Upstream = 'picqer' | 'shopify' | 'exact' | 'lightspeed' | 'lightspeedRetail';

export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_NOT_CONFIGURED',
  'QUERY_TOO_COMPLEX',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes of requests refused before GraphQL sees them (src/http/error-replies.ts), one per HTTP
 * status, in the same `{"errors":[{"message","extensions":{"code"}}]}` shape, so a GraphQL client
 * reads every error response the same way. BAD_REQUEST is also Apollo's code for a malformed
 * GraphQL request and for a subscription sent over HTTP.
 */
export const HTTP_ERROR_CODES = [
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'NOT_FOUND',
  'NOT_ACCEPTABLE',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'REQUEST_HEADER_FIELDS_TOO_LARGE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

export class BadUserInputError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'A bearer token is required: send "Authorization: Bearer <token>".') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string, scope?: string) {
    super(message, { extensions: { code: 'FORBIDDEN', ...(scope ? { scope } : {}) } });
  }
}

/** The governor could not get budget for a call before its deadline. */
export class RateLimitedError extends GraphQLError {
  readonly retryAfterMs: number;
  readonly upstream: Upstream;
  constructor(upstream: Upstream, retryAfterMs: number) {
    const ms = Math.max(0, Math.ceil(retryAfterMs));
    super(`The ${upstream} budget is exhausted; retry in ${ms} ms.`, {
      extensions: { code: 'RATE_LIMITED', upstream, retryAfterMs: ms },
    });
    this.retryAfterMs = ms;
    this.upstream = upstream;
  }
}

/** A caller's token made more requests this minute than RATE_LIMIT_PER_TOKEN_PER_MINUTE allows. */
export class CallerRateLimitedError extends GraphQLError {
  readonly retryAfterMs: number;
  /** `variable`: the setting that holds the limit, PUBLIC_RATE_LIMIT_PER_MINUTE for the public caller (counted per client address). */
  constructor(callerName: string, perMinute: number, retryAfterMs: number, variable = 'RATE_LIMIT_PER_TOKEN_PER_MINUTE') {
    const ms = Math.max(0, Math.ceil(retryAfterMs));
    super(`Token "${callerName}" made more than ${perMinute} requests this minute (${variable}); retry in ${ms} ms.`, {
      extensions: { code: 'RATE_LIMITED', retryAfterMs: ms },
    });
    this.retryAfterMs = ms;
  }
}

/** The upstream answered, but not with what we asked for (4xx/5xx after retries). */
export class UpstreamError extends GraphQLError {
  readonly upstream: Upstream;
  readonly status: number;
  constructor(upstream: Upstream, status: number, message: string) {
    super(message, { extensions: { code: 'UPSTREAM_ERROR', upstream, status } });
    this.upstream = upstream;
    this.status = status;
  }
}

/** The upstream did not answer (connection refused, timeout) after retries. */
export class UpstreamUnavailableError extends GraphQLError {
  readonly upstream: Upstream;
  constructor(upstream: Upstream, reason: string) {
    super(`${upstream} is unavailable: ${reason}.`, { extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream } });
    this.upstream = upstream;
  }
}

export class UpstreamNotConfiguredError extends GraphQLError {
  constructor(upstream: Upstream, variables: string[]) {
    super(`${upstream} is not configured: set ${variables.join(', ')}.`, {
      extensions: { code: 'UPSTREAM_NOT_CONFIGURED', upstream },
    });
  }
}

/** A query refused before execution because it is too deep or would cost too many upstream calls. */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, extra: Record<string, number>) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...extra } });
  }
}

/**
 * The one place an upstream HTTP status becomes an error. It keeps the status and a short,
 * fixed description; never the raw body (it may echo a token or customer data).
 */
export function upstreamStatusError(upstream: Upstream, status: number, retryAfterMs?: number): GraphQLError {
  if (status === 429) return new RateLimitedError(upstream, retryAfterMs ?? 1000);
  const what =
    status === 401
      ? 'rejected our credentials (401)'
      : status === 403
        ? 'refused access (403)'
        : status === 404
          ? 'did not find the resource (404)'
          : status === 400 || status === 422
            ? `rejected the request (${status})`
            : status >= 500
              ? `failed with ${status}`
              : `answered with unexpected status ${status}`;
  return new UpstreamError(upstream, status, `${upstream} ${what}.`);
}
