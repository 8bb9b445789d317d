import { demoCatalog } from '../../src/sandbox/catalog';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * Lightspeed eCom as the second sales channel (issue 15), through the gateway against real
 * sandboxes: Product.channels lists both shops, drift and the push cover both (a second push
 * changes nothing), the Shopify-only names still answer and are marked deprecated, and a channel
 * that is not configured is UPSTREAM_NOT_CONFIGURED naming its variables.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ picqer: { products: 80, orders: 5 }, shopify: { products: 80 }, lightspeedEcom: { products: 80 }, exact: { products: 80 } });
});
afterAll(() => stack?.close());

/** Codes both shops list (Lightspeed lists ~90% of the catalog, Shopify ~85%). */
function inBoth(n: number): string[] {
  const ls = new Set(stack.lightspeedEcom.state.variants.map((v) => v.sku));
  return demoCatalog({ products: 80 })
    .filter((p) => p.inShopify && ls.has(p.productcode))
    .slice(0, n)
    .map((p) => p.productcode);
}

async function picqerFree(code: string): Promise<number> {
  const r = await stack.gql('query($c: String!) { product(productcode: $c) { stock { warehouse { id } freeStock } } }', { c: code });
  const rows = r.body.data.product.stock.filter((s: any) => [1, 2].includes(Number(s.warehouse.id)));
  return Math.max(
    0,
    rows.reduce((n: number, s: any) => n + s.freeStock, 0),
  );
}

it('joins a product with both shops and Exact in one query', async () => {
  const [code] = inBoth(1);
  const v = stack.lightspeedEcom.state.variantBySku(code)!;
  const r = await stack.gql(
    `query($c: String!) { product(productcode: $c) { productcode
      shopify { sku }
      exact { code }
      channels { channel id sku price { amount currencyCode } inventory { location { id name } available warehouseIds } } } }`,
    { c: code },
  );
  expect(r.body.errors).toBeUndefined();
  const p = r.body.data.product;
  expect(p.shopify.sku).toBe(code);
  expect(p.exact.code).toBe(code);
  expect(p.channels.map((c: any) => c.channel)).toEqual(['SHOPIFY', 'LIGHTSPEED']);
  const [shop, ls] = p.channels;
  expect(shop.inventory.length).toBeGreaterThan(0);
  expect(shop.inventory.find((l: any) => l.location.id === 'gid://shopify/Location/1').warehouseIds).toEqual([1]);
  expect(ls).toEqual({
    channel: 'LIGHTSPEED',
    id: String(v.id),
    sku: code,
    price: { amount: String(v.priceIncl), currencyCode: 'EUR' },
    inventory: [{ location: { id: 'lightspeed:webshop', name: 'Lightspeed webshop' }, available: v.stockLevel, warehouseIds: [1, 2] }],
  });
});

it('reports drift and pushes free stock over both channels; a second push changes nothing', async () => {
  const codes = inBoth(3);
  stack.lightspeedEcom.state.setStockLevel(codes[0], 999);
  const drift = await stack.gql(
    'query($c: [String!]!) { stockDrift(productcodes: $c) { channel productcode warehouseIds location { id } picqerFreeStock available shopifyAvailable difference } }',
    { c: codes },
  );
  expect(drift.body.errors).toBeUndefined();
  const free0 = await picqerFree(codes[0]);
  expect(drift.body.data.stockDrift).toContainEqual({
    channel: 'LIGHTSPEED',
    productcode: codes[0],
    warehouseIds: [1, 2],
    location: { id: 'lightspeed:webshop' },
    picqerFreeStock: free0,
    available: 999,
    shopifyAvailable: 999,
    difference: 999 - free0,
  });

  const sync =
    'mutation($c: [String!]!) { syncFreeStock(productcodes: $c) { changed { channel productcode warehouseIds from to } unchanged skipped { channel productcode reason } mutations } }';
  const first = await stack.gql(sync, { c: codes });
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data.syncFreeStock.changed).toContainEqual({ channel: 'LIGHTSPEED', productcode: codes[0], warehouseIds: [1, 2], from: 999, to: free0 });
  for (const code of codes) expect(stack.lightspeedEcom.state.variantBySku(code)!.stockLevel).toBe(await picqerFree(code));

  const putsBefore = stack.lightspeedEcom.state.stats().stockUpdates;
  const second = await stack.gql(sync, { c: codes });
  expect(second.body.data.syncFreeStock).toMatchObject({ changed: [], skipped: [], mutations: 0 });
  expect(stack.lightspeedEcom.state.stats().stockUpdates).toBe(putsBefore);
  const after = await stack.gql('query($c: [String!]!) { stockDrift(productcodes: $c) { channel productcode } }', { c: codes });
  expect(after.body.data.stockDrift).toEqual([]);
});

it('pushes to the channels asked for only', async () => {
  const [code] = inBoth(1);
  stack.lightspeedEcom.state.setStockLevel(code, 555);
  const r = await stack.gql('mutation($c: [String!]!) { syncFreeStock(productcodes: $c, channels: [SHOPIFY]) { changed { channel } unchanged } }', {
    c: [code],
  });
  expect(r.body.errors).toBeUndefined();
  expect(r.body.data.syncFreeStock.changed.every((c: any) => c.channel === 'SHOPIFY')).toBe(true);
  expect(stack.lightspeedEcom.state.variantBySku(code)!.stockLevel).toBe(555);
  const drift = await stack.gql('query($c: [String!]!) { stockDrift(productcodes: $c, channels: [LIGHTSPEED]) { channel available } }', { c: [code] });
  expect(drift.body.data.stockDrift).toEqual([{ channel: 'LIGHTSPEED', available: 555 }]);
});

it('keeps the Shopify-only names answering, marked deprecated in the schema', async () => {
  const codes = inBoth(2);
  const old = await stack.gql(
    'mutation($c: [String!]!) { syncFreeStockToShopify(productcodes: $c) { changed { productcode warehouseId } unchanged mutations } }',
    { c: codes },
  );
  expect(old.body.errors).toBeUndefined();
  expect(old.body.data.syncFreeStockToShopify.mutations).toBe(0);
  const schema = await stack.gql(`{
    m: __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
    d: __type(name: "StockDrift") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`);
  const field = (t: 'm' | 'd', name: string) => schema.body.data[t].fields.find((f: any) => f.name === name);
  expect(field('m', 'syncFreeStockToShopify')).toEqual({
    name: 'syncFreeStockToShopify',
    isDeprecated: true,
    deprecationReason: 'Use syncFreeStock(productcodes, channels: [SHOPIFY]).',
  });
  expect(field('m', 'syncFreeStock').isDeprecated).toBe(false);
  expect(field('d', 'shopifyAvailable').isDeprecated).toBe(true);
});

it('nulls only channels, with the upstream named, when the webshop cannot be read', async () => {
  const [code] = inBoth(4).slice(3);
  stack.lightspeedEcom.state.faults = [{ status: 500, count: 3, path: 'variants' }];
  const r = await stack.gql('query($c: String!) { product(productcode: $c) { productcode shopify { sku } channels { channel } } }', { c: code });
  expect(r.body.data.product).toEqual({ productcode: code, shopify: { sku: code }, channels: null });
  expect(r.body.errors).toHaveLength(1);
  expect(r.body.errors![0]).toMatchObject({ path: ['product', 'channels'], extensions: { code: 'UPSTREAM_ERROR', upstream: 'lightspeed', status: 500 } });
  stack.lightspeedEcom.state.faults = [];
});

it('prices a listing at a Lightspeed call per product: 100 products with channels are over MAX_QUERY_COST', async () => {
  const before = stack.upstreamRequests().total;
  const r = await stack.gql('{ products(first: 100) { edges { node { channels { sku } } } } }');
  expect(r.body.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  // Refused before it runs: no upstream call.
  expect(stack.upstreamRequests().total).toBe(before);
});

describe('without Lightspeed', () => {
  let bare: TestStack;
  beforeAll(async () => {
    bare = await startStack({ picqer: { products: 20, orders: 2 }, shopify: { products: 20 } });
  });
  afterAll(() => bare?.close());

  it('answers UPSTREAM_NOT_CONFIGURED naming the variables for the Lightspeed channel, and lists Shopify alone', async () => {
    const code = demoCatalog({ products: 20 }).find((p) => p.inShopify)!.productcode;
    const r = await bare.gql('mutation($c: [String!]!) { syncFreeStock(productcodes: $c, channels: [LIGHTSPEED]) { mutations } }', { c: [code] });
    expect(r.body.errors![0].extensions?.code).toBe('UPSTREAM_NOT_CONFIGURED');
    expect(r.body.errors![0].message).toContain('LIGHTSPEED_ECOM_API_KEY');
    const listed = await bare.gql('query($c: String!) { product(productcode: $c) { channels { channel } } }', { c: code });
    expect(listed.body.data.product.channels).toEqual([{ channel: 'SHOPIFY' }]);
    // Shopify alone batches SKUs: the same page is within the limit.
    const page = await bare.gql('{ products(first: 100) { edges { node { channels { sku } } } } }');
    expect(page.body.errors).toBeUndefined();
  });
});
