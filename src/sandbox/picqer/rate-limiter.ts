/**
 * Picqer's per-API-key request limit as a sliding window: a request is served when fewer than
 * `limit` requests of that key were served in the last `windowMs`; otherwise it is refused (429)
 * and, like Picqer, ignored — it does not count. The limit can change at run time and shows in the
 * next answer's X-RateLimit-Limit.
 *
 * It also records `maxInWindow`: the most requests of one key served inside any window since the
 * last reset. Any window's count peaks at a window ending on a served request, so checking the
 * count at each served request finds the true maximum.
 */

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees up (only meaningful when refused). */
  retryAfterSeconds: number;
}

/** Served-request times of one key, oldest first; a head index avoids O(n) shifts. */
class TimeLog {
  private times: number[] = [];
  private head = 0;
  prune(before: number): void {
    while (this.head < this.times.length && this.times[this.head] <= before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
  get size(): number {
    return this.times.length - this.head;
  }
  oldest(): number | undefined {
    return this.times[this.head];
  }
  /** Every entry ever pushed, pruned or not. */
  total = 0;
  push(t: number): void {
    this.times.push(t);
    this.total++;
  }
  /** How many entries are after `t` (binary search: the log is sorted). */
  countAfter(t: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }
}

export class SlidingWindowRateLimiter {
  private readonly logs = new Map<string, TimeLog>();
  /** Each key's `total` at the last reset: what was served before it never counts towards `max`. */
  private readonly totalsAtReset = new Map<string, number>();
  private max = 0;

  /** @param limit requests per window per key. @param windowMs window length. */
  constructor(
    private limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    SlidingWindowRateLimiter.check(limit);
  }

  private static check(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${limit}`);
  }

  get currentLimit(): number {
    return this.limit;
  }
  get maxInWindow(): number {
    return this.max;
  }

  /** Changes the limit for every key; the next answer carries it. */
  setLimit(limit: number): void {
    SlidingWindowRateLimiter.check(limit);
    this.limit = limit;
  }

  /** Forgets `maxInWindow` (the window logs stay: resetting stats must not refill budgets). */
  resetStats(): void {
    // By count, not by time: a request served in the reset's own millisecond came before it.
    for (const [key, log] of this.logs) this.totalsAtReset.set(key, log.total);
    this.max = 0;
  }

  /** Decides one request of `key` and, when served, records it. */
  take(key: string): RateDecision {
    const t = this.now();
    let log = this.logs.get(key);
    if (!log) {
      log = new TimeLog();
      this.logs.set(key, log);
    }
    log.prune(t - this.windowMs);
    if (log.size >= this.limit) {
      const oldest = log.oldest() ?? t;
      return { allowed: false, limit: this.limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - t) / 1000)) };
    }
    log.push(t);
    const sinceReset = Math.min(log.countAfter(t - this.windowMs + 1), log.total - (this.totalsAtReset.get(key) ?? 0));
    if (sinceReset > this.max) this.max = sinceReset;
    return { allowed: true, limit: this.limit, remaining: Math.max(0, this.limit - log.size), retryAfterSeconds: 0 };
  }
}
