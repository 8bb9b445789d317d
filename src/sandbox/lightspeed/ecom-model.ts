import { createHash } from 'node:crypto';
import { LightspeedSandboxHttpError } from './http';
import type { EcomProduct, EcomVariant } from './seed';
import { ecomTime } from './seed';

/**
 * Lightspeed eCom (C-Series) wire shapes and the body rules of the sandbox. Answers wrap the
 * resource in its name (`{"variant": {...}}`, `{"variants": [...]}`, `{"count": n}`) as the
 * official PHP client (WebshopappApiClient) unwraps them; errors are `{"error": {..., "message"}}`,
 * the field that client reads.
 */

/** An eCom error answer: the client reads `error.message`; `code`, `method` and `request` are UNCONFIRMED. */
export function ecomError(status: number, message: string, headers: Record<string, string> = {}): LightspeedSandboxHttpError {
  return new LightspeedSandboxHttpError(status, { error: { code: status, method: '', request: '', message } }, headers);
}

/** A relation as eCom writes it: `{"resource": {"id", …}}` (the `url` and `link` beside `id` are UNCONFIRMED). */
function resource(base: string, lang: string, path: string, id: number): Record<string, unknown> {
  return { resource: { id, url: path, link: `${base}/${lang}/${path}.json` } };
}

export function variantWire(v: EcomVariant, base: string, lang: string): Record<string, unknown> {
  return {
    id: v.id,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    isDefault: v.isDefault,
    sortOrder: v.sortOrder,
    articleCode: v.articleCode,
    ean: v.ean,
    sku: v.sku,
    title: v.title,
    priceExcl: v.priceExcl,
    priceIncl: v.priceIncl,
    priceCost: v.priceCost,
    stockTracking: v.stockTracking,
    stockLevel: v.stockLevel,
    stockAlert: v.stockAlert,
    stockMinimum: v.stockMinimum,
    stockSold: v.stockSold,
    product: resource(base, lang, `products/${v.productId}`, v.productId),
  };
}

export function productWire(p: EcomProduct, base: string, lang: string): Record<string, unknown> {
  return {
    id: p.id,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    isVisible: p.isVisible,
    visibility: p.visibility,
    url: p.url,
    title: p.title,
    fulltitle: p.fulltitle,
    description: p.description,
    variants: { resource: { id: false, url: `variants?product=${p.id}`, link: `${base}/${lang}/variants.json?product=${p.id}` } },
  };
}

/** Keeps only the `fields=` the caller asked for (comma list; unknown names are ignored). */
export function pickFields(o: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return o;
  const keep = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k)));
}

const WRITABLE_VARIANT_FIELDS = ['stockLevel', 'stockTracking', 'stockAlert', 'stockMinimum', 'priceExcl', 'priceIncl'] as const;
const STOCK_TRACKING = ['enabled', 'disabled', 'indicator'];

/**
 * Applies a `PUT /variants/{id}.json` body `{"variant": {...}}`. Only the fields a stock or price
 * sync sends are accepted; anything else is refused naming it (UNCONFIRMED: eCom may ignore
 * unknown fields). Returns whether a value changed.
 */
export function applyVariantUpdate(v: EcomVariant, body: Record<string, unknown>, now: number): boolean {
  const input = body.variant;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw ecomError(400, 'The body must be {"variant": {...}} with the fields to change.');
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !(WRITABLE_VARIANT_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw ecomError(400, `Unknown or read-only variant fields: ${unknown.join(', ')}; writable: ${WRITABLE_VARIANT_FIELDS.join(', ')}.`);
  const problems: string[] = [];
  for (const k of ['stockLevel', 'stockAlert', 'stockMinimum'] as const) {
    if (k in fields && !Number.isInteger(fields[k])) problems.push(`${k} must be a whole number`);
  }
  for (const k of ['priceExcl', 'priceIncl'] as const) {
    if (k in fields && (typeof fields[k] !== 'number' || fields[k] < 0)) problems.push(`${k} must be a number ≥ 0`);
  }
  if ('stockTracking' in fields && !STOCK_TRACKING.includes(fields.stockTracking as string)) {
    problems.push(`stockTracking must be one of ${STOCK_TRACKING.join(', ')}`);
  }
  if (problems.length) throw ecomError(400, `Invalid variant: ${problems.join('; ')}.`);
  let changed = false;
  for (const k of WRITABLE_VARIANT_FIELDS) {
    if (!(k in fields) || v[k] === fields[k]) continue;
    (v as unknown as Record<string, unknown>)[k] = fields[k];
    changed = true;
  }
  if (changed) v.updatedAt = ecomTime(now);
  return changed;
}

/** eCom webhook subscription (the wire shape; the sandbox keeps nothing secret in it). */
export interface EcomWebhook {
  id: number;
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  itemGroup: string;
  itemAction: string;
  language: string;
  format: 'json';
  address: string;
}

/** Item groups eCom documents (EC-JAVA `Webhook.ItemGroup`); the sandbox fires only `variants`. */
export const ECOM_ITEM_GROUPS = [
  'customers',
  'orders',
  'invoices',
  'shipments',
  'products',
  'variants',
  'quotes',
  'reviews',
  'returns',
  'subscriptions',
  'tickets',
  'contacts',
];
export const ECOM_ITEM_ACTIONS = ['*', 'created', 'updated', 'deleted'];

export function parseEcomWebhook(body: Record<string, unknown>, id: number, languages: readonly string[], now: number): EcomWebhook {
  const w = body.webhook as Record<string, unknown> | undefined;
  if (!w || typeof w !== 'object') throw ecomError(400, 'The body must be {"webhook": {isActive, itemGroup, itemAction, language, format, address}}.');
  const problems: string[] = [];
  if (typeof w.itemGroup !== 'string' || !ECOM_ITEM_GROUPS.includes(w.itemGroup)) problems.push(`itemGroup must be one of ${ECOM_ITEM_GROUPS.join(', ')}`);
  if (typeof w.itemAction !== 'string' || !ECOM_ITEM_ACTIONS.includes(w.itemAction)) problems.push(`itemAction must be one of ${ECOM_ITEM_ACTIONS.join(', ')}`);
  if (typeof w.language !== 'string' || !languages.includes(w.language))
    problems.push(`language must be one of the shop's languages (${languages.join(', ')})`);
  if (w.format !== 'json') problems.push('format must be "json" (the sandbox does not send XML)');
  let address = '';
  try {
    const u = new URL(String(w.address));
    if (u.protocol === 'http:' || u.protocol === 'https:') address = u.toString();
  } catch {
    /* reported below */
  }
  if (!address) problems.push('address must be an http(s) URL');
  if (w.isActive !== undefined && typeof w.isActive !== 'boolean') problems.push('isActive must be a boolean');
  if (problems.length) throw ecomError(400, `Invalid webhook: ${problems.join('; ')}.`);
  const at = ecomTime(now);
  return {
    id,
    createdAt: at,
    updatedAt: at,
    isActive: (w.isActive as boolean | undefined) ?? true,
    itemGroup: w.itemGroup as string,
    itemAction: w.itemAction as string,
    language: w.language as string,
    format: 'json',
    address,
  };
}

/** What eCom puts in `X-Signature`: md5 (hex) of the raw body followed by the app secret. */
export function signEcomBody(rawBody: string, secret: string): string {
  return createHash('md5')
    .update(rawBody + secret)
    .digest('hex');
}
