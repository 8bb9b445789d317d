import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { shortenEchoes } from '../../src/security/client-errors';
import { collect } from '../helpers/ws-collect';
import { until } from '../helpers/until';
import { startSecurityStack, TOKENS, type GqlAnswer, type SecurityStack } from './support';

/**
 * Rejected input is answered with the argument and the rule, never quoted back at length (a
 * 100 KB `search` once came back twice in a 200 KB error), and a refused argument makes no
 * upstream call. With introspection off, errors do not suggest schema names either.
 */
let stack: SecurityStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0' });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.close();
});

const BIG = 'Jan Jansen, Dorpsstraat 1 '.repeat(4000); // ~100 KB of someone's text
/** Something only an echo of BIG contains: the text repeated. */
const ECHO = 'Dorpsstraat 1 Jan Jansen, Dorpsstraat';

async function refused(query: string, variables?: Record<string, unknown>, token: string = TOKENS.customers): Promise<GqlAnswer> {
  stack.picqer.state.resetStats();
  const r = await stack.gql(query, { token, variables });
  expect(stack.picqer.state.stats().total).toBe(0);
  const text = JSON.stringify(r.body);
  expect(text).not.toContain(ECHO);
  expect(text.length).toBeLessThan(1000);
  return r;
}

describe('rejected values are not quoted back', () => {
  it('a 100 KB `search` in a variable: BAD_USER_INPUT naming the argument and the rule', async () => {
    const r = await refused('query($s: String) { products(search: $s) { totalCount } }', { s: BIG });
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message: 'Argument "search" must be shorter than or equal to 200 characters.',
        extensions: { code: 'BAD_USER_INPUT', field: 'search' },
      }),
    ]);
    expect(r.body.data ?? null).toBeNull();
  });

  it('a 100 KB `search` written into the query: the same', async () => {
    const r = await refused(`{ products(search: ${JSON.stringify(BIG)}) { totalCount } }`);
    expect(r.body.errors?.[0].message).toBe('Argument "search" must be shorter than or equal to 200 characters.');
  });

  it('a 100 KB value where an Int belongs, in a variable or a literal: a short excerpt at most', async () => {
    const v = await refused('query($n: Int) { products(first: $n) { totalCount } }', { n: BIG });
    expect(v.status).toBe(400);
    expect(v.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(v.body.errors?.[0].message).toMatch(/^Argument "first": Variable "\$n" got invalid value "Jan Jansen, Dorp…"; Int cannot represent/);
    const l = await refused(`{ products(first: ${JSON.stringify(BIG)}) { totalCount } }`);
    expect(l.status).toBe(400);
    expect(l.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // A name or number token the parser trips over: cut the same way.
    const t = await refused(`{ products(first: 1) { ${'x'.repeat(100_000)}( } }`);
    expect(t.body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('a 100 KB `after` on a subscription: BAD_USER_INPUT naming `after`, no value', async () => {
    const c = createClient({
      url: `${stack.gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TOKENS.stock}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    const sub = collect(c, 'subscription($a: String) { freeStockChanged(after: $a) { productcode } }', { a: BIG });
    await until(() => sub.completed || sub.error !== undefined, 'the refusal');
    expect(sub.items).toEqual([
      {
        errors: [
          expect.objectContaining({
            message: 'Argument "after" must be an event id like "1767225600000-0" (the id of an event you received).',
            extensions: { code: 'BAD_USER_INPUT', field: 'after' },
          }),
        ],
      },
    ]);
    const codes = collect(c, 'subscription($c: [String!]) { freeStockChanged(productcodes: $c) { productcode } }', { c: ['SKU-1', BIG] });
    await until(() => codes.completed || codes.error !== undefined, 'the refusal');
    expect(JSON.stringify(codes.items)).not.toContain(ECHO);
    expect(codes.items[0].errors[0]).toMatchObject({
      message: 'Argument "productcodes": each value must be a product code: not blank, at most 255 characters.',
      extensions: { code: 'BAD_USER_INPUT', field: 'productcodes' },
    });
  });

  it('keeps short values readable and cuts long ones, in one pass whatever the quotes', () => {
    expect(shortenEchoes('Variable "$n" got invalid value "abc"; Int cannot represent non-integer value: "abc"')).toBe(
      'Variable "$n" got invalid value "abc"; Int cannot represent non-integer value: "abc"',
    );
    expect(shortenEchoes(`Expected "${'a'.repeat(100)}" and ${'9'.repeat(100)}`)).toBe('Expected "aaaaaaaaaaaaaaaa…" and 9999999999999999…');
    // Escaped quotes, an unterminated value: still cut, and never slower than one pass.
    expect(shortenEchoes(`value: """${'\\"'.repeat(200_000)}`).length).toBeLessThan(100);
  });
});

describe('product codes and page sizes', () => {
  it('`product(productcode:)` longer than a product code may be: BAD_USER_INPUT, no upstream call', async () => {
    const r = await refused('query($c: String) { product(productcode: $c) { id } }', { c: 'X'.repeat(100_000) });
    expect(r.body.errors?.[0]).toMatchObject({
      message: 'Argument "productcode" must be a product code: not blank, at most 255 characters.',
      extensions: { code: 'BAD_USER_INPUT', field: 'productcode' },
      path: ['product'],
    });
    const blank = await refused('{ product(productcode: "  ") { id } }');
    expect(blank.body.errors?.[0].extensions?.field).toBe('productcode');
  });

  it('order and picklist numbers are bounded the same way: BAD_USER_INPUT, no upstream call', async () => {
    const o = await refused('query($n: String) { order(orderid: $n) { id } }', { n: BIG });
    expect(o.body.errors?.[0]).toMatchObject({
      message: 'Argument "orderid" must be shorter than or equal to 255 characters.',
      extensions: { code: 'BAD_USER_INPUT', field: 'orderid' },
    });
    const p = await refused('query($n: String) { picklist(picklistid: $n) { id } }', { n: BIG });
    expect(p.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'picklistid' });
  });

  it('a code of the longest allowed length is looked up', async () => {
    stack.picqer.state.resetStats();
    const r = await stack.gql('query($c: String) { product(productcode: $c) { id } }', { token: TOKENS.stock, variables: { c: 'X'.repeat(255) } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.product).toBeNull();
    expect(stack.picqer.state.stats().total).toBeGreaterThan(0);
  });

  it('`first: 2147483648` in a variable is BAD_USER_INPUT naming `first` (HTTP 400), not QUERY_TOO_COMPLEX', async () => {
    const r = await refused('query($first: Int!) { products(first: $first) { totalCount } }', { first: 2147483648 });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]).toMatchObject({
      message: 'Argument "first": Variable "$first" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    // Under another name, the message still names the argument it feeds.
    const n = await refused('query($n: Int!) { products(first: $n) { totalCount } }', { n: 2147483648 });
    expect(n.body.errors?.[0].message).toMatch(/^Argument "first": Variable "\$n"/);
  });

  it('`first` within Int but over its own maximum is BAD_USER_INPUT naming `first`, written or in a variable', async () => {
    const literal = await refused('{ products(first: 100000) { totalCount } }');
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]).toMatchObject({
      message: 'Argument "first" of products must be between 1 and 500, got 100000.',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    const variable = await refused('query($n: Int!) { orders(first: $n) { totalCount } }', { n: 0 });
    expect(variable.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('suggestions follow introspection', () => {
  let closed: SecurityStack;
  beforeAll(async () => {
    closed = await startSecurityStack({ INTROSPECTION: 'false' });
  });
  afterAll(async () => {
    await closed?.close();
  });

  /** What is misspelt, the query, its variables, and the schema name a suggestion would reveal. */
  const MISSPELT: Array<[string, string, Record<string, unknown> | undefined, string]> = [
    ['a field', '{ warehouse { id } }', undefined, '"warehouses"'],
    ['an argument', '{ products(frist: 1) { totalCount } }', undefined, '"first"'],
    ['a type', 'query($s: OrderStatuss) { orders(status: $s) { totalCount } }', undefined, '"OrderStatus"'],
    ['an enum value in a variable', 'query($s: OrderStatus) { orders(status: $s) { totalCount } }', { s: 'COMPLETD' }, '"COMPLETED"'],
  ];

  it.each(MISSPELT)('with introspection on, %s gets "Did you mean"', async (_what, query, variables, suggestion) => {
    const r = await stack.gql(query, { token: TOKENS.orders, variables });
    expect(r.status).toBe(400);
    const messages = r.body.errors?.map((e) => e.message).join(' ');
    expect(messages).toMatch(/Did you mean/);
    expect(messages).toContain(suggestion);
  });

  it.each(MISSPELT)('with introspection off, %s is refused without a suggestion', async (_what, query, variables, suggestion) => {
    closed.picqer.state.resetStats();
    const r = await closed.gql(query, { token: TOKENS.orders, variables });
    expect(r.status).toBe(400);
    const messages = r.body.errors?.map((e) => e.message).join(' ') ?? '';
    expect(messages).not.toMatch(/Did you mean/);
    expect(messages).not.toContain(suggestion);
    expect(closed.picqer.state.stats().total).toBe(0);
  });
});
