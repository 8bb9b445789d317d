import { request } from 'undici';
import { startGateway } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startExactSandbox } from '../src/sandbox/exact';
import { startLightspeedEcomSandbox } from '../src/sandbox/lightspeed';
import { startPicqerSandbox } from '../src/sandbox/picqer';
import { sandboxEnv } from '../src/sandbox/env';
import { startShopifySandbox } from '../src/sandbox/shopify';
import { BENCH_BUNDLES, WAREHOUSE_CASES } from './support/warehouse-calls';

/**
 * Upstream calls per representative query, from the sandboxes' own counters, next to the fewest
 * calls the upstream APIs allow for the same answer (derived from the answer itself):
 * - Picqer: lists cost one call per 100 rows, products by id one call per 100 distinct ids,
 *   orders by id one call each (Picqer has no multi-id filter for orders), warehouses one call;
 * - Shopify: one search call per 50 SKUs (the gateway's search-string cap; Shopify also caps a
 *   single query at 1,000 cost points, and a variant with its inventory levels costs ~13) and one
 *   call for the locations;
 * - Exact: Items by `Code eq … or …` filter, one call per 60 codes (Exact's page size);
 * - Lightspeed eCom: `variants.json?sku=` filters one SKU a call (no list filter), so one call per
 *   distinct product code, found or not.
 * Every query runs against a cold gateway (CACHE_ENABLED=false): the figures are what one query
 * costs upstream, not what an earlier case left in the entity cache.
 * Prints `calls: <query> made=N minimum=M`, and per upstream for joined queries.
 */
interface Case {
  name: string;
  query: string;
  minimum(data: any): Partial<Record<Upstream, number>>;
}
type Upstream = 'picqer' | 'shopify' | 'exact' | 'lightspeed';

const distinct = (xs: unknown[]): number => new Set(xs).size;
const per = (n: number, size: number): number => Math.ceil(n / size);

/**
 * `freeStock` is general free stock: the sum over the warehouses that count for it, which only the
 * warehouse list tells (Picqer's product carries no such flag). So a query asking for it needs that
 * list once per request, even when it asks for no warehouse.
 */
const GENERAL_STOCK = 1;

const CASES: Case[] = [
  {
    name: '100 products with stock per warehouse',
    query: '{ products(first: 100) { edges { node { productcode freeStock stock { warehouse { name } stock freeStock } } } } }',
    minimum: () => ({ picqer: 1 /* products page */ + 1 /* warehouses, shared by stock and freeStock */ }),
  },
  {
    name: '250 products (3 Picqer pages)',
    query: '{ products(first: 250) { edges { node { productcode freeStock } } pageInfo { hasNextPage } } }',
    minimum: () => ({ picqer: 3 + GENERAL_STOCK }),
  },
  {
    // A router's `_entities` for 100 products by code (federation, issue 16): the codes are known from
    // the pages above, so they batch by id like a page's rows.
    name: 'entities-100-products',
    query: `{ _entities(representations: [${Array.from({ length: 100 }, (_, i) => `{ __typename: "Product", productcode: "PG-${String(i + 1).padStart(5, '0')}" }`).join(', ')}]) {
      ... on Product { productcode freeStock } } }`,
    minimum: (d) => ({ picqer: per(d._entities.filter((p: unknown) => p !== null).length, 100) + GENERAL_STOCK }),
  },
  {
    name: "50 orders with lines and each line's product free stock",
    query: '{ orders(first: 50) { edges { node { orderid lines { amount product { productcode freeStock } } } } } }',
    minimum: (d) => {
      const ids = d.orders.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.product?.productcode));
      return { picqer: 1 + per(distinct(ids), 100) + GENERAL_STOCK };
    },
  },
  {
    name: '25 picklists with warehouse, order and line products',
    query: '{ picklists(first: 25) { edges { node { picklistid warehouse { name } order { orderid } lines { product { idproduct name } } } } } }',
    minimum: (d) => {
      const nodes = d.picklists.edges.map((e: any) => e.node);
      const orders = distinct(nodes.map((n: any) => n.order?.orderid));
      const products = distinct(nodes.flatMap((n: any) => n.lines.map((l: any) => l.product?.idproduct)));
      return { picqer: 1 /* picklists */ + 1 /* warehouses */ + orders /* no multi-id filter */ + per(products, 100) };
    },
  },
  {
    name: '100 products with shopify and exact',
    query: `{ products(first: 100) { edges { node { productcode freeStock
      shopify { sku price { amount currencyCode } inventory { location { name } available onHand } }
      exact { code costPrice stock stockValue } } } } }`,
    minimum: () => ({ picqer: 1 + GENERAL_STOCK, shopify: 1 /* locations */ + per(100, 50), exact: per(100, 60) }),
  },
  {
    name: 'the next 100 products with shopify and exact (locations known)',
    query: `{ products(first: 100, after: "${Buffer.from('o:99').toString('base64url')}") { edges { node { productcode freeStock
      shopify { sku price { amount currencyCode } inventory { location { name } available onHand } }
      exact { code costPrice stock stockValue } } } } }`,
    minimum: () => ({ picqer: 1 + GENERAL_STOCK, shopify: per(100, 50), exact: per(100, 60) }),
  },
  {
    // 40 rows: eCom's one call per SKU makes Product.channels cost a call per row (MAX_QUERY_COST 50).
    name: '40 products in both shops (channels) and exact',
    query: `{ products(first: 40, after: "${Buffer.from('o:199').toString('base64url')}") { edges { node { productcode freeStock
      channels { channel sku price { amount currencyCode } inventory { location { name } available } }
      exact { code costPrice stock stockValue } } } } }`,
    minimum: (d) => {
      const codes = distinct(d.products.edges.map((e: any) => e.node.productcode));
      return { picqer: 1 + GENERAL_STOCK, shopify: per(codes, 50) /* locations shared since the cases above */, lightspeed: codes, exact: per(codes, 60) };
    },
  },
  // Warehouse resources (issue 19): Picqer alone; the bench's sandbox seeds 5 bundles after its 2,000 products.
  ...WAREHOUSE_CASES,
];

export async function run(): Promise<void> {
  const picqer = await startPicqerSandbox({ bundles: BENCH_BUNDLES });
  const shop = await startShopifySandbox({});
  const exact = await startExactSandbox({});
  const webshop = await startLightspeedEcomSandbox({});
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUDIT_LOG: 'off',
    ...sandboxEnv({ picqer, shopify: shop, exact, lightspeedEcom: webshop }),
    LIGHTSPEED_ECOM_WAREHOUSES: '1,2',
    // Each query's own upstream calls, not what an earlier case left in the cache.
    CACHE_ENABLED: 'false',
    // Counts below are exact: no start-up warm-up calls.
    PICQER_WARMUP_PAGES: '0',
  });
  const gw = await startGateway(config, createLogger('silent'));
  const totals = async (): Promise<Record<Upstream, number>> => ({
    picqer: ((await (await request(`${picqer.origin}/__sandbox/stats`)).body.json()) as { total: number }).total,
    shopify: shop.stats().total,
    exact: exact.state.stats.total,
    lightspeed: webshop.requests().total,
  });
  try {
    for (const c of CASES) {
      const before = await totals();
      const r = await request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: c.query }),
      });
      const body = (await r.body.json()) as { data: any; errors?: unknown[] };
      if (body.errors) throw new Error(`${c.name}: ${JSON.stringify(body.errors)}`);
      const after = await totals();
      const minimum = c.minimum(body.data);
      const upstreams = Object.keys(minimum) as Upstream[];
      if (upstreams.length === 1) {
        const u = upstreams[0];
        process.stdout.write(`calls: ${c.name} made=${after[u] - before[u]} minimum=${minimum[u]}\n`);
      } else {
        for (const u of upstreams) process.stdout.write(`calls: ${c.name} [${u}] made=${after[u] - before[u]} minimum=${minimum[u]}\n`);
      }
    }
  } finally {
    await gw.close();
    await Promise.all([picqer.close(), shop.close(), exact.close(), webshop.close()]);
  }
}
