/**
 * A fixed-window request counter per caller. Fixed windows are simple and cheap in Redis (one
 * INCR + PEXPIRE) and good enough for abuse limits: a burst at a window edge can reach twice the
 * limit, which is acceptable for a per-minute allowance.
 */
export interface RateLimitStore {
  /** Counts one request for `key`; `allowed` false once more than `limit` fell in this window. */
  hit(key: string, limit: number, windowMs: number, now?: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface RateDecision {
  allowed: boolean;
  /** Requests counted in this window, this one included. */
  count: number;
  /** Until the window ends: when a refused caller may try again. */
  retryAfterMs: number;
}
