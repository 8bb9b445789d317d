import type { ApolloServerPlugin } from '@apollo/server';
import type { Caller } from '../auth/caller';
import type { GatewayContext } from '../context';
import { CallerRateLimitedError } from '../errors';
import type { RateLimitStore } from './rate-limit.types';

export interface RateLimitOptions {
  store: RateLimitStore;
  /** Requests per caller per minute (RATE_LIMIT_PER_TOKEN_PER_MINUTE); 0 switches the limit off. */
  perMinute: number;
  /** Told of each refusal (metrics count them). */
  onRefused?: (caller: Caller) => void;
}

/**
 * Per-token request limit. Counts operations that parsed and validated (checked before
 * execution, so a refused request makes no upstream call). Only authenticated callers are
 * counted: with auth off there is no token to count against.
 * Refuses with RATE_LIMITED, `retryAfterMs` and HTTP 429 + Retry-After (seconds).
 */
export function rateLimitPlugin(opts: RateLimitOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          const caller = contextValue.caller;
          // The public caller has its own limit, counted per client address (auth/callers.ts).
          const perMinute = caller?.perMinute ?? opts.perMinute;
          if (!caller || perMinute <= 0) return;
          const d = await opts.store.hit(`rl:${caller.rateKey ?? caller.name}`, perMinute, 60_000);
          if (d.allowed) return;
          opts.onRefused?.(caller);
          const variable = caller.perMinute === undefined ? undefined : 'PUBLIC_RATE_LIMIT_PER_MINUTE';
          const err = new CallerRateLimitedError(caller.name, perMinute, d.retryAfterMs, variable);
          const retryAfter = String(Math.ceil(err.retryAfterMs / 1000));
          Object.assign(err.extensions, { http: { status: 429, headers: new Map([['retry-after', retryAfter]]) } });
          throw err;
        },
      };
    },
  };
}
