import { request } from 'undici';
import { demoCatalog } from '../../src/sandbox/catalog';
import type { ExactSandbox } from '../../src/sandbox/exact';
import type { ShopifySandbox } from '../../src/sandbox/shopify';
import { gqlBody } from '../helpers/gql';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * The joined query over all three sandboxes: call counts per upstream from each sandbox's own
 * counters, and a failing Shopify or Exact nulling only its own fields.
 */
let stack: TestStack;
let shop: ShopifySandbox;
let exact: ExactSandbox;

const JOINED = `query($first: Int!) { products(first: $first) { edges { node { productcode freeStock
  shopify { sku inventory { location { id } available } }
  exact { code costPrice stock stockValue } } } } }`;

beforeAll(async () => {
  stack = await startStack({
    picqer: { products: 300, orders: 20 },
    shopify: { products: 300 },
    exact: { products: 300 },
    // Call counts of the loaders themselves: the shared cache would answer repeats (test/cache).
    env: { UPSTREAM_DEADLINE_MS: '4000', CACHE_ENABLED: 'false' },
  });
  ({ shopify: shop, exact } = stack);
});
afterAll(async () => {
  await stack?.close();
});

it('joins a page of 100 products with 2 Picqer calls, 3 Shopify calls and 2 Exact calls', async () => {
  const before = stack.upstreamRequests();
  const r = await gqlBody(stack.gateway, JOINED, { first: 100 });
  expect(r.errors).toBeUndefined();
  const catalog = new Map(demoCatalog({ products: 300 }).map((p) => [p.productcode, p]));
  for (const e of r.data.products.edges) {
    const c = catalog.get(e.node.productcode)!;
    expect(Boolean(e.node.shopify)).toBe(c.inShopify);
    expect(Boolean(e.node.exact)).toBe(c.inExact);
    if (e.node.exact) expect(e.node.exact.stockValue).toBeCloseTo(e.node.exact.stock * e.node.exact.costPrice, 2);
  }
  const after = stack.upstreamRequests();
  // The products page, and the warehouse list freeStock needs (which warehouses count for general stock).
  expect(after.picqer - before.picqer).toBe(2);
  // One locations call (then shared), two searches of 50 SKUs.
  expect(after.shopify - before.shopify).toBe(3);
  // 60 codes per Exact page.
  expect(after.exact - before.exact).toBe(2);
  expect(r.extensions.upstream).toMatchObject({ picqer: { calls: 2 }, shopify: { calls: 3 }, exact: { calls: 2 } });
});

it('a failing Shopify nulls only the shopify fields; Picqer and Exact still answer', async () => {
  shop.configure({ faults: Array(20).fill(503) });
  const r = await gqlBody(stack.gateway, JOINED, { first: 10 });
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
  const r = await gqlBody(stack.gateway, JOINED, { first: 10, after: null });
  const nodes = r.data.products.edges.map((e: any) => e.node);
  expect(nodes.every((n: any) => n.exact === null && typeof n.freeStock === 'number')).toBe(true);
  expect(nodes.some((n: any) => n.shopify !== null)).toBe(true);
  expect(r.errors.every((e: any) => e.path[e.path.length - 1] === 'exact' && e.extensions.code === 'UPSTREAM_ERROR' && e.extensions.upstream === 'exact')).toBe(
    true,
  );
});
