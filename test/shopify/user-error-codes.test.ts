import { isEnumType } from 'graphql';
import { request } from 'undici';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { adminSchema } from '../../src/sandbox/shopify/graphql-endpoint';
import { emittedSetQuantitiesCodes, SET_QUANTITIES_CODES, type SetQuantitiesCode } from '../../src/sandbox/shopify/set-quantities';
import { DOCUMENTED_SET_QUANTITIES_CODES, documentedSetQuantitiesCodes } from '../../src/sandbox/shopify/user-error-codes';
import { versionFeatures } from '../../src/sandbox/shopify/versions';
import { until } from '../helpers/until';

/**
 * Issue 20, item 1: the Shopify sandbox answers only the InventorySetQuantitiesUserErrorCode values
 * Shopify documents for the version served (user-error-codes.ts, written from shopify.dev), and can
 * answer each of them for a reason Shopify documents.
 */

let shop: ShopifySandbox;

beforeAll(async () => {
  shop = await startShopifySandbox({ products: 40, bucketSize: 20_000, restoreRate: 10_000 });
});
afterAll(async () => {
  await shop.close();
});
beforeEach(() => shop.reset());

const SET = `mutation ($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) {
  inventoryAdjustmentGroup { id } userErrors { code field message } } }`;

let keys = 0;

async function post(version: string, input: Record<string, unknown>, key: string): Promise<{ status: number; body: any }> {
  const r = await request(shop.graphqlUrl(version), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
    body: JSON.stringify({ query: SET, variables: { input, key } }),
  });
  return { status: r.statusCode, body: await r.body.json() };
}

async function set(version: string, input: Record<string, unknown>, key = `codes-test-${++keys}`): Promise<Array<{ code: string; field: string[] | null }>> {
  const { body } = await post(version, input, key);
  expect(body.errors).toBeUndefined();
  return body.data.inventorySetQuantities.userErrors;
}

const variant = () => shop.state.variants[0];
const itemGid = () => `gid://shopify/InventoryItem/${variant().inventoryItemId}`;
const available = () => shop.state.levels.get(`${variant().inventoryItemId}:1`)!.available;
const quantity = (extra: Record<string, unknown> = {}) => ({
  inventoryItemId: itemGid(),
  locationId: 'gid://shopify/Location/1',
  quantity: 5,
  changeFromQuantity: null,
  ...extra,
});
const base = (extra: Record<string, unknown> = {}) => ({ name: 'available', reason: 'correction', quantities: [quantity()], ...extra });

/** How to make the sandbox answer each code it can answer, on `version`. */
const triggers: Record<SetQuantitiesCode, (version: string) => Promise<Array<{ code: string }>>> = {
  INVALID_NAME: (v) => set(v, base({ name: 'committed' })),
  INVALID_REASON: (v) => set(v, base({ reason: 'because' })),
  INVALID_REFERENCE_DOCUMENT: (v) => set(v, base({ referenceDocumentUri: 'not a uri' })),
  INVALID_INVENTORY_ITEM: (v) => set(v, base({ quantities: [quantity({ inventoryItemId: 'gid://shopify/InventoryItem/1' })] })),
  INVALID_LOCATION: (v) => set(v, base({ quantities: [quantity({ locationId: 'gid://shopify/Location/99' })] })),
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: (v) => set(v, base({ quantities: [quantity(), quantity()] })),
  ITEM_NOT_STOCKED_AT_LOCATION: (v) => {
    shop.state.levels.delete(`${variant().inventoryItemId}:1`);
    return set(v, base());
  },
  NON_MUTABLE_INVENTORY_ITEM: (v) => {
    variant().nonMutable = true;
    return set(v, base());
  },
  INVALID_QUANTITY_NEGATIVE: (v) => set(v, base({ quantities: [quantity({ quantity: -1 })] })),
  INVALID_QUANTITY_TOO_HIGH: (v) => set(v, base({ quantities: [quantity({ quantity: 1_000_000_001 })] })),
  COMPARE_QUANTITY_REQUIRED: (v) => {
    const { changeFromQuantity: _omitted, ...q } = quantity();
    return set(v, base({ quantities: [q] }));
  },
  COMPARE_QUANTITY_STALE: (v) => {
    const { changeFromQuantity: _omitted, ...q } = quantity({ compareQuantity: available() + 1 });
    return set(v, base({ quantities: [q] }));
  },
  CHANGE_FROM_QUANTITY_STALE: (v) => set(v, base({ quantities: [quantity({ changeFromQuantity: available() + 1 })] })),
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: async (v) => {
    await set(v, base(), 'reused-key');
    return set(v, base({ quantities: [quantity({ quantity: 6 })] }), 'reused-key');
  },
  IDEMPOTENCY_CONCURRENT_REQUEST: async (v) => {
    let release!: () => void;
    let held = false;
    shop.beforeNextMutation(() => {
      held = true;
      return new Promise<void>((r) => (release = r));
    });
    const first = set(v, base(), 'held-key');
    await until(() => held, 'the first call to be held before it applies');
    const second = await set(v, base(), 'held-key');
    release();
    expect(await first).toEqual([]);
    return second;
  },
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: async (v) => {
    shop.configure({ failingMutations: 1 });
    expect((await post(v, base(), 'failed-key')).status).toBe(503);
    return set(v, base(), 'failed-key');
  },
};

describe('the documented list (user-error-codes.ts)', () => {
  it('has a list for every version the sandbox serves by default, with the codes Shopify renamed or never had left out', () => {
    expect(Object.keys(DOCUMENTED_SET_QUANTITIES_CODES)).toEqual(shop.apiVersions);
    for (const codes of Object.values(DOCUMENTED_SET_QUANTITIES_CODES)) {
      expect(codes).toContain('INVALID_NAME');
      expect(codes).not.toContain('INVALID_QUANTITY_NAME');
      expect(codes).not.toContain('CHANGE_FROM_QUANTITY_REQUIRED');
      expect(new Set(codes).size).toBe(codes.length);
    }
    expect(documentedSetQuantitiesCodes('2026-01')).not.toContain('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED');
    expect(documentedSetQuantitiesCodes('2026-10')).toContain('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED');
    expect(documentedSetQuantitiesCodes('unstable')).toEqual(documentedSetQuantitiesCodes('2027-01'));
  });

  it('refuses to serve a version it has no documented list for', async () => {
    await expect(startShopifySandbox({ apiVersions: ['2025-10'] })).rejects.toThrow(/not "2025-10"/);
  });

  it('lets a repeat of a failed call run where the version does not document IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED (UNCONFIRMED)', async () => {
    shop.configure({ failingMutations: 1 });
    expect((await post('2026-07', base(), 'failed-2607')).status).toBe(503);
    expect(shop.state.adjustmentGroups).toBe(0);
    expect(await set('2026-07', base(), 'failed-2607')).toEqual([]);
    expect(shop.state.adjustmentGroups).toBe(1);
  });
});

describe.each(Object.keys(DOCUMENTED_SET_QUANTITIES_CODES))('API %s', (version) => {
  const documented = DOCUMENTED_SET_QUANTITIES_CODES[version];
  const features = versionFeatures(version);

  it('can answer only documented codes, and its schema declares exactly the documented enum', () => {
    for (const code of emittedSetQuantitiesCodes(features)) expect(documented).toContain(code);
    const type = adminSchema(features).getType('InventorySetQuantitiesUserErrorCode');
    expect(isEnumType(type) && type.getValues().map((v) => v.name)).toEqual([...documented]);
  });

  it.each(SET_QUANTITIES_CODES.filter((c) => emittedSetQuantitiesCodes(features).includes(c)))('answers %s when Shopify does', async (code) => {
    const errors = await triggers[code](version);
    expect(errors.map((e) => e.code)).toContain(code);
    for (const e of errors) expect(documented).toContain(e.code);
    // All or nothing: a call with a userError makes no adjustment group (two idempotency triggers make one first).
    expect(shop.state.adjustmentGroups).toBe(['IDEMPOTENCY_KEY_PARAMETER_MISMATCH', 'IDEMPOTENCY_CONCURRENT_REQUEST'].includes(code) ? 1 : 0);
  });
});
