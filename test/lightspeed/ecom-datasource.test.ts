import { CACHE_TYPES, type CachePolicy, type CacheType } from '../../src/config/cache-config';
import { ConfigError, loadConfig } from '../../src/config';
import { createLightspeedClient, createLightspeedLoaders, type LightspeedClient } from '../../src/datasources/lightspeed';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { MemoryCacheStore } from '../../src/datasources/upstream/cache';
import { EntityCache } from '../../src/datasources/upstream/cache/entity-cache';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { startLightspeedEcomSandbox, type LightspeedEcomSandbox } from '../../src/sandbox/lightspeed';
import { lightspeedEcomEnv } from '../../src/sandbox/env';

/**
 * The Lightspeed eCom data source (issue 15) against its sandbox: the client's options checked
 * first, Basic auth, one variants call per distinct SKU (eCom filters one SKU a call), the shared
 * cache read through and dropped for the variants a push changed, and the LIGHTSPEED_ECOM_*
 * variables validated together.
 */

let ls: LightspeedEcomSandbox;
let governors: GovernorRegistry;
let client: LightspeedClient;
const POLICY: CachePolicy = { ttlMs: 60_000, revalidateMs: 60_000, maxStaleMs: 60_000 };
const policies = Object.fromEntries(CACHE_TYPES.map((t) => [t, POLICY])) as Record<CacheType, CachePolicy>;

beforeAll(async () => {
  ls = await startLightspeedEcomSandbox({ products: 60 });
  governors = createGovernorRegistry({ keyPrefix: 'test:lightspeed-ds:' });
  client = createLightspeedClient({ baseUrl: ls.origin, language: ls.language, apiKey: ls.apiKey, apiSecret: ls.apiSecret, governors });
});
afterAll(async () => {
  await client.close();
  await governors.close();
  await ls.close();
});
beforeEach(() => ls.state.reseed());

const skus = (n: number): string[] => ls.state.variants.slice(0, n).map((v) => v.sku);
const variantCalls = (): number => ls.state.stats().byPath['GET /{lang}/variants.json'] ?? 0;

it('refuses bad options by name, never echoing the secret', () => {
  const base = { baseUrl: ls.origin, language: 'nl', apiKey: ls.apiKey, apiSecret: ls.apiSecret, governors };
  expect(() => createLightspeedClient({ ...base, baseUrl: 'ftp://x' })).toThrow('option "baseUrl" must be an http(s) URL');
  expect(() => createLightspeedClient({ ...base, language: 'dutch' })).toThrow('option "language" must be a two-letter shop language');
  expect(() => createLightspeedClient({ ...base, apiSecret: 'short' })).toThrow(/option "apiSecret" must be .*\(8\+ characters\)$/);
});

it('loads variants by SKU, one call per distinct SKU, and answers null for an unknown SKU', async () => {
  const accounting = new CallAccounting();
  const loaders = createLightspeedLoaders(client, accounting);
  const before = variantCalls();
  const codes = skus(3);
  const got = await Promise.all([...codes, codes[0], 'NO-SUCH-SKU'].map((s) => loaders.variantBySku.load(s)));
  expect(variantCalls() - before).toBe(4);
  expect(got.slice(0, 3).map((v) => v?.sku)).toEqual(codes);
  expect(got[3]).toBe(got[0]);
  expect(got[4]).toBeNull();
  const v = ls.state.variantBySku(codes[0])!;
  expect(got[0]).toEqual({ id: v.id, productId: v.productId, sku: v.sku, title: v.title, priceIncl: v.priceIncl, stockLevel: v.stockLevel, tracked: true });
});

it('reads through the shared cache, and a push drops the variants it changed', async () => {
  // The cache's clock, moved by hand: a read begun in the very millisecond of the push's drop would
  // be treated as possibly overtaken by it and made again (the cache's rule), which a fast or a
  // loaded machine could hit either way.
  let now = Date.now();
  const clock = (): number => now;
  const cache = new EntityCache({ store: new MemoryCacheStore({ maxBytes: 1 << 20, now: clock }), policies, now: clock });
  const cached = { cache, namespace: 'lightspeed:test' };
  const [code] = skus(1);
  const load = () => createLightspeedLoaders(client, new CallAccounting(), { cached }).variantBySku.load(code);
  const before = variantCalls();
  const first = await load();
  await load();
  expect(variantCalls() - before).toBe(1);
  const loaders = createLightspeedLoaders(client, new CallAccounting(), { cached });
  const done = await loaders.setStockLevels([{ variantId: first!.id, sku: code, from: first!.stockLevel, to: first!.stockLevel + 3 }], [code]);
  expect(done).toEqual([{ variantId: first!.id, sku: code, from: first!.stockLevel, to: first!.stockLevel + 3 }]);
  expect(ls.state.variantBySku(code)!.stockLevel).toBe(first!.stockLevel + 3);
  now += 1000;
  expect((await load())!.stockLevel).toBe(first!.stockLevel + 3);
  expect(variantCalls() - before).toBe(2);
  await cache.close();
});

describe('configuration', () => {
  const env = (): Record<string, string> => lightspeedEcomEnv(ls);

  it('reads the four connection variables together, with warehouses and currency', () => {
    const c = loadConfig({ ...env(), LIGHTSPEED_ECOM_WAREHOUSES: '1, 2,2', LIGHTSPEED_AUTO_SYNC: 'true' });
    expect(c.lightspeedEcom).toMatchObject({ baseUrl: ls.origin, language: ls.language, warehouses: [1, 2], currency: 'EUR' });
    expect(c.lightspeedAutoSync).toBe(true);
    expect(loadConfig({}).lightspeedEcom).toBeUndefined();
  });

  it('names the missing and the bad variables, never a secret', () => {
    const { LIGHTSPEED_ECOM_API_SECRET: secret, ...partial } = env();
    const err = (() => {
      try {
        loadConfig({ ...partial, LIGHTSPEED_ECOM_WAREHOUSES: 'one', LIGHTSPEED_ECOM_LANGUAGE: 'dutch', LIGHTSPEED_ECOM_API_KEY: 'short' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('loadConfig accepted a bad Lightspeed configuration');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('missing LIGHTSPEED_ECOM_API_SECRET'),
        expect.stringContaining('LIGHTSPEED_ECOM_WAREHOUSES must be Picqer warehouse ids'),
        expect.stringContaining('LIGHTSPEED_ECOM_LANGUAGE must be a two-letter shop language'),
        expect.stringContaining('LIGHTSPEED_ECOM_API_KEY must be longer than or equal to 8 characters'),
      ]),
    );
    expect(err.message).not.toContain(secret);
  });
});
