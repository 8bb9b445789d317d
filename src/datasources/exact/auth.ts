import { createHash } from 'node:crypto';
import { UpstreamError, UpstreamUnavailableError } from '../../errors';
import type { UpstreamHttp } from '../upstream/http';
import { MemoryTokenStore, type ExactTokenState, type ExactTokenStore } from './token-store';
import type { ExactTokenWire } from './wire';

/**
 * Exact Online access tokens: refreshed shortly before they expire, once however many calls
 * want one at the same moment (single-flight in the process, a store lock across replicas),
 * never sooner than Exact allows (one new token per 570 s), with the rotated refresh token
 * written back to the store at once, because the previous one is dead from that moment on.
 */

export interface ExactAuthOptions {
  /** The token endpoint's HTTP path: an UpstreamHttp whose baseUrl ends in /api/oauth2. */
  http: UpstreamHttp;
  clientId: string;
  clientSecret: string;
  division: number;
  /** The refresh token from configuration; used when the store holds none (or a dead one). */
  refreshToken: string;
  /** Default: a MemoryTokenStore (one process). Give every replica the same RedisTokenStore. */
  store?: ExactTokenStore;
  /**
   * Refresh this long before expiry. Default 20,000 ms: with Exact's 600 s tokens that is 580 s
   * after issue, 10 s clear of the 570 s cooldown, so clock skew cannot earn a TooEarlyToRefreshTokens.
   */
  refreshMarginMs?: number;
  /** No new token sooner than this after the last one. Default 570,000 ms (Exact's rule). */
  minRefreshIntervalMs?: number;
  /** How long a replica may hold the refresh lock. Default 15,000 ms. */
  lockTtlMs?: number;
  /** How long to wait for another replica's refresh before failing. Default 20,000 ms. */
  lockWaitMs?: number;
  /** Epoch ms. Default Date.now (tests pin it). */
  clock?: () => number;
}

const REAUTHORIZE =
  'Exact Online refused the refresh token (it was revoked, expired after 30 idle days, or already used by another ' +
  'process). Re-authorize the app in Exact Online and set EXACT_REFRESH_TOKEN to the new refresh token.';

/** Hands out Exact bearer tokens; one instance per client id + division per process. */
export class ExactTokenManager {
  /** Token refreshes this instance performed (successful token calls). */
  refreshes = 0;
  private readonly o: Required<Omit<ExactAuthOptions, 'store' | 'http'>>;
  private readonly store: ExactTokenStore;
  private readonly key: string;
  private state: ExactTokenState | null = null;
  private inflight: Promise<string> | null = null;
  /** Access tokens Exact answered 401 to: never adopt them again from the store. */
  private readonly rejected = new Set<string>();
  /** Refresh tokens already used or refused: Exact rotates them, so each works at most once. */
  private readonly deadRefreshTokens = new Set<string>();

  constructor(private readonly opts: ExactAuthOptions) {
    this.o = {
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      division: opts.division,
      refreshToken: opts.refreshToken,
      refreshMarginMs: opts.refreshMarginMs ?? 20_000,
      minRefreshIntervalMs: opts.minRefreshIntervalMs ?? 570_000,
      lockTtlMs: opts.lockTtlMs ?? 15_000,
      lockWaitMs: opts.lockWaitMs ?? 20_000,
      clock: opts.clock ?? Date.now,
    };
    this.store = opts.store ?? new MemoryTokenStore();
    // The store key names the app and division without containing the client id itself.
    this.key = createHash('sha256').update(`${opts.clientId}:${opts.division}`).digest('hex').slice(0, 16);
  }

  /** A bearer token good for at least the refresh margin; refreshes (once) when needed. */
  async accessToken(): Promise<string> {
    if (this.usable(this.state)) return this.state!.accessToken!;
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * Exact answered 401 to `token`: forget it so the next `accessToken()` refreshes. Calls that
   * saw the same 401 while a refresh is already under way simply get the new token.
   */
  invalidate(token: string): void {
    this.rejected.add(token);
    if (this.state?.accessToken === token) this.state = { ...this.state, accessTokenExpiresAt: 0 };
  }

  private usable(s: ExactTokenState | null): boolean {
    return Boolean(s?.accessToken) && !this.rejected.has(s!.accessToken!) && this.o.clock() < s!.accessTokenExpiresAt - this.o.refreshMarginMs;
  }

  /** Another replica may have refreshed already; else take the lock and refresh. */
  private async obtain(): Promise<string> {
    // Real time, not the token clock: this bounds how long a caller waits.
    const waitUntil = Date.now() + this.o.lockWaitMs;
    for (;;) {
      const stored = await this.store.get(this.key);
      if (stored && this.usable(stored)) {
        this.state = stored;
        return stored.accessToken!;
      }
      const release = await this.store.lock(this.key, this.o.lockTtlMs);
      if (release) {
        try {
          // Re-read under the lock: the previous holder may have just written a fresh token.
          const current = (await this.store.get(this.key)) ?? this.state;
          if (current && this.usable(current)) {
            this.state = current;
            return current.accessToken!;
          }
          return await this.refresh(current);
        } finally {
          await release();
        }
      }
      if (Date.now() >= waitUntil) {
        throw new UpstreamUnavailableError('exact', 'another replica held the token refresh lock for too long');
      }
      await sleep(100);
    }
  }

  private async refresh(current: ExactTokenState | null): Promise<string> {
    const now = this.o.clock();
    if (current && now - current.refreshedAt < this.o.minRefreshIntervalMs) {
      // Exact would answer TooEarlyToRefreshTokens and count an error against the app; fail locally instead.
      const waitS = Math.ceil((current.refreshedAt + this.o.minRefreshIntervalMs - now) / 1000);
      throw new UpstreamError(
        'exact',
        401,
        `Exact rejected the access token, and Exact allows a new one only every ${Math.round(this.o.minRefreshIntervalMs / 1000)} s; retry in ${waitS} s.`,
      );
    }
    // The configured token may be newer than a stored one (the operator re-authorized). Tokens
    // known dead are not sent again: every refusal counts toward Exact's 10-errors-an-hour block.
    const candidates = [...new Set([current?.refreshToken ?? this.o.refreshToken, this.o.refreshToken])].filter((t) => !this.deadRefreshTokens.has(t));
    let lastStatus = 400;
    for (const refreshToken of candidates) {
      const answer = await this.callTokenEndpoint(refreshToken);
      if ('refused' in answer) {
        if (answer.error === 'access_denied') {
          // TooEarlyToRefreshTokens: Exact did not rotate, the refresh token still works.
          throw new UpstreamError(
            'exact',
            answer.status,
            'Exact refused a new access token: it allows one per 570 s per app and user (another process may have refreshed; share a token store between replicas); retry shortly.',
          );
        }
        if (answer.error === 'invalid_client') {
          throw new UpstreamError('exact', answer.status, 'Exact refused the app credentials: check EXACT_CLIENT_ID and EXACT_CLIENT_SECRET.');
        }
        this.deadRefreshTokens.add(refreshToken);
        lastStatus = answer.status;
        continue;
      }
      this.deadRefreshTokens.add(refreshToken);
      const next: ExactTokenState = {
        accessToken: answer.access_token,
        // Expiry counted from before the call and the cooldown from after it: both err on the safe side.
        accessTokenExpiresAt: now + Number(answer.expires_in) * 1000,
        refreshToken: answer.refresh_token,
        refreshedAt: Math.max(now, this.o.clock()),
      };
      // Written before anything else: the refresh token we sent is already dead.
      this.state = next;
      this.refreshes++;
      await this.store.set(this.key, next);
      return next.accessToken!;
    }
    throw new UpstreamError('exact', lastStatus, REAUTHORIZE);
  }

  /**
   * The token response, or Exact's refusal (400/401) with its OAuth `error` code. Only that code
   * is read from the body; the body itself goes nowhere.
   */
  private async callTokenEndpoint(refreshToken: string): Promise<ExactTokenWire | { refused: true; status: number; error?: string }> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.o.clientId,
      client_secret: this.o.clientSecret,
      refresh_token: refreshToken,
    });
    let oauthError: string | undefined;
    try {
      const res = await this.opts.http.request<ExactTokenWire>({
        method: 'POST',
        path: '/token',
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        idempotent: false,
        inspect: (json) => {
          const e = (json as { error?: unknown } | null)?.error;
          oauthError = typeof e === 'string' ? e : undefined;
          return {};
        },
      });
      const t = res.json;
      if (!t || typeof t.access_token !== 'string' || typeof t.refresh_token !== 'string' || !(Number(t.expires_in) > 0)) {
        throw new UpstreamError('exact', 502, 'Exact answered the token request without access_token, refresh_token and expires_in.');
      }
      return t;
    } catch (err) {
      if (err instanceof UpstreamError && (err.status === 400 || err.status === 401)) return { refused: true, status: err.status, error: oauthError };
      throw err;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
