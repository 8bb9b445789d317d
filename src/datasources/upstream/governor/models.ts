import type { MultiWindowModel, WindowLimit } from './governor.types';

/**
 * The budget models of upstreams whose limits are documented as constants, so clients, the
 * sandbox and the bench start from the same figures. Every one is re-read from the answers.
 */

/**
 * Lightspeed eCom (C-Series), per API key: 300 requests per 5 minutes, 3,000 per hour, 12,000 per
 * day, in the order its X-RateLimit-* headers list them (300/3000/12000). Sources: JMango360's
 * eCom help ("a maximum of 300 requests every 5 minutes, 3000 per hour and 12000 per day" per
 * key) and the header defaults of eCom clients (timothydc/laravel-lightspeed-ecom-api); the
 * account/ratelimit resource names the same three (limit5Min, limitHour, limitDay). Lightspeed's
 * own page (developers.lightspeedhq.com/ecom/introduction/rate-limiting/) could not be read:
 * UNCONFIRMED there. A fourth window, 20 per second per shop and key, was announced by Lightspeed
 * staff on its community forum (November 2021); whether it still holds and whether any header
 * reports it is UNCONFIRMED, so it is listed last and counted by us alone (no header value maps to it).
 */
export const LIGHTSPEED_ECOM_WINDOWS: readonly WindowLimit[] = Object.freeze([
  { limit: 300, windowMs: 300_000 },
  { limit: 3_000, windowMs: 3_600_000 },
  { limit: 12_000, windowMs: 86_400_000 },
  { limit: 20, windowMs: 1_000 },
]);

export function lightspeedEcomModel(): MultiWindowModel {
  return { kind: 'multi-window', windows: LIGHTSPEED_ECOM_WINDOWS };
}

/**
 * Lightspeed Retail X-Series, per retailer and application: 300 x registers + 50 requests per 5
 * minutes (x-series-api.lightspeedhq.com/docs/rate_limiting), one window whose X-RateLimit-Limit
 * re-states the size the account has; its 429 carries Retry-After as an HTTP date.
 */
export function lightspeedRetailXModel(registers: number): MultiWindowModel {
  if (!(Number.isInteger(registers) && registers >= 1)) throw new RangeError(`lightspeedRetailXModel: registers must be an integer >= 1, got ${registers}`);
  return { kind: 'multi-window', windows: [{ limit: 300 * registers + 50, windowMs: 300_000 }] };
}

/**
 * The same model with every window `factor` times shorter and the same limits: what a bench or
 * a sandbox started with short windows runs, so a run over several windows takes seconds.
 */
export function shortenWindows(model: MultiWindowModel, factor: number): MultiWindowModel {
  if (!(factor >= 1)) throw new RangeError(`shortenWindows: factor must be a number >= 1, got ${factor}`);
  return { kind: 'multi-window', windows: model.windows.map((w) => ({ limit: w.limit, windowMs: Math.max(1, Math.round(w.windowMs / factor)) })) };
}
