import { Registry } from 'prom-client';
import { CACHE_TYPES, type CachePolicy, type CacheType } from '../../src/config/cache-config';
import { MemoryCacheStore } from '../../src/datasources/upstream/cache';
import { EntityCache } from '../../src/datasources/upstream/cache/entity-cache';
import { registerCacheMetrics } from '../../src/datasources/upstream/cache/metrics';

const POLICY: CachePolicy = { ttlMs: 60_000, revalidateMs: 60_000, maxStaleMs: 60_000 };
const policies = Object.fromEntries(CACHE_TYPES.map((t) => [t, POLICY])) as Record<CacheType, CachePolicy>;

test('/metrics counts hits, misses, invalidations and webhook writes per upstream and type, and the store mode', async () => {
  const cache = new EntityCache({ store: new MemoryCacheStore({ maxBytes: 1 << 20 }), policies });
  const prom = new Registry();
  registerCacheMetrics(cache, prom);
  const read = (keys: string[]) =>
    cache.load({ upstream: 'exact', type: 'exactItem', namespace: 'exact:t', keys, id: (k) => k, fetch: async (miss) => miss.map((k) => ({ code: k })) });
  await read(['A', 'B']);
  await read(['A', 'B', 'C']);
  await cache.invalidate('exact', 'exactItem', 'exact:t', ['A']);
  await cache.put('picqer', 'product', 'picqer:t', [{ id: '1', value: { idproduct: 1 } }]);
  const text = await prom.metrics();
  expect(text).toContain('gateway_cache_hits_total{upstream="exact",type="exactItem"} 2');
  expect(text).toContain('gateway_cache_misses_total{upstream="exact",type="exactItem"} 3');
  expect(text).toContain('gateway_cache_invalidations_total{upstream="exact",type="exactItem"} 1');
  expect(text).toContain('gateway_cache_writes_total{upstream="picqer",type="product"} 1');
  expect(text).toContain('gateway_cache_mode{mode="memory"} 1');
  expect(text).toContain('gateway_cache_mode{mode="redis"} 0');
  await cache.close();
});
