import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { SandboxLevel } from './state';

/**
 * Shopify-style webhook deliveries: JSON body signed with base64 HMAC-SHA256 of the raw bytes
 * (key = app secret) in `X-Shopify-Hmac-Sha256`, plus topic, shop, API version and delivery ids.
 * Delivery is one attempt per target; the sandbox counts failures instead of retrying for hours.
 */

export interface WebhookDelivery {
  target: string;
  topic: string;
  webhookId: string;
  status: number | null;
}

/** The `inventory_levels/update` payload (REST-style, numeric ids, no SKU — like the real one). */
export function inventoryLevelPayload(level: SandboxLevel): Record<string, unknown> {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`,
  };
}

/** base64 HMAC-SHA256 of the raw body: what `X-Shopify-Hmac-Sha256` carries. */
export function signShopifyBody(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export interface SendOptions {
  targets: string[];
  secret: string;
  shopDomain: string;
  apiVersion: string;
  timeoutMs?: number;
}

/** Posts one event to every target; resolves when all attempts are done. */
export async function sendWebhook(topic: string, payload: unknown, o: SendOptions): Promise<WebhookDelivery[]> {
  const body = JSON.stringify(payload);
  const eventId = randomUUID();
  return Promise.all(
    o.targets.map(async (target): Promise<WebhookDelivery> => {
      const webhookId = randomUUID();
      try {
        const res = await request(target, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': topic,
            'x-shopify-hmac-sha256': signShopifyBody(body, o.secret),
            'x-shopify-shop-domain': o.shopDomain,
            'x-shopify-api-version': o.apiVersion,
            'x-shopify-webhook-id': webhookId,
            'x-shopify-event-id': eventId,
            'x-shopify-triggered-at': new Date().toISOString(),
          },
          headersTimeout: o.timeoutMs ?? 5000,
          bodyTimeout: o.timeoutMs ?? 5000,
        });
        await res.body.dump();
        return { target, topic, webhookId, status: res.statusCode };
      } catch {
        return { target, topic, webhookId, status: null };
      }
    }),
  );
}
