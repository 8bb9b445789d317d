import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors';
import type { Caller } from './caller';
import type { TokenEntry } from './tokens';

/** "Bearer <token>", the only form either transport accepts (scheme case-insensitive, RFC 7235). */
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves bearer tokens to callers. Tokens are compared as SHA-256 digests with
 * timingSafeEqual against every configured entry (no early exit), so neither the token's
 * content nor which entry matched shows in the response time.
 */
export class Authenticator {
  private readonly entries: ReadonlyArray<{ digest: Buffer; caller: Caller }>;

  /** `enabled` false means auth is off: every request passes without a caller (dev only). */
  constructor(
    entries: readonly TokenEntry[],
    readonly enabled = entries.length > 0,
  ) {
    this.entries = entries.map((e) => ({
      digest: Buffer.from(e.sha256, 'hex'),
      caller: Object.freeze({ name: e.name, scopes: new Set<string>(e.scopes) }),
    }));
  }

  /** The caller for an HTTP `Authorization` header; throws UNAUTHENTICATED (HTTP 401). */
  authenticate(authorization: string | undefined): Caller {
    const m = BEARER.exec(authorization ?? '');
    if (!m) throw unauthenticated(authorization ? 'The Authorization header must be "Bearer <token>".' : undefined);
    const digest = createHash('sha256').update(m[1], 'utf8').digest();
    let found: Caller | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(digest, e.digest) && !found) found = e.caller;
    }
    if (!found) throw unauthenticated('The bearer token is not known.');
    return found;
  }

  /**
   * The caller for a graphql-ws connection: `connectionParams.authorization` or
   * `connectionParams.Authorization`, as "Bearer <token>" exactly like the HTTP header. A bare
   * token is refused: one rule for both transports, so a client that works over one works over
   * the other, and a token pasted without its scheme is not silently accepted here only.
   * Throws UNAUTHENTICATED.
   */
  authenticateConnection(connectionParams: Readonly<Record<string, unknown>> | undefined | null): Caller {
    const raw = connectionParams?.authorization ?? connectionParams?.Authorization;
    if (typeof raw !== 'string' || !BEARER.test(raw)) throw unauthenticated('connectionParams.authorization must be "Bearer <token>".');
    return this.authenticate(raw);
  }
}

/** UNAUTHENTICATED with HTTP 401 and a WWW-Authenticate challenge (Apollo reads extensions.http). */
export function unauthenticated(message?: string): UnauthenticatedError {
  const err = new UnauthenticatedError(message);
  const headers = new Map([['www-authenticate', 'Bearer realm="picqer-gateway"']]);
  Object.assign(err.extensions, { http: { status: 401, headers } });
  return err;
}
