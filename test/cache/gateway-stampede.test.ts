import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql, type GqlAnswer } from '../helpers/gql';
import { deleteKeys } from '../helpers/redis-keys';
import { cachePrefix, gatewayFor, sandboxStock, SHARED_REDIS, usage } from './support';

/**
 * Stampedes across replicas: 100 concurrent reads of one product, half on each of two gateways on
 * one Redis, make one Picqer call for it; and when the product's entry has outlived its freshness,
 * every one of them answers what that one call brought, never the outdated entry.
 */

const PRODUCTS = 'GET /api/v1/products';
const FIELDS = 'idproduct productcode stock { warehouse { idwarehouse } stock reserved freeStock }';
const QUERY = `query($id: ID!) { product(id: $id) { ${FIELDS} } }`;
const BY_CODE = `query($c: String!) { product(productcode: $c) { ${FIELDS} } }`;

let picqer: PicqerSandbox;
let redis: Redis;
const prefix = cachePrefix('stampede');
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 60, orders: 5 });
  redis = new Redis(SHARED_REDIS);
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await picqer?.close();
  await redis?.quit();
  await deleteKeys(SHARED_REDIS, prefix);
});

/** Two gateways on one Redis prefix (`name` keeps each test's entries apart). */
async function twoGateways(name: string, env: Record<string, string> = {}): Promise<[RunningGateway, RunningGateway]> {
  const both = { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: `${prefix}${name}:`, ...env };
  const pair = [await gatewayFor({ picqer }, both), await gatewayFor({ picqer }, both)] as [RunningGateway, RunningGateway];
  gateways.push(...pair);
  // Warehouses once, so the stampedes below count product calls only.
  for (const g of pair) expect((await gql(g, '{ warehouses { idwarehouse } }')).body.errors).toBeUndefined();
  return pair;
}

/** `n` concurrent reads of product `id` (by id, or by its code), alternating between the gateways. */
function stampede(pair: RunningGateway[], id: number, n = 100, by: 'id' | 'code' = 'id'): Promise<GqlAnswer[]> {
  const code = picqer.state.products.find((p) => p.idproduct === id)!.productcode;
  const [query, variables] = by === 'id' ? [QUERY, { id: String(id) }] : [BY_CODE, { c: code }];
  return Promise.all(Array.from({ length: n }, (_, i) => gql(pair[i % pair.length], query, variables)));
}

function productCalls(): number {
  return picqer.state.stats().byPath[PRODUCTS] ?? 0;
}

it.each([
  ['id', 7],
  ['code', 8],
] as const)('100 concurrent reads of an uncached product by %s over two gateways make exactly one Picqer call', async (by, index) => {
  const pair = await twoGateways(`cold-${by}`);
  const { idproduct: id, productcode } = picqer.state.products[index];
  const before = productCalls();
  // A slow answer keeps the one fetch in flight while the other reads arrive and wait for it.
  picqer.state.setLatency(300);
  let answers: GqlAnswer[];
  try {
    answers = await stampede(pair, id, 100, by);
  } finally {
    picqer.state.setLatency(0);
  }
  expect(productCalls() - before).toBe(1);
  const expected = { idproduct: id, productcode, stock: sandboxStock(picqer, id) };
  expect(answers.filter((r) => r.body.errors === undefined && JSON.stringify(r.body.data.product) === JSON.stringify(expected))).toHaveLength(100);
  // Both gateways had requests that found no entry: the one call was shared across replicas, not just within one.
  for (const g of pair) {
    const misses = answers.filter((r, i) => pair[i % 2] === g && usage(r.body, 'picqer').cacheMisses > 0);
    expect(misses.length).toBeGreaterThanOrEqual(1);
  }
});

it('reads of an outdated entry that wait for another replica’s fetch answer its result, not the outdated entry', async () => {
  // Fresh for 10 minutes, no revalidate window, served on failure for an hour.
  const pair = await twoGateways('expired', { CACHE_TTL_PRODUCT_MS: '600000', CACHE_REVALIDATE_PRODUCT_MS: '0', CACHE_MAX_STALE_PRODUCT_MS: '3600000' });
  const ref = picqer.state.products[9];
  expect((await gql(pair[0], QUERY, { id: String(ref.idproduct) })).body.errors).toBeUndefined();
  // Age the entry past its freshness (within max-stale), as the store keeps it: "<at>|<json>".
  const ns = pair[0].services.cacheNamespaces.picqer!;
  const entryKey = `${prefix}expired:cache:v:${ns}:product:${ref.idproduct}`;
  const stored = (await redis.get(entryKey))!;
  expect(stored).toMatch(/^\d+\|/);
  await redis.set(entryKey, `${Date.now() - 700_000}${stored.slice(stored.indexOf('|'))}`, 'KEEPTTL');
  // The stock moves without a webhook: only a fetch can know.
  picqer.state.moveStock({ idproduct: ref.idproduct }, 1, 11);

  // A third replica holds the product's fetch lock, and dies: the reads on both gateways wait for
  // it until the lock expires, then one of them fetches.
  const lockKey = `${prefix}expired:cache:l:${ns}:product:${ref.idproduct}:lock`;
  expect(await redis.set(lockKey, 'another-replica', 'PX', 1500, 'NX')).toBe('OK');
  const before = productCalls();
  const answers = await stampede(pair, ref.idproduct);
  const fresh = sandboxStock(picqer, ref.idproduct);
  expect(answers.filter((r) => r.body.errors === undefined && JSON.stringify(r.body.data.product.stock) === JSON.stringify(fresh))).toHaveLength(100);
  // One replica takes the fetch over; at worst a read landing just as it completes makes one more.
  expect(productCalls() - before).toBeGreaterThanOrEqual(1);
  expect(productCalls() - before).toBeLessThanOrEqual(2);
});
