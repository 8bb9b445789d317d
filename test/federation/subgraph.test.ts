import { callsTo, startStack, type TestStack } from '../helpers/stack';

/**
 * The gateway as an Apollo Federation 2 subgraph: `_service { sdl }` says what a router composes,
 * `_entities` resolves representations through the same loaders as the root fields, on the
 * compiled path (graphql-jit) like any other operation.
 */
let stack: TestStack;
beforeAll(async () => {
  // Exact loader counts: with the shared cache on, a product read before would cost nothing.
  // A Shopify Plus shop's bucket (20,000 points, 1,000 a second): two joined pages of 100 back to back
  // fit in it however fast the machine is (a standard shop's 2,000 hold one, then make the next wait).
  stack = await startStack({ env: { CACHE_ENABLED: 'false' }, shopify: { bucketSize: 20_000, restoreRate: 1000 }, exact: true });
});
afterAll(async () => {
  await stack?.close();
});

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename ... on Product { productcode name freeStock shopify { sku } exact { code } } } }`;

describe('the gateway as a Federation 2 subgraph', () => {
  it('serves its subgraph SDL: the federation 2.5 link, the keys and the scopes', async () => {
    const before = stack.gateway.gateway.executionStats();
    const { body } = await stack.gql('{ _service { sdl } }');
    expect(body.errors).toBeUndefined();
    const sdl: string = body.data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5"');
    expect(sdl).toMatch(/type Product\s+@key\(fields: "productcode"\)\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Order\s+@key\(fields: "id"\)\s+@key\(fields: "orderid"\)/);
    for (const t of ['Picklist', 'Warehouse', 'ShopifyLocation']) expect(sdl).toMatch(new RegExp(`type ${t}\\s+@key\\(fields: "id"\\)`));
    expect(sdl).toContain('email: String @requiresScopes(scopes: [["customers:read"]])');
    expect(stack.gateway.gateway.executionStats().compiled - before.compiled).toBe(1);
  });

  it('resolves 100 product representations with the calls of one products page: one Picqer call per 100 known codes', async () => {
    // A page with the joined fields: it teaches the code index the codes and shows what the joins cost on a page.
    const joins = () => ({ shopify: stack.shopify.requests().total, exact: stack.exact.requests().total });
    await stack.gql('{ products(first: 1) { edges { node { shopify { sku } } } } }'); // the shop's locations, read once per process
    const pageBefore = joins();
    const page = await stack.gql('{ products(first: 100) { edges { node { productcode shopify { sku } exact { code } } } } }');
    const pageJoins = { shopify: joins().shopify - pageBefore.shopify, exact: joins().exact - pageBefore.exact };
    const codes: string[] = page.body.data.products.edges.map((e: any) => e.node.productcode);
    expect(codes).toHaveLength(100);
    await stack.resetStats();
    const entitiesBefore = joins();
    const before = stack.gateway.gateway.executionStats();

    const { body } = await stack.gql(ENTITIES, { representations: codes.map((productcode) => ({ __typename: 'Product', productcode })) });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((e: any) => e.productcode)).toEqual(codes);
    for (const e of body.data._entities) {
      expect(e.__typename).toBe('Product');
      expect(e.freeStock).toEqual(expect.any(Number));
    }
    expect(body.data._entities.filter((e: any) => e.shopify?.sku === e.productcode).length).toBeGreaterThan(0);
    expect(body.data._entities.filter((e: any) => e.exact?.code === e.productcode).length).toBeGreaterThan(0);
    const stats = await stack.stats();
    // The codes are known from the page: one idproducts call for all 100, one for the warehouse list.
    expect(callsTo(stats, 'GET /api/v1/products')).toBe(1);
    expect(callsTo(stats, 'GET /api/v1/warehouses')).toBe(1);
    expect(stats.total).toBe(2);
    // The joins batch as they do on a page: what the page with the same fields cost.
    expect({ shopify: joins().shopify - entitiesBefore.shopify, exact: joins().exact - entitiesBefore.exact }).toEqual(pageJoins);
    expect(stack.gateway.gateway.executionStats().fallback).toBe(before.fallback);
  });

  it('resolves every entity type by each of its keys', async () => {
    const order = (await stack.gql('{ orders(first: 1) { edges { node { id orderid } } } }')).body.data.orders.edges[0].node;
    const picklist = (await stack.gql('{ picklists(first: 1) { edges { node { id picklistid } } } }')).body.data.picklists.edges[0].node;
    const warehouse = (await stack.gql('{ warehouses { id idwarehouse name } }')).body.data.warehouses[0];
    const location = (await stack.gql('{ shopifyLocations { id name } }')).body.data.shopifyLocations[0];
    const product = (await stack.gql('{ products(first: 1) { edges { node { id productcode } } } }')).body.data.products.edges[0].node;
    const representations = [
      { __typename: 'Product', id: product.id },
      { __typename: 'Order', id: order.id },
      { __typename: 'Order', orderid: order.orderid },
      { __typename: 'Picklist', id: picklist.id },
      { __typename: 'Picklist', picklistid: picklist.picklistid },
      { __typename: 'Warehouse', id: warehouse.id },
      { __typename: 'Warehouse', idwarehouse: warehouse.idwarehouse },
      { __typename: 'ShopifyLocation', id: location.id },
      { __typename: 'Product', productcode: 'NO-SUCH-CODE' },
    ];
    const { body } = await stack.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename
        ... on Product { productcode } ... on Order { orderid } ... on Picklist { picklistid } ... on Warehouse { name } ... on ShopifyLocation { name } } }`,
      { r: representations },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { __typename: 'Product', productcode: product.productcode },
      { __typename: 'Order', orderid: order.orderid },
      { __typename: 'Order', orderid: order.orderid },
      { __typename: 'Picklist', picklistid: picklist.picklistid },
      { __typename: 'Picklist', picklistid: picklist.picklistid },
      { __typename: 'Warehouse', name: warehouse.name },
      { __typename: 'Warehouse', name: warehouse.name },
      { __typename: 'ShopifyLocation', name: location.name },
      null,
    ]);
  });
});
