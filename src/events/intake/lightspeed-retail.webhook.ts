import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { COMPLETED_SALE_STATUSES, type TillSale } from '../../datasources/lightspeed-retail';
import type { Logger } from '../../logger';
import { INT_MAX, INT_MIN, list, obj, str } from './delivery-fields';
import type { TillSaleApplier } from './lightspeed-till-sale';
import { BadSignatureError, DEFAULT_WEBHOOK_BODY_LIMIT, MalformedDeliveryError, registerWebhookRoute } from './webhook-route';

/**
 * Lightspeed Retail X-Series webhooks: the receiver (`POST /webhooks/lightspeed-retail`) of
 * `sale.update`, whose completed sales lower Picqer stock (lightspeed-till-sale.ts).
 *
 * Signatures are required. X-Series signs deliveries only for OAuth apps (`X-Signature:
 * signature=<hex HMAC-SHA256 of the raw body>,algorithm=HMAC-SHA256`, keyed with the app's client
 * secret); a personal token's webhooks come unsigned. An unsigned delivery could be sent by anyone
 * who knows the URL, and each one lowers stock, so this receiver exists only with
 * LIGHTSPEED_RETAIL_WEBHOOK_SECRET and refuses what is not signed with it (401): connect the till
 * through an OAuth app. (Confirming an unsigned sale with `GET /sales/{id}` would trust the id
 * only, at one API call per delivery; the client has `getSale` for that, unused here.)
 */

export const LIGHTSPEED_SIGNATURE_HEADER = 'x-signature';
export const LIGHTSPEED_RETAIL_WEBHOOK_PATH = '/webhooks/lightspeed-retail';

export interface LightspeedRetailWebhookOptions {
  /** The OAuth app's client secret, the key of X-Signature. */
  secret: string;
  applier: TillSaleApplier;
  logger: Logger;
  /** Default 256 KiB. */
  bodyLimitBytes?: number;
  /** Default '/webhooks/lightspeed-retail'. */
  path?: string;
}

/**
 * `POST /webhooks/lightspeed-retail` (application/x-www-form-urlencoded, as X-Series posts):
 * verifies X-Signature over the raw body, reads the `payload` sale, and answers 200 only once
 * the sale is applied (or was before: `duplicate: true`). Lightspeed retries anything but a 2xx
 * for 48 hours, so a failure to reach Picqer answers 503. Other webhook types and unfinished
 * sales get 202.
 */
export function registerLightspeedRetailWebhooks(app: FastifyInstance, opts: LightspeedRetailWebhookOptions): void {
  if (!opts.secret) throw new TypeError('registerLightspeedRetailWebhooks: secret is required (the OAuth client secret X-Series signs with).');
  registerWebhookRoute(app, {
    path: opts.path ?? LIGHTSPEED_RETAIL_WEBHOOK_PATH,
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT,
    contentType: 'application/x-www-form-urlencoded',
    logger: opts.logger,
    async handle(req, raw) {
      const header = req.headers[LIGHTSPEED_SIGNATURE_HEADER];
      const signature = Array.isArray(header) ? header[0] : header;
      if (!verifyLightspeedSignature(raw, opts.secret, signature)) throw new BadSignatureError('X-Signature', !signature);
      const form = new URLSearchParams(raw.toString('utf8'));
      const type = form.get('type');
      if (type !== 'sale.update') return { status: 202, body: { ignored: true, type } };
      const sale = parseSalePayload(form.get('payload'));
      if (!COMPLETED_SALE_STATUSES.includes(sale.status)) return { status: 202, body: { ignored: true, status: sale.status } };
      const result = await opts.applier.apply(sale);
      opts.logger.debug({ saleId: sale.id, ...result }, 'lightspeed till sale');
      return { status: 200, body: { saleId: sale.id, ...result } };
    },
  });
}

/**
 * Checks `signature=<hex>,algorithm=HMAC-SHA256` against the HMAC-SHA256 of `raw` keyed with
 * `secret`, in constant time (both sides 32 bytes before comparing).
 */
export function verifyLightspeedSignature(raw: Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim()] as const;
    }),
  );
  const hex = parts.get('signature') ?? '';
  if ((parts.get('algorithm') ?? 'HMAC-SHA256').toUpperCase() !== 'HMAC-SHA256' || !/^[0-9a-f]{64}$/i.test(hex)) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), createHmac('sha256', secret).update(raw).digest());
}

/**
 * A sold quantity: any finite number within GraphQL Int's range. A fractional one (a product sold
 * by weight) is read, not refused, so the rest of its sale still applies; the applier reports it.
 */
function quantity(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < INT_MIN || v > INT_MAX) {
    throw new MalformedDeliveryError(`${path} must be a number from ${INT_MIN} to ${INT_MAX}.`);
  }
  return v;
}

/** Most lines one sale may have; a till receipt has a handful. */
const MAX_LINES = 1000;
/** X-Series ids are UUIDs; a little room for other forms. */
const MAX_ID = 64;

/**
 * The `payload` field: the API 1.0 sale as JSON. Only what is applied is validated (ids, status,
 * lines' product ids and whole quantities); every 400 names the field, never its value.
 */
export function parseSalePayload(text: string | null): TillSale {
  if (text === null) throw new MalformedDeliveryError('payload is required: the sale as JSON.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MalformedDeliveryError('payload is not valid JSON.');
  }
  const d = obj(body, 'payload');
  const items = d.register_sale_products ?? d.line_items;
  const field = d.register_sale_products !== undefined ? 'payload.register_sale_products' : 'payload.line_items';
  if (items === undefined) throw new MalformedDeliveryError('payload.register_sale_products must be an array of sale lines.');
  const lines = list(items, field, MAX_LINES).map((raw, i) => {
    const l = obj(raw, `${field}[${i}]`);
    return {
      key: l.id === undefined || l.id === null ? `#${i}` : str(l.id, `${field}[${i}].id`, MAX_ID),
      productId: str(l.product_id, `${field}[${i}].product_id`, MAX_ID),
      quantity: quantity(l.quantity, `${field}[${i}].quantity`),
      sku: typeof l.sku === 'string' && l.sku.trim() !== '' ? l.sku : null,
    };
  });
  return { id: str(d.id, 'payload.id', MAX_ID), outletId: str(d.outlet_id, 'payload.outlet_id', MAX_ID), status: str(d.status, 'payload.status', 40), lines };
}
