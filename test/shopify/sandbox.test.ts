import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';

/** The Shopify sandbox as a real server: auth, versions, query cost, the bucket, THROTTLED, webhooks. */

let shop: ShopifySandbox;

beforeAll(async () => {
  shop = await startShopifySandbox({ products: 200, bucketSize: 100, restoreRate: 1 });
});
afterAll(async () => {
  await shop.close();
});
beforeEach(() => {
  shop.reset();
  shop.configure({ bucketSize: 100, restoreRate: 1, throttleHttpStatus: 200 });
});

async function post(query: string, variables?: unknown, o: { token?: string; version?: string } = {}) {
  const r = await request(shop.graphqlUrl(o.version ?? '2026-10'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': o.token ?? shop.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as any };
}

const VARIANT_IDS = (first: number) => `{ productVariants(first: ${first}) { nodes { id sku } } }`;

describe('endpoint', () => {
  it('rejects a missing or wrong access token with 401', async () => {
    expect((await post(VARIANT_IDS(1), undefined, { token: 'shpat_wrong_token_123' })).status).toBe(401);
  });

  it('answers only supported versions and only the graphql.json path', async () => {
    expect((await post(VARIANT_IDS(1), undefined, { version: '2019-04' })).status).toBe(404);
    const r = await request(`${shop.origin}/admin/api/2026-10/products.json`, { method: 'POST', headers: { 'x-shopify-access-token': shop.accessToken } });
    await r.body.dump();
    expect(r.statusCode).toBe(404);
  });

  it('finds variants with the sku search syntax, exact codes and quoted values', async () => {
    const { body } = await post('{ productVariants(first: 10, query: "sku:PG-00002 OR sku:\\"pg-00003\\"") { nodes { sku } } }');
    expect(body.data.productVariants.nodes.map((n: any) => n.sku).sort()).toEqual(
      ['PG-00002', 'PG-00003'].filter((s) => shop.state.variants.some((v) => v.sku === s)),
    );
  });
});

describe('calculated query cost', () => {
  it('prices connections as 2 + first × node and refunds what was not returned', async () => {
    // Each variant: itself 1 + inventoryItem 1 + levels (2 + 2 × (level 1 + location 1)).
    const { body } = await post(`{ productVariants(first: 3, query: "sku:PG-00002") {
      nodes { id inventoryItem { inventoryLevels(first: 2) { nodes { location { id } } } } } } }`);
    const cost = body.extensions.cost;
    expect(cost.requestedQueryCost).toBe(2 + 3 * (1 + 1 + 2 + 2 * 2));
    expect(cost.actualQueryCost).toBe(2 + body.data.productVariants.nodes.length * 8);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 1 });
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(100 - cost.actualQueryCost + 1);
  });

  it('refuses a single query over 1000 points without charging the bucket', async () => {
    shop.configure({ bucketSize: 2000 });
    const { status, body } = await post('{ productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 5) { nodes { id } } } } } }');
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('MAX_COST_EXCEEDED');
    expect(body.errors[0].message).toMatch(/exceeds the single query max cost limit \(1000\)/);
    expect(body.extensions.cost.actualQueryCost).toBeNull();
    // Nothing was taken: the bucket still holds what it held (100 after the reset).
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(100);
  });

  it('refuses an array argument of more than 250 items', async () => {
    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/ProductVariant/${i + 1}`);
    const { body } = await post('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(body.errors[0].extensions.code).toBe('MAX_INPUT_SIZE_EXCEEDED');
  });

  it('charges a mutation 10 points', async () => {
    const { body } = await post(
      `mutation { inventorySetQuantities(input: { name: "available", reason: "correction", quantities: [] }) @idempotent(key: "cost-1") { userErrors { code } } }`,
    );
    expect(body.extensions.cost.requestedQueryCost).toBe(10);
  });
});

describe('leaky bucket', () => {
  it('answers THROTTLED in a 200 with no data once the bucket cannot hold the requested cost', async () => {
    const a = await post(VARIANT_IDS(40));
    const b = await post(VARIANT_IDS(40));
    expect([a.body.extensions.cost.actualQueryCost, b.body.extensions.cost.actualQueryCost]).toEqual([42, 42]);
    const c = await post(VARIANT_IDS(40));
    expect(c.status).toBe(200);
    expect(c.body.data).toBeUndefined();
    expect(c.body.errors).toEqual([expect.objectContaining({ message: 'Throttled', extensions: expect.objectContaining({ code: 'THROTTLED' }) })]);
    expect(c.body.extensions.cost.requestedQueryCost).toBe(42);
    expect(c.body.extensions.cost.actualQueryCost).toBeNull();
    expect(c.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(42);
    const stats = shop.stats();
    expect(stats.throttled).toBe(1);
    expect(stats.total).toBe(3);
  });

  it('can answer THROTTLED with 429 and Retry-After in seconds instead (configurable)', async () => {
    shop.configure({ throttleHttpStatus: 429, restoreRate: 10 });
    await post(VARIANT_IDS(40));
    await post(VARIANT_IDS(40));
    const c = await post(VARIANT_IDS(40));
    expect(c.status).toBe(429);
    expect(c.body.errors[0].extensions.code).toBe('THROTTLED');
    // (42 − ~16 available) / 10 per second ≈ 3 s: whole seconds, never milliseconds.
    expect(Number(c.headers['retry-after'])).toBeGreaterThanOrEqual(2);
    expect(Number(c.headers['retry-after'])).toBeLessThanOrEqual(3);
  });
});

describe('inventorySetQuantities', () => {
  const SET = `mutation ($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } } userErrors { code field } } }`;
  const item = () => shop.state.variants[1];
  const current = () => shop.state.levels.get(`${item().inventoryItemId}:1`)!.available;
  let n = 0;
  const key = () => `sandbox-test-key-${++n}`;

  it('sets an absolute quantity with compare-and-swap and rejects a stale one as a whole', async () => {
    shop.configure({ bucketSize: 2000 });
    const before = current();
    const q = { inventoryItemId: `gid://shopify/InventoryItem/${item().inventoryItemId}`, locationId: 'gid://shopify/Location/1' };
    const ok = await post(SET, {
      key: key(),
      input: { name: 'available', reason: 'correction', quantities: [{ ...q, quantity: before + 5, changeFromQuantity: before }] },
    });
    expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(ok.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([{ name: 'available', delta: 5, quantityAfterChange: before + 5 }]);
    const stale = await post(SET, {
      key: key(),
      input: { name: 'available', reason: 'correction', quantities: [{ ...q, quantity: 1, changeFromQuantity: before }] },
    });
    expect(stale.body.data.inventorySetQuantities.userErrors).toEqual([
      { code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '0', 'changeFromQuantity'] },
    ]);
    expect(current()).toBe(before + 5);
  });

  it('requires changeFromQuantity from 2026-04 (explicit null opts out): COMPARE_QUANTITY_REQUIRED without it', async () => {
    shop.configure({ bucketSize: 2000 });
    const q = { inventoryItemId: `gid://shopify/InventoryItem/${item().inventoryItemId}`, locationId: 'gid://shopify/Location/1', quantity: 3 };
    const missing = await post(SET, { key: key(), input: { name: 'available', reason: 'correction', quantities: [q] } }, { version: '2026-10' });
    expect(missing.body.data.inventorySetQuantities.userErrors).toEqual([
      { code: 'COMPARE_QUANTITY_REQUIRED', field: ['input', 'quantities', '0', 'changeFromQuantity'] },
    ]);
    const optOut = await post(SET, { key: key(), input: { name: 'available', reason: 'correction', quantities: [{ ...q, changeFromQuantity: null }] } });
    expect(optOut.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(current()).toBe(3);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  const got: Array<{ headers: Record<string, any>; raw: Buffer }> = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('fires a signed inventory_levels/update when stock is set through the control surface', async () => {
    shop.configure({ webhookTargets: [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`] });
    const r = await request(`${shop.origin}/__sandbox/inventory`, {
      method: 'POST',
      body: JSON.stringify({ sku: 'PG-00002', locationId: 'gid://shopify/Location/1', available: 17 }),
    });
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    expect(got).toHaveLength(1);
    const { headers, raw } = got[0];
    const expected = createHmac('sha256', shop.webhookSecret).update(raw).digest();
    expect(timingSafeEqual(Buffer.from(String(headers['x-shopify-hmac-sha256']), 'base64'), expected)).toBe(true);
    expect(headers['x-shopify-topic']).toBe('inventory_levels/update');
    expect(headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-shopify-shop-domain']).toMatch(/\.myshopify\.com$/);
    expect(headers['x-shopify-api-version']).toMatch(/^\d{4}-\d{2}$/);
    const body = JSON.parse(raw.toString());
    const v = shop.state.variants.find((x) => x.sku === 'PG-00002')!;
    expect(body).toMatchObject({ inventory_item_id: v.inventoryItemId, location_id: 1, available: 17 });
    // A tampered body no longer matches the signature.
    const tampered = createHmac('sha256', shop.webhookSecret)
      .update(Buffer.from(raw.toString().replace('17', '18')))
      .digest();
    expect(tampered.equals(expected)).toBe(false);
    expect(shop.stats().webhooks.sent).toBe(1);
  });
});
