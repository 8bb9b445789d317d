import { request } from 'undici';
import { createShopifyClient } from '../../src/datasources/shopify';
import { SET_QUANTITIES_MUTATION, SET_QUANTITIES_MUTATION_LEGACY, setQuantitiesRequest } from '../../src/datasources/shopify/queries';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';

/**
 * Issue 20, item 6 (Shopify): compare-and-swap per API version, as the changelogs of 2025-12-12
 * describe it. 2026-01 still takes `compareQuantity` / `ignoreCompareQuantity` (deprecated;
 * `changeFromQuantity` overrides them when present) and answers COMPARE_QUANTITY_REQUIRED when a
 * quantity has no compare value at all; 2026-04 removed both fields. And the gateway's push works
 * on every version the sandbox serves.
 */

let shop: ShopifySandbox;
let governors: GovernorRegistry;

beforeAll(async () => {
  shop = await startShopifySandbox({ products: 40, bucketSize: 20_000, restoreRate: 10_000 });
  governors = createGovernorRegistry({ keyPrefix: 'test:shopify-versions:' });
});
afterAll(async () => {
  await governors.close();
  await shop.close();
});
beforeEach(() => shop.reset());

const variant = () => shop.state.variants[4];
const level = () => shop.state.levels.get(`${variant().inventoryItemId}:1`)!;
const target = () => ({ inventoryItemId: `gid://shopify/InventoryItem/${variant().inventoryItemId}`, locationId: 'gid://shopify/Location/1' });
let keys = 0;

async function set(version: string, input: Record<string, unknown>) {
  const r = await request(shop.graphqlUrl(version), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
    body: JSON.stringify({
      query: `mutation ($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { code field } } }`,
      variables: { input: { name: 'available', reason: 'correction', ...input }, key: `versions-${++keys}` },
    }),
  });
  const body = (await r.body.json()) as any;
  return { errors: body.errors as Array<{ message: string }> | undefined, userErrors: body.data?.inventorySetQuantities?.userErrors };
}

describe('2026-01: the legacy compare fields still work', () => {
  it('answers COMPARE_QUANTITY_REQUIRED for a quantity with no compare value, and sets nothing', async () => {
    const from = level().available;
    const r = await set('2026-01', { quantities: [{ ...target(), quantity: from + 1 }] });
    expect(r.userErrors).toEqual([{ code: 'COMPARE_QUANTITY_REQUIRED', field: ['input', 'quantities', '0', 'compareQuantity'] }]);
    expect(level().available).toBe(from);
  });

  it('takes compareQuantity, refusing a stale one with COMPARE_QUANTITY_STALE', async () => {
    const from = level().available;
    expect((await set('2026-01', { quantities: [{ ...target(), quantity: from + 1, compareQuantity: from + 7 }] })).userErrors).toEqual([
      { code: 'COMPARE_QUANTITY_STALE', field: ['input', 'quantities', '0', 'compareQuantity'] },
    ]);
    expect((await set('2026-01', { quantities: [{ ...target(), quantity: from + 1, compareQuantity: from }] })).userErrors).toEqual([]);
    expect(level().available).toBe(from + 1);
  });

  it('takes ignoreCompareQuantity: true to set without a check', async () => {
    expect((await set('2026-01', { ignoreCompareQuantity: true, quantities: [{ ...target(), quantity: 42 }] })).userErrors).toEqual([]);
    expect(level().available).toBe(42);
  });

  it('lets changeFromQuantity override the legacy fields, as the changelog says', async () => {
    const from = level().available;
    const stale = await set('2026-01', { quantities: [{ ...target(), quantity: from + 1, compareQuantity: from, changeFromQuantity: from + 9 }] });
    expect(stale.userErrors).toEqual([{ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '0', 'changeFromQuantity'] }]);
    const optOut = await set('2026-01', { quantities: [{ ...target(), quantity: from + 2, compareQuantity: from + 9, changeFromQuantity: null }] });
    expect(optOut.userErrors).toEqual([]);
    expect(level().available).toBe(from + 2);
  });
});

describe.each(['2026-04', '2026-07', '2026-10', '2027-01'])('%s: the legacy compare fields are gone', (version) => {
  it('refuses compareQuantity and ignoreCompareQuantity as unknown fields', async () => {
    const from = level().available;
    const a = await set(version, { quantities: [{ ...target(), quantity: from + 1, compareQuantity: from }] });
    expect(a.errors?.[0].message).toMatch(/compareQuantity/);
    const b = await set(version, { ignoreCompareQuantity: true, quantities: [{ ...target(), quantity: from + 1, changeFromQuantity: null }] });
    expect(b.errors?.[0].message).toMatch(/ignoreCompareQuantity/);
    expect(level().available).toBe(from);
  });
});

describe.each(['2026-01', '2026-04', '2026-07', '2026-10', '2027-01'])('the gateway pushing to %s', (version) => {
  it('sends what the version needs: the push applies, and a stale read is refused', async () => {
    const client = createShopifyClient({ baseUrl: shop.origin, accessToken: shop.accessToken, apiVersion: version, governors });
    try {
      const from = level().available;
      const ok = await client.setAvailable([{ ...target(), quantity: from + 3, changeFromQuantity: from }], 'correction');
      expect(ok?.userErrors).toEqual([]);
      expect(level().available).toBe(from + 3);
      const stale = await client.setAvailable([{ ...target(), quantity: 1, changeFromQuantity: from }], 'correction');
      expect(stale?.userErrors.map((e) => e.code)).toEqual(['CHANGE_FROM_QUANTITY_STALE']);
      expect(level().available).toBe(from + 3);
    } finally {
      await client.close();
    }
  });
});

describe('the gateway before 2026-01 (no sandbox serves it; the request is checked)', () => {
  const q = (changeFromQuantity: number | null) => ({
    inventoryItemId: 'gid://shopify/InventoryItem/1',
    locationId: 'gid://shopify/Location/1',
    quantity: 5,
    changeFromQuantity,
  });

  it('sends compareQuantity and no @idempotent, and does not retry the push', () => {
    const r = setQuantitiesRequest('2025-10', { name: 'available', reason: 'correction', quantities: [q(4)] }, 'k');
    expect(r.query).toBe(SET_QUANTITIES_MUTATION_LEGACY);
    expect(r.query).not.toMatch(/@idempotent|changeFromQuantity/);
    expect(r.variables).toEqual({
      input: { name: 'available', reason: 'correction', quantities: [{ ...q(4), changeFromQuantity: undefined, compareQuantity: 4 }] },
    });
    expect(r.idempotent).toBe(false);
  });

  it('opts out with ignoreCompareQuantity only when no quantity has a value to compare', () => {
    const all = setQuantitiesRequest('2025-10', { name: 'available', reason: 'correction', quantities: [q(null), q(null)] }, 'k');
    expect((all.variables.input as any).ignoreCompareQuantity).toBe(true);
    const mixed = setQuantitiesRequest('2025-10', { name: 'available', reason: 'correction', quantities: [q(null), q(3)] }, 'k');
    expect((mixed.variables.input as any).ignoreCompareQuantity).toBeUndefined();
  });

  it('from 2026-01 sends the key and changeFromQuantity as given', () => {
    const r = setQuantitiesRequest('2026-01', { name: 'available', reason: 'correction', quantities: [q(4)] }, 'k-1');
    expect(r).toEqual({
      query: SET_QUANTITIES_MUTATION,
      variables: { input: { name: 'available', reason: 'correction', quantities: [q(4)] }, idempotencyKey: 'k-1' },
      idempotent: true,
    });
  });
});
