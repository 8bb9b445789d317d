import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CatalogProduct } from '../catalog';
import type { SandboxRequests } from '../requests';
import { basicCredentials, LightspeedSandboxHttpError, sendJson, takeFault } from './http';
import { ecomError } from './ecom-model';
import { control } from './ecom-control';
import { routeOf, type EcomCtx } from './ecom-routes';
import { LightspeedEcomState } from './ecom-state';
import { validateWindows, type WindowSpec } from './windows';

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
  /** Cluster named in `X-Cluster-Id` on deliveries. Default 'eu1' (api.webshopapp.com). */
  cluster?: 'eu1' | 'us1';
  /** Shop id sent in `X-Shop-Id` on deliveries. Default 310001. */
  shopId?: number;
  /** Delay before every API answer. Default 0. */
  latencyMs?: number;
  /** Clock for the rate windows and the times written. Default Date.now. */
  now?: () => number;
  logger?: Logger;
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
    clusterId: opts.cluster ?? 'eu1',
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

/** The three values of a window field, "5min/hour/day", as eCom writes them. */
function rateHeaders(d: { windows: { limit: number; remaining: number; resetMs: number }[] }): Record<string, string> {
  return {
    'x-ratelimit-limit': d.windows.map((w) => w.limit).join('/'),
    'x-ratelimit-remaining': d.windows.map((w) => w.remaining).join('/'),
    // Seconds until each window resets (Falkplan/lightspeedecom-api: `reset` is "seconds remaining to reset").
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
