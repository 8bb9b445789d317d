import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { composeSupergraph, fetchSubgraphSdl, type Composed } from '../../examples/supergraph/compose';
import { demoReviews, startReviewsSubgraph, type ReviewsSubgraph } from '../../examples/supergraph/reviews-subgraph';
import { gql } from '../helpers/gql';
import { callsTo, startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * The gateway in a supergraph: composed with the example reviews subgraph (The Guild's
 * composition), behind a Hive Gateway, all real servers on port 0. A client of the supergraph asks
 * across both subgraphs and subscribes to free stock over graphql-ws; the caller's token travels
 * through the router to the gateway, which checks it as always.
 */
const SECRET = 'fed-test-webhook-secret';
const TOKEN = 'tok-fed-supergraph-0123456789';
const CODES = ['PG-00001', 'PG-00002', 'PG-00003'];

let stack: TestStack;
let reviews: ReviewsSubgraph;
let composed: Composed;
let router: { url: string; process: ChildProcess };
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack({
    picqer: { products: 40, orders: 10, webhookRetryDelaysMs: [] },
    shopify: { products: 40 },
    // Exact loader counts (no shared cache); auth on, so forwarding the caller's token is what makes answers come back.
    env: { CACHE_ENABLED: 'false', GATEWAY_TOKENS: `router-client:stock:read+orders:read:${TOKEN}`, PICQER_WEBHOOK_SECRET: SECRET },
  });
  reviews = await startReviewsSubgraph({ reviews: demoReviews(CODES) });
  const picqerUrl = `${stack.gateway.url}/graphql`;
  composed = composeSupergraph([
    { name: 'picqer', url: picqerUrl, sdl: await fetchSubgraphSdl(picqerUrl, { authorization: `Bearer ${TOKEN}` }) },
    { name: 'reviews', url: reviews.url, sdl: await fetchSubgraphSdl(reviews.url) },
  ]);
  router = await startRouter(composed.supergraphSdl);
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  if (router && router.process.exitCode === null) {
    const exited = new Promise((resolve) => router.process.once('exit', resolve));
    router.process.kill('SIGTERM');
    await exited;
  }
  await reviews?.close();
  await stack?.close();
});

const ACROSS = `{ reviews(first: 6) { id rating product { productcode name freeStock stock { warehouse { name } freeStock } shopify { sku inventory { available } } } } }`;

describe('the gateway composed into a supergraph behind Hive Gateway', () => {
  it('composes with the reviews subgraph: no errors, no lost fields', () => {
    expect(composed.lostFields).toEqual([]);
    expect(composed.supergraphSdl).toContain('join__graph(name: "picqer"');
    expect(composed.publicSdl).toMatch(/type Product[^}]*reviews: \[Review!\]!/s);
    expect(composed.publicSdl).toMatch(/type Subscription[^}]*freeStockChanged/s);
  });

  it('answers review -> product -> stock -> shopify in one query, with the calls of one batch', async () => {
    // Teach the gateway the codes (the code index) and the shop's locations, as earlier traffic would.
    const warm = await gql(stack.gateway, '{ products(first: 40) { edges { node { productcode shopify { sku } } } } }', {}, { token: TOKEN });
    expect(warm.body.errors).toBeUndefined();
    await stack.resetStats();
    const shopifyBefore = stack.shopify.requests().total;

    const { body } = await gql(router.url.replace(/\/graphql$/, ''), ACROSS, {}, { token: TOKEN });
    expect(body.errors).toBeUndefined();
    const rows = body.data.reviews;
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r: any) => r.product.productcode))).toEqual(new Set(CODES));
    // The router asked once for the three products (one _entities call): Picqer one idproducts call
    // and the warehouse list, Shopify one variant search for the three SKUs.
    const stats = await stack.stats();
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
    expect(stats.total).toBe(2);
    expect(stack.shopify.requests().total - shopifyBefore).toBe(1);
    // The product fields are the gateway's own answer for those codes.
    const direct = await gql(
      stack.gateway,
      `{ ${CODES.map((c, i) => `p${i}: product(productcode: "${c}") { productcode name freeStock stock { warehouse { name } freeStock } shopify { sku inventory { available } } }`).join(' ')} }`,
      {},
      { token: TOKEN },
    );
    const byCode = new Map(Object.values(direct.body.data as Record<string, any>).map((p) => [p.productcode, p]));
    for (const r of rows) expect(r.product).toEqual(byCode.get(r.product.productcode));
  });

  it('refuses the router without the caller token, as the gateway refuses anyone', async () => {
    const { body } = await gql(router.url.replace(/\/graphql$/, ''), '{ reviews(first: 1) { product { name } } }');
    // The gateway's own refusal, passed on by the router with the subgraph it came from.
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.serviceName, e.path?.join('.')])).toEqual([
      ['UNAUTHENTICATED', 'picqer', 'reviews.0.product.name'],
    ]);
  });

  it('delivers a live freeStockChanged event to a supergraph client over graphql-ws', async () => {
    const client = createClient({
      url: router.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TOKEN}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const sub = collect(client, 'subscription($c: [String!]) { freeStockChanged(productcodes: $c) { productcode freeStock } }', { c: [CODES[0]] });
    // The router's own graphql-ws subscription to the gateway is open: the gateway counts it.
    await until(async () => /gateway_subscriptions_active\{transport="graphql-ws"\} 1\b/.test(await metrics()), 'the router subscribed at the gateway');

    const product = stack.picqer.state.products.find((p) => p.productcode === CODES[0])!;
    const hook = stack.picqer.state.hooks.create({
      name: 'gateway',
      event: 'products.free_stock_changed',
      address: `${stack.gateway.url}/webhooks/picqer`,
      secret: SECRET,
    });
    stack.picqer.state.moveStock({ idproduct: product.idproduct }, 1, 3);
    await stack.picqer.state.whenDeliveriesIdle();
    stack.picqer.state.hooks.deactivate(hook.idhook);

    await until(() => sub.items.length > 0 || sub.error !== undefined, 'the event at the supergraph client');
    expect(sub.error).toBeUndefined();
    // The event's free stock is summed over every warehouse (no warehouseId asked): what Picqer now says.
    const now = await gql(stack.gateway, `{ product(productcode: "${CODES[0]}") { stock { freeStock } } }`, {}, { token: TOKEN });
    const summed = now.body.data.product.stock.reduce((n: number, l: { freeStock: number }) => n + l.freeStock, 0);
    expect(sub.items[0].data.freeStockChanged).toEqual({ productcode: CODES[0], freeStock: summed });
    sub.dispose();
  });
});

/**
 * The example's Hive Gateway as a child process (as one would run it) on a free port, over `supergraph`.
 * A process of its own also keeps Hive's types, which bring a newer @types/node, out of the tests' program.
 */
async function startRouter(supergraph: string): Promise<{ url: string; process: ChildProcess }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
  writeFileSync(file, supergraph);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '../../examples/supergraph/hive-gateway.ts')], {
    env: { ...process.env, SUPERGRAPH: file, HIVE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /supergraph at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the Hive Gateway example exited (${code}) before it listened`)));
  });
  return { url, process: child };
}

async function metrics(): Promise<string> {
  const res = await fetch(`${stack.gateway.url}/metrics`);
  return res.text();
}
