import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SandboxRequests } from '../requests';
import { bearerToken, intParam, LightspeedSandboxHttpError, parseFaults, readJsonObject, sendJson, takeFault, type SandboxFault } from './http';
import { buildSale, parseRetailWebhook, retailError, signRetailBody, versionPage, webhookFormBody, type RetailSale, type RetailWebhook } from './retail-model';
import { DEMO_OUTLETS, sandboxUuid, seedRetail, type RetailInventory, type RetailOutlet, type RetailProduct } from './seed';
import { SignedWebhookDispatcher, type WebhookStats } from './webhooks';
import { MultiWindowLimiter, type WindowSpec } from './windows';

/**
 * The Lightspeed Retail (X-Series) sandbox: `/api/2.0/*` with a Bearer token, the per-retailer
 * limit of 300 × registers + 50 requests per 5 minutes (`X-RateLimit-Limit/-Remaining`, 429 with
 * `Retry-After` as an HTTP date), version paging, outlets and inventory, and till sales whose
 * `sale.update` webhook is signed `X-Signature: signature=<hex>,algorithm=HMAC-SHA256` and retried.
 * Control surface under `/__sandbox`. See src/sandbox/README.md, "Lightspeed".
 */

export interface LightspeedRetailSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0. */
  port?: number;
  /** Accepted Bearer token (a personal token looks like `lsxs_pt_…`). Default 'lsxs_pt_sandbox_retail_token_0001'. */
  token?: string;
  /** The app's client secret: the key of webhook signatures. Default 'sandbox-retail-client-secret-0001'. */
  clientSecret?: string;
  /** Store's domain prefix ({prefix}.retail.lightspeed.app). Default 'picqer-gateway-demo'. */
  domainPrefix?: string;
  /** Requests per window. Default 300 × registers + 50 (registers over the outlets: 3 → 950). */
  rateLimit?: number;
  /** Default 300,000 (5 minutes). */
  rateWindowMs?: number;
  /** Default page_size of lists. Default 1,000 (UNCONFIRMED). Largest accepted: 10,000. */
  pageSize?: number;
  /** Catalog size. Default 2,000. */
  products?: number;
  /** Default 42. */
  seed?: number;
  /** Delays before each webhook retry; 20 retries by default (the docs: up to 20; spacing UNCONFIRMED). */
  webhookRetryDelaysMs?: readonly number[];
  /** A receiver must answer 2xx within this. Default 5,000 (documented). */
  webhookTimeoutMs?: number;
  /** Default 0. */
  latencyMs?: number;
  /** Clock for the window and the times written. Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface LightspeedRetailSandbox {
  origin: string;
  /** origin + '/api/2.0' (real: https://{domain_prefix}.retail.lightspeed.app/api/2.0). */
  baseUrl: string;
  token: string;
  clientSecret: string;
  domainPrefix: string;
  outlets: readonly RetailOutlet[];
  state: LightspeedRetailState;
  requests(): SandboxRequests;
  close(): Promise<void>;
}

export const DEFAULT_RETAIL_TOKEN = 'lsxs_pt_sandbox_retail_token_0001';
export const DEFAULT_RETAIL_CLIENT_SECRET = 'sandbox-retail-client-secret-0001';
/** 20 retries: 1 minute, then doubling to a 4-hour cap (spacing UNCONFIRMED; the count is documented). */
export const DEFAULT_RETAIL_RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 20 }, (_, i) => Math.min(2 ** i, 240) * 60_000);

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
  readonly limiter: MultiWindowLimiter;
  readonly dispatcher: SignedWebhookDispatcher;
  private version = 0;
  private serial = 0;
  private counters = emptyCounters();

  constructor(private readonly o: LightspeedRetailSandboxOptions & { now: () => number; clientSecret: string; domainPrefix: string; window: WindowSpec }) {
    this.latencyMs = o.latencyMs ?? 0;
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
    return row;
  }

  /**
   * Records a closed till sale: each line lowers the outlet's inventory (a till never refuses a
   * sale for stock) and every active `sale.update` hook gets it. With the id of a sale already
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

  addHook(body: Record<string, unknown>): RetailWebhook {
    const h = parseRetailWebhook(body, sandboxUuid(0x400c, this.hooks.length + 1 + this.serial * 1000));
    this.hooks.push(h);
    return h;
  }

  private fire(type: string, payload: unknown): void {
    for (const h of this.hooks) {
      if (!h.active || h.type !== type) continue;
      const body = webhookFormBody(type, payload, this.o.domainPrefix);
      this.dispatcher.send({
        url: h.url,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': signRetailBody(body, this.o.clientSecret) },
      });
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

/** Starts the X-Series sandbox and resolves once it listens. */
export async function startLightspeedRetailSandbox(opts: LightspeedRetailSandboxOptions = {}): Promise<LightspeedRetailSandbox> {
  const token = opts.token ?? DEFAULT_RETAIL_TOKEN;
  const clientSecret = opts.clientSecret ?? DEFAULT_RETAIL_CLIENT_SECRET;
  if (!/^\S+$/.test(token)) throw new RangeError('token must be a non-empty string without spaces');
  if (clientSecret === '') throw new RangeError('clientSecret must not be empty');
  const registers = DEMO_OUTLETS.reduce((s, o) => s + o.registers, 0);
  const window = { limit: opts.rateLimit ?? 300 * registers + 50, windowMs: opts.rateWindowMs ?? 300_000 };
  const pageSize = opts.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)
    throw new RangeError(`pageSize must be a whole number from 1 to 10,000, got ${pageSize}`);
  const domainPrefix = opts.domainPrefix ?? 'picqer-gateway-demo';
  const state = new LightspeedRetailState({ ...opts, now: opts.now ?? Date.now, clientSecret, domainPrefix, window });
  const ctx = { state, token, pageSize };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (err instanceof LightspeedSandboxHttpError) {
        if (!res.headersSent) sendJson(res, err.status, err.body, err.headers);
        return;
      }
      opts.logger?.error({ err }, 'lightspeed retail sandbox: unhandled error');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal Server Error', message: 'Internal error.' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const host = opts.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/api/2.0`,
    token,
    clientSecret,
    domainPrefix,
    outlets: DEMO_OUTLETS,
    state,
    requests: () => {
      const s = state.stats();
      return { total: s.total, byStatus: s.byStatus };
    },
    close: async () => {
      await state.dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Ctx {
  state: LightspeedRetailState;
  token: string;
  pageSize: number;
}

const API = '/api/2.0/';

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  const { state } = ctx;
  if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) return control(ctx, method, url.pathname.slice('/__sandbox'.length), req, res);
  const sub = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : null;
  const route = sub === null ? null : routeOf(method, sub);
  const routeKey = route ? `${method} ${API}${route.pattern}` : `${method} /*`;
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    state.record(routeKey, status);
    sendJson(res, status, body, headers);
  };
  const fault = takeFault(state.faults, url.pathname);
  if (fault !== null) {
    state.faultServed();
    return answer(fault, { error: 'Injected fault', message: `Injected fault: status ${fault}.` });
  }
  if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
  if (bearerToken(req.headers.authorization) !== ctx.token) {
    return answer(401, { error: 'Unauthorized', message: 'Send a valid token as "Authorization: Bearer <token>".' }, { 'www-authenticate': 'Bearer' });
  }
  const d = state.limiter.take();
  const w = d.windows[0];
  const headers: Record<string, string> = { 'x-ratelimit-limit': String(w.limit), 'x-ratelimit-remaining': String(w.remaining) };
  if (!d.allowed) {
    // Retry-After as an HTTP date (RFC 1123), as X-Series documents it.
    headers['retry-after'] = new Date(state.now + w.resetMs).toUTCString();
    return answer(429, { error: 'Too Many Requests', message: 'Rate limiting enforced' }, headers);
  }
  try {
    if (!route) throw retailError(404, 'Not Found', `No such endpoint: ${method} ${url.pathname}.`);
    const r = await route.run({ ctx, params: route.params, q: url.searchParams, req });
    answer(r.status, r.body, headers);
  } catch (err) {
    if (!(err instanceof LightspeedSandboxHttpError)) throw err;
    answer(err.status, err.body, { ...headers, ...err.headers });
  }
}

interface Args {
  ctx: Ctx;
  params: string[];
  q: URLSearchParams;
  req: IncomingMessage;
}
type Run = (a: Args) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

function routeOf(method: string, path: string): { pattern: string; params: string[]; run: Run } | null {
  const table: Array<[string, RegExp, string, Run]> = [
    ['GET', /^products$/, 'products', (a) => page(a, a.ctx.state.products)],
    ['GET', /^products\/([^/]+)$/, 'products/{id}', (a) => ({ status: 200, body: { data: findProduct(a) } })],
    [
      'GET',
      /^products\/([^/]+)\/inventory$/,
      'products/{id}/inventory',
      (a) => ({ status: 200, body: { data: a.ctx.state.inventory.filter((r) => r.product_id === findProduct(a).id) } }),
    ],
    ['GET', /^inventory$/, 'inventory', (a) => page(a, a.ctx.state.inventory)],
    ['GET', /^outlets$/, 'outlets', () => ({ status: 200, body: { data: DEMO_OUTLETS.map((o) => ({ id: o.id, name: o.name })) } })],
    ['GET', /^sales\/([^/]+)$/, 'sales/{id}', (a) => ({ status: 200, body: { data: findSale(a) } })],
    ['GET', /^webhooks$/, 'webhooks', (a) => ({ status: 200, body: { data: a.ctx.state.hooks } })],
    ['POST', /^webhooks$/, 'webhooks', async (a) => ({ status: 201, body: { data: a.ctx.state.addHook(await readBody(a)) } })],
    ['DELETE', /^webhooks\/([^/]+)$/, 'webhooks/{id}', deleteHook],
  ];
  let known: string | null = null;
  for (const [m, re, pattern, run] of table) {
    const hit = re.exec(path);
    if (!hit) continue;
    known = pattern;
    if (m === method) return { pattern, params: hit.slice(1), run };
  }
  if (known) {
    const pattern = known;
    return {
      pattern,
      params: [],
      run: () => {
        throw retailError(405, 'Method Not Allowed', `Method ${method} is not allowed on ${API}${pattern}.`);
      },
    };
  }
  return null;
}

function readBody(a: Args): Promise<Record<string, unknown>> {
  return readJsonObject(a.req, (reason) => retailError(400, 'Bad Request', `Invalid JSON: ${reason}.`));
}

function page<T extends { version: number }>(a: Args, all: readonly T[]): { status: number; body: unknown } {
  const bad = (msg: string) => retailError(400, 'Bad Request', `Invalid parameter: ${msg}.`);
  const pageSize = intParam(a.q, 'page_size', a.ctx.pageSize, 1, 10_000, bad);
  const after = intParam(a.q, 'after', 0, 0, Number.MAX_SAFE_INTEGER, bad);
  const p = versionPage(all, after, pageSize);
  return { status: 200, body: p.version ? p : { data: [] } };
}

function findProduct(a: Args): RetailProduct {
  const p = a.ctx.state.products.find((x) => x.id === a.params[0]);
  if (!p) throw retailError(404, 'Not Found', `Product ${a.params[0]} not found.`);
  return p;
}

function findSale(a: Args): RetailSale {
  const s = a.ctx.state.sales.find((x) => x.id === a.params[0]);
  if (!s) throw retailError(404, 'Not Found', `Sale ${a.params[0]} not found.`);
  return s;
}

function deleteHook(a: Args): { status: number; body: unknown } {
  const before = a.ctx.state.hooks.length;
  a.ctx.state.hooks = a.ctx.state.hooks.filter((h) => h.id !== a.params[0]);
  if (a.ctx.state.hooks.length === before) throw retailError(404, 'Not Found', `Webhook ${a.params[0]} not found.`);
  return { status: 204, body: undefined };
}

async function control(ctx: Ctx, method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = ctx;
  const body = method === 'GET' ? {} : await readJsonObject(req, (r) => new LightspeedSandboxHttpError(400, { error: r }));
  const key = `${method} ${path}`;
  if (key === 'GET /stats') return sendJson(res, 200, state.stats());
  if (key === 'POST /stats/reset') return (state.resetStats(), sendJson(res, 200, state.stats()));
  if (key === 'POST /reset') return (state.reseed(), sendJson(res, 200, { ok: true }));
  if (key === 'GET /config') return sendJson(res, 200, configOf(state));
  if (key === 'PUT /config' || key === 'POST /config') {
    if (body.latencyMs !== undefined) {
      if (!Number.isInteger(body.latencyMs) || (body.latencyMs as number) < 0)
        throw new LightspeedSandboxHttpError(400, { error: 'latencyMs must be a whole number ≥ 0' });
      state.latencyMs = body.latencyMs as number;
    }
    if (body.rateLimit !== undefined || body.rateWindowMs !== undefined) {
      const cur = state.limiter.windows[0];
      try {
        state.limiter.configure([
          { limit: (body.rateLimit as number | undefined) ?? cur.limit, windowMs: (body.rateWindowMs as number | undefined) ?? cur.windowMs },
        ]);
      } catch (e) {
        throw new LightspeedSandboxHttpError(400, { error: (e as Error).message });
      }
    }
    if (body.webhookRetryDelaysMs !== undefined) {
      const d = body.webhookRetryDelaysMs;
      if (!Array.isArray(d) || d.some((x) => !Number.isInteger(x) || x < 0))
        throw new LightspeedSandboxHttpError(400, { error: 'webhookRetryDelaysMs must be a list of whole numbers ≥ 0' });
      state.retryDelays = d as number[];
    }
    if (body.faults !== undefined) state.faults = parseFaults(body.faults);
    return sendJson(res, 200, configOf(state));
  }
  if (key === 'POST /inventory') {
    if (typeof body.sku !== 'string')
      throw new LightspeedSandboxHttpError(400, { error: 'sku (string), inventory_level (whole number) and optional outlet_id are required' });
    return sendJson(res, 200, { data: state.setInventory(body.sku, body.outlet_id as string | undefined, body.inventory_level as number) });
  }
  if (key === 'POST /sales') return sendJson(res, 201, { data: state.recordSale(body as unknown as TillSaleInput) });
  if (key === 'GET /sales') return sendJson(res, 200, { data: state.sales });
  const redeliver = /^POST \/sales\/([^/]+)\/redeliver$/.exec(key);
  if (redeliver) {
    if (!state.sales.some((s) => s.id === redeliver[1])) throw new LightspeedSandboxHttpError(404, { error: `No sale ${redeliver[1]}` });
    return sendJson(res, 200, { data: state.recordSale({ id: redeliver[1], lines: [] }) });
  }
  sendJson(res, 404, { error: `No control route ${key}; see src/sandbox/README.md, "Lightspeed".` });
}

function configOf(state: LightspeedRetailState): Record<string, unknown> {
  const w = state.limiter.windows[0];
  return { latencyMs: state.latencyMs, rateLimit: w.limit, rateWindowMs: w.windowMs, webhookRetryDelaysMs: state.retryDelays, faults: state.faults };
}
