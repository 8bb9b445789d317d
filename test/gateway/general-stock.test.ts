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

/** `StockLevel.warehouse` is a property `Product.stock` gives its rows when the selection asks for it (however it asks). */
describe('StockLevel.warehouse', () => {
  const code = (): string => stack.picqer.state.products[4].productcode;
  const warehouseIds = (): number[] => stack.picqer.state.products[4].stock.map((s) => s.idwarehouse);
  const names = (): Map<number, string> => new Map(stack.picqer.state.warehouses.map((w) => [w.idwarehouse, w.name]));

  it.each([
    ['a plain selection', '{ stock { warehouse { idwarehouse name } } }', (s: any) => s.warehouse],
    ['an alias', '{ stock { w: warehouse { idwarehouse name } } }', (s: any) => s.w],
    ['an inline fragment', '{ stock { ... on StockLevel { warehouse { idwarehouse name } } } }', (s: any) => s.warehouse],
    [
      'a fragment inside a fragment',
      '{ stock { ...Row } } fragment Row on StockLevel { ...Where } fragment Where on StockLevel { warehouse { idwarehouse name } }',
      (s: any) => s.warehouse,
    ],
  ])('is answered through %s, from one warehouse list', async (_how, selection, pick) => {
    const [head, ...fragments] = selection.split(' fragment ');
    await stack.resetStats();
    const { body } = await stack.gql(`query($c: String!) { product(productcode: $c) ${head} }${fragments.map((f) => ` fragment ${f}`).join('')}`, {
      c: code(),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.stock.map((s: any) => pick(s))).toEqual(warehouseIds().map((id) => ({ idwarehouse: id, name: names().get(id) })));
    expect(callsTo(await stack.stats(), 'GET /api/v1/warehouses')).toBe(1);
  });

  it('is not looked up when only the stock figures are asked', async () => {
    await stack.resetStats();
    const { body } = await stack.gql('query($c: String!) { product(productcode: $c) { stock { freeStock locations { name stock } } } }', { c: code() });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.stock).toHaveLength(warehouseIds().length);
    expect(callsTo(await stack.stats(), 'GET /api/v1/warehouses')).toBe(0);
  });

  it('names a warehouse that has left the list by its id', async () => {
    const list = stack.picqer.state.warehouses;
    const i = list.findIndex((w) => w.idwarehouse === warehouseIds()[0]);
    const [gone] = list.splice(i, 1);
    try {
      const { body } = await stack.gql('query($c: String!) { product(productcode: $c) { stock { warehouse { idwarehouse name countsForGeneralStock } } } }', {
        c: code(),
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.product.stock[0].warehouse).toEqual({
        idwarehouse: gone.idwarehouse,
        name: `Warehouse ${gone.idwarehouse}`,
        countsForGeneralStock: false,
      });
    } finally {
      list.splice(i, 0, gone);
    }
  });
});
