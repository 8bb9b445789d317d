import { createHash } from 'node:crypto';
import type { Authenticator } from './authenticator';
import { unauthenticated } from './authenticator';
import type { Caller } from './caller';
import { JwtVerifier } from './jwt';

/**
 * Who is calling, from every source the gateway knows: static tokens (GATEWAY_TOKENS), JSON Web
 * Tokens from the identity provider (JWKS_URL) and, for a request without any token, the public
 * storefront caller (PUBLIC_ACCESS). A token that is present but bad is refused, never downgraded
 * to the public caller: a storefront that sends a broken token should hear about it.
 */

/** The public caller's name, in audit records and rate-limit messages. */
export const PUBLIC_CALLER_NAME = 'public';
/** The public caller's scopes: stock only, never orders or personal data. */
export const PUBLIC_SCOPES: ReadonlySet<string> = Object.freeze(new Set(['stock:read']));

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface CallerSourcesOptions {
  /** Identity provider tokens; absent: only static tokens. */
  jwt?: JwtVerifier;
  /** PUBLIC_ACCESS: requests without a token are the public caller, limited per client address. */
  publicAccess?: { perMinute: number };
}

export class CallerSources {
  constructor(
    private readonly tokens: Authenticator,
    private readonly opts: CallerSourcesOptions = {},
  ) {}

  /** The caller for an HTTP `Authorization` header from `clientAddress` (Fastify's req.ip, TRUSTED_PROXIES applied). */
  async fromHeader(authorization: string | undefined, clientAddress: string | undefined): Promise<Caller> {
    if (!authorization && this.opts.publicAccess) return publicCaller(clientAddress, this.opts.publicAccess.perMinute);
    return this.fromBearer(authorization);
  }

  /** The caller for a graphql-ws `connection_init` payload, by the same rules as the header (see Authenticator). */
  async fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined | null, clientAddress: string | undefined): Promise<Caller> {
    const raw = params?.authorization ?? params?.Authorization;
    if (raw === undefined && this.opts.publicAccess) return publicCaller(clientAddress, this.opts.publicAccess.perMinute);
    if (typeof raw !== 'string' || !BEARER.test(raw)) throw unauthenticated('connectionParams.authorization must be "Bearer <token>".');
    return this.fromBearer(raw);
  }

  /** Static tokens first (no network); a JWT-shaped token they do not know goes to the identity provider's keys. */
  private async fromBearer(authorization: string | undefined): Promise<Caller> {
    const jwt = this.opts.jwt;
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!jwt || token === undefined || !JwtVerifier.looksLikeJwt(token)) return this.tokens.authenticate(authorization);
    try {
      return this.tokens.authenticate(authorization);
    } catch {
      return jwt.verify(token);
    }
  }
}

/**
 * The public caller of one client address. The rate key holds a digest of the address, not the
 * address: the counters live in Redis, and an address is personal data.
 */
export function publicCaller(clientAddress: string | undefined, perMinute: number): Caller {
  const digest = createHash('sha256')
    .update(clientAddress ?? 'unknown')
    .digest('base64url')
    .slice(0, 16);
  return Object.freeze({ name: PUBLIC_CALLER_NAME, scopes: PUBLIC_SCOPES, rateKey: `public:${digest}`, perMinute });
}
