import { startSecurityStack, TOKENS, codesByPath, type SecurityStack } from '../security/support';

/**
 * Scopes hold through a router: the gateway checks its own tokens on `_entities` as on the root
 * fields (the router forwards the caller's Authorization header). An entity is checked as the root
 * field that looks it up (`order` needs orders:read); its fields once per operation (scope-plan.ts),
 * under `_entities`' inline fragments as anywhere else.
 */
let stack: SecurityStack;
let order: { id: string; orderid: string };
beforeAll(async () => {
  stack = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0' });
  order = (await stack.gql('{ orders(first: 1) { edges { node { id orderid } } } }')).body.data.orders.edges[0].node;
});
afterAll(async () => {
  await stack?.close();
});

const ENTITY_ORDER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { orderid email deliveryAddress { city } } } }`;
const ROOT_ORDER = `query($id: ID) { order(id: $id) { orderid email deliveryAddress { city } } }`;

describe('scopes on _entities', () => {
  it('refuses the personal fields of an Order entity to a token without customers:read, as on order(...)', async () => {
    const viaRouter = await stack.gql(ENTITY_ORDER, { token: TOKENS.orders, variables: { r: [{ __typename: 'Order', id: order.id }] } });
    expect(viaRouter.body.data?._entities).toEqual([{ orderid: order.orderid, email: null, deliveryAddress: null }]);
    expect(codesByPath(viaRouter.body)).toEqual({ '_entities.0.email': 'FORBIDDEN', '_entities.0.deliveryAddress': 'FORBIDDEN' });

    const direct = await stack.gql(ROOT_ORDER, { token: TOKENS.orders, variables: { id: order.id } });
    expect(direct.body.data?.order).toEqual({ orderid: order.orderid, email: null, deliveryAddress: null });
    expect(codesByPath(direct.body)).toEqual({ 'order.email': 'FORBIDDEN', 'order.deliveryAddress': 'FORBIDDEN' });
    // The same refusal, word for word, at its place.
    expect(viaRouter.body.errors!.map((e) => e.message).sort()).toEqual(direct.body.errors!.map((e) => e.message).sort());
  });

  it('gives them to a token with customers:read', async () => {
    const r = await stack.gql(ENTITY_ORDER, { token: TOKENS.customers, variables: { r: [{ __typename: 'Order', orderid: order.orderid }] } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?._entities[0]).toEqual({ orderid: order.orderid, email: expect.any(String), deliveryAddress: { city: expect.any(String) } });
  });

  it('refuses an Order entity to a token without orders:read, as order(...) is refused, and still answers the rest', async () => {
    const product = (await stack.gql('{ products(first: 1) { edges { node { productcode } } } }', { token: TOKENS.stock })).body.data.products.edges[0].node;
    const r = await stack.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Product { productcode } ... on Order { orderid email } } }`,
      {
        token: TOKENS.stock,
        variables: {
          r: [
            { __typename: 'Order', id: order.id },
            { __typename: 'Product', productcode: product.productcode },
          ],
        },
      },
    );
    expect(r.body.data?._entities).toEqual([null, { __typename: 'Product', productcode: product.productcode }]);
    expect(codesByPath(r.body)).toEqual({ '_entities.0': 'FORBIDDEN' });
    const direct = await stack.gql(ROOT_ORDER, { token: TOKENS.stock, variables: { id: order.id } });
    expect(codesByPath(direct.body)).toEqual({ order: 'FORBIDDEN' });
  });

  it('answers UNAUTHENTICATED without a token, before anything runs', async () => {
    const r = await stack.gql(ENTITY_ORDER, { token: null, variables: { r: [{ __typename: 'Order', id: order.id }] } });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps a fragment on another entity type out of the refusal: a Product key named like a refused Order field is answered', async () => {
    const product = (await stack.gql('{ products(first: 1) { edges { node { productcode barcode } } } }', { token: TOKENS.stock })).body.data.products.edges[0]
      .node;
    const r = await stack.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { x: email } ... on Product { x: barcode } } }`, {
      token: TOKENS.orders,
      variables: {
        r: [
          { __typename: 'Product', productcode: product.productcode },
          { __typename: 'Order', id: order.id },
        ],
      },
    });
    expect(r.body.data?._entities).toEqual([{ x: product.barcode }, { x: null }]);
    expect(codesByPath(r.body)).toEqual({ '_entities.1.x': 'FORBIDDEN' });
  });
});
