import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { deleteKeys } from '../helpers/redis-keys';
import { until } from '../helpers/until';
import { cachePrefix, errorCodes, gatewayFor, sandboxStock, SHARED_REDIS, usage } from './support';

/**
 * Stale answers, on purpose and only within bounds: an entry past its freshness is served when
 * Picqer fails or refuses (and the answer says so), and within a revalidate window it is served
 * at once while one background refresh, across replicas, brings the new value.
 */

const PRODUCTS = 'GET /api/v1/products';
const QUERY = 'query($id: ID!) { product(id: $id) { idproduct productcode stock { warehouse { idwarehouse } stock reserved freeStock } } }';
/** Every read of a product fetches it again (ttl 0, no revalidate window), but an hour-old entry may answer a failure. */
const SERVE_STALE_ONLY = { CACHE_TTL_PRODUCT_MS: '0', CACHE_REVALIDATE_PRODUCT_MS: '0', CACHE_MAX_STALE_PRODUCT_MS: '3600000' };

let picqer: PicqerSandbox;
let redis: Redis;
const prefix = cachePrefix('stale');
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 60, orders: 5 });
  redis = new Redis(SHARED_REDIS);
});

afterEach(() => picqer.state.setFaults({}));

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await picqer?.close();
  await redis?.quit();
  await deleteKeys(SHARED_REDIS, prefix);
});

/** Two gateways on one Redis prefix of their own (the governor's pauses live under it too). */
async function twoGateways(name: string, env: Record<string, string>): Promise<[RunningGateway, RunningGateway]> {
  const both = { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: `${prefix}${name}:`, ...env };
  const pair = [await gatewayFor({ picqer }, both), await gatewayFor({ picqer }, both)] as [RunningGateway, RunningGateway];
  gateways.push(...pair);
  return pair;
}

function read(gw: RunningGateway, id: number): Promise<any> {
  return gql(gw, QUERY, { id: String(id) }).then((r) => r.body);
}

function productCalls(): number {
  return picqer.state.stats().byPath[PRODUCTS] ?? 0;
}

describe('serve stale on upstream failure', () => {
  it('Picqer answers 503: a cached product is served with staleOnError on both gateways; one never cached fails UPSTREAM_*', async () => {
    const [a, b] = await twoGateways('fail', SERVE_STALE_ONLY);
    const [cached, never] = [picqer.state.products[3], picqer.state.products[4]];
    const first = await read(a, cached.idproduct);
    expect(first.errors).toBeUndefined();

    picqer.state.setFaults({ status: 503, count: 100_000 });
    // Both replicas at once: one fetches, fails, and the other's wait ends with its own attempt.
    const [onA, onB] = await Promise.all([read(a, cached.idproduct), read(b, cached.idproduct)]);
    for (const body of [onA, onB]) {
      expect(body.errors).toBeUndefined();
      expect(body.data.product).toEqual(first.data.product);
      expect(usage(body, 'picqer').staleOnError).toBeGreaterThanOrEqual(1);
      expect(usage(body, 'picqer').oldestAgeMs).toBeGreaterThan(0);
    }
    expect(picqer.state.stats().byStatus['503']).toBeGreaterThanOrEqual(1);

    const failed = await read(a, never.idproduct);
    expect(failed.data?.product ?? null).toBeNull();
    expect(errorCodes(failed)).toHaveLength(1);
    expect(errorCodes(failed)[0]).toMatch(/^UPSTREAM_/);
    expect(usage(failed, 'picqer').staleOnError).toBe(0);

    picqer.state.setFaults({});
    const healed = await read(b, cached.idproduct);
    expect(healed.errors).toBeUndefined();
    expect(usage(healed, 'picqer')).toMatchObject({ staleOnError: 0, cacheMisses: 1 });
    expect(healed.data.product.stock).toEqual(sandboxStock(picqer, cached.idproduct));
  });

  it('Picqer’s rate limit is exhausted: a cached product is served with staleOnError; one never cached fails RATE_LIMITED', async () => {
    const [a] = await twoGateways('ratelimited', SERVE_STALE_ONLY);
    const [cached, never] = [picqer.state.products[5], picqer.state.products[6]];
    const first = await read(a, cached.idproduct);
    expect(first.errors).toBeUndefined();

    // Every request refused with a Retry-After longer than the gateway waits for: the budget is gone.
    picqer.state.setFaults({ storm429: 100_000, retryAfterSeconds: 120 });
    const stale = await read(a, cached.idproduct);
    expect(stale.errors).toBeUndefined();
    expect(stale.data.product).toEqual(first.data.product);
    expect(usage(stale, 'picqer').staleOnError).toBeGreaterThanOrEqual(1);

    const failed = await read(a, never.idproduct);
    expect(failed.data?.product ?? null).toBeNull();
    expect(errorCodes(failed)).toEqual(['RATE_LIMITED']);
  });
});

describe('stale-while-revalidate', () => {
  it('an entry past its ttl is served at once, refreshed once in the background for both gateways, then answers the new stock', async () => {
    const [a, b] = await twoGateways('swr', { CACHE_TTL_PRODUCT_MS: '0', CACHE_REVALIDATE_PRODUCT_MS: '3600000', CACHE_MAX_STALE_PRODUCT_MS: '3600000' });
    const p = picqer.state.products[8];
    const first = await read(a, p.idproduct);
    expect(usage(first, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
    picqer.state.moveStock({ idproduct: p.idproduct }, 1, 9); // no webhook: only a refresh can know

    const before = productCalls();
    const served = await read(a, p.idproduct);
    expect(served.errors).toBeUndefined();
    expect(served.data.product).toEqual(first.data.product); // the entry as it was, at once
    expect(usage(served, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
    expect(usage(served, 'picqer').cacheStale).toBeGreaterThanOrEqual(1);

    await until(() => productCalls() === before + 1, 'the background refresh to reach Picqer');
    const fresh = sandboxStock(picqer, p.idproduct);
    await until(async () => JSON.stringify((await read(b, p.idproduct)).data.product.stock) === JSON.stringify(fresh), 'the refreshed entry');

    // More stale reads on both replicas within the refresh lock: served from the entry, no refresh.
    for (let i = 0; i < 5; i++) {
      for (const gw of [a, b]) {
        const body = await read(gw, p.idproduct);
        expect(body.data.product.stock).toEqual(fresh);
        expect(usage(body, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
        expect(usage(body, 'picqer').cacheStale).toBeGreaterThanOrEqual(1);
      }
    }
    const ns = a.services.cacheNamespaces.picqer!;
    expect(await redis.pttl(`${prefix}swr:cache:l:${ns}:product:${p.idproduct}:refresh`)).toBeGreaterThan(0);
    expect(productCalls()).toBe(before + 1);
  });
});
