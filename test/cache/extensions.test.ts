import { demoCatalog } from '../../src/sandbox/catalog';
import { deleteKeys } from '../helpers/redis-keys';
import { startStack, type TestStack } from '../helpers/stack';
import { cachePrefix, SHARED_REDIS, usage } from './support';

/**
 * What callers see of the cache, per upstream, in `extensions.upstream`: a first read of a product
 * with its Shopify variant and Exact item misses on all three; the same read again hits on all
 * three, makes no call, and reports how old the oldest entry it served was; a read that mixes an
 * entry and a fetch reports both.
 */

const PRODUCT = 'productcode name shopify { sku } exact { code }';
const QUERY = `query($c: String!) { product(productcode: $c) { ${PRODUCT} } }`;
const UPSTREAMS = ['picqer', 'shopify', 'exact'] as const;

let stack: TestStack;
const prefix = cachePrefix('extensions');
const codes = demoCatalog({ products: 40 })
  .filter((p) => p.inShopify && p.inExact)
  .map((p) => p.productcode);

beforeAll(async () => {
  stack = await startStack({
    picqer: { products: 40, orders: 5 },
    shopify: { products: 40 },
    exact: true,
    // No start-up warm-up: its background calls could land while a read is being counted.
    env: { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: prefix, PICQER_WARMUP_PAGES: '0' },
  });
});

afterAll(async () => {
  await stack?.close();
  await deleteKeys(SHARED_REDIS, prefix);
});

it('a miss on every upstream, then a hit on every upstream with the age of what was served', async () => {
  const code = codes[0];
  const started = Date.now();
  const miss = await stack.gql(QUERY, { c: code });
  expect(miss.body.errors).toBeUndefined();
  expect(miss.body.data.product).toMatchObject({ productcode: code, shopify: { sku: code }, exact: { code } });
  for (const u of UPSTREAMS) {
    expect(usage(miss.body, u)).toMatchObject({ cacheHits: 0, cacheStale: 0, staleOnError: 0, oldestAgeMs: 0 });
    expect(usage(miss.body, u).cacheMisses).toBeGreaterThanOrEqual(1);
    expect(usage(miss.body, u).calls).toBeGreaterThanOrEqual(1);
  }

  const before = stack.upstreamRequests();
  const hit = await stack.gql(QUERY, { c: code });
  const answeredBy = Date.now();
  expect(hit.body.data).toEqual(miss.body.data);
  expect(stack.upstreamRequests()).toEqual(before);
  for (const u of UPSTREAMS) {
    const h = usage(hit.body, u);
    expect(h).toMatchObject({ calls: 0, cacheMisses: 0, cacheStale: 0, staleOnError: 0 });
    expect(h.cacheHits).toBeGreaterThanOrEqual(1);
    // Written after the first request was sent, read before the second answer came back.
    expect(h.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(h.oldestAgeMs).toBeLessThanOrEqual(answeredBy - started);
  }
});

it('one request that reads an entry and fetches another reports a hit and a miss on each upstream', async () => {
  const [cached, fresh] = [codes[1], codes[2]];
  const started = Date.now();
  expect((await stack.gql(QUERY, { c: cached })).body.errors).toBeUndefined();
  const both = await stack.gql(`query($a: String!, $b: String!) { a: product(productcode: $a) { ${PRODUCT} } b: product(productcode: $b) { ${PRODUCT} } }`, {
    a: cached,
    b: fresh,
  });
  const elapsed = Date.now() - started;
  expect(both.body.errors).toBeUndefined();
  expect(both.body.data.b).toMatchObject({ productcode: fresh, shopify: { sku: fresh }, exact: { code: fresh } });
  for (const u of UPSTREAMS) {
    const m = usage(both.body, u);
    expect(m.cacheHits).toBeGreaterThanOrEqual(1);
    expect(m.cacheMisses).toBeGreaterThanOrEqual(1);
    expect(m.calls).toBeGreaterThanOrEqual(1);
    expect(m.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(m.oldestAgeMs).toBeLessThanOrEqual(elapsed);
  }
});
