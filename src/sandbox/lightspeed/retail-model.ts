import { createHmac } from 'node:crypto';
import { LightspeedSandboxHttpError } from './http';
import type { RetailInventory, RetailOutlet, RetailProduct } from './seed';
import { sandboxUuid } from './seed';

/**
 * Lightspeed Retail (X-Series) wire shapes (field names as in the X-Series SDK generated from its
 * OpenAPI, dansleboby/lightspeed-xseries-sdk: `register_sale_products`, `register_sale_payments`,
 * `register_id`, `user_id`, `sale_date`, `status`, `short_code`, `invoice_number`, `note`): API 2.0 answers `{"data": ...}` (lists add
 * `{"version": {"min", "max"}}`), errors `{"error": "...", "message": "..."}` (the rate-limit
 * body is the one the docs show). The sale is the API 1.0 register sale, the shape webhooks carry.
 */

export function retailError(status: number, error: string, message: string, headers: Record<string, string> = {}): LightspeedSandboxHttpError {
  return new LightspeedSandboxHttpError(status, { error, message }, headers);
}

/** X-Series webhook types (X-Series OpenAPI WebhookType enum). The sandbox fires `sale.update`. */
export const RETAIL_WEBHOOK_TYPES = [
  'sale.update',
  'product.update',
  'customer.update',
  'inventory.update',
  'register_closure.create',
  'consignment.send',
  'consignment.receive',
];

export interface RetailWebhook {
  id: string;
  url: string;
  active: boolean;
  type: string;
}

export function parseRetailWebhook(body: Record<string, unknown>, id: string): RetailWebhook {
  const problems: string[] = [];
  if (typeof body.type !== 'string' || !RETAIL_WEBHOOK_TYPES.includes(body.type)) problems.push(`type must be one of ${RETAIL_WEBHOOK_TYPES.join(', ')}`);
  if (typeof body.active !== 'boolean') problems.push('active (boolean) is required');
  let url = '';
  try {
    const u = new URL(String(body.url));
    if (u.protocol === 'http:' || u.protocol === 'https:') url = u.toString();
  } catch {
    /* reported below */
  }
  if (!url) problems.push('url must be an http(s) URL');
  if (problems.length) throw retailError(400, 'Bad Request', `Invalid webhook: ${problems.join('; ')}.`);
  return { id, url, active: body.active as boolean, type: body.type as string };
}

export interface SaleLine {
  id: string;
  product_id: string;
  quantity: number;
  price: number;
  tax: number;
  price_total: number;
  tax_total: number;
}

export interface RetailSale {
  id: string;
  outlet_id: string;
  register_id: string;
  user_id: string;
  customer_id: string | null;
  invoice_number: string;
  status: 'CLOSED' | 'SAVED' | 'VOIDED';
  /** "YYYY-MM-DD HH:mm:ss", UTC (UNCONFIRMED zone and format for the webhook's API 1.0 shape). */
  sale_date: string;
  created_at: string;
  updated_at: string;
  total_price: number;
  total_tax: number;
  register_sale_products: SaleLine[];
  /** One payment of the whole total (payment lines' inner fields UNCONFIRMED). */
  register_sale_payments: Array<{ id: string; retailer_payment_type_id: string; amount: number; payment_date: string }>;
  note: string;
  short_code: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function saleTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
}

/** The register of an outlet the sandbox books sales on (one id per outlet register). */
export function registerId(outlet: RetailOutlet, n = 1): string {
  return sandboxUuid(0x2e61, (Number.parseInt(outlet.id.slice(-12), 16) << 4) + n);
}

/** Builds a closed sale of `lines` at `outlet`; prices from the products, VAT 21% included. */
export function buildSale(args: {
  id: string;
  outlet: RetailOutlet;
  invoice: number;
  lines: Array<{ product: RetailProduct; quantity: number }>;
  now: number;
  lineId: (n: number) => string;
}): RetailSale {
  const at = saleTimestamp(args.now);
  const lines = args.lines.map(({ product, quantity }, n) => {
    const price = product.price_excluding_tax;
    const tax = round2(product.price_including_tax - product.price_excluding_tax);
    return { id: args.lineId(n), product_id: product.id, quantity, price, tax, price_total: round2(price * quantity), tax_total: round2(tax * quantity) };
  });
  return {
    id: args.id,
    outlet_id: args.outlet.id,
    register_id: registerId(args.outlet),
    user_id: sandboxUuid(0x05e1, 1),
    customer_id: null,
    invoice_number: String(args.invoice),
    status: 'CLOSED',
    sale_date: at,
    created_at: at,
    updated_at: at,
    total_price: round2(lines.reduce((s, l) => s + l.price_total, 0)),
    total_tax: round2(lines.reduce((s, l) => s + l.tax_total, 0)),
    register_sale_products: lines,
    register_sale_payments: [
      {
        id: args.lineId(99),
        retailer_payment_type_id: sandboxUuid(0x9a7, 1),
        amount: round2(lines.reduce((sum, l) => sum + l.price_total + l.tax_total, 0)),
        payment_date: at,
      },
    ],
    note: '',
    short_code: args.id.slice(-6),
  };
}

/**
 * The delivery body: `application/x-www-form-urlencoded` with `payload` = the JSON-encoded object,
 * plus `type`, `domain_prefix` and `environment` (the docs: "other fields may be present but are
 * not guaranteed"; their names and values here are UNCONFIRMED).
 */
export function webhookFormBody(type: string, payload: unknown, domainPrefix: string): string {
  return new URLSearchParams({ type, domain_prefix: domainPrefix, environment: 'prod', payload: JSON.stringify(payload) }).toString();
}

/** `X-Signature` as X-Series sends it: hex HMAC-SHA256 of the raw body keyed with the app's client secret. */
export function signRetailBody(rawBody: string, clientSecret: string): string {
  return `signature=${createHmac('sha256', clientSecret).update(rawBody).digest('hex')},algorithm=HMAC-SHA256`;
}

/** Version-paged list: records with version > `after`, ascending, at most `pageSize`. */
export function versionPage<T extends { version: number }>(
  all: readonly T[],
  after: number,
  pageSize: number,
): { data: T[]; version: { min: number; max: number } | null } {
  const data = all
    .filter((r) => r.version > after)
    .sort((a, b) => a.version - b.version)
    .slice(0, pageSize);
  return { data, version: data.length ? { min: data[0].version, max: data[data.length - 1].version } : null };
}

export type { RetailInventory, RetailOutlet, RetailProduct };
