import { request } from 'undici';
import { startSecurityStack, TOKENS, type SecurityStack } from './support';

/** Abuse limits: depth, estimated cost (refused before any upstream call), body size, rate, introspection. */
let stack: SecurityStack;
beforeAll(async () => {
  stack = await startSecurityStack({
    MAX_QUERY_COST: '20',
    MAX_QUERY_DEPTH: '6',
    INTROSPECTION: 'false',
    BODY_LIMIT_BYTES: '4096',
    RATE_LIMIT_PER_TOKEN_PER_MINUTE: '1000',
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('query cost', () => {
  it('refuses an over-cost query with the estimate and the limit, making zero upstream calls', async () => {
    stack.picqer.state.resetStats();
    // 500 picklists (5 calls) each joining its order (one call per row): ~506 calls.
    const r = await stack.gql(`{ picklists(first: 500) { edges { node { id order { id } } } } }`, { token: TOKENS.orders });
    expect(r.status).toBe(400);
    const e = r.body.errors?.[0];
    expect(e?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(e?.extensions?.maxCost).toBe(20);
    expect(e?.extensions?.cost).toBe(5 + 500 + 0);
    expect(e?.message).toContain('MAX_QUERY_COST');
    expect(stack.picqer.state.stats().total).toBe(0);
  });

  it('counts variables and fragments the same way', async () => {
    stack.picqer.state.resetStats();
    const r = await stack.gql(
      `query Q($n: Int!) { products(first: $n) { ...P } } fragment P on ProductConnection { edges { node { stock { warehouse { id } } } } }`,
      { token: TOKENS.stock, variables: { n: 500 } },
    );
    // 5 pages + warehouses once = 6: within the limit, so it runs.
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.products.edges.length).toBe(300);
    const r2 = await stack.gql(
      `query Q($n: Int!) { a: products(first: $n) { ...P } b: products(first: $n) { ...P } c: products(first: $n) { ...P } d: products(first: $n) { ...P } e: products(first: $n) { ...P } } fragment P on ProductConnection { edges { node { id } } }`,
      { token: TOKENS.stock, variables: { n: 500 } },
    );
    expect(r2.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 25, maxCost: 20 });
  });

  it('remembers a passed check per variables only: the same query text with a costlier variable is still refused', async () => {
    const q = `query Picks($n: Int!) { picklists(first: $n) { edges { node { id order { id } } } } }`;
    for (let i = 0; i < 2; i++) expect((await stack.gql(q, { token: TOKENS.orders, variables: { n: 3 } })).body.errors).toBeUndefined();
    stack.picqer.state.resetStats();
    const costly = await stack.gql(q, { token: TOKENS.orders, variables: { n: 500 } });
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 505, maxCost: 20 });
    expect(stack.picqer.state.stats().total).toBe(0);
    // And the cheap one again, after the refusal: still let through.
    expect((await stack.gql(q, { token: TOKENS.orders, variables: { n: 3 } })).body.data.picklists.edges).toHaveLength(3);
  });

  it('lets a query within the limit through', async () => {
    const r = await stack.gql(`{ orders(first: 10) { edges { node { id lines { product { productcode } } } } } }`, { token: TOKENS.orders });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.orders.edges).toHaveLength(10);
  });
});

describe('query depth', () => {
  it('refuses a query nested deeper than MAX_QUERY_DEPTH before any upstream call', async () => {
    stack.picqer.state.resetStats();
    // picklists > edges > node > order > lines > product > stock > warehouse > name: 9 levels
    const r = await stack.gql(`{ picklists(first: 1) { edges { node { order { lines { product { stock { warehouse { name } } } } } } } } }`, {
      token: TOKENS.orders,
    });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', depth: 9, maxDepth: 6 });
    expect(stack.picqer.state.stats().total).toBe(0);
  });
});

describe('introspection and body size', () => {
  it('refuses introspection when INTROSPECTION=false', async () => {
    const r = await stack.gql(`{ __schema { queryType { name } } }`, { token: TOKENS.customers });
    expect(r.status).toBe(400);
    expect(r.body.data ?? null).toBeNull();
    expect(r.body.errors?.[0].message).toMatch(/introspection/i);
  });

  it('answers 413 to a body over BODY_LIMIT_BYTES', async () => {
    const query = `{ warehouses { id } }${' '.repeat(5000)}`;
    const r = await request(`${stack.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.stock}` },
      body: JSON.stringify({ query }),
    });
    expect(r.statusCode).toBe(413);
    await r.body.dump();
  });
});

describe('per-token rate limit', () => {
  let limited: SecurityStack;
  beforeAll(async () => {
    limited = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers RATE_LIMITED with retryAfterMs and HTTP 429 past the limit, per token', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await limited.gql('{ warehouses { id } }', { token: TOKENS.stock }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    const last = answers[4];
    const e = last.body.errors?.[0];
    expect(e?.extensions?.code).toBe('RATE_LIMITED');
    expect(e?.extensions?.retryAfterMs).toBeGreaterThan(0);
    expect(e?.extensions?.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // Another token has its own allowance.
    const other = await limited.gql('{ warehouses { id } }', { token: TOKENS.orders });
    expect(other.status).toBe(200);
  });
});
