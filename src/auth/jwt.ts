import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtConfig } from '../config/browser-config';
import { unauthenticated } from './authenticator';
import type { Caller } from './caller';
import { isScope } from './scopes';

/**
 * Callers from the company's identity provider: JSON Web Tokens verified with `jose` against the
 * provider's key set (JWKS_URL), issuer and audience checked, scopes read from a configured claim.
 * A verified token is a caller like a static one: the same scopes, rate limit and audit (its name
 * is `jwt:` and the token's subject).
 *
 * Keys: createRemoteJWKSet fetches the set on first use, keeps it for 10 minutes, and fetches it
 * again at once when a token names a key id it does not hold (a rotation), at most once per
 * JWKS_REFRESH_COOLDOWN_MS, so a stream of tokens with made-up key ids cannot hammer the provider.
 */

/** Signatures with a private key only: a shared-secret (HS*) key in a public key set would let anyone sign. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Three base64url parts: a JWS in compact form. Static tokens rarely look like this, and are tried first anyway. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Clock skew allowed between the provider and this machine for exp and nbf. */
const CLOCK_TOLERANCE_S = 5;

export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly cfg: JwtConfig) {
    this.keys = createRemoteJWKSet(new URL(cfg.jwksUrl), {
      cooldownDuration: cfg.refreshCooldownMs,
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5_000,
    });
  }

  /** Whether `token` has the shape of a JWT (three base64url parts), so it is worth verifying. */
  static looksLikeJwt(token: string): boolean {
    return COMPACT_JWS.test(token);
  }

  /** The caller `token` stands for; throws UNAUTHENTICATED (HTTP 401) saying what was wrong, never quoting the token. */
  async verify(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw unauthenticated(reasonOf(err));
    }
    return Object.freeze({ name: nameOf(payload), scopes: scopesOf(payload[this.cfg.scopesClaim]) });
  }
}

/**
 * The gateway's scopes in a claim: a space-separated string (OAuth's `scope`) or an array of
 * strings (`permissions`, `roles`). Scopes the gateway does not know (openid, profile, another
 * API's) are left out: they mean nothing here.
 */
export function scopesOf(claim: unknown): ReadonlySet<string> {
  const all = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim.filter((s): s is string => typeof s === 'string') : [];
  return new Set(all.filter(isScope));
}

/** `jwt:` and the subject (or, for a client-credentials token, the client id), cut to a name's length. */
function nameOf(payload: JWTPayload): string {
  const who =
    payload.sub ?? (typeof payload.client_id === 'string' ? payload.client_id : undefined) ?? (typeof payload.azp === 'string' ? payload.azp : 'unknown');
  return `jwt:${who.replace(/[^A-Za-z0-9_.@|:-]/g, '_').slice(0, 60)}`;
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The bearer token has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) return `The bearer token's "${err.claim}" claim is not accepted here (${err.reason}).`;
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) return "The bearer token's signature does not verify.";
  if (err instanceof errors.JOSEAlgNotAllowed) return "The bearer token's signing algorithm is not accepted.";
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return "The identity provider's keys could not be read; try again.";
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'The bearer token is not a valid JWT.';
  return 'The bearer token could not be verified.';
}
