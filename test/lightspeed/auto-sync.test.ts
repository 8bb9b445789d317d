import { request } from 'undici';
import { loadConfig } from '../../src/config';
import { levelKey } from '../../src/sandbox/shopify/state';
import type { GqlAnswer } from '../helpers/stack';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';

/**
 * LIGHTSPEED_AUTO_SYNC (issue 15): a stock move in Picqer reaches the gateway as the signed webhook
 * it registered at start, and the product's summed free stock (LIGHTSPEED_ECOM_WAREHOUSES=1,2) is
 * pushed to the Lightspeed webshop, one PUT for the one variant that differs, no client involved;
 * with SHOPIFY_AUTO_SYNC too, the same event reaches both shops.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    picqer: { products: 60, orders: 5 },
    shopify: { products: 60 },
    lightspeedEcom: { products: 60 },
    env: {
      PICQER_WEBHOOK_SECRET: 'lightspeed-auto-sync-secret-0000',
      PICQER_REGISTER_HOOKS: 'true',
      PICQER_WARMUP_PAGES: '1',
      LIGHTSPEED_AUTO_SYNC: 'true',
      SHOPIFY_AUTO_SYNC: 'true',
    },
  });
});
afterAll(() => stack?.close());

it('pushes the new free stock of a moved product to both shops, the webshop once', async () => {
  const ls = stack.lightspeedEcom;
  const inShop = new Set(stack.shopify.state.variants.map((v) => v.sku));
  const code = ls.state.variants.map((v) => v.sku).find((s) => inShop.has(s))!;
  const putsBefore = ls.state.stats().stockUpdates;
  const moved = await request(`${stack.picqer.origin}/__sandbox/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productcode: code, idwarehouse: 2, change: 11 }),
  });
  expect(moved.statusCode).toBeLessThan(300);
  await moved.body.dump();
  const free = async (): Promise<number> => {
    const r = await stack.gql('query($c: String!) { product(productcode: $c) { stock { warehouse { id } freeStock } } }', { c: code });
    const rows = r.body.data.product.stock.filter((s: any) => ['1', '2'].includes(String(s.warehouse.id)));
    return Math.max(
      0,
      rows.reduce((n: number, s: any) => n + s.freeStock, 0),
    );
  };
  const expected = await free();
  await until(() => ls.state.variantBySku(code)!.stockLevel === expected, 'the webshop to hold the summed free stock', { everyMs: 50 });
  const shopHolds = (): number | undefined => {
    const v = stack.shopify.state.variants.find((x) => x.sku === code && x.productStatus === 'ACTIVE');
    return v ? stack.shopify.state.levels.get(levelKey(v.inventoryItemId, 2))?.available : undefined;
  };
  const warehouse2 = r2(await stack.gql('query($c: String!) { product(productcode: $c) { stock { warehouse { id } freeStock } } }', { c: code }));
  await until(() => shopHolds() === Math.max(0, warehouse2), "Shopify location 2 to hold warehouse 2's free stock", { everyMs: 50 });
  expect(ls.state.stats().stockUpdates - putsBefore).toBe(1);
});

it('refuses LIGHTSPEED_AUTO_SYNC without the shop or its warehouses, naming the variables', () => {
  expect(() => loadConfig({ LIGHTSPEED_AUTO_SYNC: 'true' })).toThrow('LIGHTSPEED_AUTO_SYNC=true needs Lightspeed eCom (LIGHTSPEED_ECOM_BASE_URL');
  expect(() => loadConfig({ LIGHTSPEED_AUTO_SYNC: 'true' })).toThrow('and LIGHTSPEED_ECOM_WAREHOUSES');
});

/** Picqer free stock of warehouse 2 from a product answer. */
function r2(r: GqlAnswer<any>): number {
  return r.body.data.product.stock.find((s: any) => String(s.warehouse.id) === '2').freeStock;
}
