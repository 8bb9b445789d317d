import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LeakyBucket } from './bucket';
import { answerGraphql } from './graphql-endpoint';
import { buildShopState, levelKey, parseGid, type SandboxLevel, type ShopState, type ShopStateOptions } from './state';
import { inventoryLevelPayload, sendWebhook, type WebhookDelivery } from './webhooks';
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
  /** Versions answered; others get 404. Default 2026-01 … 2027-01. */
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
  webhooks: { sent: number; failed: number };
}

export interface ShopifySandboxConfig {
  latencyMs?: number;
  bucketSize?: number;
  restoreRate?: number;
  throttleHttpStatus?: 200 | 429;
  /** HTTP statuses served, in order, to the next GraphQL calls instead of answers. */
  faults?: number[];
  webhookTargets?: string[];
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
  /** Waits for webhooks fired by mutations so far. */
  flushWebhooks(): Promise<WebhookDelivery[]>;
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
  webhooks: { sent: 0, failed: 0 },
});

/** Starts the sandbox; close() it when done. */
export async function startShopifySandbox(opts: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const accessToken = opts.accessToken ?? 'shpat_sandbox_000000000000';
  const webhookSecret = opts.webhookSecret ?? 'shpss_sandbox_webhook_secret_0000';
  const apiVersions = opts.apiVersions ?? DEFAULT_VERSIONS;
  const shopDomain = opts.shopDomain ?? 'picqer-gateway-demo.myshopify.com';
  const cfg = {
    latencyMs: opts.latencyMs ?? 0,
    throttleHttpStatus: opts.throttleHttpStatus ?? 200,
    faults: [] as number[],
    webhookTargets: [...(opts.webhookTargets ?? [])],
  };
  let state = buildShopState(opts);
  let stats = emptyStats();
  // One bucket per token, as Shopify keeps one per app + shop.
  const bucket = new LeakyBucket(opts.bucketSize ?? 2000, opts.restoreRate ?? 100);
  let pending: Array<Promise<WebhookDelivery[]>> = [];

  const fire = (level: SandboxLevel): Promise<WebhookDelivery[]> => {
    const p = sendWebhook('inventory_levels/update', inventoryLevelPayload(level), {
      targets: cfg.webhookTargets,
      secret: webhookSecret,
      shopDomain,
      apiVersion: apiVersions[apiVersions.length - 1],
    }).then((ds) => {
      for (const d of ds) {
        if (d.status !== null && d.status < 300) stats.webhooks.sent++;
        else stats.webhooks.failed++;
      }
      return ds;
    });
    pending.push(p);
    return p;
  };

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
    bucket.fill();
  };

  const configure = (c: ShopifySandboxConfig): void => {
    if (c.latencyMs !== undefined) cfg.latencyMs = c.latencyMs;
    if (c.throttleHttpStatus !== undefined) cfg.throttleHttpStatus = c.throttleHttpStatus;
    if (c.faults) cfg.faults.push(...c.faults);
    if (c.webhookTargets) cfg.webhookTargets = [...c.webhookTargets];
    if (c.bucketSize !== undefined || c.restoreRate !== undefined) {
      bucket.reconfigure(c.bucketSize ?? bucket.size, c.restoreRate ?? bucket.restoreRate);
    }
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse, version: string): Promise<void> => {
    if (!apiVersions.includes(version)) return send(res, 404, { errors: 'Not Found' });
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
    const ctx = { state, apiVersion: version, onLevelChanged: (l: SandboxLevel) => void fire({ ...l }) };
    const a = await answerGraphql(body, { bucket, ctx, throttleHttpStatus: cfg.throttleHttpStatus });
    stats.byOperation[a.operation] = (stats.byOperation[a.operation] ?? 0) + 1;
    stats.maxRequestedCost = Math.max(stats.maxRequestedCost, a.requestedQueryCost);
    if (a.throttled) stats.throttled++;
    else {
      stats.requestedCostTotal += a.requestedQueryCost;
      if (a.body.errors) stats.errors++;
      if (a.mutation && !a.body.errors) stats.mutations++;
    }
    answer(a.httpStatus, a.body, a.headers);
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    let input: Record<string, unknown> = {};
    try {
      if (req.method === 'POST') input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'Control bodies must be JSON objects.' });
    }
    if (path === 'stats') return send(res, 200, { ...stats, bucket: bucket.status() });
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
    stats: () => structuredClone(stats),
    requests: () => ({ total: stats.total, byStatus: { ...stats.byStatus } }),
    reset,
    configure,
    setAvailable,
    flushWebhooks: async () => {
      const all = pending;
      pending = [];
      return (await Promise.all(all)).flat();
    },
    close: async () => {
      await Promise.all(pending);
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
