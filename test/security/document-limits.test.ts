import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { ConfigError, loadConfig } from '../../src/config';
import { startSecurityStack, TOKENS, type SecurityStack } from './support';

/**
 * Documents that would make analysis explode, and documents over the bounds on size (tokens,
 * aliases, directives, fragment spreads). Each is answered, accepted or refused; a refusal is a
 * 400 naming the limit and its variable, and costs no upstream call. A fragment bomb that an
 * analysis re-expanded would run for minutes here: the jest timeout is the failure signal (no
 * durations are asserted).
 */
let stack: SecurityStack;
beforeAll(async () => {
  stack = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0' });
});
afterAll(async () => {
  await stack?.close();
});

/** `levels` fragments on `type`, each spreading the next `width` times; the last one holds `leaf`. */
function bomb(levels: number, width: number, type: string, leaf: string, prefix = 'F'): string {
  const frags: string[] = [];
  for (let i = 0; i < levels - 1; i++)
    frags.push(
      `fragment ${prefix}${i} on ${type} { ${Array(width)
        .fill(`...${prefix}${i + 1}`)
        .join(' ')} }`,
    );
  frags.push(`fragment ${prefix}${levels - 1} on ${type} { ${leaf} }`);
  return frags.join(' ');
}

async function refusedWithoutUpstream(query: string, variables?: Record<string, unknown>) {
  stack.picqer.state.resetStats();
  const r = await stack.gql(query, { token: TOKENS.customers, variables });
  expect(r.status).toBe(400);
  expect(r.body.data ?? null).toBeNull();
  expect(stack.picqer.state.stats().total).toBe(0);
  return r.body.errors?.[0];
}

describe('fragment fan-out is analysed in linear time', () => {
  it('answers the fragment bomb from issue 11 (10 fragments of 10 spreads each, 10^10 expansions)', async () => {
    const query = `${bomb(10, 10, 'Query', 'warehouses { name }')} { ...F0 }`;
    expect(query.length).toBeLessThan(900);
    const r = await stack.gql(query, { token: TOKENS.stock });
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body.data.warehouses.length).toBeGreaterThan(0);
    // The process was not blocked meanwhile.
    const health = await request(`${stack.gateway.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('prices nested fan-out once per fragment: products joined through 11^8 paths cost their real calls', async () => {
    // 9 Product fragments of 11 spreads each (99 spreads + 1 = the default cap of 100).
    const query = `{ products(first: 5) { edges { node { ...P0 } } } } ${bomb(9, 11, 'Product', 'productcode stock { freeStock warehouse { name } }', 'P')}`;
    stack.picqer.state.resetStats();
    const r = await stack.gql(query, { token: TOKENS.stock });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.products.edges).toHaveLength(5);
    expect(r.body.data.products.edges[0].node.stock[0].warehouse.name).toEqual(expect.any(String));
    // One page of products and the warehouses at most once (the shared cache may hold them from
    // the test before): the spreads multiplied nothing.
    expect(stack.picqer.state.stats().total).toBeGreaterThanOrEqual(1);
    expect(stack.picqer.state.stats().total).toBeLessThanOrEqual(2);
  });

  it('refuses a bomb whose leaf costs calls as too costly, with the exact estimate, without expanding it', async () => {
    // The same shape, with a batched join (Exact items, 50 codes a call) as the leaf: the estimate
    // counts each of the 11^8 spreads, as it counts any repeated selection, and refuses.
    const query = `{ products(first: 5) { edges { node { ...P0 } } } } ${bomb(9, 11, 'Product', 'exact { code }', 'P')}`;
    const e = await refusedWithoutUpstream(query);
    expect(e?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 11 ** 8, maxCost: 50 });
  });
});

describe('nesting', () => {
  it('answers a document nested as deep as the token limit allows', async () => {
    // 900 inline fragments inside each other (5 tokens each): every walker must cope with the depth.
    const query = `{ ${'... on Query { '.repeat(900)} warehouses { id } ${'} '.repeat(900)} }`;
    const r = await stack.gql(query, { token: TOKENS.stock });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.warehouses.length).toBeGreaterThan(0);
  });
});

describe('bounds on the document', () => {
  it('refuses more fragment spreads than MAX_QUERY_FRAGMENT_SPREADS, naming it', async () => {
    const query = `${bomb(12, 10, 'Query', 'warehouses { name }')} { ...F0 }`; // 111 spreads
    const e = await refusedWithoutUpstream(query);
    expect(e?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', fragmentSpreads: 111, maxFragmentSpreads: 100 });
    expect(e?.message).toBe('The document has 111 fragment spreads; the limit is 100 (MAX_QUERY_FRAGMENT_SPREADS).');
  });

  it('refuses more aliases than MAX_QUERY_ALIASES, naming it', async () => {
    const query = `{ ${Array.from({ length: 51 }, (_, i) => `w${i}: warehouses { id }`).join(' ')} }`;
    const e = await refusedWithoutUpstream(query);
    expect(e?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', aliases: 51, maxAliases: 50 });
    expect(e?.message).toContain('(MAX_QUERY_ALIASES)');
  });

  it('refuses more directives than MAX_QUERY_DIRECTIVES, naming it', async () => {
    const query = `{ warehouses { ${Array.from({ length: 51 }, () => 'id @include(if: true)').join(' ')} } }`;
    const e = await refusedWithoutUpstream(query);
    expect(e?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', directives: 51, maxDirectives: 50 });
    expect(e?.message).toContain('(MAX_QUERY_DIRECTIVES)');
  });

  it('stops parsing past MAX_QUERY_TOKENS, naming it', async () => {
    const e = await refusedWithoutUpstream(`{ warehouses { ${'id '.repeat(5000)} } }`);
    expect(e?.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', maxTokens: 5000 });
    expect(e?.message).toBe('The document has more than 5000 tokens; the limit is 5000 (MAX_QUERY_TOKENS).');
  });

  it("refuses, in plain words, a document whose repeated fields exceed graphql's own validation budget", async () => {
    // Within the token limit, but 1,249 copies of one field: graphql stops comparing them pairwise.
    const e = await refusedWithoutUpstream(`{ ${Array(1249).fill('warehouses { id }').join(' ')} }`);
    expect(e?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(e?.message).toBe('The document repeats the same fields too often to be validated; select each field once per selection set.');
  });

  it('answers a document as large as the body limit at the token limit', async () => {
    // ~1 MB of fields: each would be cheap alone; together they must not be parsed at all.
    const query = `{ warehouses { ${'id '.repeat(340_000)} } }`;
    expect(JSON.stringify({ query }).length).toBeGreaterThan(1_000_000);
    expect(JSON.stringify({ query }).length).toBeLessThan(1_048_576);
    const e = await refusedWithoutUpstream(query);
    expect(e?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(e).length).toBeLessThan(500);
  });

  it("accepts GraphiQL's introspection query and ordinary fragments, directives and aliases", async () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const i = await stack.gql(introspection, { token: TOKENS.stock });
    expect(i.body.errors).toBeUndefined();
    expect(i.body.data.__schema.queryType.name).toBe('Query');
    const r = await stack.gql(`query($all: Boolean!) { a: warehouses { id } b: warehouses { ...W @include(if: $all) } } fragment W on Warehouse { name }`, {
      token: TOKENS.stock,
      variables: { all: true },
    });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.b[0].name).toEqual(expect.any(String));
  });
});

describe('configuration', () => {
  it('takes each limit from its variable', async () => {
    const s = loadConfig({ MAX_QUERY_TOKENS: '800', MAX_QUERY_ALIASES: '0', MAX_QUERY_DIRECTIVES: '3', MAX_QUERY_FRAGMENT_SPREADS: '7' }).security;
    expect([s.maxQueryTokens, s.maxQueryAliases, s.maxQueryDirectives, s.maxQueryFragmentSpreads]).toEqual([800, 0, 3, 7]);
    const d = loadConfig({}).security;
    expect([d.maxQueryTokens, d.maxQueryAliases, d.maxQueryDirectives, d.maxQueryFragmentSpreads]).toEqual([5000, 50, 50, 100]);
  });

  it('refuses a bad value at start-up, naming the variable', () => {
    let err: unknown;
    try {
      loadConfig({ MAX_QUERY_TOKENS: '10', MAX_QUERY_ALIASES: 'many' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MAX_QUERY_TOKENS/);
    expect(problems).toMatch(/MAX_QUERY_ALIASES must be a whole number/);
  });

  it('applies configured limits to the running gateway', async () => {
    const tight = await startSecurityStack({ MAX_QUERY_ALIASES: '1', MAX_QUERY_TOKENS: '100' });
    try {
      const aliases = await tight.gql('{ a: warehouses { id } b: warehouses { id } }', { token: TOKENS.stock });
      expect(aliases.status).toBe(400);
      expect(aliases.body.errors?.[0].extensions).toMatchObject({ aliases: 2, maxAliases: 1 });
      const tokens = await tight.gql(`{ warehouses { ${'id '.repeat(100)} } }`, { token: TOKENS.stock });
      expect(tokens.body.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', maxTokens: 100 });
      expect(tight.picqer.state.stats().total).toBe(0);
    } finally {
      await tight.close();
    }
  });
});
