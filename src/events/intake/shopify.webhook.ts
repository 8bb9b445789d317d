import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ShopifyCacheEffects } from '../../datasources/shopify/cache-effects';
import type { Logger } from '../../logger';
import { int, obj, optTime, parseJson } from './delivery-fields';
import type { EventLog } from '../log/event-log.types';
import type { NewEvent } from '../log/event.types';
import { verifyBase64Hmac } from './signature';
import { BadSignatureError, DEFAULT_WEBHOOK_BODY_LIMIT, MalformedDeliveryError, registerWebhookRoute } from './webhook-route';

export const SHOPIFY_INVENTORY_TOPIC = 'inventory_levels/update';

export interface ShopifyWebhookOptions {
  /** The app's client secret: Shopify signs deliveries with it. */
  secret: string;
  log: EventLog;
  logger: Logger;
  /** Default 256 KiB. */
  bodyLimitBytes?: number;
  /** Default '/webhooks/shopify'. */
  path?: string;
  /** The shared cache's receiver side; without it deliveries only feed the event log. */
  cache?: ShopifyCacheEffects;
}

/**
 * `POST /webhooks/shopify`: verifies `X-Shopify-Hmac-Sha256`, reads `inventory_levels/update`
 * into a `channelStockChanged` event, dedupes on `X-Shopify-Webhook-Id` and, when present,
 * `X-Shopify-Event-Id` (one event delivered to two subscriptions is stored once), appends, then
 * answers 200 `{ id, duplicate }`. Other topics get 202 and are not stored.
 */
export function registerShopifyWebhooks(app: FastifyInstance, opts: ShopifyWebhookOptions): void {
  if (!opts.secret) throw new TypeError('registerShopifyWebhooks: secret is required (the app client secret).');
  registerWebhookRoute(app, {
    path: opts.path ?? '/webhooks/shopify',
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT,
    logger: opts.logger,
    async handle(req, raw) {
      const hmac = header(req, 'x-shopify-hmac-sha256');
      if (!verifyBase64Hmac(raw, opts.secret, hmac)) throw new BadSignatureError('X-Shopify-Hmac-Sha256', !hmac);
      const topic = header(req, 'x-shopify-topic');
      const webhookId = header(req, 'x-shopify-webhook-id');
      if (!topic) throw new MalformedDeliveryError('The X-Shopify-Topic header is required.');
      if (!webhookId) throw new MalformedDeliveryError('The X-Shopify-Webhook-Id header is required.');
      const body = parseJson(raw);
      if (topic !== SHOPIFY_INVENTORY_TOPIC) {
        opts.logger.debug({ topic }, 'shopify webhook: topic not used, ignored');
        return { status: 202, body: { ignored: true, topic } };
      }
      const event = parseInventoryLevel(body, raw);
      // The cache first: by the time the event is in the log, no replica serves the old variant.
      if (opts.cache && event.topic === 'channelStockChanged') await opts.cache.inventoryChanged(event.payload.inventoryItemId);
      const eventId = header(req, 'x-shopify-event-id');
      const keys = [`shopify:webhook:${webhookId}`, ...(eventId ? [`shopify:event:${eventId}`] : [])];
      const { id, duplicate } = await opts.log.append(event, keys);
      opts.logger.debug({ topic, id, duplicate }, 'shopify webhook stored');
      return { status: 200, body: { id, duplicate } };
    },
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 200 ? s : undefined;
}

/**
 * Shopify's inventory item and location ids exceed 2^53, so JSON.parse rounds them. The digits are
 * taken from the raw text instead (the payload is flat, one occurrence of each key), after the
 * parsed body has been checked to have them as positive whole numbers. Shopify's ids are signed
 * 64-bit integers. `available` reaches subscribers as a GraphQL Int and may be negative
 * (an oversold item); `updated_at`, when present, must be a time with a zone.
 */
function parseInventoryLevel(body: unknown, raw: Buffer): NewEvent {
  const b = obj(body, 'body');
  const text = raw.toString('utf8');
  const bigId = (key: string): string => {
    const v = b[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new MalformedDeliveryError(`${key} must be a positive whole number.`);
    const m = new RegExp(`"${key}"\\s*:\\s*(\\d{1,20})(?![\\d.eE])`).exec(text);
    if (!m || /^0/.test(m[1]) || BigInt(m[1]) > MAX_SHOPIFY_ID) throw new MalformedDeliveryError(`${key} must be a whole number from 1 to 2^63-1.`);
    return m[1];
  };
  const available = b.available === null || b.available === undefined ? null : int(b.available, 'available');
  return {
    topic: 'channelStockChanged',
    payload: {
      channel: 'SHOPIFY',
      inventoryItemId: bigId('inventory_item_id'),
      locationId: bigId('location_id'),
      available,
      sku: null,
      occurredAt: optTime(b.updated_at, 'updated_at', 'UTC'),
    },
  };
}

/** Shopify's ids are signed 64-bit integers. */
const MAX_SHOPIFY_ID = 2n ** 63n - 1n;
