import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_PICQER_TIME_ZONE, PICQER_ERROR, PicqerSandboxHttpError, picqerTimestamp, sendJson, sendJsonText, sendPicqerError } from './http-util';
import { picqerApiRouter } from './api-routes';
import { picqerControlRouter } from './control-routes';
import type { Router } from './router';
import { PicqerSandboxState } from './state';
import type { SandboxRequests } from '../requests';

/**
 * The Picqer API v1 sandbox: an HTTP emulator of the parts of Picqer the gateway uses, with
 * seeded demo data, Basic auth by API key, a required User-Agent, per-key sliding-window rate
 * limiting with X-RateLimit-* headers and 429s, signed webhook deliveries, fault injection and a
 * control surface under /__sandbox. Tests and benchmarks start it on port 0.
 */

export interface PicqerSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Accepted API keys (Basic auth user name). Default ['sandbox-picqer-key-000001']. */
  apiKeys?: string[];
  /** Requests per key per window. Default 500 (Picqer's normal limit per minute). */
  rateLimitPerMinute?: number;
  /** Window of the rate limit. Default 60,000; tests use e.g. 30 per 10 s. */
  rateWindowMs?: number;
  /** Products seeded from the demo catalog. Default 2,000. */
  products?: number;
  /** Orders seeded. Default 500. */
  orders?: number;
  /** Default 42. */
  seed?: number;
  /** Delay added to every API answer. Default 0. */
  latencyMs?: number;
  /** Delays before each webhook retry. Default ~17 h over 15 retries; tests pass e.g. [20, 20]. */
  webhookRetryDelaysMs?: number[];
  /** How long a webhook receiver may take. Default 10,000 (Picqer: 10 s). */
  webhookTimeoutMs?: number;
  /**
   * Send Retry-After (seconds until a slot frees) on rate-limit 429s. Default false: Picqer
   * documents only X-RateLimit-Limit/-Remaining, and its own PHP client ignores Retry-After and
   * waits 20 s (UNCONFIRMED whether Picqer sends it). Also `PUT /__sandbox/config {retryAfterOn429}`.
   */
  retryAfterOn429?: boolean;
  /** Stock changes kept for GET /__sandbox/stock-history; the oldest go first. Default 100,000. */
  stockHistoryMax?: number;
  /**
   * Virtual compositions (bundles of 2–3 catalog products, every fourth also holding the first bundle)
   * appended after the catalog's products, ids from 900001, codes BUNDLE-001…. Default 0, so the
   * product count is the catalog's; sandbox mode seeds some.
   */
  bundles?: number;
  /**
   * Stock on named locations (a shelf, in warehouse 1 also a bulk location) in
   * GET /products/{id}/stock/{idwarehouse}, derived from the warehouse's stock. Default false: all
   * stock on "no specific location" (an empty list). Sandbox mode turns it on.
   */
  locations?: boolean;
  /** Simulator picks per minute at start. Default 0 (off). */
  picksPerMinute?: number;
  /**
   * IANA zone of every time the sandbox writes ("YYYY-MM-DD HH:mm:ss", no zone, as Picqer sends).
   * Default 'Europe/Amsterdam' (UNCONFIRMED, see src/sandbox/README.md); 'UTC' for the other reading.
   */
  timeZone?: string;
  /** The sandbox's clock (times it writes, webhook `event_triggered_at`). Default Date.now; tests inject one. */
  now?: () => number;
  logger?: Logger;
}

export interface PicqerSandbox {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** origin + '/api/v1' */
  baseUrl: string;
  /** The first accepted API key. */
  apiKey: string;
  state: PicqerSandboxState;
  /**
   * Every request to /api/v1 (refused ones included: 401, 429, injected faults; an injected
   * timeout counts as status "timeout"), zeroed by `state.resetStats()` and POST /__sandbox/stats/reset.
   */
  requests(): SandboxRequests;
  close(): Promise<void>;
}

export const DEFAULT_PICQER_SANDBOX_KEY = 'sandbox-picqer-key-000001';
const API_PREFIX = '/api/v1';
const CONTROL_PREFIX = '/__sandbox';

/** Starts a Picqer sandbox and resolves once it listens. */
export async function startPicqerSandbox(opts: PicqerSandboxOptions = {}): Promise<PicqerSandbox> {
  const apiKeys = opts.apiKeys ?? [DEFAULT_PICQER_SANDBOX_KEY];
  if (apiKeys.length === 0 || apiKeys.some((k) => typeof k !== 'string' || k === '' || k.includes(':'))) {
    throw new RangeError('apiKeys must be a non-empty list of non-empty strings without ":"');
  }
  const windowMs = opts.rateWindowMs ?? 60_000;
  if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError(`rateWindowMs must be a positive integer, got ${windowMs}`);
  const timeZone = opts.timeZone ?? DEFAULT_PICQER_TIME_ZONE;
  try {
    picqerTimestamp(0, timeZone);
  } catch {
    throw new RangeError(`timeZone must be an IANA time zone such as "Europe/Amsterdam" or "UTC", got ${JSON.stringify(timeZone).slice(0, 60)}`);
  }
  const state = new PicqerSandboxState({
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 500,
    rateWindowMs: windowMs,
    products: opts.products ?? 2000,
    orders: opts.orders ?? 500,
    seed: opts.seed ?? 42,
    latencyMs: opts.latencyMs ?? 0,
    webhookRetryDelaysMs: opts.webhookRetryDelaysMs,
    webhookTimeoutMs: opts.webhookTimeoutMs,
    logger: opts.logger,
    now: opts.now,
    timeZone,
    stockHistoryMax: opts.stockHistoryMax,
    retryAfterOn429: opts.retryAfterOn429 ?? false,
    bundles: opts.bundles ?? 0,
    locations: opts.locations ?? false,
  });
  state.setLatency(state.latencyMs);
  const keys = new Set(apiKeys);
  const api = picqerApiRouter(state.store, state.hooks, state.warehouse);
  const control = picqerControlRouter(state);
  const pending = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t);
        resolve();
      }, ms);
      pending.add(t);
    });
  const pipeline = { state, keys, api, wait, logger: opts.logger };

  const server = createServer((req, res) => {
    handle(pipeline, control, req, res).catch((err: unknown) => {
      opts.logger?.error({ err }, 'picqer sandbox: unhandled error');
      if (!res.headersSent) sendJson(res, 500, { error: true, error_code: PICQER_ERROR.unknown, error_message: 'Unknown application error.' });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (opts.picksPerMinute) state.setSimulator(opts.picksPerMinute);
  return {
    origin,
    baseUrl: origin + API_PREFIX,
    apiKey: apiKeys[0],
    state,
    requests: () => ({ total: state.requests.total, byStatus: { ...state.requests.byStatus } }),
    close: async () => {
      state.close();
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Pipeline {
  state: PicqerSandboxState;
  keys: Set<string>;
  api: Router;
  wait: (ms: number) => Promise<void>;
  logger?: Logger;
}

async function handle(p: Pipeline, control: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(CONTROL_PREFIX + '/')) {
    await route(control, method, url.pathname.slice(CONTROL_PREFIX.length), url, req, res, {});
    return;
  }
  const sub = url.pathname === API_PREFIX ? '/' : url.pathname.startsWith(API_PREFIX + '/') ? url.pathname.slice(API_PREFIX.length) : null;
  const match = sub === null ? { kind: 'none' as const } : p.api.match(method, sub);
  const routeKey = match.kind === 'none' ? `${method} ${API_PREFIX}/*` : `${method} ${API_PREFIX}${match.pattern}`;
  const record = (status: number | string) => p.state.requests.record(routeKey, typeof status === 'number' ? status : 0, String(status));

  // Injected faults come first: they stand for trouble in front of the API, so they cost no budget.
  const f = p.state.faults;
  const faulty = f.path === '' || url.pathname === f.path || url.pathname.startsWith(f.path.endsWith('/') ? f.path : `${f.path}/`);
  if (faulty && f.storm429 > 0) {
    f.storm429--;
    record(429);
    const headers: Record<string, string> = { 'x-ratelimit-limit': String(p.state.limiter.currentLimit), 'x-ratelimit-remaining': '0' };
    const retryAfter = f.retryAfterSeconds ?? (p.state.retryAfterOn429 ? 1 : null);
    if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
    sendPicqerError(res, new PicqerSandboxHttpError(429, PICQER_ERROR.rateLimited, 'Rate limit exceeded.'), headers);
    return;
  }
  if (faulty && f.remaining > 0) {
    f.remaining--;
    if (f.timeoutMs > 0) {
      record('timeout');
      await p.wait(f.timeoutMs);
      req.socket.destroy();
      return;
    }
    record(f.status);
    sendPicqerError(res, new PicqerSandboxHttpError(f.status, PICQER_ERROR.unknown, `Injected fault: status ${f.status}.`));
    return;
  }
  if (p.state.latencyMs > 0) await p.wait(p.state.latencyMs);

  const key = basicUser(req.headers.authorization);
  if (key === null || !p.keys.has(key)) {
    record(401);
    sendPicqerError(res, new PicqerSandboxHttpError(401, PICQER_ERROR.unknown, 'Unauthorized: send the API key as the user name of HTTP Basic auth.'), {
      'www-authenticate': 'Basic realm="Picqer API"',
    });
    return;
  }
  if (!req.headers['user-agent']?.trim()) {
    record(400);
    sendPicqerError(
      res,
      new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, 'A User-Agent header is required: name your application and a contact address.'),
    );
    return;
  }
  const decision = p.state.limiter.take(key);
  const rateHeaders: Record<string, string> = { 'x-ratelimit-limit': String(decision.limit), 'x-ratelimit-remaining': String(decision.remaining) };
  if (!decision.allowed) {
    record(429);
    if (p.state.retryAfterOn429) rateHeaders['retry-after'] = String(decision.retryAfterSeconds);
    sendPicqerError(res, new PicqerSandboxHttpError(429, PICQER_ERROR.rateLimited, 'Rate limit exceeded.'), rateHeaders);
    return;
  }
  const status = await route(p.api, method, sub ?? '/', url, req, res, rateHeaders, match);
  record(status);
}

/** Runs a router match and writes the answer; returns the status sent. */
async function route(
  router: Router,
  method: string,
  path: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  known?: ReturnType<Router['match']>,
): Promise<number> {
  const match = known ?? router.match(method, path);
  try {
    if (match.kind === 'none') throw new PicqerSandboxHttpError(404, PICQER_ERROR.notImplemented, `No such endpoint: ${method} ${url.pathname}.`);
    if (match.kind === 'method') {
      throw new PicqerSandboxHttpError(
        405,
        PICQER_ERROR.notImplemented,
        `Method ${method} is not allowed on ${url.pathname}: expected ${match.allowed.join(', ')}.`,
        { allow: match.allowed.join(', ') },
      );
    }
    const answer = await match.handler({ params: match.params, query: url.searchParams, req });
    if (answer.text !== undefined) sendJsonText(res, answer.status, answer.text, headers);
    else sendJson(res, answer.status, answer.body, headers);
    return answer.status;
  } catch (err) {
    if (!(err instanceof PicqerSandboxHttpError)) throw err;
    sendPicqerError(res, err, headers);
    return err.status;
  }
}

/** The user name of a Basic Authorization header, or null when absent or malformed. */
function basicUser(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i === -1 ? decoded : decoded.slice(0, i);
}

export { PicqerSandboxState } from './state';
export type { PicqerSandboxFaults, PicqerSandboxStats } from './state';
export { FIRED_EVENTS, FREE_STOCK_EVENT, FREE_STOCK_EVENT_ALIAS, PICQER_HOOK_EVENTS } from './events';
export type { StockChange } from './stock-history';
