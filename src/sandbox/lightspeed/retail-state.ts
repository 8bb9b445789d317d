import type { Logger } from 'pino';
import type { SandboxRequests } from '../requests';
import type { SandboxFault } from './http';
import { buildSale, parseRetailWebhook, retailError, signRetailBody, webhookFormBody, type RetailSale, type RetailWebhook } from './retail-model';
import { DEMO_OUTLETS, sandboxUuid, seedRetail, type RetailInventory, type RetailOutlet, type RetailProduct } from './seed';
import { SignedWebhookDispatcher, type WebhookStats } from './webhooks';
import { MultiWindowLimiter, type WindowSpec } from './windows';

/** What the X-Series state is built from (the validated start options). */
export interface RetailStateOptions {
  now: () => number;
  clientSecret: string;
  domainPrefix: string;
  window: WindowSpec;
  /** Sign deliveries (an OAuth app's webhooks); false: unsigned, as for a personal token's. */
  signWebhooks: boolean;
  latencyMs?: number;
  webhookRetryDelaysMs?: readonly number[];
  webhookTimeoutMs?: number;
  products?: number;
  seed?: number;
  logger?: Logger;
}

/**
 * "Retried up to 20 times over 48h … with exponential back-off" (X-Series webhooks page). The steps
 * are UNCONFIRMED: 1, 2, 4 … 128 minutes, then 12 equal waits that end the 48 hours.
 */
export const DEFAULT_RETAIL_RETRY_DELAYS_MS: readonly number[] = [
  ...[1, 2, 4, 8, 16, 32, 64, 128].map((m) => m * 60_000),
  ...Array.from({ length: 12 }, () => ((48 * 60 - 255) / 12) * 60_000),
];

/** A till sale asked of the control surface: lines by SKU (or product id). */
export interface TillSaleInput {
  /** Sale id; default a new one. Reusing one re-sends that sale unchanged (a duplicate delivery). */
  id?: string;
  /** Outlet id; default the first outlet. */
  outlet_id?: string;
  lines: Array<{ sku?: string; product_id?: string; quantity: number; adHoc?: boolean; name?: string }>;
}

export class LightspeedRetailState {
  products: RetailProduct[] = [];
  inventory: RetailInventory[] = [];
  sales: RetailSale[] = [];
  hooks: RetailWebhook[] = [];
  faults: SandboxFault[] = [];
  latencyMs: number;
  retryDelays: readonly number[];
  /** Whether deliveries carry `X-Signature` (see RetailStateOptions.signWebhooks). */
  signWebhooks: boolean;
  readonly limiter: MultiWindowLimiter;
  readonly dispatcher: SignedWebhookDispatcher;
  private version = 0;
  private serial = 0;
  /** Webhook ids count up for the life of the sandbox, so an id never names two subscriptions. */
  private hookSerial = 0;
  private counters = emptyCounters();

  constructor(private readonly o: RetailStateOptions) {
    this.latencyMs = o.latencyMs ?? 0;
    this.signWebhooks = o.signWebhooks;
    this.retryDelays = o.webhookRetryDelaysMs ?? DEFAULT_RETAIL_RETRY_DELAYS_MS;
    this.limiter = new MultiWindowLimiter([o.window], o.now);
    this.dispatcher = new SignedWebhookDispatcher({
      name: 'lightspeed retail sandbox',
      retryDelaysMs: () => this.retryDelays,
      timeoutMs: o.webhookTimeoutMs ?? 5000,
      logger: o.logger,
    });
    this.reseed();
  }

  get now(): number {
    return this.o.now();
  }

  /** Fresh data and the settings of the start: no sales, hooks or faults, an empty window, zero counters. */
  reseed(): void {
    this.latencyMs = this.o.latencyMs ?? 0;
    this.signWebhooks = this.o.signWebhooks;
    this.retryDelays = this.o.webhookRetryDelaysMs ?? DEFAULT_RETAIL_RETRY_DELAYS_MS;
    this.limiter.configure([this.o.window]);
    const s = seedRetail({ products: this.o.products, seed: this.o.seed });
    this.products = s.products;
    this.inventory = s.inventory;
    this.version = s.version;
    this.sales = [];
    this.hooks = [];
    this.faults = [];
    this.serial = 0;
    this.dispatcher.cancel();
    this.resetStats();
  }

  outlet(id: string | undefined): RetailOutlet {
    const o = id === undefined ? DEMO_OUTLETS[0] : DEMO_OUTLETS.find((x) => x.id === id);
    if (!o) throw retailError(404, 'Not Found', `Outlet ${String(id)} not found; outlets: ${DEMO_OUTLETS.map((x) => x.id).join(', ')}.`);
    return o;
  }

  productBySku(sku: string): RetailProduct | undefined {
    return this.products.find((p) => p.sku === sku);
  }

  /** Sets what an outlet holds of a product (a stock count at the till). */
  setInventory(sku: string, outletId: string | undefined, level: number): RetailInventory {
    const p = this.productBySku(sku);
    if (!p) throw retailError(404, 'Not Found', `No product with sku "${sku}".`);
    if (!Number.isInteger(level)) throw retailError(400, 'Bad Request', `inventory_level must be a whole number, got ${String(level)}.`);
    const row = this.row(p, this.outlet(outletId));
    row.inventory_level = level;
    row.version = ++this.version;
    this.fire('inventory.update', row);
    return row;
  }

  /**
   * Records a closed till sale: each line lowers the outlet's inventory (a till never refuses a
   * sale for stock), every active `sale.update` hook gets the sale and every `inventory.update`
   * hook each changed inventory row (its payload shape UNCONFIRMED: the API 2.0 row). With the id of a sale already
   * recorded, the same sale is delivered again without changing anything (a duplicate delivery).
   */
  recordSale(input: TillSaleInput): RetailSale {
    const known = input.id === undefined ? undefined : this.sales.find((s) => s.id === input.id);
    if (known) {
      this.fire('sale.update', known);
      return known;
    }
    const outlet = this.outlet(input.outlet_id);
    if (!Array.isArray(input.lines) || input.lines.length === 0)
      throw retailError(400, 'Bad Request', 'lines must be a non-empty list of {sku | product_id, quantity}.');
    const lines = input.lines.map((l, i) => {
      if (!Number.isInteger(l.quantity) || l.quantity === 0)
        throw retailError(400, 'Bad Request', `lines[${i}].quantity must be a non-zero whole number (negative: a return).`);
      let product = l.product_id !== undefined ? this.products.find((p) => p.id === l.product_id) : l.sku !== undefined ? this.productBySku(l.sku) : undefined;
      if (!product && l.adHoc && typeof l.sku === 'string') product = this.addAdHocProduct(l.sku, l.name);
      if (!product)
        throw retailError(
          404,
          'Not Found',
          `lines[${i}]: no product ${l.product_id ?? l.sku ?? '(neither sku nor product_id given)'}; pass adHoc: true to sell a product only the till knows.`,
        );
      return { product, quantity: l.quantity };
    });
    const n = ++this.serial;
    const sale = buildSale({
      id: input.id ?? sandboxUuid(0x5a1e, n),
      outlet,
      invoice: 1000 + n,
      lines,
      now: this.now,
      lineId: (k) => sandboxUuid(0x5a1e0, n * 100 + k),
    });
    for (const { product, quantity } of lines) {
      const row = this.row(product, outlet);
      row.inventory_level -= quantity;
      row.version = ++this.version;
    }
    this.sales.push(sale);
    this.counters.sales++;
    this.fire('sale.update', sale);
    // The docs: inventory.update fires "when the product is sold or its quantity is adjusted".
    for (const { product } of lines) this.fire('inventory.update', this.row(product, outlet));
    return sale;
  }

  record(path: string, status: number): void {
    this.counters.total++;
    this.counters.byStatus[String(status)] = (this.counters.byStatus[String(status)] ?? 0) + 1;
    this.counters.byPath[path] = (this.counters.byPath[path] ?? 0) + 1;
    if (status === 429) this.counters.served429++;
  }

  faultServed(): void {
    this.counters.faultsServed++;
  }

  stats(): LightspeedRetailStats {
    return {
      ...this.counters,
      byStatus: { ...this.counters.byStatus },
      byPath: { ...this.counters.byPath },
      webhooks: this.dispatcher.stats(),
      window: this.limiter.peek()[0],
    };
  }

  resetStats(): void {
    this.counters = emptyCounters();
    this.dispatcher.resetStats();
  }

  /** Registers a subscription from a `POST /webhooks` body (400 naming what is wrong). */
  addHook(body: Record<string, unknown>): RetailWebhook {
    const h = parseRetailWebhook(body, sandboxUuid(0x400c, ++this.hookSerial));
    this.hooks.push(h);
    return h;
  }

  private fire(type: string, payload: unknown): void {
    for (const h of this.hooks) {
      if (!h.active || h.type !== type) continue;
      const body = webhookFormBody(type, payload, this.o.domainPrefix);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      // Only webhooks of OAuth-authorised applications are signed (X-Series webhooks page).
      if (this.signWebhooks) headers['x-signature'] = signRetailBody(body, this.o.clientSecret);
      this.dispatcher.send({ url: h.url, body, headers });
    }
  }

  private row(p: RetailProduct, o: RetailOutlet): RetailInventory {
    let row = this.inventory.find((r) => r.product_id === p.id && r.outlet_id === o.id);
    if (!row) {
      row = {
        id: sandboxUuid(0x1f7ef, this.inventory.length + 1),
        outlet_id: o.id,
        product_id: p.id,
        inventory_level: 0,
        reorder_point: 0,
        reorder_amount: 0,
        version: ++this.version,
      };
      this.inventory.push(row);
    }
    return row;
  }

  private addAdHocProduct(sku: string, name?: string): RetailProduct {
    const at = new Date(this.now).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const p: RetailProduct = {
      id: sandboxUuid(0xad40c, this.products.length + 1),
      name: name ?? `Till-only product ${sku}`,
      handle: sku.toLowerCase(),
      sku,
      active: true,
      has_inventory: true,
      price_including_tax: 9.99,
      price_excluding_tax: 8.26,
      supply_price: 4,
      version: ++this.version,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    this.products.push(p);
    return p;
  }
}

export interface LightspeedRetailStats extends SandboxRequests {
  byPath: Record<string, number>;
  served429: number;
  faultsServed: number;
  sales: number;
  webhooks: WebhookStats;
  window: ReturnType<MultiWindowLimiter['peek']>[number];
}

function emptyCounters() {
  return { total: 0, byStatus: {} as Record<string, number>, byPath: {} as Record<string, number>, served429: 0, faultsServed: 0, sales: 0 };
}
