import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createShopifyClient, type ShopifyClient } from '../../src/datasources/shopify';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';

/**
 * Issue 20, item 2: `@idempotent(key:)` on inventorySetQuantities, accepted from 2026-01 and
 * required from 2026-04 (changelogs "Adding idempotency for inventory adjustments and refund
 * mutations" / "Making idempotency mandatory …", both list inventorySetQuantities). The sandbox
 * runs a repeat with the same key once and answers it with the first result; the gateway sends a
 * key with every push, so a push retried after a lost answer is applied once.
 */

let shop: ShopifySandbox;
let receiver: Server;
const deliveries: string[] = [];
let governors: GovernorRegistry;
let client: ShopifyClient;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    deliveries.push(String(req.headers['x-shopify-webhook-id']));
    req.resume().on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  shop = await startShopifySandbox({ products: 40, bucketSize: 20_000, restoreRate: 10_000 });
  governors = createGovernorRegistry({ keyPrefix: 'test:shopify-idempotency:' });
  client = createShopifyClient({ baseUrl: shop.origin, accessToken: shop.accessToken, apiVersion: '2026-10', governors });
});
afterAll(async () => {
  await client.close();
  await governors.close();
  await shop.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});
beforeEach(() => {
  shop.reset();
  deliveries.length = 0;
  shop.configure({ webhookTargets: [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`] });
});

const variant = () => shop.state.variants[2];
const level = () => shop.state.levels.get(`${variant().inventoryItemId}:1`)!;
const quantity = (to: number, from: number | null) => ({
  inventoryItemId: `gid://shopify/InventoryItem/${variant().inventoryItemId}`,
  locationId: 'gid://shopify/Location/1',
  quantity: to,
  changeFromQuantity: from,
});

async function post(version: string, query: string, variables: Record<string, unknown>) {
  const r = await request(shop.graphqlUrl(version), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return { status: r.statusCode, body: (await r.body.json()) as any };
}

const WITH_KEY = `mutation ($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) {
  inventoryAdjustmentGroup { id changes { delta quantityAfterChange } } userErrors { code } } }`;
const WITHOUT_KEY = `mutation ($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
  inventoryAdjustmentGroup { id } userErrors { code } } }`;

describe('the sandbox', () => {
  it('accepts @idempotent from 2026-01, where it is optional', async () => {
    const from = level().available;
    const withKey = await post('2026-01', WITH_KEY, {
      key: 'k-2601',
      input: { name: 'available', reason: 'correction', quantities: [quantity(from + 1, from)] },
    });
    expect(withKey.body.errors).toBeUndefined();
    expect(withKey.body.data.inventorySetQuantities.userErrors).toEqual([]);
    const withoutKey = await post('2026-01', WITHOUT_KEY, { input: { name: 'available', reason: 'correction', quantities: [quantity(from + 2, from + 1)] } });
    expect(withoutKey.body.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(level().available).toBe(from + 2);
  });

  it.each(['2026-04', '2026-07', '2026-10', '2027-01'])('requires it in %s: without a key nothing is set', async (version) => {
    const from = level().available;
    const r = await post(version, WITHOUT_KEY, { input: { name: 'available', reason: 'correction', quantities: [quantity(from + 1, from)] } });
    expect(r.body.data.inventorySetQuantities).toBeNull();
    expect(r.body.errors[0].message).toMatch(/@idempotent/);
    expect(level().available).toBe(from);
  });

  it('refuses the directive on a field that does not take it', async () => {
    const r = await post('2026-10', `{ locations(first: 1) @idempotent(key: "x") { nodes { id } } }`, {});
    expect(r.body.errors[0].message).toMatch(/not supported on field "locations"/);
  });

  it('runs a repeat with the same key and variables once, answering it with the first result', async () => {
    const from = level().available;
    const variables = { key: 'same-key', input: { name: 'available', reason: 'correction', quantities: [quantity(from + 3, from)] } };
    const first = await post('2026-10', WITH_KEY, variables);
    // Someone sells one meanwhile; the repeat must neither apply again nor fail as stale.
    level().available -= 1;
    const again = await post('2026-10', WITH_KEY, variables);
    expect(again.body.data).toEqual(first.body.data);
    expect(first.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([{ delta: 3, quantityAfterChange: from + 3 }]);
    expect(level().available).toBe(from + 2);
    expect(shop.state.adjustmentGroups).toBe(1);
    await shop.flushWebhooks();
    expect(deliveries).toHaveLength(1);
  });
});

describe('the gateway client', () => {
  it('sends a key with every push, so a push whose answer was lost is retried and applied once', async () => {
    const from = level().available;
    shop.configure({ lostMutationAnswers: 1 });
    const result = await client.setAvailable([quantity(from + 4, from)], 'correction');
    expect(result?.userErrors).toEqual([]);
    expect(result?.inventoryAdjustmentGroup?.changes.map((c) => c.delta)).toEqual([4]);
    expect(level().available).toBe(from + 4);
    const stats = shop.stats();
    expect(stats.lostAnswers).toBe(1);
    expect(stats.byOperation.GatewaySetQuantities).toBe(2);
    expect(shop.state.adjustmentGroups).toBe(1);
    await shop.flushWebhooks();
    expect(deliveries).toHaveLength(1);
  });

  it('gives each push its own key: the same change made again later is applied again', async () => {
    const from = level().available;
    await client.setAvailable([quantity(from + 1, from)], 'correction');
    level().available = from; // sold back down
    const again = await client.setAvailable([quantity(from + 1, from)], 'correction');
    expect(again?.inventoryAdjustmentGroup?.changes.map((c) => c.delta)).toEqual([1]);
    expect(level().available).toBe(from + 1);
    expect(shop.state.adjustmentGroups).toBe(2);
  });
});
