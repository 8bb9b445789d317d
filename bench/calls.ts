import { request } from 'undici';
import { startGateway } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startPicqerSandbox } from '../src/sandbox/picqer';

/**
 * Upstream calls per representative query, against the sandbox's own counters, next to the
 * fewest calls the Picqer API allows for the same answer (derived from the answer itself:
 * lists cost one call per 100 rows, products by id one call per 100 distinct ids, orders by id
 * one call each because Picqer has no multi-id filter for them, warehouses one call).
 * Prints `calls: <query> made=N minimum=M`.
 */
interface Case {
  name: string;
  query: string;
  minimum(data: any): number;
}

const distinct = (xs: unknown[]): number => new Set(xs).size;
const per100 = (n: number): number => Math.ceil(n / 100);

const CASES: Case[] = [
  {
    name: '100 products with stock per warehouse',
    query: '{ products(first: 100) { edges { node { productcode freeStock stock { warehouse { name } stock freeStock } } } } }',
    minimum: () => 1 /* products page */ + 1 /* warehouses */,
  },
  {
    name: '250 products (3 Picqer pages)',
    query: '{ products(first: 250) { edges { node { productcode freeStock } } pageInfo { hasNextPage } } }',
    minimum: () => 3,
  },
  {
    name: "50 orders with lines and each line's product free stock",
    query: '{ orders(first: 50) { edges { node { orderid lines { amount product { productcode freeStock } } } } } }',
    minimum: (d) => {
      const ids = d.orders.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.product?.productcode));
      return 1 + per100(distinct(ids));
    },
  },
  {
    name: '25 picklists with warehouse, order and line products',
    query: '{ picklists(first: 25) { edges { node { picklistid warehouse { name } order { orderid } lines { product { idproduct name } } } } } }',
    minimum: (d) => {
      const nodes = d.picklists.edges.map((e: any) => e.node);
      const orders = distinct(nodes.map((n: any) => n.order?.orderid));
      const products = distinct(nodes.flatMap((n: any) => n.lines.map((l: any) => l.product?.idproduct)));
      return 1 /* picklists */ + 1 /* warehouses */ + orders /* no multi-id filter */ + per100(products);
    },
  },
];

export async function run(): Promise<void> {
  const sandbox = await startPicqerSandbox({});
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_SUBDOMAIN: 'bench',
    PICQER_API_KEY: sandbox.apiKey,
    PICQER_BASE_URL: sandbox.baseUrl,
    // Counts below are exact: no start-up warm-up calls.
    PICQER_WARMUP_PAGES: '0',
  });
  const gw = await startGateway(config, createLogger('silent'));
  try {
    for (const c of CASES) {
      await request(`${sandbox.origin}/__sandbox/stats/reset`, { method: 'POST' }).then((r) => r.body.dump());
      const r = await request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: c.query }),
      });
      const body = (await r.body.json()) as { data: any; errors?: unknown[] };
      if (body.errors) throw new Error(`${c.name}: ${JSON.stringify(body.errors)}`);
      const stats = (await (await request(`${sandbox.origin}/__sandbox/stats`)).body.json()) as { total: number };
      process.stdout.write(`calls: ${c.name} made=${stats.total} minimum=${c.minimum(body.data)}\n`);
    }
  } finally {
    await gw.close();
    await sandbox.close();
  }
}
