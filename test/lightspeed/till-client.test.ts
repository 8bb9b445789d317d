import { createLightspeedRetailClient, tillSaleFromWire, type LightspeedRetailClient } from '../../src/datasources/lightspeed-retail';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { UpstreamError } from '../../src/errors';
import { startLightspeedRetailSandbox, type LightspeedRetailSandbox } from '../../src/sandbox/lightspeed';

/** The till-sale receiver's Lightspeed Retail client against the X-Series sandbox: Bearer, { data }, the governor's Retail model. */

let pos: LightspeedRetailSandbox;
let governors: GovernorRegistry;
let client: LightspeedRetailClient;

beforeAll(async () => {
  pos = await startLightspeedRetailSandbox({ products: 40 });
  governors = createGovernorRegistry({ keyPrefix: 'test:till-client:' });
  client = createLightspeedRetailClient({ baseUrl: pos.baseUrl, token: pos.token, registers: 3, governors });
});
afterAll(async () => {
  await client?.close();
  await governors?.close();
  await pos?.close();
});

it('reads a product (its SKU) and a sale, each call booked on the 300 × registers + 50 window', async () => {
  const product = pos.state.products[2];
  expect(await client.getProduct(product.id)).toEqual(expect.objectContaining({ id: product.id, sku: product.sku }));
  const sale = pos.state.recordSale({ lines: [{ sku: product.sku, quantity: 2 }] });
  const read = tillSaleFromWire(await client.getSale(sale.id));
  expect(read).toEqual({
    id: sale.id,
    outletId: sale.outlet_id,
    status: 'CLOSED',
    lines: [{ key: sale.register_sale_products[0].id, productId: product.id, quantity: 2, sku: null }],
  });
  const stats = governors.stats().find((s) => s.upstream === 'lightspeedRetail')!;
  expect(stats.windows).toEqual([expect.objectContaining({ limit: 950, windowMs: 300_000 })]);
  expect(pos.state.stats().byPath).toEqual({ 'GET /api/2.0/products/{id}': 1, 'GET /api/2.0/sales/{id}': 1 });
});

it('a product that does not exist is an UpstreamError 404; a wrong token a 401, never echoing the token', async () => {
  await expect(client.getProduct('00000000-0000-0000-0000-000000000000')).rejects.toEqual(expect.objectContaining({ status: 404 }));
  const wrong = createLightspeedRetailClient({ baseUrl: pos.baseUrl, token: 'lsxs_pt_wrong_token', registers: 1, governors });
  try {
    const err = await wrong.getProduct(pos.state.products[0].id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(401);
    expect((err as Error).message).not.toContain('lsxs_pt_wrong_token');
  } finally {
    await wrong.close();
  }
});

it('refuses bad options, naming each', () => {
  expect(() => createLightspeedRetailClient({ baseUrl: 'not a url', token: '', registers: 0, governors })).toThrow(
    'Invalid Lightspeed Retail client options: token is required; baseUrl must be an absolute URL, got "not a url"; registers must be a whole number >= 1, got 0',
  );
});
