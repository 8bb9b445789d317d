import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * A query or mutation sends at most twice MAX_QUERY_COST upstream calls, whatever its estimate
 * said: a page of bundles passes the estimate (one page, the warehouse list) but needs a parts
 * call per bundle, which no estimate can know beforehand.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 30, orders: 5, bundles: 40 }, env: { MAX_QUERY_COST: '5', CACHE_ENABLED: 'false' } });
});
afterAll(async () => {
  await stack?.close();
});

it('stops a request at twice MAX_QUERY_COST calls and says so, answering what it has', async () => {
  stack.picqer.state.resetStats();
  const r = await stack.gql(`{ products(first: 100) { edges { node { productcode freeStock } } } }`);
  expect(r.status).toBe(200);
  const sent = stack.picqer.state.stats().total;
  expect(sent).toBeLessThanOrEqual(10);
  expect(sent).toBeGreaterThanOrEqual(3);
  const refused = (r.body.errors ?? []).filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxCalls: 10 } });
  expect(refused[0].message).toContain('twice MAX_QUERY_COST');
  expect(r.body.extensions?.upstream?.picqer?.calls).toBe(sent);
});

it('leaves a request within the bound alone, and bounds each request on its own', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await stack.gql(`{ products(first: 20) { edges { node { productcode freeStock } } } }`);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.products.edges).toHaveLength(20);
  }
});

it('CallAccounting admits maxCalls calls, then refuses every further one', () => {
  const a = new CallAccounting('live', 3);
  for (let i = 0; i < 3; i++) expect(() => a.admit('picqer')).not.toThrow();
  expect(() => a.admit('shopify')).toThrow('This request has sent the 3 upstream calls one request may send');
  expect(() => a.admit('picqer')).toThrow();
  const unbounded = new CallAccounting('background');
  for (let i = 0; i < 1000; i++) unbounded.admit('picqer');
});
