import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sandboxEnv } from '../../src/sandbox/env';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';

/**
 * Fields that need the request's warehouse list (`Product.freeStock`, `StockLevel.warehouse`) have
 * it started when the operation starts (schema/common/prefetch.ts), not when the first product
 * row asks: the list call goes out while the products call is still open. A pass-through in front
 * of the Picqer sandbox holds every products answer until a warehouses call has arrived (or a
 * fail-safe of a few seconds has passed) and records the order of events.
 */

const TOKEN_STOCK = 'prefetch-test-token-stock-0123456789';
const TOKEN_ORDERS = 'prefetch-test-token-orders-0123456789';

interface Gate {
  origin: string;
  events: string[];
  /** Whether products answers wait for a warehouses call (default true). */
  hold: boolean;
  reset(): void;
  close(): Promise<void>;
}

/** The pass-through: `GET …/products…` answers wait for a `GET …/warehouses…` to arrive (at most `holdMs`). */
async function gate(target: string, holdMs: number): Promise<Gate> {
  const events: string[] = [];
  let warehousesAsked: () => void = () => undefined;
  let asked = new Promise<void>((resolve) => (warehousesAsked = resolve));
  const self = { hold: true };
  const server: Server = createServer((req, res) => {
    const route = /\/(products|warehouses|orders)\b/.exec(req.url ?? '')?.[1] ?? 'other';
    events.push(`${route} asked`);
    if (route === 'warehouses') warehousesAsked();
    const forward = async (): Promise<void> => {
      const headers = { ...req.headers } as Record<string, string>;
      for (const h of ['host', 'connection']) delete headers[h];
      const r = await request(`${target}${req.url}`, { method: 'GET', headers });
      const body = Buffer.from(await r.body.arrayBuffer());
      if (route === 'products' && self.hold) await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, holdMs))]);
      events.push(`${route} answered`);
      const h = { ...r.headers } as Record<string, string>;
      for (const k of ['connection', 'content-length', 'transfer-encoding', 'keep-alive']) delete h[k];
      res.writeHead(r.statusCode, h).end(body);
    };
    forward().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(self, {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    reset() {
      self.hold = true;
      events.length = 0;
      asked = new Promise<void>((resolve) => (warehousesAsked = resolve));
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

let picqer: PicqerSandbox;
let proxy: Gate;
let gw: RunningGateway;

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 20, orders: 5 });
  const env = sandboxEnv({ picqer });
  proxy = await gate(new URL(env.PICQER_BASE_URL).origin, 3000);
  const config = loadConfig({
    ...env,
    PICQER_BASE_URL: `${proxy.origin}${new URL(env.PICQER_BASE_URL).pathname}`,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_WARMUP_PAGES: '0',
    CACHE_ENABLED: 'false',
    GATEWAY_TOKENS: `stock:stock:read:${TOKEN_STOCK},orders:orders:read:${TOKEN_ORDERS}`,
  });
  gw = await startGateway(config, createLogger('silent'));
});

afterAll(async () => {
  await gw?.close();
  await proxy?.close();
  await picqer?.close();
});

beforeEach(() => proxy.reset());

async function run(query: string, token = TOKEN_STOCK): Promise<any> {
  const r = await gql(gw, query, undefined, { token });
  return r.body;
}

it.each([
  ['freeStock', '{ products(first: 5) { edges { node { productcode freeStock } } } }'],
  ['stock { warehouse } through a fragment', '{ products(first: 5) { edges { node { ...S } } } } fragment S on Product { stock { warehouse { name } } }'],
])('%s: the warehouse list is asked while the products call is open, still one call each', async (_name, query) => {
  const body = await run(query);
  expect(body.errors).toBeUndefined();
  expect(body.data.products.edges).toHaveLength(5);
  expect(proxy.events.indexOf('warehouses asked')).toBeGreaterThan(-1);
  expect(proxy.events.indexOf('warehouses asked')).toBeLessThan(proxy.events.indexOf('products answered'));
  expect(proxy.events.filter((e) => e.endsWith('asked')).sort()).toEqual(['products asked', 'warehouses asked']);
});

it('answers the same free stock as the sandbox holds', async () => {
  const body = await run('{ products(first: 3) { edges { node { idproduct freeStock stock { warehouse { idwarehouse name } freeStock } } } } }');
  expect(body.errors).toBeUndefined();
  for (const { node } of body.data.products.edges) {
    const p = picqer.state.products.find((x) => x.idproduct === node.idproduct)!;
    const counting = new Set(picqer.state.warehouses.filter((w) => w.counts_for_general_stock).map((w) => w.idwarehouse));
    const free = p.stock.filter((s) => counting.has(s.idwarehouse)).reduce((sum, s) => sum + s.freestock, 0);
    expect(node.freeStock).toBe(free);
    expect(node.stock.map((s: any) => s.warehouse.idwarehouse)).toEqual(p.stock.map((s) => s.idwarehouse));
  }
});

it('asks no warehouse list for a query without those fields', async () => {
  proxy.hold = false; // no warehouses call is coming to release it
  const body = await run('{ products(first: 5) { edges { node { productcode stock { freeStock } } } } }');
  expect(body.errors).toBeUndefined();
  expect(proxy.events).not.toContain('warehouses asked');
});

it('starts nothing for a field the caller may not see', async () => {
  // orders:read only: each line's product (stock:read) is refused, and with it its freeStock.
  const body = await run('{ orders(first: 2) { edges { node { orderid lines { product { freeStock } } } } } }', TOKEN_ORDERS);
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(proxy.events).toContain('orders asked');
  expect(proxy.events).not.toContain('warehouses asked');
});
