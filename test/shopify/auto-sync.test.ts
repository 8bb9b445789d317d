import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { demoCatalog } from '../../src/sandbox/catalog';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { sandboxEnv } from '../../src/sandbox/env';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { levelKey } from '../../src/sandbox/shopify/state';
import { gqlBody } from '../helpers/gql';
import { until } from '../helpers/until';

/**
 * SHOPIFY_AUTO_SYNC: a stock move in Picqer reaches the gateway as a signed webhook (the hook the
 * gateway registered at start) and the product's free stock is pushed to Shopify, without a client.
 */
let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let gw: RunningGateway;

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 60, orders: 5 });
  shop = await startShopifySandbox({ products: 60 });
  gw = await startGateway(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...sandboxEnv({ picqer, shopify: shop }),
      PICQER_WEBHOOK_SECRET: 'auto-sync-test-secret-000000',
      PICQER_REGISTER_HOOKS: 'true',
      PICQER_WARMUP_PAGES: '1',
      SHOPIFY_AUTO_SYNC: 'true',
    }),
    createLogger('silent'),
  );
});
afterAll(async () => {
  await gw?.close();
  await shop?.close();
  await picqer?.close();
});

async function shopAvailable(code: string): Promise<number | undefined> {
  const body = await gqlBody(gw, 'query($c: String!) { product(productcode: $c) { shopify { inventory { location { id } available } } } }', { c: code });
  return body.data.product.shopify.inventory.find((l: any) => l.location.id === 'gid://shopify/Location/1')?.available;
}

it('pushes the new free stock of a moved product to Shopify', async () => {
  const code = demoCatalog({ products: 60 }).find((p) => p.inShopify && p.shopifyDrift === 0)!.productcode;
  const mutationsBefore = shop.stats().mutations;
  const moved = await request(`${picqer.origin}/__sandbox/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productcode: code, idwarehouse: 1, change: 7 }),
  });
  const row = (await moved.body.json()) as { freestock: number };
  expect(moved.statusCode).toBeLessThan(300);
  await until(async () => (await shopAvailable(code)) === row.freestock, 'Shopify to hold the new free stock', { everyMs: 50 });
  expect(shop.stats().mutations - mutationsBefore).toBe(1);
});

/** What the shop holds, read from the sandbox itself (a gateway query would use up the injected faults). */
function shopHolds(code: string): number | undefined {
  const v = shop.state.variants.find((x) => x.sku === code && x.productStatus === 'ACTIVE');
  return v ? shop.state.levels.get(levelKey(v.inventoryItemId, 1))?.available : undefined;
}

it('retries a push that failed (Shopify down for a moment) until Shopify has the new stock', async () => {
  const code = demoCatalog({ products: 60 }).filter((p) => p.inShopify && p.shopifyDrift === 0)[1].productcode;
  // One variant search and its two retries fail: the first push fails as a whole.
  shop.configure({ faults: [503, 503, 503] });
  const moved = await request(`${picqer.origin}/__sandbox/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productcode: code, idwarehouse: 1, change: 3 }),
  });
  const row = (await moved.body.json()) as { freestock: number };
  await until(() => shopHolds(code) === row.freestock, 'the retried push to reach Shopify', { everyMs: 50, timeoutMs: 35_000 });
  expect(shop.stats().faultsServed).toBe(3);
}, 40_000);
