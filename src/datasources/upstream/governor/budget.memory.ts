import type { BudgetModel } from './governor.types';
import { feedbackLookbackMs, type BudgetStore, type Decision, type ParsedFeedback, type WindowSettings } from './budget.types';
import { MultiWindowBudget } from './budget.multi-window';

/**
 * The budget models in process memory (multi-window in budget.multi-window.ts). Used without Redis (one process owns the whole
 * budget, share 1) and as the fallback while Redis is unreachable (share < 1: this replica's
 * conservative slice). The algorithms match scripts.lua.ts step for step; the contract suite
 * runs the same assertions against both.
 */
export function createMemoryBudget(model: BudgetModel, w: WindowSettings, share = 1, clock: () => number = Date.now): BudgetStore {
  if (model.kind === 'requests-per-minute') return new SlidingWindowBudget(model.limit, w, share, clock);
  if (model.kind === 'minute-and-day') return new MinuteDayBudget(model.perMinute, model.perDay, w, share, clock);
  if (model.kind === 'multi-window') return new MultiWindowBudget(model.windows, w, share, clock);
  return new CostBucketBudget(model.size, model.restorePerSecond, share, clock);
}

/** A slice of a limit, never below one call (a replica must be able to make progress). */
function slice(limit: number, share: number): number {
  return Math.max(1, Math.floor(limit * share));
}

abstract class PausableBudget implements BudgetStore {
  protected pausedUntil = 0;
  constructor(
    protected readonly share: number,
    protected readonly clock: () => number,
  ) {}
  abstract take(cost: number): Promise<Decision>;
  abstract observe(fb: ParsedFeedback): Promise<boolean>;
  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }
  protected paused(now: number, limit: number, used: number): Decision | undefined {
    return now < this.pausedUntil ? { granted: false, waitMs: this.pausedUntil - now, limit, used, at: now } : undefined;
  }
}

/** Picqer: at most `limit` admissions in any sliding window of `windowMs` (+ margin). */
class SlidingWindowBudget extends PausableBudget {
  /** Admission times, oldest first, kept `lookback` past the span (for observe only). */
  private readonly stamps: number[] = [];
  private readonly span: number;
  private readonly lookback: number;
  constructor(
    private limit: number,
    w: WindowSettings,
    share: number,
    clock: () => number,
  ) {
    super(share, clock);
    this.span = w.windowMs + w.marginMs;
    this.lookback = feedbackLookbackMs(w);
  }

  async take(cost: number): Promise<Decision> {
    const now = this.clock();
    this.expire(now);
    const eff = slice(this.limit, this.share);
    const first = this.firstAfter(now - this.span);
    const used = this.stamps.length - first;
    const p = this.paused(now, eff, used);
    if (p) return p;
    const c = Math.min(cost, eff);
    if (used + c <= eff) {
      for (let i = 0; i < c; i++) this.stamps.push(now);
      return { granted: true, waitMs: 0, limit: eff, used: used + c, at: now };
    }
    // The call fits once the (used + c - eff) oldest admissions have left the window.
    const oldest = this.stamps[first + used + c - eff - 1];
    return { granted: false, waitMs: Math.max(1, oldest + this.span - now), limit: eff, used, at: now };
  }

  async observe(fb: ParsedFeedback): Promise<boolean> {
    const now = this.clock();
    this.expire(now);
    const before = this.limit;
    if (fb.limit !== undefined && fb.limit >= 1) this.limit = fb.limit;
    if (fb.remaining !== undefined) {
      // Usage the upstream saw that we did not admit (another client on the same key) is booked
      // now, so it leaves our window no earlier than it leaves Picqer's. A fallback slice only
      // honours an empty budget: the other replicas' calls are expected there.
      const eff = slice(this.limit, this.share);
      const ours = this.stamps.length - this.firstAfter(now - this.span - this.lookback);
      const inSpan = this.stamps.length - this.firstAfter(now - this.span);
      const foreign = this.share < 1 ? (fb.remaining === 0 ? eff - inSpan : 0) : this.limit - fb.remaining - ours;
      for (let i = 0; i < foreign; i++) this.stamps.push(now);
    }
    return this.limit > before;
  }

  /** Index of the first admission later than `t`. */
  private firstAfter(t: number): number {
    let i = 0;
    while (i < this.stamps.length && this.stamps[i] <= t) i++;
    return i;
  }

  private expire(now: number): void {
    const n = this.firstAfter(now - this.span - this.lookback);
    if (n > 0) this.stamps.splice(0, n);
  }
}

/** Exact: fixed calendar windows (minute and day), re-synced from X-RateLimit-* headers. */
class MinuteDayBudget extends PausableBudget {
  private mUsed = 0;
  private dUsed = 0;
  private mReset = 0;
  private dReset = 0;
  constructor(
    private perMinute: number,
    private perDay: number,
    private readonly w: WindowSettings,
    share: number,
    clock: () => number,
  ) {
    super(share, clock);
  }

  async take(cost: number): Promise<Decision> {
    const now = this.clock();
    this.roll(now);
    const mLim = slice(this.perMinute, this.share);
    const dLim = slice(this.perDay, this.share);
    const p = this.paused(now, mLim, this.mUsed);
    if (p) return p;
    const c = Math.min(cost, mLim);
    let wait = 0;
    if (this.dUsed + c > dLim) wait = this.dReset - now;
    else if (this.mUsed + c > mLim || now >= this.mReset - this.w.marginMs) wait = this.mReset - now;
    if (wait > 0) return { granted: false, waitMs: wait, limit: mLim, used: this.mUsed, at: now };
    this.mUsed += c;
    this.dUsed += c;
    return { granted: true, waitMs: 0, limit: mLim, used: this.mUsed, at: now };
  }

  async observe(fb: ParsedFeedback): Promise<boolean> {
    const now = this.clock();
    this.roll(now);
    const before = this.perMinute + this.perDay;
    if (fb.minuteLimit !== undefined && fb.minuteLimit >= 1) this.perMinute = fb.minuteLimit;
    if (fb.limit !== undefined && fb.limit >= 1) this.perDay = fb.limit;
    const m = syncWindow(now, this.mReset, this.mUsed, this.perMinute, fb.minuteRemaining, fb.minuteReset, this.share);
    [this.mReset, this.mUsed] = m;
    const d = syncWindow(now, this.dReset, this.dUsed, this.perDay, fb.remaining, fb.reset, this.share);
    [this.dReset, this.dUsed] = d;
    return this.perMinute + this.perDay > before;
  }

  private roll(now: number): void {
    if (now >= this.mReset) [this.mReset, this.mUsed] = [nextBoundary(now, this.w.minuteMs), 0];
    if (now >= this.dReset) [this.dReset, this.dUsed] = [nextBoundary(now, this.w.dayMs), 0];
  }
}

function nextBoundary(now: number, len: number): number {
  return (Math.floor(now / len) + 1) * len;
}

/**
 * One fixed window against the upstream's word: same window (resets within a second) -> keep
 * the larger usage; a later window -> adopt the upstream's; a finished one -> stale, ignore.
 */
function syncWindow(
  now: number,
  reset: number,
  used: number,
  limit: number,
  remaining: number | undefined,
  upReset: number | undefined,
  share: number,
): [number, number] {
  if (remaining === undefined) return [reset, used];
  const upUsed = share < 1 ? (remaining === 0 ? limit : 0) : limit - remaining;
  if (upReset === undefined || Math.abs(upReset - reset) < 1000) return [reset, Math.max(used, upUsed)];
  if (upReset > reset) return [upReset, Math.max(0, upUsed)];
  return [reset, used];
}

/** Shopify GraphQL: a leaky bucket of cost points, re-synced from throttleStatus. */
class CostBucketBudget extends PausableBudget {
  private available: number;
  private at: number;
  /** Points admitted and not yet answered: throttleStatus cannot know about them yet. */
  private pending = 0;
  private lastActive: number;
  constructor(
    private size: number,
    private rate: number,
    share: number,
    clock: () => number,
  ) {
    super(share, clock);
    this.at = this.lastActive = clock();
    this.available = size * share;
  }

  async take(cost: number): Promise<Decision> {
    const now = this.refill();
    const size = this.size * this.share;
    const p = this.paused(now, Math.floor(size), Math.ceil(size - this.available));
    if (p) return p;
    const c = Math.min(cost, size);
    if (this.available >= c) {
      this.available -= c;
      this.pending += c;
      return { granted: true, waitMs: 0, limit: Math.floor(size), used: Math.ceil(size - this.available), at: now };
    }
    const waitMs = Math.max(1, Math.ceil(((c - this.available) * 1000) / (this.rate * this.share)));
    return { granted: false, waitMs, limit: Math.floor(size), used: Math.ceil(size - this.available), at: now };
  }

  async observe(fb: ParsedFeedback): Promise<boolean> {
    const b = fb.bucket;
    if (!b) return false;
    this.refill();
    this.size = b.size;
    this.rate = b.restorePerSecond;
    this.pending = Math.max(0, this.pending - b.requested);
    // The upstream's figure already includes the refund of (requested - actual) for this call.
    this.available = Math.min(this.size * this.share, Math.max(0, b.available * this.share - this.pending));
    return true;
  }

  private refill(): number {
    const now = this.clock();
    // A call that never got an answer (connection lost) would hold its points forever.
    if (now - this.lastActive > 30_000) this.pending = 0;
    this.lastActive = now;
    this.available = Math.min(this.size * this.share, this.available + ((now - this.at) * this.rate * this.share) / 1000);
    this.at = now;
    return now;
  }
}
