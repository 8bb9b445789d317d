import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CatalogProduct } from '../catalog';
import type { SandboxRequests } from '../requests';
import type { SandboxFault } from './http';
import { applyVariantUpdate, ecomError, parseEcomWebhook, signEcomBody, variantWire, type EcomWebhook } from './ecom-model';
import { seedEcom, type EcomProduct, type EcomVariant } from './seed';
import { SignedWebhookDispatcher, type WebhookStats } from './webhooks';
import { MultiWindowLimiter, type WindowDecision, type WindowSpec } from './windows';

/** What the eCom state is built from (the validated start options). */
export interface EcomStateOptions {
  latencyMs: number;
  retryAfterOn429: boolean;
  webhookSecret: string;
  shopId: number;
  /** `X-Cluster-Id` of deliveries: 'eu1' or 'us1'. */
  clusterId: 'eu1' | 'us1';
  now: () => number;
  retryDelays: readonly number[];
  windows: readonly WindowSpec[];
  webhookTimeoutMs?: number;
  products?: number;
  seed?: number;
  baseStock?: (p: CatalogProduct) => number;
  logger?: Logger;
}

export interface LightspeedEcomStats extends SandboxRequests {
  byPath: Record<string, number>;
  /** 429s answered, and per window (same order as `rateLimits`) how many were refused by it. */
  served429: number;
  served429ByWindow: number[];
  faultsServed: number;
  stockUpdates: number;
  webhooks: WebhookStats;
  windows: ReturnType<MultiWindowLimiter['peek']>;
}

/** The sandbox's data and settings; the control surface and tests act on it. */
export class LightspeedEcomState {
  products: EcomProduct[] = [];
  variants: EcomVariant[] = [];
  hooks: EcomWebhook[] = [];
  faults: SandboxFault[] = [];
  latencyMs: number;
  retryAfterOn429: boolean;
  /** Delays before each webhook retry (their count is the number of retries). */
  retryDelays: readonly number[];
  readonly limiter: MultiWindowLimiter;
  readonly dispatcher: SignedWebhookDispatcher;
  private nextHookId = 1;
  private counters = this.emptyCounters();

  constructor(private readonly o: EcomStateOptions) {
    this.latencyMs = o.latencyMs;
    this.retryAfterOn429 = o.retryAfterOn429;
    this.limiter = new MultiWindowLimiter(o.windows, o.now);
    this.retryDelays = o.retryDelays;
    this.dispatcher = new SignedWebhookDispatcher({
      name: 'lightspeed ecom sandbox',
      retryDelaysMs: () => this.retryDelays,
      timeoutMs: o.webhookTimeoutMs ?? 5000,
      logger: o.logger,
    });
    this.reseed();
  }

  get now(): number {
    return this.o.now();
  }

  /** Fresh data and the settings of the start: no hooks, no faults, empty windows and counters. */
  reseed(): void {
    this.latencyMs = this.o.latencyMs;
    this.retryAfterOn429 = this.o.retryAfterOn429;
    this.limiter.configure(this.o.windows);
    this.retryDelays = this.o.retryDelays;
    const { products, variants } = seedEcom({ products: this.o.products, seed: this.o.seed, baseStock: this.o.baseStock });
    this.products = products;
    this.variants = variants;
    this.hooks = [];
    this.faults = [];
    this.dispatcher.cancel();
    this.resetStats();
  }

  variantBySku(sku: string): EcomVariant | undefined {
    return this.variants.find((v) => v.sku === sku);
  }

  /** Sets a variant's stockLevel from the control surface (as a merchant would in the back office) and fires the webhook. */
  setStockLevel(sku: string, stockLevel: number): EcomVariant {
    const v = this.variantBySku(sku);
    if (!v) throw ecomError(404, `No variant with sku "${sku}".`);
    if (!Number.isInteger(stockLevel)) throw ecomError(400, `stockLevel must be a whole number, got ${String(stockLevel)}.`);
    if (applyVariantUpdate(v, { variant: { stockLevel } }, this.now)) this.variantChanged(v);
    return v;
  }

  /** Fires `variants`/`updated` to every active hook that wants it, signed as eCom signs. */
  variantChanged(v: EcomVariant, origin = 'http://sandbox.invalid'): void {
    this.counters.stockUpdates++;
    for (const h of this.hooks) {
      if (!h.isActive || h.itemGroup !== 'variants' || (h.itemAction !== '*' && h.itemAction !== 'updated')) continue;
      const body = JSON.stringify({ variant: variantWire(v, origin, h.language) });
      this.dispatcher.send({
        url: h.address,
        body,
        headers: {
          'content-type': 'application/json',
          'x-signature': signEcomBody(body, this.o.webhookSecret),
          // The headers a delivery carries (EC-JAVA: X-Shop-Id, X-Cluster-Id, X-Event "group/action",
          // X-Format, X-Language, X-Request-Id); one request id per delivery, kept on its retries.
          'x-shop-id': String(this.o.shopId),
          'x-cluster-id': this.o.clusterId,
          'x-event': 'variants/updated',
          'x-format': 'json',
          'x-language': h.language,
          'x-request-id': randomUUID(),
        },
      });
    }
  }

  /** Registers a subscription from a `POST /webhooks.json` body (400 naming what is wrong). */
  addHook(body: Record<string, unknown>, languages: readonly string[]): EcomWebhook {
    const h = parseEcomWebhook(body, this.nextHookId++, languages, this.now);
    this.hooks.push(h);
    return h;
  }

  record(path: string, status: number): void {
    this.counters.total++;
    this.counters.byStatus[String(status)] = (this.counters.byStatus[String(status)] ?? 0) + 1;
    this.counters.byPath[path] = (this.counters.byPath[path] ?? 0) + 1;
  }

  refused(d: WindowDecision): void {
    this.counters.served429++;
    for (const i of d.exceeded) this.counters.served429ByWindow[i] = (this.counters.served429ByWindow[i] ?? 0) + 1;
  }

  faultServed(): void {
    this.counters.faultsServed++;
  }

  stats(): LightspeedEcomStats {
    return {
      ...this.counters,
      byStatus: { ...this.counters.byStatus },
      byPath: { ...this.counters.byPath },
      served429ByWindow: this.limiter.windows.map((_, i) => this.counters.served429ByWindow[i] ?? 0),
      webhooks: this.dispatcher.stats(),
      windows: this.limiter.peek(),
    };
  }

  resetStats(): void {
    this.counters = this.emptyCounters();
    this.dispatcher.resetStats();
  }

  private emptyCounters() {
    return {
      total: 0,
      byStatus: {} as Record<string, number>,
      byPath: {} as Record<string, number>,
      served429: 0,
      served429ByWindow: [] as number[],
      faultsServed: 0,
      stockUpdates: 0,
    };
  }
}
