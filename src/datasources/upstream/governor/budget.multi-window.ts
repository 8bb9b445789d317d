import type { WindowLimit, WindowStats } from './governor.types';
import { fullestWindow, type BudgetStore, type Decision, type ParsedFeedback, type WindowSettings } from './budget.types';

/**
 * How far back our own admissions count when a window's Remaining is compared with them (the
 * upstream counted the call on arrival, up to a response time before we read the answer): as
 * feedbackLookbackMs, per window. scripts.multi-window.lua.ts uses the same figure.
 */
export function windowLookbackMs(windowMs: number): number {
  return Math.min(windowMs, 10_000);
}

interface WindowState {
  readonly windowMs: number;
  /** windowMs + marginMs: a slot is reused only this long after its admission. */
  readonly span: number;
  readonly lookback: number;
  limit: number;
  /** Admission times (ours and booked foreign usage), oldest first, kept `lookback` past the span. */
  readonly stamps: number[];
}

/**
 * Several sliding windows over one credential (Lightspeed eCom: 5 minutes, an hour, a day) in
 * process memory: a call is admitted only when every window has room, and then counts in all of
 * them. Used without Redis (share 1) and as the fallback slice while Redis is unreachable
 * (share < 1). Step for step the algorithm of scripts.multi-window.lua.ts; the contract suite
 * runs the same assertions against both. Sliding windows are used even where the upstream may
 * count fixed ones: never more than N in any window of a length implies never more than N in
 * each fixed window of that length, whatever its alignment (UNCONFIRMED for Lightspeed).
 */
export class MultiWindowBudget implements BudgetStore {
  private readonly windows: WindowState[];
  private pausedUntil = 0;

  constructor(
    windows: readonly WindowLimit[],
    w: WindowSettings,
    private readonly share: number,
    private readonly clock: () => number,
  ) {
    this.windows = windows.map((x) => ({
      windowMs: x.windowMs,
      span: x.windowMs + w.marginMs,
      lookback: windowLookbackMs(x.windowMs),
      limit: x.limit,
      stamps: [],
    }));
  }

  async take(cost: number): Promise<Decision> {
    const now = this.clock();
    const view = this.windows.map((s) => {
      this.expire(s, now);
      return { windowMs: s.windowMs, limit: this.slice(s.limit), used: s.stamps.length - firstAfter(s.stamps, now - s.span) };
    });
    if (now < this.pausedUntil) return decision(false, this.pausedUntil - now, view, now);
    const c = Math.min(cost, ...view.map((v) => v.limit));
    let wait = 0;
    this.windows.forEach((s, i) => {
      const { limit, used } = view[i];
      if (used + c <= limit) return;
      // This window fits the call once its (used + c - limit) oldest admissions have left it.
      const oldest = s.stamps[s.stamps.length - used + (used + c - limit - 1)];
      wait = Math.max(wait, Math.max(1, oldest + s.span - now));
    });
    if (wait > 0) return decision(false, wait, view, now);
    this.windows.forEach((s, i) => {
      for (let k = 0; k < c; k++) s.stamps.push(now);
      view[i].used += c;
    });
    return decision(true, 0, view, now);
  }

  async observe(fb: ParsedFeedback): Promise<boolean> {
    const now = this.clock();
    let raised = false;
    this.windows.forEach((s, i) => {
      const f = fb.windows?.[i];
      if (!f) return;
      this.expire(s, now);
      if (f.limit !== undefined && f.limit >= 1) {
        raised ||= f.limit > s.limit;
        s.limit = f.limit;
      }
      if (f.remaining === undefined) return;
      // Usage the upstream counted that we did not admit (another app on the key) is booked now,
      // so it leaves our window no earlier than the upstream's. A fallback slice only honours an
      // empty window: the other replicas' calls are expected there.
      const inSpan = s.stamps.length - firstAfter(s.stamps, now - s.span);
      const ours = s.stamps.length - firstAfter(s.stamps, now - s.span - s.lookback);
      const foreign = this.share < 1 ? (f.remaining === 0 ? this.slice(s.limit) - inSpan : 0) : s.limit - f.remaining - ours;
      for (let k = 0; k < foreign; k++) s.stamps.push(now);
    });
    return raised;
  }

  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }

  /** A slice of a limit, never below one call (a replica must be able to make progress). */
  private slice(limit: number): number {
    return Math.max(1, Math.floor(limit * this.share));
  }

  private expire(s: WindowState, now: number): void {
    const n = firstAfter(s.stamps, now - s.span - s.lookback);
    if (n > 0) s.stamps.splice(0, n);
  }
}

function decision(granted: boolean, waitMs: number, windows: WindowStats[], at: number): Decision {
  const { limit, used } = fullestWindow(windows);
  return { granted, waitMs, limit, used, at, windows };
}

/** Index of the first stamp later than `t` (binary search: a day window holds thousands). */
function firstAfter(stamps: readonly number[], t: number): number {
  let lo = 0;
  let hi = stamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stamps[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
