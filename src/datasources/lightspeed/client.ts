import type { LightspeedEcomConfig } from '../../config';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { GovernorRegistry, MultiWindowModel, Priority } from '../upstream/governor/governor.types';
import { lightspeedEcomModel } from '../upstream/governor/models';
import { UpstreamHttp } from '../upstream/http';
import type { LightspeedVariantsWire, LightspeedVariantWire, LightspeedVariantWrapWire, LightspeedStockUpdateWire } from './wire';

/**
 * The Lightspeed eCom (C-Series) REST client: `/{language}/{resource}.json` on the shop's cluster
 * host, HTTP Basic with the API key as user and the secret as password. It knows the paths and the
 * wire shapes, nothing of our schema. Every call goes through UpstreamHttp and the governor's
 * multi-window model (5 min / hour / day per key, re-read from `X-RateLimit-*` on each answer),
 * so a full window is waited out, never hit.
 */

export interface LightspeedClientOptions {
  /** Cluster origin, e.g. https://api.webshopapp.com (EU1) or a sandbox origin. */
  baseUrl: string;
  /** Shop language, the first path segment (e.g. "nl"). */
  language: string;
  apiKey: string;
  apiSecret: string;
  governors: GovernorRegistry;
  /** Per-attempt timeout. Default 10,000 ms (UpstreamHttp's). */
  timeoutMs?: number;
  /** Overall time incl. waiting for budget. Default 15,000 ms (UpstreamHttp's). */
  deadlineMs?: number;
  /** The rate windows. Default lightspeedEcomModel() (300/5 min, 3,000/h, 12,000/day, 20/s). */
  model?: MultiWindowModel;
}

/** Per-call options: who pays and how urgent it is. */
export interface LightspeedCallOptions {
  accounting?: CallAccounting;
  priority?: Priority;
}

export interface LightspeedClient {
  /**
   * Variants whose `sku` filter matches (eCom filters on one SKU per call: there is no list
   * filter), the first page of up to `limit` (≤ 250).
   */
  variantsBySku(sku: string, o?: LightspeedCallOptions & { limit?: number }): Promise<LightspeedVariantWire[]>;
  /** `PUT /variants/{id}.json {"variant":{"stockLevel":n}}`; answers the variant as it is after. */
  setStockLevel(variantId: number, stockLevel: number, o?: LightspeedCallOptions): Promise<LightspeedVariantWire>;
  close(): Promise<void>;
}

/** eCom's largest page (`limit`). */
export const MAX_LIMIT = 250;

/** Builds a client; throws a TypeError naming the first bad option (never echoing a secret). */
export function createLightspeedClient(opts: LightspeedClientOptions): LightspeedClient {
  validateOptions(opts);
  const origin = new URL(opts.baseUrl);
  const basic = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;
  const http = new UpstreamHttp({
    upstream: 'lightspeed',
    baseUrl: origin.origin,
    // eCom counts per API key (and shop); the key stands for both here.
    governor: opts.governors.governor('lightspeed', `${origin.host}\0${opts.apiKey}`, opts.model ?? lightspeedEcomModel()),
    headers: () => ({ authorization: basic, accept: 'application/json' }),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
  });
  const prefix = `${origin.pathname.replace(/\/+$/, '')}/${encodeURIComponent(opts.language)}`;

  return {
    async variantsBySku(sku, o = {}) {
      const res = await http.request<LightspeedVariantsWire>({
        path: `${prefix}/variants.json`,
        query: { sku, limit: Math.min(MAX_LIMIT, o.limit ?? MAX_LIMIT) },
        priority: o.priority,
        accounting: o.accounting,
      });
      if (!Array.isArray(res.json?.variants)) throw new UpstreamError('lightspeed', res.status, 'lightspeed answered variants without a "variants" list.');
      return res.json.variants;
    },
    async setStockLevel(variantId, stockLevel, o = {}) {
      const body: LightspeedStockUpdateWire = { variant: { stockLevel } };
      const res = await http.request<LightspeedVariantWrapWire>({
        method: 'PUT',
        path: `${prefix}/variants/${variantId}.json`,
        body,
        // Setting an absolute level twice leaves it where once would: safe to retry.
        idempotent: true,
        priority: o.priority,
        accounting: o.accounting,
      });
      if (!res.json?.variant) throw new UpstreamError('lightspeed', res.status, 'lightspeed answered a variant update without a "variant".');
      return res.json.variant;
    },
    close: () => http.close(),
  };
}

/** The client for a validated config; null when Lightspeed eCom is not configured. */
export function lightspeedClientFromConfig(
  cfg: LightspeedEcomConfig | undefined,
  governors: GovernorRegistry,
  extra: { timeoutMs?: number; deadlineMs?: number } = {},
): LightspeedClient | null {
  return cfg
    ? createLightspeedClient({ baseUrl: cfg.baseUrl, language: cfg.language, apiKey: cfg.apiKey, apiSecret: cfg.apiSecret, governors, ...extra })
    : null;
}

function validateOptions(o: LightspeedClientOptions): void {
  const bad = (name: string, expected: string, got?: unknown): never => {
    throw new TypeError(`createLightspeedClient: option "${name}" must be ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
  };
  if (!o || typeof o !== 'object') bad('opts', 'an object');
  let url: URL | undefined;
  try {
    url = new URL(o.baseUrl);
  } catch {
    /* reported below */
  }
  if (!url || !/^https?:$/.test(url.protocol)) bad('baseUrl', 'an http(s) URL such as https://api.webshopapp.com', o.baseUrl);
  if (typeof o.language !== 'string' || !/^[a-z]{2}$/.test(o.language)) bad('language', 'a two-letter shop language such as "nl"', o.language);
  if (typeof o.apiKey !== 'string' || o.apiKey.trim().length < 8) bad('apiKey', 'a Lightspeed eCom API key (8+ characters)');
  if (typeof o.apiSecret !== 'string' || o.apiSecret.trim().length < 8) bad('apiSecret', 'a Lightspeed eCom API secret (8+ characters)');
  if (!o.governors || typeof o.governors.governor !== 'function') bad('governors', 'a GovernorRegistry');
  for (const k of ['timeoutMs', 'deadlineMs'] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) bad(k, 'a positive whole number of milliseconds', v);
  }
}
