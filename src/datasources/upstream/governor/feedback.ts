import type { BudgetModel, ResponseFeedback } from './governor.types';
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
