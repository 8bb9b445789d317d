import { OrdersWithLineStockDocument, ProductByCodeDocument } from '../generated/operations';
import { callsTo, startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';

const NO_CACHE = { CACHE_ENABLED: 'false' };

let stack: TestStack;
beforeAll(async () => {
  // Call counts of the loaders themselves: with the shared cache on, a repeat would cost nothing (test/cache).
  stack = await startStack({ env: NO_CACHE });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.resetStats();
});

describe('Query root fields against the Picqer sandbox', () => {
  it('products: a page with stock per warehouse, in one products call and one warehouses call', async () => {
    const { status, body } = await stack.gql(`{ products(first: 20) {
      edges { cursor node { id idproduct productcode name barcode freeStock stock { warehouse { idwarehouse name countsForGeneralStock } stock reserved freeStock } } }
      pageInfo { hasNextPage endCursor } totalCount } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.products.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(20);
    const first = nodes[0];
    expect(first.productcode).toMatch(/^PG-\d{5}$/);
    expect(first.stock.length).toBeGreaterThan(0);
    for (const n of nodes) {
      // Free stock for sale: only warehouses that count for general stock (the sandbox's returns warehouse does not).
      expect(n.freeStock).toBe(n.stock.filter((l: any) => l.warehouse.countsForGeneralStock).reduce((s: number, l: any) => s + l.freeStock, 0));
      for (const l of n.stock) expect(l.warehouse.name).toEqual(expect.any(String));
    }
    expect(body.data.products.pageInfo.hasNextPage).toBe(true);
    expect(body.data.products.totalCount).toBeNull();
    const stats = await stack.stats();
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
    expect(stats.total).toBe(2);
    expect(body.extensions?.upstream.picqer.calls).toBe(2);
  });

  it('products: pages across more than 100 items with cursors, no gap and no overlap', async () => {
    const page1 = await stack.gql(
      'query($a: String) { products(first: 150, after: $a) { edges { cursor node { idproduct } } pageInfo { hasNextPage endCursor } } }',
    );
    const ids1 = page1.body.data.products.edges.map((e: any) => e.node.idproduct);
    expect(ids1).toHaveLength(150);
    expect(callsTo(await stack.stats(), 'GET /api/v1/products')).toBe(2);
    const page2 = await stack.gql('query($a: String) { products(first: 200, after: $a) { edges { node { idproduct } } pageInfo { hasNextPage endCursor } } }', {
      a: page1.body.data.products.pageInfo.endCursor,
    });
    const ids2 = page2.body.data.products.edges.map((e: any) => e.node.idproduct);
    // The stack seeds 300 products: 150 + 150 and then the end.
    expect(ids2).toHaveLength(150);
    expect(page2.body.data.products.pageInfo.hasNextPage).toBe(false);
    const all = [...ids1, ...ids2];
    expect(new Set(all).size).toBe(300);
    const sandboxIds = stack.picqer.state.products.map((p: { idproduct: number }) => p.idproduct).slice(0, 300);
    expect(all).toEqual(sandboxIds);
  });

  it('products: search is passed to Picqer', async () => {
    const target = stack.picqer.state.products[42];
    const { body } = await stack.gql('query($s: String) { products(first: 10, search: $s) { edges { node { productcode } } } }', { s: target.productcode });
    expect(body.data.products.edges.map((e: any) => e.node.productcode)).toContain(target.productcode);
  });

  it('product by id and by productcode; unknown ones are null, not errors', async () => {
    const target = stack.picqer.state.products[7];
    const { body } = await stack.gql(
      'query($id: ID!, $code: String!) { byId: product(id: $id) { productcode name } byCode: product(productcode: $code) { idproduct } none: product(productcode: "NO-SUCH") { idproduct } }',
      { id: String(target.idproduct), code: target.productcode },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.byId).toEqual({ productcode: target.productcode, name: target.name });
    expect(body.data.byCode).toEqual({ idproduct: target.idproduct });
    expect(body.data.none).toBeNull();
  });

  it('product needs exactly one of id or productcode, and a numeric id', async () => {
    const both = await stack.gql('{ product(id: "1", productcode: "X") { idproduct } }');
    expect(both.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(both.body.errors?.[0].message).toMatch(/exactly one of "id" or "productcode"/);
    const bad = await stack.gql('{ product(id: "abc") { idproduct } }');
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0].message).toMatch(/"id" must be a numeric Picqer id/);
    expect((await stack.stats()).total).toBe(0);
  });

  it('first is bounded and a foreign cursor is refused, naming the argument', async () => {
    const big = await stack.gql('{ products(first: 5000) { edges { cursor } } }');
    expect(big.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const cursor = await stack.gql('{ products(first: 5, after: "not-ours") { edges { cursor } } }');
    expect(cursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(cursor.body.errors?.[0].message).toMatch(/"after"/);
    expect((await stack.stats()).total).toBe(0);
  });

  it('typed documents from test/operations answer with their generated types', async () => {
    const target = stack.picqer.state.products[11];
    const { body } = await stack.op(ProductByCodeDocument, { productcode: target.productcode });
    expect(body.data?.product?.productcode).toBe(target.productcode);
    const orders = await stack.op(OrdersWithLineStockDocument, { first: 5, status: 'PROCESSING' });
    expect(orders.body.data?.orders.edges.every((e) => e.node.status === 'PROCESSING')).toBe(true);
  });

  it('warehouses', async () => {
    const { body } = await stack.gql('{ warehouses { id idwarehouse name acceptsOrders countsForGeneralStock } }');
    expect(body.data.warehouses.map((w: any) => w.idwarehouse)).toEqual(stack.picqer.state.warehouses.map((w: { idwarehouse: number }) => w.idwarehouse));
  });

  it("orders with lines and each line's product: one orders call and products batched by id", async () => {
    const { body } = await stack.gql(
      '{ orders(first: 50) { edges { node { idorder orderid status lines { productcode amount product { productcode freeStock } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data.orders.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(50);
    const lineCodes = nodes.flatMap((n: any) => n.lines.map((l: any) => l.productcode));
    for (const n of nodes) for (const l of n.lines) expect(l.product.productcode).toBe(l.productcode);
    const stats = await stack.stats();
    expect(callsTo(stats, 'GET /api/v1/orders')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(Math.ceil(new Set(lineCodes).size / 100));
    // freeStock needs the warehouse list (which warehouses count): one call for the whole request.
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
    expect(stats.total).toBe(2 + Math.ceil(new Set(lineCodes).size / 100));
  });

  it("orders' line products asked through fragments: the same products, from the same one batch", async () => {
    const plain = await stack.gql('{ orders(first: 30) { edges { node { lines { productcode product { productcode name } } } } } }');
    await stack.resetStats();
    const { body } = await stack.gql(
      '{ orders(first: 30) { edges { ...E } } } fragment E on OrderEdge { node { ... on Order { lines { productcode ...P } } } } fragment P on OrderLine { product { productcode name } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(plain.body.data);
    const lineCodes = new Set(body.data.orders.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.productcode)));
    const stats = await stack.stats();
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(Math.ceil(lineCodes.size / 100));
    expect(stats.total).toBe(1 + Math.ceil(lineCodes.size / 100));
  });

  it('orders filtered by status; order by id and by order number', async () => {
    const { body } = await stack.gql('{ orders(first: 100, status: COMPLETED) { edges { node { idorder orderid status } } } }');
    const nodes = body.data.orders.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n: any) => n.status === 'COMPLETED')).toBe(true);
    const one = nodes[0];
    const r = await stack.gql(
      'query($id: ID!, $no: String!) { a: order(id: $id) { orderid } b: order(orderid: $no) { idorder } c: order(id: "999999") { idorder } }',
      {
        id: String(one.idorder),
        no: one.orderid,
      },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({ a: { orderid: one.orderid }, b: { idorder: one.idorder }, c: null });
  });

  it('picklists with warehouse, order and line products; filters by status and warehouse', async () => {
    const { body } = await stack.gql(
      '{ picklists(first: 30, warehouseId: 1) { edges { node { idpicklist picklistid status warehouse { idwarehouse } order { idorder orderid } lines { productcode amount amountPicked product { productcode } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data.picklists.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.warehouse.idwarehouse).toBe(1);
      expect(n.order.orderid).toEqual(expect.any(String));
      for (const l of n.lines) expect(l.product.productcode).toBe(l.productcode);
    }
    const stats = await stack.stats();
    const distinctOrders = new Set(nodes.map((n: any) => n.order.idorder)).size;
    expect(callsTo(stats, 'GET /api/v1/picklists')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/orders/:idorder')).toBe(distinctOrders);
    const closed = await stack.gql('{ picklists(first: 100, status: CLOSED) { edges { node { status } } } }');
    expect(closed.body.data.picklists.edges.every((e: any) => e.node.status === 'CLOSED')).toBe(true);
  });

  it('picklist by id and by picklist number', async () => {
    const p = stack.picqer.state.picklists[3];
    const r = await stack.gql('query($id: ID!, $no: String!) { a: picklist(id: $id) { picklistid } b: picklist(picklistid: $no) { idpicklist } }', {
      id: String(p.idpicklist),
      no: p.picklistid,
    });
    expect(r.body.data).toEqual({ a: { picklistid: p.picklistid }, b: { idpicklist: p.idpicklist } });
  });

  it('product codes seen in an earlier answer are fetched by id, 100 per call', async () => {
    // A stack of its own: the code index must start cold.
    const own = await startStack({ env: NO_CACHE });
    try {
      const codes = own.picqer.state.products.slice(200, 240).map((p: { productcode: string }) => p.productcode);
      const many = `{ ${codes.map((c: string, i: number) => `p${i}: product(productcode: "${c}") { productcode freeStock }`).join(' ')} }`;
      // Cold: Picqer has no multi-code filter, so one call per code.
      const cold = await own.gql(many);
      expect(cold.body.errors).toBeUndefined();
      expect(callsTo(await own.stats(), 'GET /api/v1/products')).toBe(codes.length);
      await own.resetStats();
      // Warm: the gateway has seen these codes with their ids, so one idproducts call serves all.
      const warm = await own.gql(many);
      expect(Object.values(warm.body.data).map((p: any) => p.productcode)).toEqual(codes);
      expect(callsTo(await own.stats(), 'GET /api/v1/products')).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('a start-up warm-up indexes product codes in the background, so the first code lookups batch', async () => {
    const own = await startStack({ env: { ...NO_CACHE, PICQER_WARMUP_PAGES: '5' } });
    try {
      // The stack seeds 300 products: the warm-up reads 3 full pages and a last short one.
      await until(async () => callsTo(await own.stats(), 'GET /api/v1/products') >= 4, 'the warm-up to read its 4 pages', { everyMs: 50 });
      await own.resetStats();
      const codes = own.picqer.state.products.slice(100, 130).map((p: { productcode: string }) => p.productcode);
      const r = await own.gql(`{ ${codes.map((c: string, i: number) => `p${i}: product(productcode: "${c}") { productcode }`).join(' ')} }`);
      expect(Object.values(r.body.data).map((p: any) => p.productcode)).toEqual(codes);
      expect(callsTo(await own.stats(), 'GET /api/v1/products')).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('makes identical calls in one request once', async () => {
    const { body } = await stack.gql(
      '{ a: products(first: 10) { edges { node { idproduct } } } b: products(first: 10) { edges { node { name } } } w1: warehouses { name } w2: warehouses { idwarehouse } }',
    );
    expect(body.errors).toBeUndefined();
    const stats = await stack.stats();
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
  });
});
