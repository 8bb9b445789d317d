import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SandboxRequests } from '../requests';
import { bearerToken, LightspeedSandboxHttpError, sendJson, takeFault } from './http';
import { retailError } from './retail-model';
import { control } from './retail-control';
import { API, routeOf, type Ctx } from './retail-routes';
import { LightspeedRetailState } from './retail-state';
import { DEMO_OUTLETS, type RetailOutlet } from './seed';

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
  /**
   * Sign deliveries with `X-Signature` (what an OAuth-authorised app gets). Default true; false
   * stands for a webhook of a personal token or one added by hand, which the docs do not sign.
   */
  signWebhooks?: boolean;
  /** Delays before each webhook retry. Default 20 retries over 48 hours (documented), steps UNCONFIRMED. */
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
  const state = new LightspeedRetailState({ ...opts, now: opts.now ?? Date.now, clientSecret, domainPrefix, window, signWebhooks: opts.signWebhooks ?? true });
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
