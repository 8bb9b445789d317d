import { getIntrospectionQuery } from 'graphql';
import { startSecurityStack, TOKENS, codesByPath, type SecurityStack } from './support';

/**
 * The gateway runs operations compiled (graphql-jit) behind Apollo; graphql-js is the fallback for
 * what jit will not take. These pin that ordinary operations, refusals and errors included, take
 * the compiled path, once per document and scope set, and what falls back.
 */
let stack: SecurityStack;
beforeAll(async () => {
  stack = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0' });
});
afterAll(async () => {
  await stack?.close();
});

const stats = () => stack.gateway.gateway.executionStats();

describe('compiled execution', () => {
  it('compiles ordinary operations once per document and scope set, refusals and errors included', async () => {
    const before = stats();
    const queries: Array<[string, string]> = [
      ['{ products(first: 3) { edges { node { productcode name freeStock stock { warehouse { name } freeStock } } } } }', TOKENS.stock],
      ['{ orders(first: 2) { edges { node { orderid status lines { productcode amount product { productcode freeStock } } } } } }', TOKENS.orders],
      ['query Fragments { orders(first: 1) { edges { node { ...O } } } } fragment O on Order { a: orderid email deliveryAddress { city } }', TOKENS.customers],
      ['query Fragments { orders(first: 1) { edges { node { ...O } } } } fragment O on Order { a: orderid email deliveryAddress { city } }', TOKENS.orders],
      ['{ product(id: "not-a-number") { id } }', TOKENS.stock],
      [getIntrospectionQuery(), TOKENS.stock],
    ];
    for (const [query, token] of queries) {
      const r = await stack.gql(query, { token });
      expect(r.status).toBe(200);
    }
    const mid = stats();
    expect(mid.compiled - before.compiled).toBe(queries.length);
    expect(mid.fallback - before.fallback).toBe(0);
    for (const [query, token] of queries) await stack.gql(query, { token });
    const after = stats();
    expect(after.compiled).toBe(mid.compiled);
    expect(after.cached - mid.cached).toBe(queries.length);
  });

  it('answers a refused personal field through the compiled path with FORBIDDEN at each row', async () => {
    const r = await stack.gql('{ orders(first: 2) { edges { node { orderid email } } } }', { token: TOKENS.orders });
    expect(r.body.data?.orders.edges.map((e: any) => e.node.email)).toEqual([null, null]);
    expect(codesByPath(r.body)).toEqual({ 'orders.edges.0.node.email': 'FORBIDDEN', 'orders.edges.1.node.email': 'FORBIDDEN' });
  });

  it('runs a fragment fan-out on graphql-js rather than compiling its expansion', async () => {
    const before = stats();
    const fragments = Array.from({ length: 5 }, (_, i) => `fragment F${i} on Query { ${`...F${i + 1} `.repeat(10)} }`).join(' ');
    const r = await stack.gql(`{ ...F0 } ${fragments} fragment F5 on Query { warehouses { name } }`, { token: TOKENS.stock });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.warehouses.length).toBeGreaterThan(0);
    expect(stats().fallback - before.fallback).toBe(1);
  });

  it('sets cache-control: no-store itself (Apollo cacheControl plugin off)', async () => {
    const r = await stack.gql('{ warehouses { name } }', { token: TOKENS.stock });
    expect(r.headers['cache-control']).toBe('no-store');
  });
});
