import type { BudgetModel, ResponseFeedback } from './governor.types';
import type { ParsedFeedback } from './budget.types';

/**
 * Reads the rate-limit facts an upstream put in one response. Only finite, non-negative numbers
 * are kept: a proxy that mangles a header must not open the budget.
 */
export function parseFeedback(model: BudgetModel, fb: ResponseFeedback): ParsedFeedback {
  const h = fb.headers;
  if (model.kind === 'requests-per-minute') {
    // A 429's Remaining is 0 by definition and its Retry-After (the pause) says when budget is
    // back; booking that 0 as foreign usage would hold the key for a whole window instead.
    return { limit: num(h['x-ratelimit-limit']), remaining: fb.status === 429 ? undefined : num(h['x-ratelimit-remaining']) };
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

function num(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
