import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LeakyBucket } from './bucket';
import type { ShopContext } from './context';
import { answerGraphql } from './graphql-endpoint';
import { IdempotencyStore } from './idempotency';
import { buildShopState, levelKey, parseGid, type SandboxLevel, type ShopState, type ShopStateOptions } from './state';
import { versionFeatures, type VersionFeatures } from './versions';
import { DEFAULT_RETRY_DELAYS_MS, inventoryLevelPayload, WebhookDispatcher, type WebhookDelivery, type WebhookStats } from './webhooks';
import type { SandboxRequests } from '../requests';

/**
 * An emulator of the Shopify Admin GraphQL API for tests, benchmarks and sandbox mode:
 * `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`, calculated query cost,
 * a leaky bucket, THROTTLED answers, and `inventory_levels/update` webhooks. Control surface
 * under `/__sandbox/` (see src/sandbox/README.md, "Shopify").
 */

export interface ShopifySandboxOptions extends ShopStateOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 'shpat_sandbox_000000000000'. */
  accessToken?: string;
  /**
   * Versions answered; others get 404. Default 2026-01 … 2027-01. Only versions with a documented
   * error-code list (user-error-codes.ts) and 'unstable' are accepted: startShopifySandbox throws otherwise.
   */
  apiVersions?: string[];
  /** Bucket size in cost points. Default 2,000 (UNCONFIRMED per plan; see README). */
  bucketSize?: number;
  /** Points restored per second. Default 100 (Standard plan). */
  restoreRate?: number;
  /** Delay before every GraphQL answer. Default 0. */
  latencyMs?: number;
  /** HTTP status of a THROTTLED answer: 200 (observed) or 429. Default 200. */
  throttleHttpStatus?: 200 | 429;
  /** App secret that signs webhooks. Default 'shpss_sandbox_webhook_secret_0000'. */
  webhookSecret?: string;
  /** URLs that receive webhooks. Default none. */
  webhookTargets?: string[];
  /** Default 'picqer-gateway-demo.myshopify.com'. */
  shopDomain?: string;
  /** Delays before each webhook retry. Default DEFAULT_RETRY_DELAYS_MS (8 retries over 4 h). */
  webhookRetryDelaysMs?: readonly number[];
  /** Remove a target whose delivery used up its retries, as Shopify removes the subscription. Default true. */
  removeFailingWebhookTargets?: boolean;
  /** How long an `@idempotent` key is remembered. Default 24 h (UNCONFIRMED). */
  idempotencyKeyTtlMs?: number;
}

export interface ShopifySandboxStats {
  /** GraphQL requests past the version and token checks (faults, bad JSON and THROTTLED included). */
  total: number;
  /** Those requests by the HTTP status they were answered with. */
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  throttled: number;
  errors: number;
  maxRequestedCost: number;
  requestedCostTotal: number;
  mutations: number;
  faultsServed: number;
  /** Mutations that ran but whose answer was replaced by a 503 (`lostMutationAnswers`). */
  lostAnswers: number;
  /** Mutations failed inside the shop (`failingMutations`). */
  internalFailures: number;
  webhooks: WebhookStats;
}

export interface ShopifySandboxConfig {
  latencyMs?: number;
  bucketSize?: number;
  restoreRate?: number;
  throttleHttpStatus?: 200 | 429;
  /** HTTP statuses served, in order, to the next GraphQL calls instead of answers. */
  faults?: number[];
  /** The next N mutations run (and change the shop) but are answered 503, as when an answer is lost on the way. */
  lostMutationAnswers?: number;
  /**
   * The next N mutations fail inside the shop: nothing applies, the answer is a 503, and their
   * `@idempotent` key is remembered as failed (IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED on a repeat, 2026-10 on).
   */
  failingMutations?: number;
  webhookTargets?: string[];
  webhookRetryDelaysMs?: readonly number[];
  removeFailingWebhookTargets?: boolean;
  idempotencyKeyTtlMs?: number;
}

export interface ShopifySandbox {
  origin: string;
  graphqlUrl(version?: string): string;
  accessToken: string;
  webhookSecret: string;
  apiVersions: string[];
  /** The live shop (replaced on reset). */
  readonly state: ShopState;
  stats(): ShopifySandboxStats;
  /** `stats().total` and `stats().byStatus`: the counter every sandbox offers. Zeroed by `reset()`. */
  requests(): SandboxRequests;
  reset(): void;
  configure(c: ShopifySandboxConfig): void;
  /** Sets `available` of a SKU's item at a location and fires `inventory_levels/update`. */
  setAvailable(sku: string, locationId: number, available: number): Promise<{ level: SandboxLevel; deliveries: WebhookDelivery[] }>;
  /** Waits for the first attempts of the webhooks fired so far. */
  flushWebhooks(): Promise<WebhookDelivery[]>;
  /** Waits until every webhook delivery succeeded or used up its retries. */
  settleWebhooks(): Promise<void>;
  /**
   * Runs `hook` on the shop once, just before the next mutation applies (after its idempotency
   * check): to change the shop between a client's read and its write, or, returning a promise,
   * to hold the mutation while a repeat of it arrives.
   */
  beforeNextMutation(hook: (state: ShopState) => void | Promise<void>): void;
  close(): Promise<void>;
}

const DEFAULT_VERSIONS = ['2026-01', '2026-04', '2026-07', '2026-10', '2027-01'];
const emptyStats = (): ShopifySandboxStats => ({
  total: 0,
  byStatus: {},
  byOperation: {},
  throttled: 0,
  errors: 0,
  maxRequestedCost: 0,
  requestedCostTotal: 0,
  mutations: 0,
  faultsServed: 0,
  lostAnswers: 0,
  internalFailures: 0,
  webhooks: { sent: 0, failed: 0, retried: 0, gaveUp: 0, removedTargets: [] },
});

/** Starts the sandbox; close() it when done. */
export async function startShopifySandbox(opts: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const accessToken = opts.accessToken ?? 'shpat_sandbox_000000000000';
  const webhookSecret = opts.webhookSecret ?? 'shpss_sandbox_webhook_secret_0000';
  const apiVersions = opts.apiVersions ?? DEFAULT_VERSIONS;
  // Throws for a version whose documented behaviour the sandbox does not know.
  const features = new Map<string, VersionFeatures>(apiVersions.map((v) => [v, versionFeatures(v)]));
  const shopDomain = opts.shopDomain ?? 'picqer-gateway-demo.myshopify.com';
  const cfg = {
    latencyMs: opts.latencyMs ?? 0,
    throttleHttpStatus: opts.throttleHttpStatus ?? 200,
    faults: [] as number[],
    lostMutationAnswers: 0,
    failingMutations: 0,
    webhookTargets: [...(opts.webhookTargets ?? [])],
    webhookRetryDelaysMs: [...(opts.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)],
    removeFailingWebhookTargets: opts.removeFailingWebhookTargets ?? true,
    idempotencyKeyTtlMs: opts.idempotencyKeyTtlMs ?? 86_400_000,
  };
  let state = buildShopState(opts);
  let stats = emptyStats();
  // One bucket per token, as Shopify keeps one per app + shop.
  const bucket = new LeakyBucket(opts.bucketSize ?? 2000, opts.restoreRate ?? 100);
  const idempotency = new IdempotencyStore(() => cfg.idempotencyKeyTtlMs);
  let hooks: Array<(s: ShopState) => void | Promise<void>> = [];
  const webhooks = new WebhookDispatcher({
    secret: webhookSecret,
    shopDomain,
    apiVersion: apiVersions[apiVersions.length - 1],
    targets: () => cfg.webhookTargets,
    retryDelaysMs: () => cfg.webhookRetryDelaysMs,
    onGiveUp: (target) => {
      if (cfg.removeFailingWebhookTargets) cfg.webhookTargets = cfg.webhookTargets.filter((t) => t !== target);
    },
  });
  const fire = (level: SandboxLevel): Promise<WebhookDelivery[]> => webhooks.fire('inventory_levels/update', inventoryLevelPayload(level));

  const setAvailable = async (sku: string, locationId: number, available: number) => {
    const v = state.variants.find((x) => x.sku === sku);
    const level = v && state.levels.get(levelKey(v.inventoryItemId, locationId));
    if (!level) throw new Error(`No inventory level for sku "${sku}" at location ${locationId}`);
    level.available = available;
    level.updatedAt = new Date().toISOString();
    return { level: { ...level }, deliveries: await fire(level) };
  };

  const reset = (): void => {
    state = buildShopState(opts);
    stats = emptyStats();
    cfg.faults = [];
    cfg.lostMutationAnswers = 0;
    cfg.failingMutations = 0;
    hooks = [];
    idempotency.clear();
    webhooks.cancel();
    webhooks.resetStats();
    bucket.fill();
  };

  const configure = (c: ShopifySandboxConfig): void => {
    for (const k of [
      'latencyMs',
      'throttleHttpStatus',
      'lostMutationAnswers',
      'failingMutations',
      'removeFailingWebhookTargets',
      'idempotencyKeyTtlMs',
    ] as const) {
      if (c[k] !== undefined) (cfg as Record<string, unknown>)[k] = c[k];
    }
    if (c.faults) cfg.faults.push(...c.faults);
    if (c.webhookTargets) cfg.webhookTargets = [...c.webhookTargets];
    if (c.webhookRetryDelaysMs) cfg.webhookRetryDelaysMs = [...c.webhookRetryDelaysMs];
    if (c.bucketSize !== undefined || c.restoreRate !== undefined) {
      bucket.reconfigure(c.bucketSize ?? bucket.size, c.restoreRate ?? bucket.restoreRate);
    }
  };

  const contextFor = (version: string): ShopContext => {
    const ctx: ShopContext = {
      state,
      apiVersion: version,
      features: features.get(version)!,
      idempotency,
      beforeApply: async () => {
        const run = hooks;
        hooks = [];
        for (const h of run) await h(state);
      },
      failInternally: () => {
        if (cfg.failingMutations <= 0) return false;
        cfg.failingMutations--;
        return (ctx.failed = true);
      },
      failed: false,
      onLevelChanged: (l: SandboxLevel) => void fire({ ...l }),
    };
    return ctx;
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse, version: string): Promise<void> => {
    if (!features.has(version)) return send(res, 404, { errors: 'Not Found' });
    if (req.headers['x-shopify-access-token'] !== accessToken) {
      return send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    stats.total++;
    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      send(res, status, body, headers);
    };
    const raw = await readBody(req);
    if (cfg.latencyMs > 0) await sleep(cfg.latencyMs);
    const fault = cfg.faults.shift();
    if (fault !== undefined) {
      stats.faultsServed++;
      return answer(fault, { errors: 'Internal error' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(400, { errors: 'Body must be JSON: {"query": "...", "variables": {...}}' });
    }
    const ctx = contextFor(version);
    const a = await answerGraphql(body, { bucket, ctx, throttleHttpStatus: cfg.throttleHttpStatus });
    stats.byOperation[a.operation] = (stats.byOperation[a.operation] ?? 0) + 1;
    stats.maxRequestedCost = Math.max(stats.maxRequestedCost, a.requestedQueryCost);
    if (a.throttled) stats.throttled++;
    else {
      stats.requestedCostTotal += a.requestedQueryCost;
      if (a.body.errors) stats.errors++;
      if (a.mutation && !a.body.errors) stats.mutations++;
    }
    if (ctx.failed) {
      stats.internalFailures++;
      return answer(503, { errors: 'Internal error' });
    }
    if (a.mutation && !a.throttled && cfg.lostMutationAnswers > 0) {
      // The mutation ran; only its answer is lost (a timeout or a proxy error on the way back).
      cfg.lostMutationAnswers--;
      stats.lostAnswers++;
      return answer(503, { errors: 'Internal error' });
    }
    answer(a.httpStatus, a.body, a.headers);
  };

  /** The counters, with the webhook dispatcher's, as a copy. */
  const currentStats = (): ShopifySandboxStats => structuredClone({ ...stats, webhooks: webhooks.stats });

  const handleControl = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    let input: Record<string, unknown> = {};
    try {
      if (req.method === 'POST') input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'Control bodies must be JSON objects.' });
    }
    if (path === 'stats') return send(res, 200, { ...currentStats(), bucket: bucket.status() });
    if (path === 'reset' && req.method === 'POST') {
      reset();
      return send(res, 200, { ok: true });
    }
    if (path === 'config' && req.method === 'POST') {
      // Test-only control input, trusted as the config it names: configure copies the fields it knows.
      configure(input);
      return send(res, 200, { ...cfg, bucket: bucket.status() });
    }
    if (path === 'inventory' && req.method === 'POST') {
      const locationId = typeof input.locationId === 'string' ? parseGid(input.locationId, 'Location') : input.locationId;
      if (typeof input.sku !== 'string' || typeof locationId !== 'number' || typeof input.available !== 'number' || !Number.isInteger(input.available)) {
        return send(res, 400, { error: 'Expected {"sku": string, "locationId": number or Location gid, "available": integer}' });
      }
      try {
        return send(res, 200, await setAvailable(input.sku, locationId, input.available));
      } catch (e) {
        return send(res, 404, { error: (e as Error).message });
      }
    }
    send(res, 404, { error: `Unknown control path /__sandbox/${path}; try stats, reset, config, inventory` });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    const ctl = /^\/__sandbox\/([a-z]+)$/.exec(url.pathname);
    const work =
      gql && req.method === 'POST'
        ? handleGraphql(req, res, gql[1])
        : ctl
          ? handleControl(req, res, ctl[1])
          : Promise.resolve(send(res, 404, { errors: 'Not Found' }));
    work.catch(() => {
      if (!res.headersSent) send(res, 500, { errors: 'Internal error' });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  return {
    origin,
    graphqlUrl: (version = apiVersions[apiVersions.length - 1]) => `${origin}/admin/api/${version}/graphql.json`,
    accessToken,
    webhookSecret,
    apiVersions,
    get state() {
      return state;
    },
    stats: currentStats,
    requests: () => ({ total: stats.total, byStatus: { ...stats.byStatus } }),
    reset,
    configure,
    setAvailable,
    flushWebhooks: () => webhooks.flush(),
    settleWebhooks: () => webhooks.settled(),
    beforeNextMutation: (hook) => void hooks.push(hook),
    close: async () => {
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { signShopifyBody } from './webhooks';
export { SANDBOX_LOCATION_MAP } from './state';
export type { ShopState, SandboxLevel } from './state';
