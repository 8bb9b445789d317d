import { getNamedType, isObjectType, isUnionType, type GraphQLNamedType } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { callsTo, startStack, type TestStack } from '../helpers/stack';

/**
 * `Product.freeStock` and `Product.stock` are properties that every field answering a Product
 * makes (src/resolvers/product-rows.ts), not field resolvers. A field that answered a product
 * without them would answer null there; so every such field of the schema is listed here with a
 * query through it, and each must answer what `product(id:)` answers.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 60, orders: 20, bundles: 3 }, env: { CACHE_ENABLED: 'false' } });
});
afterAll(() => stack?.close());

const ROW = 'idproduct freeStock stock { freeStock warehouse { idwarehouse } }';

/** Every field that answers a Product, with a query reaching products through it and where they are in the answer. */
const PRODUCERS: Record<string, { query: () => string; products: (data: any) => any[] }> = {
  'Query.product': {
    query: () => `{ product(id: "${stack.picqer.state.products[0].idproduct}") { ${ROW} } }`,
    products: (d) => [d.product],
  },
  'Query.products': { query: () => `{ products(first: 10) { edges { node { ${ROW} } } } }`, products: (d) => d.products.edges.map((e: any) => e.node) },
  'Query._entities': {
    query: () =>
      `{ _entities(representations: [{ __typename: "Product", productcode: "${stack.picqer.state.products[1].productcode}" }]) { ... on Product { ${ROW} } } }`,
    products: (d) => d._entities,
  },
  'OrderLine.product': {
    query: () => `{ orders(first: 5) { edges { node { lines { product { ${ROW} } } } } } }`,
    products: (d) => d.orders.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.product)),
  },
  'PicklistLine.product': {
    query: () => `{ picklists(first: 5) { edges { node { lines { product { ${ROW} } } } } } }`,
    products: (d) => d.picklists.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.product)),
  },
  'Backorder.product': {
    query: () => `{ backorders(first: 5) { edges { node { product { ${ROW} } } } } }`,
    products: (d) => d.backorders.edges.map((e: any) => e.node.product),
  },
  'ProductPart.product': {
    query: () => {
      const bundle = stack.picqer.state.products.find((p) => p.type === 'virtual_composition')!;
      return `{ product(id: "${bundle.idproduct}") { parts { product { ${ROW} } } } }`;
    },
    products: (d) => d.product.parts.map((p: any) => p.product),
  },
};

test('every field that answers a Product is one of the producers listed here', async () => {
  const schema = await getSchema();
  const product = schema.getType('Product')!;
  const nodeOf = (t: GraphQLNamedType): GraphQLNamedType | undefined =>
    isObjectType(t) && t.getFields().node ? getNamedType(t.getFields().node.type) : undefined;
  const isProduct = (t: GraphQLNamedType): boolean => t === product || (isUnionType(t) && t.getTypes().some((m) => m === product));
  const isEdge = (t: GraphQLNamedType): boolean => nodeOf(t) === product;
  const isConnection = (t: GraphQLNamedType): boolean => isObjectType(t) && !!t.getFields().edges && isEdge(getNamedType(t.getFields().edges.type));
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    // A connection's edges and their nodes are properties of what the field answering the connection made.
    if (!isObjectType(type) || type.name.startsWith('__') || isConnection(type) || isEdge(type)) continue;
    for (const f of Object.values(type.getFields())) {
      const named = getNamedType(f.type);
      if (isProduct(named) || isConnection(named)) found.push(`${type.name}.${f.name}`);
    }
  }
  expect(found.sort()).toEqual(Object.keys(PRODUCERS).sort());
});

test.each(Object.keys(PRODUCERS))('%s answers freeStock and stock as product(id:) does', async (name) => {
  const { body } = await stack.gql(PRODUCERS[name].query());
  expect(body.errors).toBeUndefined();
  const rows = PRODUCERS[name].products(body.data).filter((p) => p !== null);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const one = await stack.gql(`query($id: ID!) { product(id: $id) { ${ROW} } }`, { id: String(row.idproduct) });
    expect(one.body.errors).toBeUndefined();
    expect(row).toEqual(one.body.data.product);
    expect(typeof row.freeStock).toBe('number');
  }
});

test("product(id:) answers Picqer's general free stock and its stock rows", async () => {
  const p = stack.picqer.state.products.find((x) => x.type !== 'virtual_composition' && x.stock.length > 1)!;
  const counting = new Set(stack.picqer.state.warehouses.filter((w) => w.counts_for_general_stock).map((w) => w.idwarehouse));
  const { body } = await stack.gql(`query($id: ID!) { product(id: $id) { ${ROW} } }`, { id: String(p.idproduct) });
  expect(body.data.product).toEqual({
    idproduct: p.idproduct,
    freeStock: p.stock.filter((s) => counting.has(s.idwarehouse)).reduce((n, s) => n + s.freestock, 0),
    stock: p.stock.map((s) => ({ freeStock: s.freestock, warehouse: { idwarehouse: s.idwarehouse } })),
  });
});

describe('when the warehouse list cannot be read', () => {
  const id = (): string => String(stack.picqer.state.products[2].idproduct);
  beforeEach(() => stack.picqer.state.setFaults({ status: 503, count: 1000, path: '/api/v1/warehouses' }));
  afterEach(() => stack.picqer.state.setFaults({}));

  it('freeStock answers the error at its own path', async () => {
    const { body } = await stack.gql(`query($id: ID!) { product(id: $id) { freeStock } }`, { id: id() });
    expect(body.data.product).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['product', 'freeStock'], extensions: { code: 'UPSTREAM_ERROR', upstream: 'picqer' } });
  });

  it("a stock row's warehouse answers it at `stock`, and stock without warehouses still answers", async () => {
    const asked = await stack.gql(`query($id: ID!) { product(id: $id) { stock { warehouse { name } } } }`, { id: id() });
    expect(asked.body.errors![0]).toMatchObject({ path: ['product', 'stock'], extensions: { code: 'UPSTREAM_ERROR' } });

    await stack.resetStats();
    const plain = await stack.gql(`query($id: ID!) { product(id: $id) { productcode stock { freeStock } } }`, { id: id() });
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data.product.stock.length).toBeGreaterThan(0);
    expect(callsTo(await stack.stats(), 'GET /api/v1/warehouses')).toBe(0);
  });
});

test("a bundle part that cannot be read fails the bundle's stock and freeStock, not its other fields", async () => {
  const bundle = stack.picqer.state.products.find((p) => p.type === 'virtual_composition')!;
  stack.picqer.state.setFaults({ status: 503, count: 1000, path: `/api/v1/products/${bundle.idproduct}/parts` });
  try {
    const free = await stack.gql(`query($id: ID!) { a: product(id: $id) { productcode } b: product(id: $id) { freeStock } }`, { id: String(bundle.idproduct) });
    expect(free.body.data).toEqual({ a: { productcode: bundle.productcode }, b: null });
    expect(free.body.errors![0]).toMatchObject({ path: ['b', 'freeStock'], extensions: { code: 'UPSTREAM_ERROR' } });
    const stock = await stack.gql(`query($id: ID!) { product(id: $id) { stock { freeStock } } }`, { id: String(bundle.idproduct) });
    expect(stock.body.errors![0]).toMatchObject({ path: ['product', 'stock'] });
  } finally {
    stack.picqer.state.setFaults({});
  }
});
