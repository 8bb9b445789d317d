import { callsTo, startStack, type TestStack } from '../helpers/stack';

/**
 * `Product.freeStock` is Picqer's general free stock: the sum over warehouses that count for
 * general stock. The Picqer sandbox has one that does not (3, returns inspection), holding stock
 * of every third product, so a sum over every warehouse would show here.
 */

let stack: TestStack;
beforeAll(async () => {
  // The warehouse calls per request are counted: the shared cache would answer repeats (test/cache).
  stack = await startStack({ picqer: { products: 30, orders: 10 }, env: { CACHE_ENABLED: 'false' } });
});
afterAll(() => stack.close());

const PRODUCT = `query($c: String!) { product(productcode: $c) {
  freeStock stock { warehouse { idwarehouse countsForGeneralStock } freeStock } } }`;

async function product(
  code: string,
): Promise<{ freeStock: number; stock: Array<{ warehouse: { idwarehouse: number; countsForGeneralStock: boolean }; freeStock: number }> }> {
  const { body } = await stack.gql(PRODUCT, { c: code });
  expect(body.errors).toBeUndefined();
  return body.data.product;
}

test('freeStock leaves out the warehouse that does not count, and follows moves in the ones that do', async () => {
  const record = stack.picqer.state.products[0];
  const before = await product(record.productcode);
  const rows = new Map(before.stock.map((s) => [s.warehouse.idwarehouse, s]));
  expect(rows.get(3)).toMatchObject({ warehouse: { countsForGeneralStock: false } });
  expect(rows.get(3)!.freeStock).toBeGreaterThan(0);
  expect(before.freeStock).toBe(rows.get(1)!.freeStock + rows.get(2)!.freeStock);

  // Stock into the returns warehouse is not for sale: freeStock stays; into warehouse 2 it is.
  stack.picqer.state.moveStock({ productcode: record.productcode }, 3, 4);
  expect((await product(record.productcode)).freeStock).toBe(before.freeStock);
  stack.picqer.state.moveStock({ productcode: record.productcode }, 2, 5);
  expect((await product(record.productcode)).freeStock).toBe(before.freeStock + 5);
});

test('the warehouse list is fetched once per request, and only when freeStock is asked for', async () => {
  const codes = stack.picqer.state.products.slice(1, 4).map((p) => p.productcode);
  await stack.resetStats();
  const many = await stack.gql(`{ ${codes.map((c, i) => `p${i}: product(productcode: "${c}") { freeStock }`).join(' ')} }`);
  expect(many.body.errors).toBeUndefined();
  let stats = await stack.stats();
  expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);

  await stack.resetStats();
  await stack.gql(`{ product(productcode: "${codes[0]}") { name } }`);
  stats = await stack.stats();
  expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(0);
});
