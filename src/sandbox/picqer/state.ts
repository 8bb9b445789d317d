import type { Logger } from 'pino';
import { SlidingWindowRateLimiter } from './rate-limiter';
import { seedPicqerData } from './seed';
import { PicqerSimulator } from './simulator';
import { RequestStats } from './stats';
import { StockHistory, type StockChange } from './stock-history';
import { PicqerStore, type ProductRef } from './store';
import { WebhookDispatcher, type DeliveryStats } from './webhooks';
import type { OrderRecord, PicklistRecord, StockRecord } from './model';
import { WarehouseData } from './warehouse-data';
import { seedWarehouse } from './warehouse-seed';

/**
 * Programmatic access to a running Picqer sandbox: its data, the operations the control surface
 * offers (move stock, close picklists, change order status, simulator), rate limit, latency and
 * fault settings, and the counters. Tests use this; `/__sandbox/*` is a thin layer over it.
 */

/** Faults injected into the next API requests (a new setting replaces the old). */
export interface PicqerSandboxFaults {
  /** Answer the next `count` requests with this status (e.g. 503) and a Picqer error body. */
  status?: number;
  /** How many requests `status` or `timeoutMs` applies to. Default 1. */
  count?: number;
  /** Hang the next `count` requests this long, then close the connection without an answer. */
  timeoutMs?: number;
  /** Answer the next N requests with 429 and Picqer error code 28 (what a rate-limit 429 carries). */
  storm429?: number;
  /**
   * Send `Retry-After` with this many seconds on the storm429 answers. Default: like the rate
   * limiter's own 429s, i.e. none unless the sandbox runs with `retryAfterOn429` (then 1).
   */
  retryAfterSeconds?: number;
  /** Only requests whose path starts with this (e.g. "/api/v1/orders/1") get the faults. Default: all. */
  path?: string;
}

/** What `/__sandbox/stats` reports. */
export interface PicqerSandboxStats {
  total: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  served429: number;
  /** The most requests of one key served inside any window of `windowMs` since the last reset. */
  maxInWindow: number;
  limit: number;
  windowMs: number;
  latencyMs: number;
  webhooks: DeliveryStats;
  simulator: { picksPerMinute: number; picks: number };
  /** Entries in the stock history, its bound, and how many old ones the bound has dropped. */
  stockHistory: { size: number; max: number; dropped: number };
}

export interface PicqerSandboxStateOptions {
  rateLimitPerMinute: number;
  rateWindowMs: number;
  products: number;
  orders: number;
  seed: number;
  latencyMs: number;
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  logger?: Logger;
  /** Clock for every time the sandbox writes (`updated`, `closed_at`, `event_triggered_at`). Default Date.now. */
  now?: () => number;
  /** Zone those times are written in. Default DEFAULT_PICQER_TIME_ZONE. */
  timeZone?: string;
  /** Bound of the stock history. Default DEFAULT_STOCK_HISTORY_MAX (100,000). */
  stockHistoryMax?: number;
  /** Send Retry-After on rate-limit 429s. Default false (UNCONFIRMED that Picqer sends it). */
  retryAfterOn429?: boolean;
  /** Virtual compositions (bundles) seeded after the catalog's products. Default 0. */
  bundles?: number;
  /** Stock on named locations in GET /products/{id}/stock/{idwarehouse}. Default false. */
  locations?: boolean;
}

/** The fault counters as the request pipeline consumes them. */
export interface ActiveFaults {
  status: number;
  timeoutMs: number;
  remaining: number;
  storm429: number;
  /** null: follow `retryAfterOn429`. */
  retryAfterSeconds: number | null;
  path: string;
}

export class PicqerSandboxState {
  readonly store: PicqerStore;
  readonly hooks: WebhookDispatcher;
  /** Parts, purchase orders, suppliers, shipments, backorders and locations (warehouse-data.ts). */
  readonly warehouse: WarehouseData;
  readonly limiter: SlidingWindowRateLimiter;
  readonly requests = new RequestStats();
  readonly simulator: PicqerSimulator;
  latencyMs: number;
  /** Whether rate-limit 429s carry Retry-After (seconds until a slot frees). */
  retryAfterOn429: boolean;
  readonly faults: ActiveFaults = { status: 0, timeoutMs: 0, remaining: 0, storm429: 0, retryAfterSeconds: null, path: '' };

  constructor(opts: PicqerSandboxStateOptions) {
    const now = opts.now ?? Date.now;
    this.hooks = new WebhookDispatcher({
      retryDelaysMs: opts.webhookRetryDelaysMs,
      timeoutMs: opts.webhookTimeoutMs,
      logger: opts.logger,
      now,
      timeZone: opts.timeZone,
    });
    const history = new StockHistory(opts.stockHistoryMax);
    const seed = seedPicqerData(opts);
    const extra = seedWarehouse(seed, { bundles: opts.bundles ?? 0, seed: opts.seed, now, timeZone: opts.timeZone });
    this.store = new PicqerStore(seed, (e) => this.hooks.dispatch(e.event, e.data), now, opts.timeZone, history);
    this.warehouse = new WarehouseData(this.store, extra, (event, data) => this.hooks.dispatch(event, data), now, opts.timeZone, opts.locations);
    this.limiter = new SlidingWindowRateLimiter(opts.rateLimitPerMinute, opts.rateWindowMs);
    this.simulator = new PicqerSimulator(this.store, opts.seed);
    this.latencyMs = opts.latencyMs;
    this.retryAfterOn429 = opts.retryAfterOn429 ?? false;
  }

  get products() {
    return this.store.products;
  }
  get orders() {
    return this.store.orders;
  }
  get picklists() {
    return this.store.picklists;
  }
  get warehouses() {
    return this.store.warehouses;
  }
  get customers() {
    return this.store.customers;
  }

  /**
   * Every stock change at or after `since` (epoch ms on the sandbox's clock), of one product when
   * `idproduct` is given, oldest first: GET /__sandbox/stock-history.
   */
  stockHistory(since = 0, idproduct?: number): StockChange[] {
    return this.store.history.since(since, idproduct);
  }

  /** Adds `change` (may be negative) to a product's stock in a warehouse; fires products.stock_changed and products.free_stock_changed. */
  moveStock(ref: ProductRef, idwarehouse: number, change: number): StockRecord {
    return this.store.changeStock(ref, idwarehouse, { change });
  }

  /** Closes an open picklist (stock goes down; fires picklists.closed, free-stock and order events). */
  closePicklist(idpicklist: number): PicklistRecord {
    return this.store.closePicklist(idpicklist);
  }

  /** Sets an order's status (fires orders.status_changed, and orders.completed when completed). */
  setOrderStatus(idorder: number, status: string): OrderRecord {
    return this.store.setOrderStatus(idorder, status);
  }

  /** Changes the per-key limit at once; the next answer's X-RateLimit-Limit shows it. */
  setRateLimit(limit: number): void {
    this.limiter.setLimit(limit);
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new RangeError(`latencyMs must be 0..600000, got ${ms}`);
    this.latencyMs = ms;
  }

  /** Replaces the injected faults; `{}` clears them. */
  setFaults(f: PicqerSandboxFaults): void {
    const count = f.count ?? 1;
    for (const [k, v] of Object.entries({
      status: f.status ?? 0,
      count,
      timeoutMs: f.timeoutMs ?? 0,
      storm429: f.storm429 ?? 0,
      retryAfterSeconds: f.retryAfterSeconds ?? 0,
    })) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`faults.${k} must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
    if (f.status !== undefined && (f.status < 100 || f.status > 599)) throw new RangeError(`faults.status must be an HTTP status 100..599, got ${f.status}`);
    if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/')))
      throw new RangeError(`faults.path must start with "/", got ${JSON.stringify(f.path)}`);
    this.faults.status = f.status ?? 0;
    this.faults.timeoutMs = f.timeoutMs ?? 0;
    this.faults.remaining = f.status || f.timeoutMs ? count : 0;
    this.faults.storm429 = f.storm429 ?? 0;
    this.faults.retryAfterSeconds = f.retryAfterSeconds ?? null;
    this.faults.path = f.path ?? '';
  }

  /** Starts (or with 0 stops) the simulator. */
  setSimulator(picksPerMinute: number): void {
    this.simulator.setRate(picksPerMinute);
  }

  stats(): PicqerSandboxStats {
    const r = this.requests;
    return {
      total: r.total,
      byPath: { ...r.byPath },
      byStatus: { ...r.byStatus },
      served429: r.served429,
      maxInWindow: this.limiter.maxInWindow,
      limit: this.limiter.currentLimit,
      windowMs: this.limiter.windowMs,
      latencyMs: this.latencyMs,
      webhooks: this.hooks.stats(),
      simulator: { picksPerMinute: this.simulator.picksPerMinute, picks: this.simulator.picks },
      stockHistory: { size: this.store.history.size, max: this.store.history.max, dropped: this.store.history.dropped },
    };
  }

  /** Zeroes the request counters and maxInWindow (not the rate budgets, not the delivery counters). */
  resetStats(): void {
    this.requests.reset();
    this.limiter.resetStats();
  }

  /** Resolves once every queued webhook delivery has finished (succeeded or given up). */
  whenDeliveriesIdle(): Promise<void> {
    return this.hooks.whenIdle();
  }

  close(): void {
    this.simulator.stop();
    this.hooks.close();
  }
}
