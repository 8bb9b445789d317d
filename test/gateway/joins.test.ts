import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { demoCatalog } from '../../src/sandbox/catalog';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { sandboxEnv } from '../../src/sandbox/env';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';

/**
 * The joined query over all three sandboxes: call counts per upstream from each sandbox's own
 * counters, and a failing Shopify or Exact nulling only its own fields.
 */
let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let exact: ExactSandbox;
let gw: RunningGateway;

const JOINED = `query($first: Int!) { products(first: $first) { edges { node { productcode freeStock
  shopify { sku inventory { location { id } available } }
  exact { code costPrice stock stockValue } } } } }`;

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 300, orders: 20 });
  shop = await startShopifySandbox({ products: 300 });
  exact = await startExactSandbox({ products: 300 });
  gw = await startGateway(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      PICQER_WARMUP_PAGES: '0',
      ...sandboxEnv({ picqer, shopify: shop, exact }),
      UPSTREAM_DEADLINE_MS: '4000',
    }),
    createLogger('silent'),
  );
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([picqer?.close(), shop?.close(), exact?.close()]);
});

async function gql(query: string, variables: Record<string, unknown>): Promise<any> {
  const r = await request(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return r.body.json();
}

async function picqerTotal(): Promise<number> {
  return ((await (await request(`${picqer.origin}/__sandbox/stats`)).body.json()) as { total: number }).total;
}

it('joins a page of 100 products with 2 Picqer calls, 3 Shopify calls and 2 Exact calls', async () => {
  const before = { picqer: await picqerTotal(), shopify: shop.stats().total, exact: exact.state.stats.total };
  const r = await gql(JOINED, { first: 100 });
  expect(r.errors).toBeUndefined();
  const catalog = new Map(demoCatalog({ products: 300 }).map((p) => [p.productcode, p]));
  for (const e of r.data.products.edges) {
    const c = catalog.get(e.node.productcode)!;
    expect(Boolean(e.node.shopify)).toBe(c.inShopify);
    expect(Boolean(e.node.exact)).toBe(c.inExact);
    if (e.node.exact) expect(e.node.exact.stockValue).toBeCloseTo(e.node.exact.stock * e.node.exact.costPrice, 2);
  }
  // The products page, and the warehouse list freeStock needs (which warehouses count for general stock).
  expect((await picqerTotal()) - before.picqer).toBe(2);
  // One locations call (then shared), two searches of 50 SKUs.
  expect(shop.stats().total - before.shopify).toBe(3);
  // 60 codes per Exact page.
  expect(exact.state.stats.total - before.exact).toBe(2);
  expect(r.extensions.upstream).toMatchObject({ picqer: { calls: 2 }, shopify: { calls: 3 }, exact: { calls: 2 } });
});

it('a failing Shopify nulls only the shopify fields; Picqer and Exact still answer', async () => {
  shop.configure({ faults: Array(20).fill(503) });
  const r = await gql(JOINED, { first: 10 });
  shop.reset(); // drops the faults not consumed (and the counters)
  const nodes = r.data.products.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(10);
  expect(nodes.every((n: any) => n.shopify === null && typeof n.freeStock === 'number')).toBe(true);
  expect(nodes.some((n: any) => n.exact !== null)).toBe(true);
  const codes = new Set(r.errors.map((e: any) => e.extensions.code));
  expect([...codes]).toEqual(['UPSTREAM_ERROR']);
  expect(r.errors.every((e: any) => e.path[e.path.length - 1] === 'shopify' && e.extensions.upstream === 'shopify')).toBe(true);
});

it('a failing Exact nulls only the exact fields', async () => {
  const rsp = await request(`${exact.origin}/__sandbox/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults: [{ status: 500, count: 20 }] }),
  });
  await rsp.body.dump();
  const r = await gql(JOINED, { first: 10, after: null });
  const nodes = r.data.products.edges.map((e: any) => e.node);
  expect(nodes.every((n: any) => n.exact === null && typeof n.freeStock === 'number')).toBe(true);
  expect(nodes.some((n: any) => n.shopify !== null)).toBe(true);
  expect(r.errors.every((e: any) => e.path[e.path.length - 1] === 'exact' && e.extensions.code === 'UPSTREAM_ERROR' && e.extensions.upstream === 'exact')).toBe(true);
});
