import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { UpstreamHttp } from '../../src/datasources/upstream/http';
import { callsTo, startStack, type TestStack } from '../helpers/stack';

/**
 * Identical upstream GETs in flight at the same moment, from different GraphQL requests, share one
 * call; calls that differ in priority or per-call headers do not. The sandbox answers slowly so the
 * calls overlap (latency makes the overlap certain; nothing here measures time).
 */
let stack: TestStack;
beforeAll(async () => {
  // Coalescing of calls in flight, not the shared cache (test/cache), is what is measured here.
  stack = await startStack({ picqer: { latencyMs: 300 }, env: { CACHE_ENABLED: 'false' } });
});
afterAll(async () => {
  await stack?.close();
});

it('two concurrent GraphQL requests for the same page make one Picqer call', async () => {
  await stack.resetStats();
  const query = '{ products(first: 10) { edges { node { productcode } } } }';
  const [a, b] = await Promise.all([stack.gql(query), stack.gql(query)]);
  expect(a.body.data).toEqual(b.body.data);
  expect(callsTo(await stack.stats(), 'GET /api/v1/products')).toBe(1);
  const usage = [a.body.extensions?.upstream.picqer, b.body.extensions?.upstream.picqer];
  // One request sent the call, the other joined it.
  expect(usage.map((u) => u.calls).sort()).toEqual([0, 1]);
  expect(usage.map((u) => u.shared).sort()).toEqual([0, 1]);
});

it('does not join calls of another priority or with other per-call headers', async () => {
  const governors = createGovernorRegistry({ keyPrefix: 'test:coalesce:' });
  const http = new UpstreamHttp({
    upstream: 'picqer',
    baseUrl: stack.picqer.baseUrl,
    governor: governors.governor('picqer', 'coalesce-test', { kind: 'requests-per-minute', limit: 500 }),
    headers: () => ({ authorization: `Basic ${Buffer.from(`${stack.picqer.apiKey}:`).toString('base64')}`, 'user-agent': 'coalescing test' }),
  });
  try {
    await stack.resetStats();
    const live = new CallAccounting('live');
    const background = new CallAccounting('background');
    await Promise.all([
      http.request({ path: '/warehouses', accounting: live }),
      http.request({ path: '/warehouses', accounting: live }),
      http.request({ path: '/warehouses', accounting: background }),
      http.request({ path: '/warehouses', accounting: live, headers: { 'x-extra': 'a' } }),
    ]);
    // live + live share; background and the extra-header call go on their own.
    expect(callsTo(await stack.stats(), 'GET /api/v1/warehouses')).toBe(3);
    expect(live.toJSON().picqer).toMatchObject({ calls: 2, shared: 1 });
    expect(background.toJSON().picqer).toMatchObject({ calls: 1, shared: 0 });
  } finally {
    await http.close();
    await governors.close();
  }
});

it('calls made one after the other are not joined (nothing is cached across requests)', async () => {
  await stack.resetStats();
  const query = '{ warehouses { name } }';
  await stack.gql(query);
  await stack.gql(query);
  expect(callsTo(await stack.stats(), 'GET /api/v1/warehouses')).toBe(2);
});
