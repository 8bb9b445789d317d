import { startStack, type TestStack } from '../helpers/stack';

/** Backorders (list, by product code, of a product) and stock per location, against the Picqer sandbox. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 120, orders: 200, locations: true }, env: { CACHE_ENABLED: 'false' } });
});
afterAll(async () => {
  await stack?.close();
});

const backorders = () => stack.picqer.state.warehouse.seed.backorders;

test('backorders lists every backorder, and by product code only that product’s', async () => {
  expect(backorders().length).toBeGreaterThan(1);
  const all = await stack.gql(`{ backorders(first: 100) { edges { node { idbackorder idorder amount amountAvailable priority product { idproduct } } } } }`);
  expect(all.body.errors).toBeUndefined();
  expect(all.body.data!.backorders.edges.map((e: any) => e.node)).toEqual(
    backorders().map((b) => ({
      idbackorder: b.idbackorder,
      idorder: b.idorder,
      amount: b.amount,
      amountAvailable: b.amount_available,
      priority: b.priority,
      product: { idproduct: b.idproduct },
    })),
  );
  const b = backorders()[0];
  const code = stack.picqer.state.products.find((p) => p.idproduct === b.idproduct)!.productcode;
  const one = await stack.gql(`query($c: String!) { backorders(first: 50, productcode: $c) { edges { node { idbackorder } } } }`, { c: code });
  expect(one.body.data!.backorders.edges.map((e: any) => e.node.idbackorder)).toEqual(
    backorders()
      .filter((x) => x.idproduct === b.idproduct)
      .map((x) => x.idbackorder),
  );
  const none = await stack.gql(`{ backorders(first: 5, productcode: "NO-SUCH-CODE") { edges { node { idbackorder } } pageInfo { hasNextPage } } }`);
  expect(none.body.data!.backorders).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
});

test("Product.backorders lists the product's backorders", async () => {
  const b = backorders()[0];
  const { body } = await stack.gql(`query($id: ID!) { product(id: $id) { backorders { idbackorder amount } } }`, { id: String(b.idproduct) });
  expect(body.data!.product.backorders).toEqual(
    backorders()
      .filter((x) => x.idproduct === b.idproduct)
      .map((x) => ({ idbackorder: x.idbackorder, amount: x.amount })),
  );
});

test('StockLevel.locations lists the stock per location Picqer gives, one call per product and warehouse', async () => {
  const p = stack.picqer.state.products.find((x) => x.stock.some((s) => s.idwarehouse === 1 && s.stock > 4) && x.idproduct % 2 === 0)!;
  await stack.resetStats();
  const { body } = await stack.gql(`query($id: ID!) { product(id: $id) { stock { warehouse { id } stock locations { name stock } } } }`, {
    id: String(p.idproduct),
  });
  expect(body.errors).toBeUndefined();
  for (const row of body.data!.product.stock) {
    const wire = p.stock.find((s) => s.idwarehouse === Number(row.warehouse.id))!;
    expect(row.locations).toEqual(stack.picqer.state.warehouse.locations(p, wire).map((l) => ({ name: l.name, stock: l.stock })));
    expect(row.locations.reduce((sum: number, l: any) => sum + l.stock, 0)).toBeLessThanOrEqual(row.stock);
  }
  expect(body.data!.product.stock.find((r: any) => r.warehouse.id === '1').locations.length).toBe(2);
  expect((await stack.stats()).byPath['GET /api/v1/products/:idproduct/stock/:idwarehouse']).toBe(p.stock.length);
});
