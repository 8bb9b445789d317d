import { request } from 'undici';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * The counter every sandbox offers, `requests()`: the same shape from all three, API requests
 * only (control calls and Exact's token calls are not counted), by the status they got, and
 * zeroed by each sandbox's own reset. Only the sandboxes run: no gateway sends anything between.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 10, orders: 5 }, shopify: { products: 10 }, exact: { products: 10 }, gateway: false });
});
afterAll(async () => {
  await stack?.close();
});

/** Sends one request and reads its answer to the end; returns the status. */
async function send(url: string, opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  const r = await request(url, { method: opts.method ?? 'GET', headers: opts.headers, body: opts.body });
  await r.body.dump();
  return r.statusCode;
}

it('Picqer counts every /api/v1 request, refused ones too, and not its control calls', async () => {
  const { picqer } = stack;
  picqer.state.resetStats();
  const auth = { authorization: `Basic ${Buffer.from(`${picqer.apiKey}:`).toString('base64')}`, 'user-agent': 'requests test' };
  expect(await send(`${picqer.baseUrl}/warehouses`, { headers: auth })).toBe(200);
  expect(await send(`${picqer.baseUrl}/warehouses`, { headers: { 'user-agent': 'requests test' } })).toBe(401);
  expect(await send(`${picqer.origin}/__sandbox/stats`)).toBe(200);
  expect(picqer.requests()).toEqual({ total: 2, byStatus: { '200': 1, '401': 1 } });
  picqer.state.resetStats();
  expect(picqer.requests()).toEqual({ total: 0, byStatus: {} });
});

it('Shopify counts the GraphQL requests it answers, injected faults too, and not its control calls', async () => {
  const { shopify } = stack;
  shopify.reset();
  const graphql = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopify.accessToken },
    body: JSON.stringify({ query: '{ shop { name } }' }),
  };
  expect(await send(shopify.graphqlUrl(), graphql)).toBe(200);
  shopify.configure({ faults: [503] });
  expect(await send(shopify.graphqlUrl(), graphql)).toBe(503);
  expect(await send(`${shopify.origin}/__sandbox/stats`)).toBe(200);
  expect(shopify.requests()).toEqual({ total: 2, byStatus: { '200': 1, '503': 1 } });
  expect(shopify.stats()).toMatchObject({ total: 2, byStatus: { '200': 1, '503': 1 }, faultsServed: 1 });
  shopify.reset();
  expect(shopify.requests()).toEqual({ total: 0, byStatus: {} });
});

it('Exact counts API requests, not its token calls or control calls', async () => {
  const { exact } = stack;
  expect(await send(`${exact.origin}/__sandbox/reset`, { method: 'POST' })).toBe(200);
  expect(await send(`${exact.baseUrl}/api/v1/${exact.division}/logistics/Items`)).toBe(401);
  const token = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: exact.refreshToken,
    client_id: exact.clientId,
    client_secret: exact.clientSecret,
  });
  expect(
    await send(`${exact.baseUrl}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: token.toString(),
    }),
  ).toBe(200);
  expect(exact.requests()).toEqual({ total: 1, byStatus: { '401': 1 } });
  expect(exact.state.stats.tokenRequests).toBe(1);
});

it('the stack sums the three counters, and names a part it did not start', () => {
  const counts = stack.upstreamRequests();
  expect(counts.total).toBe(counts.picqer + counts.shopify + counts.exact);
  expect(counts.exact).toBe(stack.exact.requests().total);
  expect(() => stack.gateway).toThrow('stack.gateway was not started (startStack was called with gateway: false).');
});
