import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { SandboxLevel } from './state';

/**
 * Shopify-style webhook deliveries: JSON body signed with base64 HMAC-SHA256 of the raw bytes
 * (key = app secret) in `X-Shopify-Hmac-Sha256`, plus topic, shop, API version and delivery ids.
 *
 * Retries follow Shopify's documented policy (changelog "Updates to webhook retry mechanism",
 * 2024-09-10; "Troubleshooting webhooks"): a delivery that is not answered 2xx within 5 s (1 s to
 * connect) is retried 8 times over 4 hours with exponential backoff, with the original payload,
 * to the address it was triggered for; when the retries are used up the subscription is removed.
 * A retry carries the same body, signature, `X-Shopify-Webhook-Id`, `X-Shopify-Event-Id` and
 * `X-Shopify-Triggered-At` as the first attempt. The exact delays are UNCONFIRMED (Shopify gives
 * only "8 times over 4 hours, exponential"): DEFAULT_RETRY_DELAYS_MS doubles from 1 minute and
 * ends at 4 h; tests pass milliseconds.
 */

/** 1, 2, 4, 8, 16, 32, 64 minutes, then the rest of the 4 hours (113 min). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 113].map((m) => m * 60_000);

export interface WebhookDelivery {
  target: string;
  topic: string;
  webhookId: string;
  /** The last attempt's HTTP status; null when it got no answer (refused, timed out). */
  status: number | null;
  /** Attempts made so far (1 = the first, no retry yet). */
  attempts: number;
}

export interface WebhookStats {
  /** Attempts answered 2xx. */
  sent: number;
  /** Attempts not answered 2xx in time. */
  failed: number;
  /** Attempts that were retries. */
  retried: number;
  /** Deliveries whose every attempt failed. */
  gaveUp: number;
  /** Targets removed after a delivery gave up. */
  removedTargets: string[];
}

export interface DispatcherOptions {
  secret: string;
  shopDomain: string;
  apiVersion: string;
  /** The current target list (read at trigger time). */
  targets: () => string[];
  /** Delays before each retry; their count is the number of retries. */
  retryDelaysMs: () => readonly number[];
  /** Called with a target whose delivery gave up (Shopify removes the subscription). */
  onGiveUp: (target: string) => void;
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

const emptyWebhookStats = (): WebhookStats => ({ sent: 0, failed: 0, retried: 0, gaveUp: 0, removedTargets: [] });

const ok = (d: WebhookDelivery): boolean => d.status !== null && d.status >= 200 && d.status < 300;

/** Sends events to the targets and retries failed deliveries on the schedule, until cancelled. */
export class WebhookDispatcher {
  stats: WebhookStats = emptyWebhookStats();
  private readonly agent = new Agent({ connect: { timeout: 1000 }, headersTimeout: 5000, bodyTimeout: 5000 });
  private firstAttempts: Array<Promise<WebhookDelivery[]>> = [];
  private readonly running = new Set<Promise<WebhookDelivery>>();
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();
  /** Bumped by cancel(): deliveries of an older generation stop retrying. */
  private generation = 0;

  constructor(private readonly o: DispatcherOptions) {}

  /** Posts one event to every target; resolves with the first attempts (retries go on in the background). */
  fire(topic: string, payload: unknown): Promise<WebhookDelivery[]> {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signShopifyBody(body, this.o.secret),
      'x-shopify-shop-domain': this.o.shopDomain,
      'x-shopify-api-version': this.o.apiVersion,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    };
    const first = Promise.all(this.o.targets().map((target) => this.deliver(target, topic, body, headers)));
    this.firstAttempts.push(first);
    return first;
  }

  /** The first attempts of every event fired since the last flush. */
  async flush(): Promise<WebhookDelivery[]> {
    const all = this.firstAttempts;
    this.firstAttempts = [];
    return (await Promise.all(all)).flat();
  }

  /** Resolves when every delivery has succeeded or used up its retries. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  resetStats(): void {
    this.stats = emptyWebhookStats();
  }

  /** Pending retries are dropped (a reset shop, or closing); attempts under way finish. */
  cancel(): void {
    this.generation++;
    for (const [timer, wake] of this.sleeping) {
      clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
  }

  async close(): Promise<void> {
    this.cancel();
    await this.settled();
    await this.agent.close();
  }

  /** One delivery: resolves after its first attempt; keeps retrying in `running` until done. */
  private deliver(target: string, topic: string, body: string, headers: Record<string, string>): Promise<WebhookDelivery> {
    const d: WebhookDelivery = { target, topic, webhookId: randomUUID(), status: null, attempts: 0 };
    const all = { ...headers, 'x-shopify-webhook-id': d.webhookId };
    const generation = this.generation;
    const first = this.attempt(d, body, all);
    const done = first.then(async () => {
      const delays = this.o.retryDelaysMs();
      for (let i = 0; !ok(d) && i < delays.length && generation === this.generation; i++) {
        await this.sleep(delays[i]);
        if (generation !== this.generation) break;
        this.stats.retried++;
        await this.attempt(d, body, all);
      }
      if (!ok(d) && generation === this.generation) {
        this.stats.gaveUp++;
        this.stats.removedTargets.push(target);
        this.o.onGiveUp(target);
      }
      return d;
    });
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    return first.then(() => ({ ...d }));
  }

  private async attempt(d: WebhookDelivery, body: string, headers: Record<string, string>): Promise<void> {
    d.attempts++;
    try {
      const res = await request(d.target, { method: 'POST', body, headers, dispatcher: this.agent });
      await res.body.dump();
      d.status = res.statusCode;
    } catch {
      d.status = null;
    }
    if (ok(d)) this.stats.sent++;
    else this.stats.failed++;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }
}
