import { moneyFromDecimal, moneyFromNumber } from '../../src/util/money';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * Money (issue 17): prices are a decimal string with a currency, as Shopify's API has them, built
 * from each upstream's wire without a float in between.
 */

it('keeps a decimal string as sent and writes a JSON number as its literal', () => {
  expect(moneyFromDecimal('12.50', null)).toEqual({ amount: '12.50', currencyCode: null });
  expect(moneyFromDecimal('19.999999999999999999', 'EUR')).toEqual({ amount: '19.999999999999999999', currencyCode: 'EUR' });
  expect(moneyFromDecimal('12,50', 'EUR')).toBeNull();
  expect(moneyFromDecimal(null, 'EUR')).toBeNull();
  expect(moneyFromNumber(19.99, 'EUR')).toEqual({ amount: '19.99', currencyCode: 'EUR' });
  expect(moneyFromNumber(0.3, 'EUR')?.amount).toBe('0.3');
  expect(moneyFromNumber(-5, 'EUR')?.amount).toBe('-5');
  expect(moneyFromNumber(1e-7, 'EUR')?.amount).toBe('0.0000001');
  expect(moneyFromNumber(Number.NaN, 'EUR')).toBeNull();
  expect(moneyFromNumber(null, 'EUR')).toBeNull();
});

describe('prices on the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ shopify: true });
  });
  afterAll(() => stack?.close());

  it('answers Product.price in EUR and ShopifyVariant.price exactly as Shopify states it', async () => {
    const r = await stack.gql(
      `{ products(first: 50) { edges { node { productcode price { amount currencyCode } shopify { price { amount currencyCode } } } } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    const nodes = r.body.data.products.edges.map((e: any) => e.node);
    let shopifyPrices = 0;
    for (const n of nodes) {
      const p = stack.picqer.state.store.products.find((x: any) => x.productcode === n.productcode)!;
      expect(n.price).toEqual({ amount: String(p.price), currencyCode: 'EUR' });
      const v = stack.shopify.state.variants.find((x) => x.sku === n.productcode && x.productStatus === 'ACTIVE');
      if (!v) continue;
      shopifyPrices += 1;
      // "12.50" stays "12.50": a float would have made it 12.5.
      // In the shop's currency, read in the same call as the variants (the sandbox's default EUR).
      expect(n.shopify.price).toEqual({ amount: v.price, currencyCode: 'EUR' });
      expect(n.shopify.price.amount).toMatch(/^\d+\.\d{2}$/);
    }
    expect(shopifyPrices).toBeGreaterThan(0);
  });

  it('answers OrderLine.price as Money', async () => {
    const r = await stack.gql(`{ orders(first: 3) { edges { node { lines { productcode price { amount currencyCode } } } } } }`);
    expect(r.body.errors).toBeUndefined();
    const lines = r.body.data.orders.edges.flatMap((e: any) => e.node.lines);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      if (l.price !== null) expect(l.price.amount).toMatch(/^-?\d+(\.\d+)?$/);
      if (l.price !== null) expect(l.price.currencyCode).toBe('EUR');
    }
  });
});

describe('a shop in another currency', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ shopify: { currencyCode: 'USD' } });
  });
  afterAll(() => stack?.close());

  it("answers ShopifyVariant.price in the shop's currency, with no Shopify call more than the variants take", async () => {
    const [v, w, warm] = stack.shopify.state.variants.filter((x) => x.productStatus === 'ACTIVE');
    // Locations are read once and shared: a first request pays for them, so the counts compare later ones.
    expect((await stack.gql(`{ product(productcode: "${warm.sku}") { shopify { sku } } }`)).body.errors).toBeUndefined();
    // An amount no float keeps: it must come back as the exact decimal string.
    v.price = '1234567890.123456789';
    const before = stack.shopify.requests().total;
    const r = await stack.gql(`query ($code: String!) { product(productcode: $code) { shopify { price { amount currencyCode } } } }`, { code: v.sku });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.product.shopify.price).toEqual({ amount: '1234567890.123456789', currencyCode: 'USD' });
    const withPrice = stack.shopify.requests().total - before;

    const mid = stack.shopify.requests().total;
    const r2 = await stack.gql(`query ($code: String!) { product(productcode: $code) { shopify { sku } } }`, { code: w.sku });
    expect(r2.body.errors).toBeUndefined();
    expect(r2.body.data.product.shopify.sku).toBe(w.sku);
    // Price or not, the same calls: the currency comes in the variants' own query.
    expect(stack.shopify.requests().total - mid).toBe(withPrice);
  });
});
