import type { BudgetModel, WindowStats } from './governor.types';

/**
 * What a governor asks of a budget store. A store answers one question at a time ("may a call
 * of this cost go now?") and never queues: waiting is the governor's job, so the same queue and
 * priorities work over the memory store, the Redis store and the fallback share.
 */

/** The answer to one `take`. */
export interface Decision {
  granted: boolean;
  /** When not granted: ms until the store expects budget for this cost (0 when granted). */
  waitMs: number;
  /** The budget now in force (requests per window, or bucket size). */
  limit: number;
  /** Spent in the current window, or bucket points in use, after this decision. */
  used: number;
  /** The store's clock when it decided (epoch ms): a granted call's admission time. */
  at: number;
  /** Multi-window models: every window after this decision (`limit`/`used` name the one closest to full). */
  windows?: WindowStats[];
}

/** Rate-limit facts read from one response, already parsed to numbers. */
export interface ParsedFeedback {
  /** Picqer: X-RateLimit-Limit / -Remaining. Exact: the daily pair. */
  limit?: number;
  remaining?: number;
  /** Exact: epoch ms when the daily window ends. */
  reset?: number;
  /** Exact: the minutely triple. */
  minuteLimit?: number;
  minuteRemaining?: number;
  minuteReset?: number;
  /** Shopify throttleStatus plus the requested cost of the call it answers. */
  bucket?: { requested: number; size: number; available: number; restorePerSecond: number };
  /** Multi-window models: value i of the multi-value headers, for the model's windows[i]. */
  windows?: Array<{ limit?: number; remaining?: number }>;
}

/** Window lengths and margins, resolved from the registry options. */
export interface WindowSettings {
  /** Sliding window of the requests-per-minute model. */
  windowMs: number;
  /** Exact's short (calendar-minute) window. */
  minuteMs: number;
  /** Exact's long (day) window. */
  dayMs: number;
  /**
   * Slack for the time between our admission and the upstream's count: a sliding-window slot is
   * reused only `marginMs` after it left the window, and a fixed window admits nothing in its
   * last `marginMs` (a call sent then could land in the next window upstream).
   */
  marginMs: number;
}

/** One credential's budget, in memory or in Redis. */
export interface BudgetStore {
  take(cost: number): Promise<Decision>;
  /** Returns true when the feedback may have freed budget (a raised limit, a Shopify refund). */
  observe(fb: ParsedFeedback): Promise<boolean>;
  /** Stops admissions for `ms` for everyone sharing this store (a later pause wins). */
  pause(ms: number): Promise<void>;
}

/** The configured starting budget of a model, as one number (for stats before any answer). */
export function modelLimit(model: BudgetModel): number {
  if (model.kind === 'requests-per-minute') return model.limit;
  if (model.kind === 'cost-bucket') return model.size;
  if (model.kind === 'multi-window') return model.windows[0].limit;
  return model.perMinute;
}

/** A multi-window model's windows before any call (undefined for the other models). */
export function modelWindows(model: BudgetModel): WindowStats[] | undefined {
  return model.kind === 'multi-window' ? model.windows.map((w) => ({ windowMs: w.windowMs, limit: w.limit, used: 0 })) : undefined;
}

/**
 * The window a multi-window decision is summarised by (`limit`, `used`, the two gauges): the
 * one closest to full, the first of equals. scripts.multi-window.lua.ts picks the same.
 */
export function fullestWindow(windows: readonly WindowStats[]): WindowStats {
  let best = windows[0];
  for (const w of windows) if (w.used * best.limit > best.used * w.limit) best = w;
  return best;
}

/**
 * How far back our own admissions count when X-RateLimit-Remaining is compared with them: the
 * upstream counted when the call arrived, up to one response time before we read its answer.
 * 10 s (a slow answer), at most one window.
 */
export function feedbackLookbackMs(w: WindowSettings): number {
  return Math.min(w.windowMs, 10_000);
}
