import { request } from 'undici';
import { demoCatalog, type CatalogProduct } from '../../src/sandbox/catalog';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { createShopifyClient, createShopifyLoaders, planStockSync, type ShopifyClient } from '../../src/datasources/shopify';
import { locationsCost, LOCATIONS_QUERY, QUANTITY_NAMES, variantsCost, VARIANTS_BY_SEARCH_QUERY } from '../../src/datasources/shopify/queries';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import type { PicqerProductModel } from '../../src/datasources/picqer';

/** The Shopify client and loaders against a real sandbox: cost, throttling, batching, errors, sync. */

const PRODUCTS = 400;
const catalog = demoCatalog({ products: PRODUCTS });
const inShop = catalog.filter((p) => p.inShopify);
const LOCATION_MAP = { 1: 'gid://shopify/Location/1', 2: 'gid://shopify/Location/2' };

let shop: ShopifySandbox;
let governors: GovernorRegistry;
let client: ShopifyClient;

beforeAll(async () => {
  shop = await startShopifySandbox({ products: PRODUCTS });
  governors = createGovernorRegistry({ keyPrefix: 'test:shopify-client:' });
  client = createShopifyClient({ baseUrl: shop.origin, accessToken: shop.accessToken, apiVersion: '2026-10', governors });
});
afterAll(async () => {
  await client.close();
  await governors.close();
  await shop.close();
});
beforeEach(() => shop.reset());

/** Picqer's view of a catalog product: free stock = catalog stock (no reservations here). */
function picqerProduct(p: CatalogProduct, adjust = 0): PicqerProductModel {
  return {
    id: String(p.id),
    idproduct: p.id,
    productcode: p.productcode,
    name: p.name,
    barcode: p.barcode,
    price: { amount: String(p.price), currencyCode: 'EUR' },
    stock: [1, 2].map((w) => ({
      idwarehouse: w,
      stock: p.stock[w] ?? 0,
      reserved: 0,
      freeStock: (p.stock[w] ?? 0) + (w === 1 ? adjust : 0),
    })),
  };
}

describe('options', () => {
  it('names the bad option and never echoes the token', () => {
    const ok = { baseUrl: 'https://myshop.myshopify.com', accessToken: 'shpat_secret_value', apiVersion: '2026-10', governors };
    expect(() => createShopifyClient({ ...ok, baseUrl: 'myshop' })).toThrow(/option "baseUrl" must be an http\(s\) URL/);
    expect(() => createShopifyClient({ ...ok, apiVersion: '2026-13' })).toThrow(/option "apiVersion"/);
    expect(() => createShopifyClient({ ...ok, timeoutMs: -1 })).toThrow(/option "timeoutMs"/);
    expect(() => createShopifyClient({ ...ok, accessToken: 'short' })).toThrow(/option "accessToken"/);
    try {
      createShopifyClient({ ...ok, accessToken: 'shpat' });
    } catch (e) {
      expect((e as Error).message).not.toContain('shpat');
    }
  });
});

describe('cost estimates', () => {
  it('ask the governor for exactly what Shopify will request', async () => {
    const ask = async (query: string, variables: unknown) => {
      const r = await request(shop.graphqlUrl('2026-10'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
        body: JSON.stringify({ query, variables }),
      });
      return ((await r.body.json()) as any).extensions.cost.requestedQueryCost;
    };
    expect(await ask(VARIANTS_BY_SEARCH_QUERY, { first: 60, query: 'sku:"PG-00001"', levels: 3, names: [...QUANTITY_NAMES] })).toBe(variantsCost(60, 3));
    expect(await ask(LOCATIONS_QUERY, { first: 250 })).toBe(locationsCost(250));
    // The shop object the variants query reads its currency from: 1 point, as any object.
    expect(await ask('{ shop { currencyCode } }', {})).toBe(1);
  });
});

describe('errors', () => {
  it("maps GraphQL errors to UPSTREAM_ERROR without echoing Shopify's message", async () => {
    const err: any = await client.graphql('{ secretFieldName }', {}, 1).catch((e: unknown) => e);
    expect(err.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'shopify' });
    expect(err.message).not.toContain('secretFieldName');
  });

  it('maps a rejected token to UPSTREAM_ERROR 401 without the token', async () => {
    const bad = createShopifyClient({ baseUrl: shop.origin, accessToken: 'shpat_not_the_right_one', apiVersion: '2026-10', governors });
    const err = await bad.locations().catch((e: unknown) => e as any);
    await bad.close();
    expect(err.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', status: 401 });
    expect(err.message).not.toContain('shpat_not_the_right_one');
  });
});

describe('faults', () => {
  it('retries a read after a 503 and answers from the next attempt', async () => {
    shop.configure({ faults: [503] });
    const locations = await client.locations();
    expect(locations.map((l) => l.id)).toEqual(['gid://shopify/Location/1', 'gid://shopify/Location/2']);
    expect(shop.stats()).toMatchObject({ faultsServed: 1, total: 2 });
  });
});

describe('throttling', () => {
  it('waits out THROTTLED answers and retries instead of failing', async () => {
    const tiny = await startShopifySandbox({ products: 60, bucketSize: 60, restoreRate: 100 });
    const regs = createGovernorRegistry({ keyPrefix: 'test:shopify-client-throttle:' });
    const c = createShopifyClient({ baseUrl: tiny.origin, accessToken: tiny.accessToken, apiVersion: '2026-10', governors: regs, deadlineMs: 20_000 });
    try {
      // Each call asks 2 + 4 × 13 = 54 of the 60 points: only one fits at a time.
      const skus = ['PG-00002', 'PG-00004', 'PG-00005', 'PG-00006', 'PG-00007'];
      const results = await Promise.all(skus.map((s) => c.variantsBySkus([s], { first: 4, levels: 2 })));
      for (const [i, r] of results.entries()) {
        const exists = tiny.state.variants.some((v) => v.sku === skus[i]);
        expect(r.nodes.map((n) => n.sku)).toEqual(exists ? [skus[i]] : []);
      }
      const stats = tiny.stats();
      expect(stats.throttled).toBeGreaterThanOrEqual(1);
      expect(stats.total - stats.throttled).toBe(5);
    } finally {
      await c.close();
      await regs.close();
      await tiny.close();
    }
  });
});

describe('loaders', () => {
  it('resolves a page of 100 SKUs in at most 3 calls, with inventory per location', async () => {
    const accounting = new CallAccounting();
    const loaders = createShopifyLoaders(client, accounting, { locationMap: LOCATION_MAP });
    const codes = catalog.slice(0, 100).map((p) => p.productcode);
    const variants = await Promise.all(codes.map((c) => loaders.variantBySku.load(c)));

    expect(shop.stats().total).toBeLessThanOrEqual(3);
    expect(accounting.toJSON().shopify?.calls).toBe(shop.stats().total);
    for (const [i, p] of catalog.slice(0, 100).entries()) {
      const v = variants[i];
      if (!p.inShopify) {
        expect(v).toBeNull();
        continue;
      }
      expect(v).toMatchObject({ sku: p.productcode, price: { amount: p.price.toFixed(2), currencyCode: 'EUR' }, barcode: p.barcode });
      const loc1 = v!.inventory.find((l) => l.location.id === 'gid://shopify/Location/1')!;
      expect(loc1.available).toBe(p.stock[1] + p.shopifyDrift);
      expect(loc1.onHand).toBeGreaterThanOrEqual(loc1.available);
    }
  });

  it('picks the oldest variant when a SKU is shared', async () => {
    const dup = shop.state.variants.find((v) => v.productStatus === 'ARCHIVED')!;
    const original = shop.state.variants.find((v) => v.sku === dup.sku && v.id !== dup.id)!;
    const loaders = createShopifyLoaders(client, new CallAccounting());
    const v = await loaders.variantBySku.load(dup.sku);
    expect(v?.id).toBe(`gid://shopify/ProductVariant/${original.id}`);
  });
});

describe('stock sync', () => {
  it('sets changed quantities in batches of at most 250, and a second run sends nothing', async () => {
    // 260 variants with inventory cost ~3,500 points a read; a Plus-like restore rate keeps the test short.
    shop.configure({ restoreRate: 1000 });
    const products = inShop.slice(0, 260);
    const run = async (adjust: number) => {
      const loaders = createShopifyLoaders(client, new CallAccounting(), { locationMap: LOCATION_MAP });
      const variants = await loaders.variantBySku.loadMany(products.map((p) => p.productcode));
      const pairs = products.map((p, i) => ({ productcode: p.productcode, picqer: picqerProduct(p, adjust), variant: variants[i] as any }));
      const plan = planStockSync(pairs, loaders.locationMap);
      const result = await loaders.setAvailable(
        plan.quantities,
        'correction',
        products.map((p) => p.productcode),
      );
      return { plan, result };
    };
    // Picqer says one more free at warehouse 1 than Shopify's catalog figure for every product.
    const first = await run(1);
    expect(first.plan.changes).toHaveLength(products.length);
    expect(first.result.userErrors).toEqual([]);
    expect(first.result.changes).toHaveLength(products.length);
    expect(shop.stats().mutations).toBe(2);
    for (const p of products.slice(0, 20)) {
      const v = shop.state.variants.find((x) => x.sku === p.productcode)!;
      expect(shop.state.levels.get(`${v.inventoryItemId}:1`)!.available).toBe(p.stock[1] + 1);
    }

    const second = await run(1);
    expect(second.plan.quantities).toEqual([]);
    expect(second.plan.unchanged).toBe(products.length * 2);
    expect(shop.stats().mutations).toBe(2);
    shop.configure({ restoreRate: 100 });
  });
});
