import { createClient } from 'graphql-ws';
import { Registry } from 'prom-client';
import { request } from 'undici';
import WebSocket from 'ws';
import { loadConfig, ConfigError } from '../../src/config';
import { createSecurity } from '../../src/security';
import { PICQER_SECRET, sign } from '../helpers/events-server';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * /metrics after a scripted workload: every family the gateway exports, with the values the
 * workload implies (3 operations named Stock: count 3; one accepted webhook: accepted 1; ...).
 */

const OPS_TOKEN = 'metrics-ops-token-0123456789';
const BURST_TOKEN = 'metrics-burst-token-0123456789';
const PER_MINUTE = 5;

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    picqer: { products: 20, orders: 5 },
    env: {
      METRICS_OPERATION_NAMES: 'Stock, Burst',
      GATEWAY_TOKENS: `ops:stock:read:${OPS_TOKEN},burst:stock:read:${BURST_TOKEN}`,
      RATE_LIMIT_PER_TOKEN_PER_MINUTE: String(PER_MINUTE),
      PICQER_WEBHOOK_SECRET: PICQER_SECRET,
      AUDIT_LOG: 'off',
    },
  });
}, 60_000);
afterAll(() => stack?.close());

async function scrape(url = `${stack.gateway.url}/metrics`, headers: Record<string, string> = {}): Promise<string> {
  const res = await request(url, { headers });
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

/** The value of one sample, exactly as written (labels in declaration order); undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Sum of every sample of `name` whose labels contain all of `having`. */
function sum(text: string, name: string, having: string[] = []): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => having.every((h) => l.includes(h)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

function stockDelivery(idproduct: number, productcode: string, freestock: number): string {
  return JSON.stringify({
    idhook: 1,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: { idproduct, productcode, name: 'Invented mug', stock: [{ idwarehouse: 1, stock: 10, reserved: 0, freestock }] },
  });
}

async function postPicqer(body: string, signature = sign(body, PICQER_SECRET)): Promise<number> {
  const res = await request(`${stack.gateway.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': signature },
    body,
  });
  await res.body.dump();
  return res.statusCode;
}

test('every family after a scripted workload, with the workload’s values', async () => {
  // GraphQL: an anonymous query (name "other"), three named Stock, one that fails validation.
  const first = await stack.gql('{ products(first: 1) { edges { node { idproduct productcode } } } }', {}, { token: OPS_TOKEN });
  const { idproduct, productcode } = first.body.data.products.edges[0].node;
  for (let i = 0; i < 3; i++) {
    const r = await stack.gql('query Stock($c: String) { product(productcode: $c) { freeStock } }', { c: productcode }, { token: OPS_TOKEN });
    expect(r.body.errors).toBeUndefined();
  }
  const invalid = await stack.gql('query Stock { noSuchField }', {}, { token: OPS_TOKEN });
  expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

  // The per-token limit: the burst caller sends until refused once (whatever the window's start).
  let allowed = 0;
  for (;;) {
    const r = await stack.gql('query Burst { warehouses { idwarehouse } }', {}, { token: BURST_TOKEN });
    if (r.status === 429) break;
    allowed++;
    expect(allowed).toBeLessThanOrEqual(PER_MINUTE);
  }

  // A subscriber over graphql-ws, then webhooks: accepted, the same again (duplicate), a bad signature.
  const ws = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${OPS_TOKEN}` },
    retryAttempts: 0,
  });
  const sub = collect(ws, `subscription { freeStockChanged(productcodes: ["${productcode}"]) { productcode freeStock } }`);
  await until(async () => sample(await scrape(), 'gateway_subscriptions_active{transport="graphql-ws"}') === 1, 'the subscription to register');
  const delivery = stockDelivery(idproduct, productcode, 7);
  expect(await postPicqer(delivery)).toBe(200);
  expect(await postPicqer(delivery)).toBe(200);
  expect(await postPicqer(delivery, 'bm90LXRoZS1zaWduYXR1cmU=')).toBe(401);
  await until(() => sub.items.length === 1, 'the subscriber to get the event');

  const text = await scrape();
  const ops = 'gateway_graphql_operation_duration_seconds_count';
  expect(sample(text, `${ops}{type="query",name="Stock"}`)).toBe(3);
  expect(sample(text, `${ops}{type="query",name="Burst"}`)).toBe(allowed + 1);
  expect(sample(text, `${ops}{type="query",name="other"}`)).toBe(1);
  expect(sample(text, `${ops}{type="unknown",name="other"}`)).toBe(1);
  expect(sample(text, 'gateway_graphql_errors_total{type="unknown",name="other",code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
  expect(sample(text, 'gateway_graphql_errors_total{type="query",name="Burst",code="RATE_LIMITED"}')).toBe(1);
  expect(sum(text, 'gateway_graphql_errors_total', ['name="Stock"', 'type="query"'])).toBe(0);
  expect(sample(text, 'gateway_rate_limit_refusals_total{token="burst"}')).toBe(1);
  expect(sample(text, 'gateway_rate_limit_refusals_total{token="ops"}')).toBeUndefined();

  // Every request Picqer's sandbox counted is one observation, each after a budget wait.
  const picqerCalls = stack.upstreamRequests().picqer;
  expect(picqerCalls).toBeGreaterThan(0);
  expect(sum(text, 'gateway_upstream_request_duration_seconds_count', ['upstream="picqer"'])).toBe(picqerCalls);
  expect(sample(text, 'gateway_upstream_request_duration_seconds_count{upstream="picqer",status_class="2xx"}')).toBe(picqerCalls);
  expect(sample(text, 'gateway_governor_wait_seconds_count{upstream="picqer"}')).toBe(picqerCalls);
  expect(sum(text, 'gateway_governor_calls_total', ['upstream="picqer"'])).toBe(picqerCalls);
  expect(text).toMatch(/^gateway_governor_waited_seconds_total\{upstream="picqer",credential="[0-9a-f]{16}"\} \d/m);
  expect(text).toMatch(/^gateway_governor_limit\{upstream="picqer",credential="[0-9a-f]{16}"\} \d+/m);

  expect(sample(text, 'gateway_webhooks_total{source="picqer",result="accepted"}')).toBe(1);
  expect(sample(text, 'gateway_webhooks_total{source="picqer",result="duplicate"}')).toBe(1);
  expect(sample(text, 'gateway_webhooks_total{source="picqer",result="rejected"}')).toBe(1);
  // One event appended (the duplicate was not): one hand-over to subscribers.
  expect(sample(text, 'gateway_event_fanout_lag_seconds_count')).toBe(1);

  expect(sample(text, 'gateway_subscription_connections{transport="graphql-ws"}')).toBe(1);
  expect(sample(text, 'gateway_subscriptions_active{transport="graphql-ws"}')).toBe(1);
  expect(sample(text, 'gateway_subscriber_slow_disconnects_total{transport="graphql-ws"}')).toBe(0);

  // The cache saw the product reads (the first Stock fetched it, the others were answered).
  expect(sum(text, 'gateway_cache_hits_total') + sum(text, 'gateway_cache_misses_total')).toBeGreaterThan(0);
  expect(text).toMatch(/^gateway_process_cpu_user_seconds_total \d/m);

  // One prefix, base units, no credential or product code in any label.
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^gateway_/);
  expect(text).not.toMatch(/_ms(_total)?[{ ]/);
  for (const secret of [OPS_TOKEN, BURST_TOKEN, PICQER_SECRET, productcode]) expect(text).not.toContain(secret);

  sub.dispose();
  await ws.dispose();
  await until(async () => sample(await scrape(), 'gateway_subscription_connections{transport="graphql-ws"}') === 0, 'the socket to be counted closed');
});

describe('where /metrics is served', () => {
  it('METRICS_TOKEN: the main port asks for the bearer token', async () => {
    const s = await startStack({ picqer: { products: 5, orders: 1 }, env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    try {
      const none = await request(`${s.gateway.url}/metrics`);
      expect(none.statusCode).toBe(401);
      expect(await none.body.json()).toEqual({ errors: [{ message: expect.stringContaining('METRICS_TOKEN'), extensions: { code: 'UNAUTHENTICATED' } }] });
      const wrong = await request(`${s.gateway.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-wrong-0000' } });
      expect(wrong.statusCode).toBe(401);
      await wrong.body.dump();
      const ok = await request(`${s.gateway.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(ok.statusCode).toBe(200);
      expect(await ok.body.text()).toContain('gateway_graphql_operation_duration_seconds');
    } finally {
      await s.close();
    }
  });

  it('METRICS_PORT: a listener of its own, and none on the main port', async () => {
    const s = await startStack({ picqer: { products: 5, orders: 1 }, env: { METRICS_PORT: '0' } });
    try {
      const main = await request(`${s.gateway.url}/metrics`);
      expect(main.statusCode).toBe(404);
      await main.body.dump();
      expect(s.gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(s.gateway.metricsUrl).not.toBe(`${s.gateway.url}/metrics`);
      expect(await scrape(s.gateway.metricsUrl)).toContain('gateway_governor_limit');
      const other = await request(s.gateway.metricsUrl!.replace('/metrics', '/graphql'));
      expect(other.statusCode).toBe(404);
      await other.body.dump();
    } finally {
      await s.close();
    }
  });

  it('production with real upstreams refuses to start without METRICS_PORT or METRICS_TOKEN', () => {
    const prod = { NODE_ENV: 'production', PICQER_SUBDOMAIN: 'shop', PICQER_API_KEY: 'picqer-key-123456', AUTH_DISABLED: 'true' };
    expect(() => loadConfig(prod)).toThrow(ConfigError);
    expect(() => loadConfig(prod)).toThrow(/METRICS_PORT or METRICS_TOKEN must be set in production/);
    expect(loadConfig({ ...prod, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, operationNames: [] });
    expect(loadConfig({ ...prod, METRICS_TOKEN: 'metrics-token-0123456789', METRICS_OPERATION_NAMES: 'Stock,Orders' }).metrics).toEqual({
      token: 'metrics-token-0123456789',
      operationNames: ['Stock', 'Orders'],
    });
    expect(() => loadConfig({ ...prod, METRICS_PORT: '0', METRICS_OPERATION_NAMES: 'not a name' })).toThrow(
      /METRICS_OPERATION_NAMES must be GraphQL operation names/,
    );
  });
});

test('refusal labels stay bounded: token names as themselves, an identity provider’s callers as "jwt"', async () => {
  const security = createSecurity(loadConfig({ GATEWAY_TOKENS: `ops:stock:read:${OPS_TOKEN}`, RATE_LIMIT_PER_TOKEN_PER_MINUTE: '1', AUDIT_LOG: 'off' }));
  try {
    const [rateLimit] = security.apolloPlugins;
    const run = async (name: string): Promise<unknown> => {
      const hooks = (await rateLimit.requestDidStart!({} as never)) as { didResolveOperation(rc: unknown): Promise<void> };
      return hooks.didResolveOperation({ contextValue: { caller: { name, scopes: new Set() } } }).catch((err: unknown) => err);
    };
    for (const name of ['ops', 'ops', 'jwt:someone@example.invalid', 'jwt:someone@example.invalid', 'jwt:other@example.invalid']) await run(name);
    const registry = new Registry();
    security.registerMetrics(registry);
    const text = await registry.metrics();
    expect(sample(text, 'gateway_rate_limit_refusals_total{token="ops"}')).toBe(1);
    // The second subject's first request is allowed: its own window.
    expect(sample(text, 'gateway_rate_limit_refusals_total{token="jwt"}')).toBe(1);
    expect(text).not.toContain('example.invalid');
  } finally {
    await security.close();
  }
});
