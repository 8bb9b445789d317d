import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CatalogProduct } from '../catalog';
import type { SandboxRequests } from '../requests';
import { basicCredentials, intParam, LightspeedSandboxHttpError, parseFaults, readJsonObject, sendJson, takeFault, type SandboxFault } from './http';
import { applyVariantUpdate, ecomError, parseEcomWebhook, pickFields, productWire, signEcomBody, variantWire, type EcomWebhook } from './ecom-model';
import { seedEcom, type EcomProduct, type EcomVariant } from './seed';
import { SignedWebhookDispatcher, type WebhookStats } from './webhooks';
import { MultiWindowLimiter, validateWindows, type WindowDecision, type WindowSpec } from './windows';

/**
 * The Lightspeed eCom (C-Series) sandbox: `/{language}/{resource}.json` with Basic auth
 * (API key as user, API secret as password), page/limit paging, three rate windows reported at
 * once in `X-RateLimit-*` ("5 min/hour/day"), 429s, variants whose `stockLevel` a PUT changes,
 * md5-signed `variants` webhooks with retries, fault injection and a control surface under
 * `/__sandbox`. See src/sandbox/README.md, "Lightspeed".
 */

export interface LightspeedEcomSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** 32 characters, like a real key (the official client refuses others). Default 'sandboxecomkey' padded with 0s. */
  apiKey?: string;
  /** 32 characters. Default 'sandboxecomsecret' padded with 0s. */
  apiSecret?: string;
  /** Shop languages served as the first path segment. Default ['nl', 'en', 'de', 'fr']. */
  languages?: string[];
  /** Rate windows, all counted at once. Default 300 / 5 min, 3,000 / hour, 12,000 / day. */
  rateLimits?: WindowSpec[];
  /** Send Retry-After (seconds until the fullest window resets) on 429s. Default false (UNCONFIRMED). */
  retryAfterOn429?: boolean;
  /** Default page size of lists. Default 50. */
  defaultLimit?: number;
  /** Largest `limit` accepted; more answers 400. Default 250. */
  maxLimit?: number;
  /** Catalog size the data is drawn from. Default 2,000. */
  products?: number;
  /** Default 42. */
  seed?: number;
  /** A variant's seeded stockLevel; default the catalog's physical stock in warehouses 1 + 2. */
  baseStock?: (p: CatalogProduct) => number;
  /** Secret that signs webhooks (eCom: the app's / key's secret). Default apiSecret. */
  webhookSecret?: string;
  /** Delays before each webhook retry. Default 1, 5, 15, 60 minutes (UNCONFIRMED). */
  webhookRetryDelaysMs?: readonly number[];
  /** A receiver must answer 2xx within this. Default 5,000 (UNCONFIRMED). */
  webhookTimeoutMs?: number;
  /** Shop id sent in `X-Shop-Id` on deliveries. Default 310001. */
  shopId?: number;
  /** Delay before every API answer. Default 0. */
  latencyMs?: number;
  /** Clock for the rate windows and the times written. Default Date.now. */
  now?: () => number;
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

export interface LightspeedEcomSandbox {
  /** http://127.0.0.1:PORT: the cluster host, e.g. https://api.webshopapp.com for EU1. */
  origin: string;
  /** origin + '/' + the first language: what the gateway's client appends `variants.json` to. */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  webhookSecret: string;
  language: string;
  state: LightspeedEcomState;
  /** API requests (refused ones included); zeroed by POST /__sandbox/stats/reset. */
  requests(): SandboxRequests;
  close(): Promise<void>;
}

export const DEFAULT_ECOM_KEY = 'sandboxecomkey'.padEnd(32, '0');
export const DEFAULT_ECOM_SECRET = 'sandboxecomsecret'.padEnd(32, '0');
/** 1, 5, 15, 60 minutes (UNCONFIRMED: eCom does not document its retries). */
export const DEFAULT_ECOM_RETRY_DELAYS_MS: readonly number[] = [1, 5, 15, 60].map((m) => m * 60_000);
export const DEFAULT_ECOM_WINDOWS: readonly WindowSpec[] = [
  { limit: 300, windowMs: 300_000 },
  { limit: 3000, windowMs: 3_600_000 },
  { limit: 12000, windowMs: 86_400_000 },
];

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

  constructor(
    private readonly o: Required<Pick<LightspeedEcomSandboxOptions, 'latencyMs' | 'retryAfterOn429' | 'webhookSecret' | 'shopId'>> &
      LightspeedEcomSandboxOptions & { now: () => number; retryDelays: readonly number[]; windows: readonly WindowSpec[] },
  ) {
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
          // Header names below are UNCONFIRMED (seen in receivers, not in Lightspeed's docs as read).
          'x-shop-id': String(this.o.shopId),
          'x-group': 'variants',
          'x-action': 'updated',
          'x-language': h.language,
        },
      });
    }
  }

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

/** Starts the eCom sandbox and resolves once it listens. */
export async function startLightspeedEcomSandbox(opts: LightspeedEcomSandboxOptions = {}): Promise<LightspeedEcomSandbox> {
  const apiKey = opts.apiKey ?? DEFAULT_ECOM_KEY;
  const apiSecret = opts.apiSecret ?? DEFAULT_ECOM_SECRET;
  for (const [name, v] of [
    ['apiKey', apiKey],
    ['apiSecret', apiSecret],
  ] as const) {
    if (!/^[A-Za-z0-9]{32}$/.test(v)) throw new RangeError(`${name} must be 32 letters or digits (as eCom issues them), got ${v.length} characters`);
  }
  const languages = opts.languages ?? ['nl', 'en', 'de', 'fr'];
  if (languages.length === 0 || languages.some((l) => !/^[a-z]{2}$/.test(l)))
    throw new RangeError(`languages must be two-letter codes such as "nl", got ${JSON.stringify(languages)}`);
  const windows = validateWindows('rateLimits', opts.rateLimits ?? DEFAULT_ECOM_WINDOWS);
  const defaultLimit = opts.defaultLimit ?? 50;
  const maxLimit = opts.maxLimit ?? 250;
  if (!Number.isInteger(maxLimit) || maxLimit < 1 || !Number.isInteger(defaultLimit) || defaultLimit < 1 || defaultLimit > maxLimit) {
    throw new RangeError(`defaultLimit (${defaultLimit}) and maxLimit (${maxLimit}) must be whole numbers with 1 ≤ defaultLimit ≤ maxLimit`);
  }
  const now = opts.now ?? Date.now;
  const webhookSecret = opts.webhookSecret ?? apiSecret;
  const state = new LightspeedEcomState({
    ...opts,
    latencyMs: opts.latencyMs ?? 0,
    retryAfterOn429: opts.retryAfterOn429 ?? false,
    webhookSecret,
    shopId: opts.shopId ?? 310001,
    now,
    retryDelays: opts.webhookRetryDelaysMs ?? DEFAULT_ECOM_RETRY_DELAYS_MS,
    windows,
  });
  const ctx: EcomCtx = { state, apiKey, apiSecret, languages, defaultLimit, maxLimit, origin: '' };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (err instanceof LightspeedSandboxHttpError) {
        if (!res.headersSent) sendJson(res, err.status, err.body, err.headers);
        return;
      }
      opts.logger?.error({ err }, 'lightspeed ecom sandbox: unhandled error');
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: 'Internal error.' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const host = opts.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  ctx.origin = origin;
  return {
    origin,
    baseUrl: `${origin}/${languages[0]}`,
    apiKey,
    apiSecret,
    webhookSecret,
    language: languages[0],
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

interface EcomCtx {
  state: LightspeedEcomState;
  apiKey: string;
  apiSecret: string;
  languages: string[];
  defaultLimit: number;
  maxLimit: number;
  origin: string;
}

/** The three values of a window field, "5min/hour/day", as eCom writes them. */
function rateHeaders(d: { windows: { limit: number; remaining: number; resetMs: number }[] }): Record<string, string> {
  return {
    'x-ratelimit-limit': d.windows.map((w) => w.limit).join('/'),
    'x-ratelimit-remaining': d.windows.map((w) => w.remaining).join('/'),
    // Seconds until each window resets (UNCONFIRMED unit: the docs as read give no example).
    'x-ratelimit-reset': d.windows.map((w) => Math.ceil(w.resetMs / 1000)).join('/'),
  };
}

async function handle(ctx: EcomCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  const { state } = ctx;
  if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) {
    await control(ctx, method, url.pathname.slice('/__sandbox'.length), req, res);
    return;
  }
  const m = /^\/([^/]+)\/(.+)\.json$/.exec(url.pathname);
  const route = m ? routeOf(method, m[2]) : null;
  const routeKey = route ? `${method} /{lang}/${route.pattern}.json` : `${method} /*`;
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    state.record(routeKey, status);
    sendJson(res, status, body, headers);
  };

  const fault = takeFault(state.faults, url.pathname);
  if (fault !== null) {
    state.faultServed();
    answer(fault, { error: { code: fault, message: `Injected fault: status ${fault}.` } });
    return;
  }
  if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
  const cred = basicCredentials(req.headers.authorization);
  if (!cred || cred.user !== ctx.apiKey || cred.password !== ctx.apiSecret) {
    answer(
      401,
      { error: { code: 401, message: 'Unauthorized: send the API key and secret as HTTP Basic credentials.' } },
      { 'www-authenticate': 'Basic realm="Lightspeed eCom API"' },
    );
    return;
  }
  const decision = state.limiter.take();
  const headers = rateHeaders(decision);
  if (!decision.allowed) {
    state.refused(decision);
    if (state.retryAfterOn429) headers['retry-after'] = String(Math.max(...decision.exceeded.map((i) => Math.ceil(decision.windows[i].resetMs / 1000))));
    answer(429, { error: { code: 429, message: 'Too many requests: rate limit exceeded.' } }, headers);
    return;
  }
  try {
    if (!m || !ctx.languages.includes(m[1])) throw ecomError(404, `No such resource: ${url.pathname}; expected /{${ctx.languages.join('|')}}/{resource}.json.`);
    if (!route) throw ecomError(404, `No such resource: ${method} ${url.pathname}.`);
    const { status, body } = await route.run({ ctx, lang: m[1], params: route.params, q: url.searchParams, req });
    answer(status, body, headers);
  } catch (err) {
    if (!(err instanceof LightspeedSandboxHttpError)) throw err;
    answer(err.status, err.body, { ...headers, ...err.headers });
  }
}

interface RouteArgs {
  ctx: EcomCtx;
  lang: string;
  params: string[];
  q: URLSearchParams;
  req: IncomingMessage;
}
type Run = (a: RouteArgs) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

function routeOf(method: string, path: string): { pattern: string; params: string[]; run: Run } | null {
  const table: Array<[string, RegExp, string, Run]> = [
    [
      'GET',
      /^products$/,
      'products',
      (a) =>
        list(
          a,
          'products',
          a.ctx.state.products.map((p) => productWire(p, a.ctx.origin, a.lang)),
        ),
    ],
    ['GET', /^products\/count$/, 'products/count', (a) => ({ status: 200, body: { count: a.ctx.state.products.length } })],
    [
      'GET',
      /^products\/(\d+)$/,
      'products/{id}',
      (a) => ({ status: 200, body: { product: pickFields(productWire(findProduct(a), a.ctx.origin, a.lang), a.q.get('fields')) } }),
    ],
    [
      'GET',
      /^variants$/,
      'variants',
      (a) =>
        list(
          a,
          'variants',
          filterVariants(a).map((v) => variantWire(v, a.ctx.origin, a.lang)),
        ),
    ],
    ['GET', /^variants\/count$/, 'variants/count', (a) => ({ status: 200, body: { count: filterVariants(a).length } })],
    [
      'GET',
      /^variants\/(\d+)$/,
      'variants/{id}',
      (a) => ({ status: 200, body: { variant: pickFields(variantWire(findVariant(a), a.ctx.origin, a.lang), a.q.get('fields')) } }),
    ],
    ['PUT', /^variants\/(\d+)$/, 'variants/{id}', putVariant],
    ['GET', /^webhooks$/, 'webhooks', (a) => ({ status: 200, body: { webhooks: a.ctx.state.hooks } })],
    ['POST', /^webhooks$/, 'webhooks', async (a) => ({ status: 201, body: { webhook: a.ctx.state.addHook(await readBody(a), a.ctx.languages) } })],
    ['GET', /^webhooks\/(\d+)$/, 'webhooks/{id}', (a) => ({ status: 200, body: { webhook: findHook(a) } })],
    ['DELETE', /^webhooks\/(\d+)$/, 'webhooks/{id}', deleteHook],
  ];
  let pathKnown: string | null = null;
  for (const [m, re, pattern, run] of table) {
    const hit = re.exec(path);
    if (!hit) continue;
    pathKnown = pattern;
    if (m === method) return { pattern, params: hit.slice(1), run };
  }
  if (pathKnown) {
    return {
      pattern: pathKnown,
      params: [],
      run: () => {
        throw ecomError(405, `Method ${method} is not allowed on ${pathKnown}.json.`);
      },
    };
  }
  return null;
}

function readBody(a: RouteArgs): Promise<Record<string, unknown>> {
  return readJsonObject(a.req, (reason) => ecomError(400, `Invalid JSON: ${reason}.`));
}

function list(a: RouteArgs, key: string, all: Record<string, unknown>[]): { status: number; body: unknown } {
  const bad = (msg: string) => ecomError(400, `Invalid parameter: ${msg}.`);
  const limit = intParam(a.q, 'limit', a.ctx.defaultLimit, 1, a.ctx.maxLimit, bad);
  const page = intParam(a.q, 'page', 1, 1, 1_000_000, bad);
  const fields = a.q.get('fields');
  return { status: 200, body: { [key]: all.slice((page - 1) * limit, page * limit).map((o) => pickFields(o, fields)) } };
}

function filterVariants(a: RouteArgs): EcomVariant[] {
  const q = a.q;
  const product = q.get('product');
  return a.ctx.state.variants.filter(
    (v) =>
      (q.get('sku') === null || v.sku === q.get('sku')) &&
      (q.get('articleCode') === null || v.articleCode === q.get('articleCode')) &&
      (q.get('ean') === null || v.ean === q.get('ean')) &&
      (product === null || String(v.productId) === product),
  );
}

function findProduct(a: RouteArgs): EcomProduct {
  const p = a.ctx.state.products.find((x) => x.id === Number(a.params[0]));
  if (!p) throw ecomError(404, `Product ${a.params[0]} not found.`);
  return p;
}

function findVariant(a: RouteArgs): EcomVariant {
  const v = a.ctx.state.variants.find((x) => x.id === Number(a.params[0]));
  if (!v) throw ecomError(404, `Variant ${a.params[0]} not found.`);
  return v;
}

function findHook(a: RouteArgs): EcomWebhook {
  const h = a.ctx.state.hooks.find((x) => x.id === Number(a.params[0]));
  if (!h) throw ecomError(404, `Webhook ${a.params[0]} not found.`);
  return h;
}

async function putVariant(a: RouteArgs): Promise<{ status: number; body: unknown }> {
  const v = findVariant(a);
  const body = await readBody(a);
  if (applyVariantUpdate(v, body, a.ctx.state.now)) a.ctx.state.variantChanged(v, a.ctx.origin);
  return { status: 200, body: { variant: variantWire(v, a.ctx.origin, a.lang) } };
}

function deleteHook(a: RouteArgs): { status: number; body: unknown } {
  const h = findHook(a);
  a.ctx.state.hooks = a.ctx.state.hooks.filter((x) => x !== h);
  return { status: 204, body: undefined };
}

/** `/__sandbox/*`: no auth, JSON, not counted as API requests. */
async function control(ctx: EcomCtx, method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (body.retryAfterOn429 !== undefined) state.retryAfterOn429 = body.retryAfterOn429 === true;
    if (body.rateLimits !== undefined) {
      try {
        state.limiter.configure(body.rateLimits as WindowSpec[]);
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
  if (key === 'POST /stock') {
    if (typeof body.sku !== 'string') throw new LightspeedSandboxHttpError(400, { error: 'sku (string) and stockLevel (whole number) are required' });
    const v = state.setStockLevel(body.sku, body.stockLevel as number);
    return sendJson(res, 200, { variant: variantWire(v, ctx.origin, ctx.languages[0]) });
  }
  if (key === 'GET /variants') {
    const sku = new URL(req.url ?? '/', 'http://x').searchParams.get('sku');
    const v = sku === null ? undefined : state.variantBySku(sku);
    if (!v) throw new LightspeedSandboxHttpError(404, { error: `No variant with sku "${String(sku)}"` });
    return sendJson(res, 200, { variant: variantWire(v, ctx.origin, ctx.languages[0]) });
  }
  sendJson(res, 404, { error: `No control route ${key}; see src/sandbox/README.md, "Lightspeed".` });
}

function configOf(state: LightspeedEcomState): Record<string, unknown> {
  return { latencyMs: state.latencyMs, retryAfterOn429: state.retryAfterOn429, rateLimits: state.limiter.windows, faults: state.faults };
}
