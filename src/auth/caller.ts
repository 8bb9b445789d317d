/**
 * Who is calling, and the little of a request's context the scope checks read. Declared here
 * rather than taken from src/context.ts so auth stays at the bottom of the layers: config,
 * security and the schema builder all use it, and the context imports it, never the reverse.
 */

/** Who is calling: the token's name (for logs and audit, never the token) and its scopes. */
export interface Caller {
  name: string;
  scopes: ReadonlySet<string>;
  /**
   * What the per-caller rate limit counts against, when not the name: the public caller counts per
   * client address (auth/public-caller.ts), so one storefront visitor cannot use up everyone's allowance.
   */
  rateKey?: string;
  /** The caller's own requests per minute, instead of RATE_LIMIT_PER_TOKEN_PER_MINUTE (PUBLIC_RATE_LIMIT_PER_MINUTE). */
  perMinute?: number;
}

/** What the scope checks need from a request's context; GatewayContext has this shape. */
export interface CallerContext {
  /** The authenticated caller; absent when auth is off, or when a transport skipped authenticate. */
  caller?: Caller;
  /** Whether auth is on: with it on, a missing caller fails closed. */
  services: { auth?: { readonly enabled: boolean } };
}
