import { randomBytes } from 'node:crypto';

/**
 * Exact's OAuth2 token endpoint as the sandbox plays it: `grant_type=refresh_token` with the
 * client credentials returns a 10-minute access token and a NEW refresh token; the old refresh
 * token is dead from then on (rotation, enforced by Exact since 2018). A new token is refused
 * until `minRefreshIntervalSeconds` after the previous one (Exact: 570 s, "TooEarlyToRefreshTokens").
 * And at most `tokenCallsPerDay` calls to the token endpoint per app (Exact since 2021-07-01:
 * "Maximum of 200 token endpoint calls per API key, per user, per day"; the sandbox has one
 * user). UNCONFIRMED: the answer past that cap (the sandbox: `tokenLimitStatus`, default 400, with
 * the body of the documented "too early" refusal) and the day's boundary (the sandbox: UTC).
 */

export interface TokenSettings {
  accessTokenTtlSeconds: number;
  minRefreshIntervalSeconds: number;
  tokenCallsPerDay: number;
  tokenLimitStatus: number;
}

const DAY = 86_400_000;

export interface TokenAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, string>;
}

/** Tokens of one app (client id/secret) for the sandbox. */
export class SandboxOAuth {
  /** The one refresh token that currently works; null after revoke. */
  refreshToken: string | null;
  /** Successful refreshes. */
  refreshes = 0;
  private readonly accessTokens = new Map<string, number>();
  private lastIssuedAt = Number.NEGATIVE_INFINITY;
  /** Token calls by this app on `callsDay` (a UTC day number). */
  private calls = 0;
  private callsDay = -1;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    initialRefreshToken: string,
    private readonly settings: () => TokenSettings,
    private readonly clock: () => number,
  ) {
    this.refreshToken = initialRefreshToken;
  }

  /** Answers a POST to /api/oauth2/token with the parsed form. */
  token(form: URLSearchParams): TokenAnswer {
    const s = this.settings();
    if (form.get('grant_type') !== 'refresh_token') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'the sandbox supports grant_type=refresh_token' } };
    }
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'unknown client_id or wrong client_secret' } };
    }
    const day = Math.floor(this.clock() / DAY);
    if (day !== this.callsDay) [this.callsDay, this.calls] = [day, 0];
    if (++this.calls > s.tokenCallsPerDay) {
      return {
        status: s.tokenLimitStatus,
        body: { error: 'access_denied', error_description: `Rate limit exceeded: at most ${s.tokenCallsPerDay} token requests per day` },
      };
    }
    const given = form.get('refresh_token');
    if (!given || given !== this.refreshToken) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'the refresh token is invalid, revoked or already used' } };
    }
    const now = this.clock();
    if (now - this.lastIssuedAt < s.minRefreshIntervalSeconds * 1000) {
      return {
        status: 400,
        headers: { reason: 'TooEarlyToRefreshTokens' },
        body: { error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' },
      };
    }
    const access = `sbx-at-${randomBytes(18).toString('base64url')}`;
    this.refreshToken = `sbx-rt-${randomBytes(18).toString('base64url')}`;
    this.accessTokens.set(access, now + s.accessTokenTtlSeconds * 1000);
    this.lastIssuedAt = now;
    this.refreshes++;
    // Exact sends expires_in as a string.
    return {
      status: 200,
      body: { access_token: access, token_type: 'bearer', expires_in: String(s.accessTokenTtlSeconds), refresh_token: this.refreshToken },
    };
  }

  /** True when the bearer token was issued here and has not expired. */
  valid(accessToken: string | undefined): boolean {
    if (!accessToken) return false;
    const exp = this.accessTokens.get(accessToken);
    return exp !== undefined && this.clock() < exp;
  }

  /** Expires every access token now and lifts the refresh cooldown, as if ten minutes had passed. */
  expireNow(): void {
    for (const k of this.accessTokens.keys()) this.accessTokens.set(k, Number.NEGATIVE_INFINITY);
    this.lastIssuedAt = Number.NEGATIVE_INFINITY;
  }

  /** Revokes the refresh token (the user disconnected the app, or it idled past 30 days). */
  revoke(): void {
    this.refreshToken = null;
  }

  /** Sets a new refresh token (a re-authorization). */
  authorize(refreshToken: string): void {
    this.refreshToken = refreshToken;
    this.lastIssuedAt = Number.NEGATIVE_INFINITY;
  }

  /** True when the bearer token was issued here, expired or not: the call can be put on this app's account. */
  issued(accessToken: string | undefined): boolean {
    return accessToken !== undefined && this.accessTokens.has(accessToken);
  }

  reset(initialRefreshToken: string): void {
    this.accessTokens.clear();
    this.refreshes = 0;
    this.calls = 0;
    this.authorize(initialRefreshToken);
  }
}
