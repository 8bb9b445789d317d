import type { RateDecision, RateLimitStore } from './rate-limit.types';

/** One process's counters. Windows that ended are dropped on the next hit, so nothing accumulates. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; count: number }>();

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateDecision> {
    const start = now - (now % windowMs);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      this.prune(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= limit, count: w.count, retryAfterMs: start + windowMs - now };
  }

  /** Counters held, for the retention test: only current windows survive. */
  get size(): number {
    return this.windows.size;
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private prune(currentStart: number): void {
    for (const [k, w] of this.windows) if (w.start < currentStart) this.windows.delete(k);
  }
}
