import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { gqlBody } from '../helpers/gql';

/**
 * Product.shopify, shopifyLocations, stockDrift and syncFreeStockToShopify through the whole
 * gateway: Picqer and Shopify sandboxes on port 0 behind the real gateway (startGateway).
 */

const PRODUCTS = 120;
const LOCATION_MAP = '1=gid://shopify/Location/1,2=gid://shopify/Location/2';

type Stack = RunningGateway;

let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let withShop: Stack;
let withoutShop: Stack;

async function stack(shopify: boolean): Promise<Stack> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_SUBDOMAIN: 'sandbox',
    PICQER_API_KEY: picqer.apiKey,
    PICQER_BASE_URL: picqer.baseUrl,
    // Picqer has no multi-code filter: a cold drift/sync run reads every code once.
    PICQER_RATE_LIMIT: '3000',
    // Counts below are exact: no start-up warm-up calls.
    PICQER_WARMUP_PAGES: '0',
    ...(shopify ? { SHOPIFY_SHOP: 'sandbox', SHOPIFY_ACCESS_TOKEN: shop.accessToken, SHOPIFY_BASE_URL: shop.origin, SHOPIFY_LOCATION_MAP: LOCATION_MAP } : {}),
  });
  return startGateway(config, createLogger('silent'));
}

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: PRODUCTS, orders: 40, rateLimitPerMinute: 3000 });
  shop = await startShopifySandbox({ products: PRODUCTS, restoreRate: 1000 });
  withShop = await stack(true);
  withoutShop = await stack(false);
});
afterAll(async () => {
  for (const s of [withShop, withoutShop]) await s?.close();
  await shop?.close();
  await picqer?.close();
});

const codes = (n: number) => Array.from({ length: n }, (_, i) => `PG-${String(i + 1).padStart(5, '0')}`);

describe('Product.shopify', () => {
  it('joins each product to its variant with inventory, in a handful of Shopify calls', async () => {
    shop.reset();
    const res = await gqlBody(
      withShop,
      `{ products(first: 100) { edges { node { productcode shopify { sku title price { amount currencyCode } inventory { location { id name } available onHand } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.products.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    for (const n of nodes) {
      const v = shop.state.variants.find((x) => x.sku === n.productcode && x.productStatus === 'ACTIVE');
      if (!v) expect(n.shopify).toBeNull();
      else {
        // Shopify's decimal string as sent, no float in between, in the shop's currency (the sandbox's EUR).
        expect(n.shopify).toMatchObject({ sku: n.productcode, price: { amount: v.price, currencyCode: 'EUR' } });
        expect(n.shopify.inventory.map((l: any) => l.location.name)).toEqual(['Utrecht store stock', 'Tilburg overflow stock']);
      }
    }
    expect(shop.stats().total).toBeLessThanOrEqual(3);
    expect(res.extensions.upstream.shopify.calls).toBe(shop.stats().total);
  });

  it('is null with UPSTREAM_NOT_CONFIGURED when Shopify is not configured, and Picqer fields still answer', async () => {
    const res = await gqlBody(withoutShop, `{ product(productcode: "PG-00002") { productcode freeStock shopify { sku } } }`);
    expect(res.data.product).toMatchObject({ productcode: 'PG-00002', shopify: null });
    expect(typeof res.data.product.freeStock).toBe('number');
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['product', 'shopify'], extensions: expect.objectContaining({ code: 'UPSTREAM_NOT_CONFIGURED', upstream: 'shopify' }) }),
    ]);
  });
});

describe('shopifyLocations', () => {
  it('lists the shop locations', async () => {
    const res = await gqlBody(withShop, '{ shopifyLocations { id name } }');
    expect(res.data.shopifyLocations).toEqual([
      { id: 'gid://shopify/Location/1', name: 'Utrecht store stock' },
      { id: 'gid://shopify/Location/2', name: 'Tilburg overflow stock' },
    ]);
  });
});

describe('stock drift and sync', () => {
  const DRIFT = `query ($codes: [String!]!, $t: Int) { stockDrift(productcodes: $codes, threshold: $t) {
    productcode warehouseId location { id } picqerFreeStock shopifyAvailable difference } }`;
  const SYNC = `mutation ($codes: [String!]!) { syncFreeStockToShopify(productcodes: $codes) {
    changed { productcode warehouseId location { id } from to } unchanged skipped { productcode reason } mutations } }`;

  it('reports drift, syncs it away once, and a second sync changes nothing', async () => {
    shop.reset();
    const list = codes(PRODUCTS);
    const before = await gqlBody(withShop, DRIFT, { codes: list, t: 0 });
    expect(before.errors).toBeUndefined();
    expect(before.data.stockDrift.length).toBeGreaterThan(0);
    for (const r of before.data.stockDrift) {
      expect(r.difference).toBe(r.shopifyAvailable - r.picqerFreeStock);
      expect(r.difference).not.toBe(0);
    }
    const big = await gqlBody(withShop, DRIFT, { codes: list, t: 5 });
    expect(big.data.stockDrift.every((r: any) => Math.abs(r.difference) > 5)).toBe(true);

    const first = await gqlBody(withShop, SYNC, { codes: list });
    expect(first.errors).toBeUndefined();
    const s1 = first.data.syncFreeStockToShopify;
    expect(s1.changed).toHaveLength(before.data.stockDrift.length);
    expect(s1.mutations).toBe(1);
    expect(s1.skipped.every((s: any) => s.reason === 'NOT_IN_SHOPIFY')).toBe(true);

    const after = await gqlBody(withShop, DRIFT, { codes: list, t: 0 });
    expect(after.data.stockDrift).toEqual([]);

    const mutationsBefore = shop.stats().mutations;
    const second = await gqlBody(withShop, SYNC, { codes: list });
    expect(second.errors).toBeUndefined();
    expect(second.data.syncFreeStockToShopify).toMatchObject({ changed: [], mutations: 0 });
    expect(shop.stats().mutations).toBe(mutationsBefore);
  });

  it('refuses more than 250 product codes, naming the argument', async () => {
    const res = await gqlBody(withShop, DRIFT, { codes: codes(251), t: 0 });
    expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.errors[0].message).toContain('productcodes');
    expect(res.errors[0].extensions.http).toBeUndefined();
  });
});
