import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { demoCatalog, type CatalogProduct } from '../../src/sandbox/catalog';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { stats } from './support/sandbox-client';

/**
 * Product.exact through the real gateway: the Picqer sandbox supplies the products, the Exact
 * sandbox the items; both derive from the same demo catalog (seed 42), so a product code means
 * the same product in each. A second gateway without Exact shows the not-configured answer.
 */

const PRODUCTS = 50;
let picqer: PicqerSandbox;
let exact: ExactSandbox;
let withExact: RunningGateway;
let withoutExact: RunningGateway;
const catalog = new Map<string, CatalogProduct>(demoCatalog({ products: PRODUCTS }).map((p) => [p.productcode, p]));

function gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_SUBDOMAIN: 'sandbox',
    PICQER_API_KEY: picqer.apiKey,
    PICQER_BASE_URL: picqer.baseUrl,
    PICQER_WARMUP_PAGES: '0',
    UPSTREAM_DEADLINE_MS: '5000',
    ...extra,
  };
}

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: PRODUCTS, orders: 5 });
  exact = await startExactSandbox({ products: PRODUCTS });
  withExact = await startGateway(
    loadConfig(
      gatewayEnv({
        EXACT_BASE_URL: exact.baseUrl,
        EXACT_DIVISION: String(exact.division),
        EXACT_CLIENT_ID: exact.clientId,
        EXACT_CLIENT_SECRET: exact.clientSecret,
        EXACT_REFRESH_TOKEN: exact.refreshToken,
      }),
    ),
    createLogger('silent'),
  );
  withoutExact = await startGateway(loadConfig(gatewayEnv()), createLogger('silent'));
});
afterAll(async () => {
  await withExact?.close();
  await withoutExact?.close();
  await exact?.close();
  await picqer?.close();
});

const PAGE = `query ($n: Int!) {
  products(first: $n) { edges { node { productcode exact { code description costPrice stock stockValue } } } }
}`;
const ONE = `query ($code: String!) {
  product(productcode: $code) { productcode exact { code description costPrice stock stockValue } }
}`;

/** What Product.exact must say for a catalog product: its Exact item, or null when Exact lacks it. */
function expectedItem(code: string): Record<string, unknown> | null {
  const p = catalog.get(code);
  if (!p) throw new Error(`product code ${code} is not in the demo catalog`);
  if (!p.inExact) return null;
  const stock = p.stock[1] + p.stock[2];
  return { code, description: p.name, costPrice: p.costPrice, stock, stockValue: Math.round(p.costPrice * stock * 100) / 100 };
}

describe('Product.exact through the gateway', () => {
  it('joins a page of products to Exact items in one batched call; a product Exact lacks gets null, not an error', async () => {
    const before = (await stats(exact)).total;
    const { body: res } = await gql(withExact, PAGE, { n: 20 });
    expect(res.errors).toBeUndefined();
    const nodes = res.data.products.edges.map((e: any) => e.node) as Array<{ productcode: string; exact: unknown }>;
    expect(nodes).toHaveLength(20);
    // The page must hold both kinds, or the test would prove nothing about the missing case.
    expect(nodes.some((n) => catalog.get(n.productcode)?.inExact)).toBe(true);
    expect(nodes.some((n) => !catalog.get(n.productcode)?.inExact)).toBe(true);
    for (const n of nodes) expect(n.exact).toEqual(expectedItem(n.productcode));
    expect((await stats(exact)).total - before).toBe(1);
    expect(res.extensions?.upstream.exact.calls).toBe(1);
  });

  it('product(productcode:): the item of a product Exact has, null for one it lacks', async () => {
    const codes = [...catalog.values()];
    const present = codes.find((p) => p.inExact)!;
    const missing = codes.find((p) => !p.inExact)!;
    for (const p of [present, missing]) {
      const { body: res } = await gql(withExact, ONE, { code: p.productcode });
      expect(res.errors).toBeUndefined();
      expect(res.data.product).toEqual({ productcode: p.productcode, exact: expectedItem(p.productcode) });
    }
    expect(expectedItem(missing.productcode)).toBeNull();
  });

  it('nulls only the exact field with UPSTREAM_NOT_CONFIGURED when Exact is not configured', async () => {
    const { body: res } = await gql(withoutExact, PAGE, { n: 2 });
    const nodes = res.data.products.edges.map((e: any) => e.node);
    const codes = nodes.map((n: { productcode: string }) => n.productcode);
    expect(codes).toHaveLength(2);
    expect(nodes).toEqual(codes.map((productcode: string) => ({ productcode, exact: null })));
    expect(res.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
      ['UPSTREAM_NOT_CONFIGURED', 'products.edges.0.node.exact'],
      ['UPSTREAM_NOT_CONFIGURED', 'products.edges.1.node.exact'],
    ]);
    expect(res.errors?.[0].message).toMatch(/EXACT_CLIENT_ID/);
  });
});
