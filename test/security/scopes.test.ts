import { startSecurityStack, TOKENS, codesByPath, type SecurityStack } from './support';

/** Each scope rule over HTTP: bearer auth, FORBIDDEN on the refused field only. */
let stack: SecurityStack;
beforeAll(async () => {
  stack = await startSecurityStack();
});
afterAll(async () => {
  await stack?.close();
});

const ORDERS = `{ orders(first: 2) { edges { node { id orderid status email phone deliveryAddress { name city } } } } }`;

describe('authentication', () => {
  it('refuses a request without a token with UNAUTHENTICATED and HTTP 401', async () => {
    const r = await stack.gql('{ warehouses { id } }', { token: null });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.headers['www-authenticate']).toContain('Bearer');
    expect(r.body.data ?? null).toBeNull();
  });

  it('refuses an unknown token and a malformed header, echoing neither', async () => {
    for (const authorization of ['Bearer tok-nobody-0123456789abcdef', 'Basic dXNlcjpwYXNz', `Token ${TOKENS.stock}`]) {
      const r = await stack.gql('{ warehouses { id } }', { authorization });
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(r.body)).not.toContain(authorization.split(' ')[1]);
    }
  });

  it('accepts a known token', async () => {
    const r = await stack.gql('{ warehouses { id } }', { token: TOKENS.stock });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.warehouses.length).toBeGreaterThan(0);
  });
});

describe('scopes', () => {
  it('an orders-only token does not reach stock data through an order line', async () => {
    const r = await stack.gql('{ orders(first: 2) { edges { node { orderid lines { productcode product { freeStock } } } } } }', { token: TOKENS.ordersOnly });
    const nodes = r.body.data.orders.edges.map((e: any) => e.node);
    expect(nodes.length).toBe(2);
    for (const n of nodes) for (const l of n.lines) expect(l.product).toBeNull();
    const codes = new Set(r.body.errors?.map((e: any) => `${e.path[e.path.length - 1]}:${e.extensions.code}:${e.extensions.scope}`));
    expect([...codes]).toEqual(['product:FORBIDDEN:stock:read']);
  });

  it('stock:read reads products and warehouses but gets FORBIDDEN on the order only', async () => {
    const idorder = stack.picqer.state.store.orders[0].idorder;
    const r = await stack.gql(`{ products(first: 2) { edges { node { productcode } } } warehouses { id } order(id: "${idorder}") { id } }`, {
      token: TOKENS.stock,
    });
    expect(r.status).toBe(200);
    expect(r.body.data.products.edges).toHaveLength(2);
    expect(r.body.data.warehouses.length).toBeGreaterThan(0);
    expect(r.body.data.order).toBeNull();
    expect(codesByPath(r.body)).toEqual({ order: 'FORBIDDEN' });
    expect(r.body.errors?.[0].extensions?.scope).toBe('orders:read');
  });

  it('a refused non-null root field (orders) nulls the answer, as GraphQL requires, still with FORBIDDEN', async () => {
    const r = await stack.gql(`{ orders(first: 1) { edges { node { id } } } }`, { token: TOKENS.stock });
    expect(r.body.data ?? null).toBeNull();
    expect(codesByPath(r.body)).toEqual({ orders: 'FORBIDDEN' });
  });

  it('a token with only stock:write reads nothing', async () => {
    const r = await stack.gql(`{ warehouses { id } }`, { token: TOKENS.writer });
    expect(codesByPath(r.body)).toEqual({ warehouses: 'FORBIDDEN' });
  });

  it('orders:read without customers:read answers the order but refuses each personal field', async () => {
    const r = await stack.gql(ORDERS, { token: TOKENS.orders });
    const nodes = r.body.data.orders.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(2);
    for (const n of nodes) {
      expect(n.orderid).toMatch(/\S/);
      expect(n.email).toBeNull();
      expect(n.phone).toBeNull();
      expect(n.deliveryAddress).toBeNull();
    }
    const codes = codesByPath(r.body);
    expect(Object.keys(codes).sort()).toEqual([0, 1].flatMap((i) => ['deliveryAddress', 'email', 'phone'].map((f) => `orders.edges.${i}.node.${f}`)).sort());
    expect(new Set(Object.values(codes))).toEqual(new Set(['FORBIDDEN']));
    expect(r.body.errors?.every((e) => e.extensions?.scope === 'customers:read')).toBe(true);
  });

  it('customers:read gets the personal fields', async () => {
    const r = await stack.gql(ORDERS, { token: TOKENS.customers });
    expect(r.body.errors).toBeUndefined();
    const n = r.body.data.orders.edges[0].node;
    expect(n.deliveryAddress.name).toMatch(/\S/);
    expect(n.deliveryAddress.city).toMatch(/\S/);
  });

  it("a picklist's order needs orders:read; the picklist itself needs stock:read", async () => {
    const q = `{ picklists(first: 1) { edges { node { picklistid order { orderid } } } } }`;
    const stockOnly = await stack.gql(q, { token: TOKENS.stock });
    expect(stockOnly.body.data.picklists.edges[0].node.picklistid).toMatch(/\S/);
    expect(codesByPath(stockOnly.body)).toEqual({ 'picklists.edges.0.node.order': 'FORBIDDEN' });
    const withOrders = await stack.gql(q, { token: TOKENS.orders });
    expect(withOrders.body.errors).toBeUndefined();
    expect(withOrders.body.data.picklists.edges[0].node.order.orderid).toMatch(/\S/);
  });
});
