import type { BudgetModel, ResponseFeedback, WindowLimit } from './governor.types';
import type { ParsedFeedback } from './budget.types';

/**
 * Reads the rate-limit facts an upstream put in one response. Only finite, non-negative numbers
 * are kept: a proxy that mangles a header must not open the budget.
 */
export function parseFeedback(model: BudgetModel, fb: ResponseFeedback): ParsedFeedback {
  const h = fb.headers;
  if (model.kind === 'requests-per-minute') {
    return { limit: num(h['x-ratelimit-limit']), remaining: slidingRemaining(fb) };
  }
  if (model.kind === 'multi-window') return { windows: multiWindowFeedback(model.windows, fb) };
  if (model.kind === 'minute-and-day') {
    return {
      limit: num(h['x-ratelimit-limit']),
      remaining: num(h['x-ratelimit-remaining']),
      reset: num(h['x-ratelimit-reset']),
      minuteLimit: num(h['x-ratelimit-minutely-limit']),
      minuteRemaining: num(h['x-ratelimit-minutely-remaining']),
      minuteReset: num(h['x-ratelimit-minutely-reset']),
    };
  }
  const t = fb.cost?.throttleStatus;
  if (!t || !fb.cost) return {};
  const size = Number(t.maximumAvailable);
  const available = Number(t.currentlyAvailable);
  const rate = Number(t.restoreRate);
  const requested = Number(fb.cost.requestedQueryCost);
  if (![size, available, rate, requested].every((n) => Number.isFinite(n) && n >= 0) || size === 0 || rate === 0) return {};
  return { bucket: { requested, size, available, restorePerSecond: rate } };
}

/**
 * What a Picqer answer says is left in the window. A 429's Remaining is 0 by definition. With a
 * Retry-After, that pause says when budget is back, and booking the 0 as usage would hold the key
 * for a whole window instead. Without one (Picqer documents none; its PHP client just waits 20 s),
 * the 0 is all there is: the window is full of calls this gateway did not make, so they are
 * booked and calls wait until the window has room, instead of probing with short back-offs that
 * each meet another 429 and give up while the window is still full.
 */
function slidingRemaining(fb: ResponseFeedback): number | undefined {
  if (fb.status !== 429) return num(fb.headers['x-ratelimit-remaining']);
  return hasRetryAfter(fb.headers['retry-after']) ? undefined : 0;
}

/**
 * Lightspeed reports its windows in one header each, value i for window i: eCom sends
 * `X-RateLimit-Limit: 300/3000/12000` and `X-RateLimit-Remaining: 299/2999/11999` (5 minutes,
 * hour, day; the '/' is how eCom clients split them, e.g. timothydc/laravel-lightspeed-ecom-api;
 * UNCONFIRMED in Lightspeed's own pages, so ',' is read too), Retail X-Series one value each.
 * `X-RateLimit-Reset` (seconds until each window resets) is not used: booking foreign usage now
 * is the safe choice while it is UNCONFIRMED whether Lightspeed's windows are fixed or sliding.
 * A 429 obeys the Picqer rule per window: with a Retry-After its Remaining is not booked (the pause
 * rules); without one the window the answer shows at 0 is booked full, and when none shows 0
 * (or there are no headers), the shortest window is: the one a burst fills, the cheapest to wait for.
 */
function multiWindowFeedback(windows: readonly WindowLimit[], fb: ResponseFeedback): Array<{ limit?: number; remaining?: number }> {
  const limits = list(fb.headers['x-ratelimit-limit']);
  const remaining = list(fb.headers['x-ratelimit-remaining']);
  const out = windows.map((_, i) => ({ limit: limits[i], remaining: remaining[i] }));
  if (fb.status !== 429) return out;
  if (hasRetryAfter(fb.headers['retry-after'])) return out.map((w) => ({ limit: w.limit }));
  if (!out.some((w) => w.remaining === 0)) {
    const shortest = windows.reduce((best, w, i) => (w.windowMs < windows[best].windowMs ? i : best), 0);
    out[shortest].remaining = 0;
  }
  return out;
}

/** A multi-value header ('/' or ',' between values) as numbers; a mangled value is undefined at its place. */
function list(v: string | string[] | undefined): Array<number | undefined> {
  const s = Array.isArray(v) ? v.join(',') : v;
  if (s === undefined) return [];
  return s.split(/[/,]/).map((part) => num(part));
}

/** Whether a Retry-After header holds a usable value (seconds, or an HTTP date), as http.ts reads it. */
function hasRetryAfter(v: string | string[] | undefined): boolean {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || s.trim() === '') return false;
  return (Number.isFinite(Number(s)) && Number(s) >= 0) || Number.isFinite(Date.parse(s));
}

function num(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
