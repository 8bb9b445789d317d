import type { Client } from 'graphql-ws';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ensureLightspeedSaleHook } from '../../src/events/intake/lightspeed-retail.hooks';
import { demoCatalog } from '../../src/sandbox/catalog';
import { lightspeedEcomEnv, lightspeedRetailEnv, sandboxEnv } from '../../src/sandbox/env';
import {
  startLightspeedEcomSandbox,
  startLightspeedRetailSandbox,
  type LightspeedEcomSandbox,
  type LightspeedRetailSandbox,
} from '../../src/sandbox/lightspeed';
import { signRetailBody, webhookFormBody } from '../../src/sandbox/lightspeed/retail-model';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { levelKey } from '../../src/sandbox/shopify/state';
import { eventsRedis } from '../helpers/events-redis';
import { wsClient } from '../helpers/events-server';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * Till sale → warehouse, end to end over real servers: a signed X-Series `sale.update` from the
 * Lightspeed Retail sandbox reaches the gateway, Picqer's sandbox stock drops at the warehouse the
 * outlet maps to, Picqer's free-stock webhook flows on to a subscriber and (auto-sync) to Shopify.
 * Two gateways share one Redis: a sale delivered twice, or to both, changes stock once.
 */

const PRODUCTS = 60;
const env = eventsRedis('till-sale');
let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let pos: LightspeedRetailSandbox;
let webshop: LightspeedEcomSandbox;
let a: RunningGateway;
let b: RunningGateway;
const cleanups: Array<() => Promise<void> | void> = [];

function gatewayEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...sandboxEnv({ picqer, shopify: shop }),
    ...lightspeedRetailEnv(pos),
    PICQER_WEBHOOK_SECRET: 'till-sale-test-secret-00000000',
    PICQER_WARMUP_PAGES: '0',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: env.prefix,
    CACHE_ENABLED: 'false',
    ...extra,
  };
}

async function addSaleHook(gw: RunningGateway): Promise<void> {
  const r = await request(`${pos.baseUrl}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pos.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gw.url}/webhooks/lightspeed-retail`, active: true, type: 'sale.update' }),
  });
  expect(r.statusCode).toBe(201);
  await r.body.dump();
}

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: PRODUCTS, orders: 5 });
  shop = await startShopifySandbox({ products: PRODUCTS });
  webshop = await startLightspeedEcomSandbox({ products: PRODUCTS });
  pos = await startLightspeedRetailSandbox({ products: PRODUCTS, webhookRetryDelaysMs: [20, 40, 80, 160, 320, 640] });
  // A registers Picqer's hooks and its sale.update webhook, and pushes to Shopify; B only receives till sales.
  a = await startGateway(
    loadConfig(
      gatewayEnv({
        PICQER_REGISTER_HOOKS: 'true',
        LIGHTSPEED_RETAIL_REGISTER_HOOKS: 'true',
        SHOPIFY_AUTO_SYNC: 'true',
        ...lightspeedEcomEnv(webshop),
        LIGHTSPEED_ECOM_WAREHOUSES: '1,2',
        LIGHTSPEED_AUTO_SYNC: 'true',
      }),
    ),
    createLogger('silent'),
  );
  b = await startGateway(loadConfig(gatewayEnv({})), createLogger('silent'));
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await b?.close();
  await a?.close();
  await pos?.close();
  await webshop?.close();
  await shop?.close();
  await picqer?.close();
  await env.cleanup();
});

/** Products all three know, in Shopify without drift, with room to sell at warehouse 1. */
function sellable(): string[] {
  return demoCatalog({ products: PRODUCTS })
    .filter(
      (p) => p.inShopify && p.shopifyDrift === 0 && p.stock[1] >= 10 && pos.state.productBySku(p.productcode) && webshop.state.variantBySku(p.productcode),
    )
    .map((p) => p.productcode);
}

const utrecht = () => pos.outlets.find((o) => o.picqerWarehouse === 1)!.id;
const stockAt = (code: string, wh: number) => picqer.state.store.stockRow(picqer.state.store.productByProductcode(code)!, wh);
const shopHolds = (code: string): number | undefined => {
  const v = shop.state.variants.find((x) => x.sku === code && x.productStatus === 'ACTIVE');
  return v ? shop.state.levels.get(levelKey(v.inventoryItemId, 1))?.available : undefined;
};

/** A counter's value on a gateway's /metrics (0 when absent). */
async function metric(gw: RunningGateway, series: string): Promise<number> {
  const text = await (await request(`${gw.url}/metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
const SALES = (outcome: string) => `gateway_till_sales_total{outcome="${outcome}"}`;

async function sell(lines: Array<{ sku: string; quantity: number; adHoc?: boolean }>, outlet = utrecht()): Promise<string> {
  const r = await request(`${pos.origin}/__sandbox/sales`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outlet_id: outlet, lines }),
  });
  expect(r.statusCode).toBe(201);
  return ((await r.body.json()) as { data: { id: string } }).data.id;
}

it('the gateway subscribed its receiver to sale.update at start, once', async () => {
  expect(pos.state.hooks).toEqual([{ id: expect.any(String), url: `${a.url}/webhooks/lightspeed-retail`, active: true, type: 'sale.update' }]);
  expect(await ensureLightspeedSaleHook(a.services.lightspeedRetail!, { publicUrl: a.url, logger: createLogger('silent') })).toEqual({ created: false });
  expect(pos.state.hooks).toHaveLength(1);
});

it('a signed till sale lowers Picqer stock at the mapped warehouse; a subscriber, Shopify and the Lightspeed webshop see the new free stock', async () => {
  const code = sellable()[0];
  const before = { ...stockAt(code, 1) };
  const other = stockAt(code, 2).stock;
  const webshopPuts = webshop.state.stats().stockUpdates;
  const client: Client = wsClient(a.url.replace(/^http/, 'ws') + '/graphql', null);
  cleanups.push(() => client.dispose());
  const sub = collect(client, 'subscription($c: [String!]) { freeStockChanged(productcodes: $c, warehouseId: 1) { productcode warehouseId freeStock } }', {
    c: [code],
  });
  await until(() => a.services.events.bus.subscriberCount() === 1, 'the subscription to register');
  await sell([{ sku: code, quantity: 3 }]);
  await until(() => stockAt(code, 1).stock === before.stock - 3, 'Picqer stock to drop by 3 at warehouse 1');
  expect(stockAt(code, 2).stock).toBe(other);
  await until(() => sub.items.length > 0, 'the freeStockChanged event');
  expect(sub.items.at(-1).data.freeStockChanged).toEqual({ productcode: code, warehouseId: 1, freeStock: before.freestock - 3 });
  await until(() => shopHolds(code) === before.freestock - 3, 'Shopify to hold the new free stock (auto-sync)');
  // The webshop holds the free stock summed over LIGHTSPEED_ECOM_WAREHOUSES (1 and 2), not below 0.
  const summed = Math.max(0, stockAt(code, 1).freestock + stockAt(code, 2).freestock);
  await until(() => webshop.state.variantBySku(code)!.stockLevel === summed, 'the Lightspeed webshop to hold the new summed free stock (auto-sync)');
  expect(webshop.state.stats().stockUpdates).toBeGreaterThan(webshopPuts);
  sub.dispose();
});

it('the same sale redelivered, and a sale delivered to two gateways on one Redis, change stock once', async () => {
  const [, first, second] = sellable();
  const start = stockAt(first, 1).stock;
  const saleId = await sell([{ sku: first, quantity: 2 }]);
  await until(() => stockAt(first, 1).stock === start - 2, 'the first delivery to apply');
  const redelivered = await request(`${pos.origin}/__sandbox/sales/${saleId}/redeliver`, { method: 'POST' });
  expect(redelivered.statusCode).toBe(200);
  await redelivered.body.dump();
  await pos.state.dispatcher.whenIdle();
  expect(stockAt(first, 1).stock).toBe(start - 2);
  expect(await metric(a, SALES('duplicate'))).toBe(1);

  // From now on every sale goes to A and to B at once.
  await addSaleHook(b);
  const start2 = stockAt(second, 1).stock;
  const t0 = Date.now();
  await sell([{ sku: second, quantity: 4 }]);
  await pos.state.dispatcher.whenIdle();
  expect(pos.state.stats().webhooks.gaveUp).toBe(0);
  expect(stockAt(second, 1).stock).toBe(start2 - 4);
  // One stock change in Picqer's history, not two that cancel out somewhere.
  const changes = picqer.state.store.history.since(t0, picqer.state.store.productByProductcode(second)!.idproduct).filter((h) => h.idwarehouse === 1);
  expect(changes).toHaveLength(1);
  // Both gateways answered the sale: one applied it, the other found it done or in progress (then done on the retry).
  const applied = (await metric(a, SALES('applied'))) + (await metric(b, SALES('applied')));
  const repeats = (await metric(a, SALES('duplicate'))) + (await metric(b, SALES('duplicate')));
  expect(applied).toBe(3);
  expect(repeats).toBe(2);
});

it('a bad signature is 401 and changes nothing', async () => {
  const code = sellable()[3];
  const sale = pos.state.sales[0];
  const payload = { ...sale, id: 'forged-sale-1', register_sale_products: [{ id: 'l1', product_id: pos.state.productBySku(code)!.id, quantity: 5 }] };
  const body = webhookFormBody('sale.update', payload, pos.domainPrefix);
  const before = stockAt(code, 1).stock;
  for (const signature of [signRetailBody(body, 'not-the-client-secret'), undefined]) {
    const r = await request(`${a.url}/webhooks/lightspeed-retail`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-signature': signature } : {}) },
      body,
    });
    expect(r.statusCode).toBe(401);
    expect(((await r.body.json()) as { error: string }).error).toBe('BAD_SIGNATURE');
  }
  expect(stockAt(code, 1).stock).toBe(before);
});

it('a malformed sale is a 400 naming the field', async () => {
  const body = webhookFormBody(
    'sale.update',
    { id: 'bad-1', outlet_id: utrecht(), status: 'CLOSED', register_sale_products: [{ product_id: 'x', quantity: '1' }] },
    'demo',
  );
  const r = await request(`${a.url}/webhooks/lightspeed-retail`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': signRetailBody(body, pos.clientSecret) },
    body,
  });
  expect(r.statusCode).toBe(400);
  expect(((await r.body.json()) as { message: string }).message).toMatch(/^payload\.register_sale_products\[0\]\.quantity must be a number/);
});

it('a SKU Picqer does not know is reported (ledger, metrics), the rest of the sale applied', async () => {
  const code = sellable()[4];
  const start = stockAt(code, 1).stock;
  const saleId = await sell([
    { sku: 'TILL-ONLY-0001', quantity: 1, adHoc: true },
    { sku: code, quantity: 1 },
  ]);
  await until(() => stockAt(code, 1).stock === start - 1, 'the known line to apply');
  await pos.state.dispatcher.whenIdle();
  const reports = await a.services.tillSales.reports();
  expect(reports.filter((r) => r.saleId === saleId)).toEqual([
    expect.objectContaining({ saleId, reason: 'unknown-sku', sku: 'TILL-ONLY-0001', quantity: 1, outletId: utrecht() }),
  ]);
  const metrics = await (await request(`${a.url}/metrics`)).body.text();
  expect(metrics).toMatch(/gateway_till_sale_unmatched_total\{reason="unknown-sku"\} [1-9]/);
});

it('a sale Picqer fails half-way answers 503; the retry applies the rest and not the applied line again', async () => {
  const [x, y] = sellable().slice(5, 7);
  const sx = stockAt(x, 1).stock;
  const sy = stockAt(y, 1).stock;
  const idy = picqer.state.store.productByProductcode(y)!.idproduct;
  const failedBefore = pos.state.stats().webhooks.failedAttempts;
  picqer.state.setFaults({ status: 503, count: 1, path: `/api/v1/products/${idy}/stock/1` });
  await sell([
    { sku: x, quantity: 1 },
    { sku: y, quantity: 2 },
  ]);
  await until(() => stockAt(y, 1).stock === sy - 2, 'the retried delivery to apply the second line');
  await pos.state.dispatcher.whenIdle();
  expect(pos.state.stats().webhooks.failedAttempts).toBeGreaterThan(failedBefore);
  expect(stockAt(x, 1).stock).toBe(sx - 1);
});

it('a sale at an outlet LIGHTSPEED_STORE_MAP does not map is answered 200 and reported, not dropped', async () => {
  const product = pos.state.productBySku(sellable()[7])!;
  const payload = {
    id: 'sale-at-unmapped-outlet-1',
    outlet_id: 'outlet-not-in-the-map',
    status: 'CLOSED',
    register_sale_products: [{ id: 'l1', product_id: product.id, quantity: 1 }],
  };
  const body = webhookFormBody('sale.update', payload, pos.domainPrefix);
  const r = await request(`${b.url}/webhooks/lightspeed-retail`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': signRetailBody(body, pos.clientSecret) },
    body,
  });
  expect(r.statusCode).toBe(200);
  expect(await r.body.json()).toEqual({ saleId: payload.id, duplicate: false, applied: 0, reported: 1 });
  // Reported in the shared ledger: the other gateway reads it too.
  const reports = await a.services.tillSales.reports();
  expect(reports.find((x) => x.saleId === payload.id)).toEqual(
    expect.objectContaining({ reason: 'unmapped-outlet', outletId: 'outlet-not-in-the-map', lineKey: null }),
  );
});

it('a line sold by weight (fractional quantity) is reported; the whole lines of its sale apply', async () => {
  const [x, y] = sellable()
    .slice(8, 10)
    .map((c) => ({ code: c, product: pos.state.productBySku(c)! }));
  const sx = stockAt(x.code, 1).stock;
  const sy = stockAt(y.code, 1).stock;
  const payload = {
    id: 'sale-with-weighed-line-1',
    outlet_id: utrecht(),
    status: 'CLOSED',
    register_sale_products: [
      { id: 'l1', product_id: x.product.id, quantity: 0.5 },
      { id: 'l2', product_id: y.product.id, quantity: 2 },
    ],
  };
  const body = webhookFormBody('sale.update', payload, pos.domainPrefix);
  const r = await request(`${a.url}/webhooks/lightspeed-retail`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': signRetailBody(body, pos.clientSecret) },
    body,
  });
  expect(r.statusCode).toBe(200);
  expect(await r.body.json()).toEqual({ saleId: payload.id, duplicate: false, applied: 1, reported: 1 });
  expect(stockAt(x.code, 1).stock).toBe(sx);
  expect(stockAt(y.code, 1).stock).toBe(sy - 2);
  const reports = await a.services.tillSales.reports();
  expect(reports.find((e) => e.saleId === payload.id)).toEqual(expect.objectContaining({ reason: 'fractional-quantity', lineKey: 'l1', quantity: 0.5 }));
});

it('a sale with several lines reads each distinct product from Lightspeed once', async () => {
  const [x, y] = sellable().slice(-2); // sold by no other test: their SKUs are not known yet
  const before = { x: stockAt(x, 1).stock, y: stockAt(y, 1).stock };
  const lookups = pos.requests().total;
  await sell([
    { sku: x, quantity: 1 },
    { sku: y, quantity: 2 },
    { sku: x, quantity: 1 },
  ]);
  await until(() => stockAt(x, 1).stock === before.x - 2 && stockAt(y, 1).stock === before.y - 2, 'all three lines to reach Picqer');
  // Sale lines name products by id: one GET /products/{id} per distinct product, not per line.
  expect(pos.requests().total - lookups).toBe(2);
});
