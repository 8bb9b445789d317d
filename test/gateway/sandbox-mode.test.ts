import { createClient } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { demoCatalog } from '../../src/sandbox/catalog';
import { DEMO_OUTLETS } from '../../src/sandbox/lightspeed';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox-mode';
import { gqlBody } from '../helpers/gql';
import { until } from '../helpers/until';

/**
 * What `npm start` without credentials assembles: the sandboxes (Lightspeed eCom among them), the gateway in front of
 * them with the demo token, hooks registered in the Picqer sandbox, Shopify webhooks pointed here.
 */
let sandboxes: RunningSandboxes;
let gateway: RunningGateway;
let auth: string;

beforeAll(async () => {
  const logger = createLogger('silent');
  sandboxes = await startSandboxes(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SANDBOX_SIMULATOR_PICKS_PER_MINUTE: '0' }), logger);
  gateway = await startGateway(sandboxes.config, logger, { graphiqlHeaders: sandboxes.graphiqlHeaders });
  sandboxes.connect(gateway.url);
  auth = sandboxes.graphiqlHeaders!.Authorization;
});
afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

it('needs the printed demo token', async () => {
  const r = await gqlBody(gateway, '{ warehouses { name } }', undefined, { authorization: 'Bearer not-the-demo-token' });
  expect(r.errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

it('joins most products across all three sandboxes; some exist only in Picqer', async () => {
  const r = await gqlBody(gateway, '{ products(first: 100) { edges { node { productcode shopify { sku } exact { code } } } } }', undefined, {
    authorization: auth,
  });
  expect(r.errors).toBeUndefined();
  const nodes = r.data.products.edges.map((e: any) => e.node);
  const catalog = new Map(demoCatalog().map((p) => [p.productcode, p]));
  for (const n of nodes) {
    const c = catalog.get(n.productcode)!;
    expect(n.shopify?.sku ?? null).toBe(c.inShopify ? n.productcode : null);
    expect(n.exact?.code ?? null).toBe(c.inExact ? n.productcode : null);
  }
  expect(nodes.filter((n: any) => n.shopify && n.exact).length).toBeGreaterThan(50);
  expect(nodes.some((n: any) => !n.shopify)).toBe(true);
  expect(r.extensions.upstream.shopify.calls).toBeLessThanOrEqual(3);
  expect(r.extensions.upstream.exact.calls).toBeLessThanOrEqual(2);
});

it("lists a product in both webshops, the Lightspeed stock agreeing with Picqer's free stock in warehouses 1 and 2", async () => {
  const code = demoCatalog().find((p) => p.inShopify && p.shopifyDrift === 0 && sandboxes.lightspeedEcom.state.variantBySku(p.productcode))!.productcode;
  const r = await gqlBody(
    gateway,
    'query($c: String!) { product(productcode: $c) { stock { warehouse { id } freeStock } channels { channel sku inventory { available warehouseIds } } } }',
    { c: code },
    { authorization: auth },
  );
  expect(r.errors).toBeUndefined();
  const p = r.data.product;
  expect(p.channels.map((c: any) => c.channel)).toEqual(['SHOPIFY', 'LIGHTSPEED']);
  const free = p.stock.filter((s: any) => ['1', '2'].includes(String(s.warehouse.id))).reduce((n: number, s: any) => n + s.freeStock, 0);
  expect(p.channels[1].inventory).toEqual([{ available: Math.max(0, free), warehouseIds: [1, 2] }]);
});

it('stockDrift shows exactly the deliberate drift of the demo data', async () => {
  // The start-up warm-up indexes product codes, so 100 codes cost 1 Picqer call, not 100.
  const index = gateway.services.picqerCodes;
  // 2,000 catalog products and 5 bundles.
  await until(() => index.size >= 2005, 'the warm-up to index the 2,005 product codes', { everyMs: 50 });
  expect(index.size).toBe(2005);
  // 100 codes: two Shopify searches, well inside a standard shop's bucket (2,000 points, 100/s).
  const codes = demoCatalog()
    .slice(0, 100)
    .map((p) => p.productcode);
  // Shopify's drift (the Lightspeed webshop starts without any; 100 codes there would be 100 calls).
  const r = await gqlBody(
    gateway,
    'query($c: [String!]!) { stockDrift(productcodes: $c, channels: [SHOPIFY]) { productcode difference } }',
    { c: codes },
    { authorization: auth },
  );
  expect(r.errors).toBeUndefined();
  const drifting = demoCatalog()
    .slice(0, 100)
    .filter((p) => p.inShopify && p.shopifyDrift !== 0);
  expect(drifting.length).toBeGreaterThan(0);
  expect(r.data.stockDrift.map((d: any) => d.productcode).sort()).toEqual(drifting.map((p) => p.productcode).sort());
});

it('a stock move in the Picqer sandbox reaches a freeStockChanged subscriber through the registered hook', async () => {
  const product = sandboxes.picqer.state.products[5];
  const client = createClient({
    url: `${gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: auth },
    retryAttempts: 0,
  });
  try {
    const received = new Promise<any>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($c: [String!]) { freeStockChanged(productcodes: $c) { productcode freeStock } }', variables: { c: [product.productcode] } },
        { next: (m) => resolve(m), error: reject, complete: () => undefined },
      );
    });
    // Subscribe first (the connection is lazy); then move stock in the warehouse.
    const bus = gateway.services.events.bus;
    await until(() => bus.subscriberCount() > 0, 'the subscription to register', { everyMs: 20 });
    expect(bus.subscriberCount()).toBe(1);
    const before = product.stock.find((s: { idwarehouse: number }) => s.idwarehouse === 1)!.freestock;
    const moved = await request(`${sandboxes.picqer.origin}/__sandbox/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productcode: product.productcode, idwarehouse: 1, change: 5 }),
    });
    expect(moved.statusCode).toBeLessThan(300);
    await moved.body.dump();
    const msg = await received;
    expect(msg.data.freeStockChanged.productcode).toBe(product.productcode);
    expect(msg.data.freeStockChanged.freeStock).toBe(product.stock.reduce((s: number, l: { freestock: number }) => s + l.freestock, 0));
    expect(product.stock.find((s: { idwarehouse: number }) => s.idwarehouse === 1)!.freestock).toBe(before + 5);
  } finally {
    await client.dispose();
  }
});

it('a sale rung up at the Lightspeed till sandbox lowers Picqer stock at the mapped warehouse, through the hook the gateway registered', async () => {
  const outlet = DEMO_OUTLETS[0];
  const product = sandboxes.picqer.state.products.find((p) => sandboxes.lightspeedRetail.state.products.some((r) => r.sku === p.productcode))!;
  const row = () => product.stock.find((s: { idwarehouse: number }) => s.idwarehouse === outlet.picqerWarehouse)!;
  const before = row().stock;
  const sold = await request(`${sandboxes.lightspeedRetail.origin}/__sandbox/sales`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outlet_id: outlet.id, lines: [{ sku: product.productcode, quantity: 2 }] }),
  });
  expect(sold.statusCode).toBeLessThan(300);
  await sold.body.dump();
  await until(() => row().stock === before - 2, 'the till sale to reach Picqer');
  expect(row().stock).toBe(before - 2);
});
