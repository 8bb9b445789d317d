import { graphql, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { createExactLoaders, type ExactClient } from '../../src/datasources/exact';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { ProductExactResolver } from '../../src/resolvers/exact.resolver';
import { demoCatalog } from '../../src/sandbox/catalog';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { ProductStubQuery } from './support/product-stub.resolver';
import { clientFor, stats } from './support/sandbox-client';

/** Product.exact through a real schema and the real sandbox. */

let sb: ExactSandbox;
let client: ExactClient;
let schema: GraphQLSchema;

beforeAll(async () => {
  sb = await startExactSandbox({ products: 50 });
  client = clientFor(sb);
  schema = await buildSchema({ resolvers: [ProductStubQuery, ProductExactResolver], validate: false });
});
afterAll(async () => {
  await client.close();
  await sb.close();
});

const QUERY = `query ($codes: [String!]!) {
  stubProducts(codes: $codes) { productcode exact { id code description costPrice stock stockValue } }
}`;

describe('Product.exact', () => {
  it('joins items by productcode in one batched call; a product Exact lacks gets null, not an error', async () => {
    const catalog = demoCatalog({ products: 50 });
    const present = catalog.filter((p) => p.inExact).slice(0, 3);
    const missing = catalog.find((p) => !p.inExact)!;
    const codes = [...present.map((p) => p.productcode), missing.productcode];
    const before = (await stats(sb)).total;
    const accounting = new CallAccounting();
    const res = await graphql({
      schema, source: QUERY, variableValues: { codes },
      contextValue: { loaders: { exact: createExactLoaders(client, accounting) }, accounting },
    });
    expect(res.errors).toBeUndefined();
    const rows = (res.data as { stubProducts: Array<{ productcode: string; exact: Record<string, unknown> | null }> }).stubProducts;
    expect(rows.map((r) => r.exact?.code ?? null)).toEqual([...present.map((p) => p.productcode), null]);
    const p = present[0];
    const stock = p.stock[1] + p.stock[2];
    expect(rows[0].exact).toMatchObject({ description: p.name, costPrice: p.costPrice, stock, stockValue: Math.round(p.costPrice * stock * 100) / 100 });
    expect((await stats(sb)).total - before).toBe(1);
    expect(accounting.toJSON().exact.calls).toBe(1);
  });

  it('nulls only the exact field with UPSTREAM_NOT_CONFIGURED when Exact is not configured', async () => {
    const res = await graphql({
      schema, source: QUERY, variableValues: { codes: ['PG-00001', 'PG-00002'] },
      contextValue: { loaders: { exact: null }, accounting: new CallAccounting() },
    });
    const rows = (res.data as { stubProducts: Array<{ productcode: string; exact: unknown }> }).stubProducts;
    expect(rows).toEqual([{ productcode: 'PG-00001', exact: null }, { productcode: 'PG-00002', exact: null }]);
    expect(res.errors?.map((e) => [e.extensions.code, e.path?.join('.')])).toEqual([
      ['UPSTREAM_NOT_CONFIGURED', 'stubProducts.0.exact'],
      ['UPSTREAM_NOT_CONFIGURED', 'stubProducts.1.exact'],
    ]);
    expect(res.errors?.[0].message).toMatch(/EXACT_CLIENT_ID/);
  });
});
