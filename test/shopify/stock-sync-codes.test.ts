import DataLoader from 'dataloader';
import type { Loaders } from '../../src/datasources/loaders';
import type { PicqerLoaders, PicqerProductModel } from '../../src/datasources/picqer';
import { createShopifyClient, createShopifyLoaders, type ShopifyClient } from '../../src/datasources/shopify';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { startShopifySandbox, type ShopifySandbox, type ShopState } from '../../src/sandbox/shopify';
import { DOCUMENTED_SET_QUANTITIES_CODES } from '../../src/sandbox/shopify/user-error-codes';
import { syncFreeStock, type FreeStockSyncResult } from '../../src/stock-sync/sync-free-stock';
import { until } from '../helpers/until';

/**
 * Issue 20, item 1, the gateway's side: the stock sync passes Shopify's userError codes on in
 * StockSyncSkip.reason. Each code the gateway can meet is provoked here the way it happens in a
 * real shop (mostly: the shop changes between the sync's read and its write), against the
 * sandbox serving the gateway's version; the codes it cannot meet are listed with the reason.
 */

const L1 = 'gid://shopify/Location/1';
const L2 = 'gid://shopify/Location/2';

/** Codes the gateway's push can get back, each provoked by a case below. */
const CAN_MEET = [
  'CHANGE_FROM_QUANTITY_STALE',
  'INVALID_INVENTORY_ITEM',
  'INVALID_LOCATION',
  'ITEM_NOT_STOCKED_AT_LOCATION',
  'NON_MUTABLE_INVENTORY_ITEM',
  'INVALID_QUANTITY_TOO_HIGH',
  'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
  'IDEMPOTENCY_CONCURRENT_REQUEST',
  'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
];

/** Codes it cannot get back, and why. */
const CANNOT_MEET: Record<string, string> = {
  INVALID_NAME: 'the push always sets "available"',
  INVALID_REASON: 'the push always gives reason "correction"',
  INVALID_REFERENCE_DOCUMENT: 'the push sends no referenceDocumentUri',
  INVALID_QUANTITY_NEGATIVE: 'negative Picqer free stock is pushed as 0',
  INVALID_QUANTITY_TOO_LOW: 'negative Picqer free stock is pushed as 0',
  COMPARE_QUANTITY_REQUIRED: 'every quantity carries changeFromQuantity',
  COMPARE_QUANTITY_STALE: 'changeFromQuantity overrides compareQuantity, which the push never sends',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'every push has a key of its own',
};

let shop: ShopifySandbox;
let governors: GovernorRegistry;
let client: ShopifyClient;

beforeAll(async () => {
  shop = await startShopifySandbox({ products: 40, bucketSize: 20_000, restoreRate: 10_000 });
  governors = createGovernorRegistry({ keyPrefix: 'test:shopify-sync-codes:' });
  client = createShopifyClient({ baseUrl: shop.origin, accessToken: shop.accessToken, apiVersion: '2026-10', governors });
});
afterAll(async () => {
  await client.close();
  await governors.close();
  await shop.close();
});
beforeEach(() => shop.reset());

const variant = () => shop.state.variants[3];
const code = () => variant().sku;
const level = (loc: number) => shop.state.levels.get(`${variant().inventoryItemId}:${loc}`)!;

/** Picqer says one more is free than Shopify has, at both warehouses (or `free` when given). */
function picqerLoaders(free?: number): PicqerLoaders {
  const product = (): PicqerProductModel => ({
    id: '1',
    idproduct: 1,
    productcode: code(),
    name: 'x',
    barcode: null,
    price: null,
    stock: [1, 2].map((w) => ({ idwarehouse: w, stock: 0, reserved: 0, freeStock: free ?? level(w).available + 1 })),
  });
  return { productByCode: new DataLoader(async (codes: readonly string[]) => codes.map(() => product())) } as unknown as PicqerLoaders;
}

async function sync(o: { free?: number; locationMap?: Record<number, string>; via?: ShopifyClient } = {}): Promise<FreeStockSyncResult> {
  const accounting = new CallAccounting();
  const loaders: Loaders = {
    picqer: picqerLoaders(o.free),
    shopify: createShopifyLoaders(o.via ?? client, accounting, { locationMap: o.locationMap ?? { 1: L1, 2: L2 } }),
    exact: null,
    lightspeed: null,
  };
  return syncFreeStock(loaders, [code()]);
}

const reasons = (r: FreeStockSyncResult) => r.skipped.map((s) => `${s.warehouseId}:${s.reason}`).sort();
const beforeWrite = (change: (s: ShopState) => void | Promise<void>) => shop.beforeNextMutation(change);

it('lists every documented code as one the push can meet or one it cannot, with why', () => {
  const documented = new Set(Object.values(DOCUMENTED_SET_QUANTITIES_CODES).flat());
  expect(new Set([...CAN_MEET, ...Object.keys(CANNOT_MEET)])).toEqual(documented);
});

describe('each code the push can meet becomes StockSyncSkip.reason', () => {
  it('CHANGE_FROM_QUANTITY_STALE: a sale between the read and the write', async () => {
    beforeWrite(() => void (level(1).available -= 1));
    const r = await sync();
    expect(r.changed).toEqual([]);
    // All or nothing: the other location's row was not applied either.
    expect(reasons(r)).toEqual(['1:CHANGE_FROM_QUANTITY_STALE', '2:NOT_APPLIED']);
  });

  it('INVALID_INVENTORY_ITEM: the variant was deleted meanwhile', async () => {
    beforeWrite((s) => void s.variantByItemId.delete(variant().inventoryItemId));
    expect(reasons(await sync())).toEqual(['1:INVALID_INVENTORY_ITEM', '2:INVALID_INVENTORY_ITEM']);
  });

  it('INVALID_LOCATION: a mapped location was removed meanwhile', async () => {
    beforeWrite((s) => void (s.locations = s.locations.filter((l) => l.id !== 2)));
    expect(reasons(await sync())).toEqual(['1:NOT_APPLIED', '2:INVALID_LOCATION']);
  });

  it('ITEM_NOT_STOCKED_AT_LOCATION: the item was unstocked at a location meanwhile', async () => {
    beforeWrite((s) => void s.levels.delete(`${variant().inventoryItemId}:2`));
    expect(reasons(await sync())).toEqual(['1:NOT_APPLIED', '2:ITEM_NOT_STOCKED_AT_LOCATION']);
  });

  it('NON_MUTABLE_INVENTORY_ITEM: the SKU belongs to a bundle parent', async () => {
    variant().nonMutable = true;
    expect(reasons(await sync())).toEqual(['1:NON_MUTABLE_INVENTORY_ITEM', '2:NON_MUTABLE_INVENTORY_ITEM']);
  });

  it('INVALID_QUANTITY_TOO_HIGH: Picqer holds more than Shopify takes', async () => {
    expect(reasons(await sync({ free: 1_000_000_001 }))).toEqual(['1:INVALID_QUANTITY_TOO_HIGH', '2:INVALID_QUANTITY_TOO_HIGH']);
  });

  it('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: two warehouses mapped to one location', async () => {
    expect(reasons(await sync({ locationMap: { 1: L1, 2: L1 } }))).toEqual(['1:NOT_APPLIED', '2:NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR']);
  });

  it('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: a push that failed inside Shopify is tried once more under a new key, then passed on', async () => {
    // One failure: the retry of that key is refused, the push goes again under a new key and lands.
    shop.configure({ failingMutations: 1 });
    const ok = await sync();
    expect(ok.changed.map((c) => c.warehouseId).sort()).toEqual([1, 2]);
    expect(shop.state.adjustmentGroups).toBe(1);
    // Two: the new key fails too, and its refusal is the reason.
    shop.configure({ failingMutations: 2 });
    expect(reasons(await sync())).toEqual(['1:IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED', '2:IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED']);
    expect(shop.stats().internalFailures).toBe(3);
  });

  it('IDEMPOTENCY_CONCURRENT_REQUEST: the retry of a timed-out push arrives while the first is still applying', async () => {
    const regs = createGovernorRegistry({ keyPrefix: 'test:shopify-sync-codes-slow:' });
    const impatient = createShopifyClient({ baseUrl: shop.origin, accessToken: shop.accessToken, apiVersion: '2026-10', governors: regs, timeoutMs: 1000 });
    let release!: () => void;
    beforeWrite(() => new Promise<void>((r) => (release = r)));
    const want = level(1).available + 1;
    try {
      const r = await sync({ via: impatient });
      expect(reasons(r)).toEqual(['1:IDEMPOTENCY_CONCURRENT_REQUEST', '2:IDEMPOTENCY_CONCURRENT_REQUEST']);
      release();
      // The held first attempt still lands, once.
      await until(() => level(1).available === want, 'the held push to apply');
      expect(shop.state.adjustmentGroups).toBe(1);
    } finally {
      release?.();
      await impatient.close();
      await regs.close();
    }
  });
});
