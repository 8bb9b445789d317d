import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { request } from 'undici';
import { getSchema } from '../../src/build-schema';
import { resultWriter } from '../../src/security/result-json';
import { startSecurityStack, TOKENS, type SecurityStack } from './support';

/**
 * An answer of data alone is written by a serializer made for its operation (result-json.ts). It
 * must write exactly what JSON.stringify writes, for any data the operation can answer: these
 * compare the two on data made to be awkward, and pin which answers take that path.
 */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await getSchema();
});

function writerFor(query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const write = resultWriter(schema, document, operation);
  if (!write) throw new Error(`no writer for ${query}`);
  return write;
}

const AWKWARD = [
  '',
  'plain',
  'quote " and backslash \\',
  'tab\tnewline\n',
  'control \u0001\u001f',
  'é ü 漢字 😀',
  'lone \ud800 surrogate',
  'x'.repeat(6000) + '"',
];

describe('result writer', () => {
  it('writes strings, numbers, enums and nulls exactly as JSON.stringify does', () => {
    const write = writerFor('{ products(first: 2) { edges { node { id productcode name type freeStock stock { freeStock warehouse { name } } } } } }');
    for (const text of AWKWARD) {
      for (const n of [0, -3, 7, 2 ** 31 - 1]) {
        const node = {
          id: '12',
          productcode: text,
          name: null,
          type: 'VIRTUAL_COMPOSITION',
          freeStock: n,
          stock: [
            { freeStock: n, warehouse: { name: text } },
            { freeStock: 0, warehouse: null },
          ],
        };
        const value = { data: { products: { edges: [{ node }, { node: null }] } }, extensions: { upstream: { picqer: { calls: n, note: text } } } };
        expect(write(value)).toBe(JSON.stringify(value));
      }
    }
  });

  it('writes floats and custom scalars (DateTime) as JSON.stringify does', () => {
    const write = writerFor('query { product(id: "1") { id stockValue: stock { freeStock } } picklist(id: "1") { closedAt } }');
    for (const closedAt of ['2026-12-03T10:00:00.000Z', null]) {
      const value = { data: { product: { id: '1', stockValue: [] }, picklist: { closedAt } } };
      expect(write(value)).toBe(JSON.stringify(value));
    }
  });

  it('leaves out what the answer leaves out (@skip, @include) and writes keys in the answer’s order', () => {
    const write = writerFor('query ($s: Boolean!) { warehouses { name @skip(if: $s) id idwarehouse @include(if: $s) } }');
    for (const value of [{ data: { warehouses: [{ id: '1' }] } }, { data: { warehouses: [{ name: 'A', id: '1', idwarehouse: 1 }] } }, { data: null }]) {
      expect(write(value)).toBe(JSON.stringify(value));
    }
  });

  it('merges what fragments select of one key, by alias, across the types of a union', () => {
    const write = writerFor(`query {
      _entities(representations: []) {
        __typename
        ... on Product { k: productcode stock { freeStock } ...P }
        ... on Warehouse { k: name }
        ... on Order { lines { amount } ...O }
      }
    }
    fragment P on Product { stock { warehouse { name } } name }
    fragment O on Order { lines { productcode } orderid }`);
    const value = {
      data: {
        _entities: [
          { __typename: 'Product', k: 'SKU "1"', stock: [{ freeStock: 2, warehouse: { name: 'Main' } }], name: 'n' },
          { __typename: 'Warehouse', k: 'Main' },
          { __typename: 'Order', lines: [{ amount: 1, productcode: 'SKU' }], orderid: 'O-1' },
          null,
        ],
      },
    };
    expect(write(value)).toBe(JSON.stringify(value));
  });

  it('writes an introspection answer as JSON.stringify does', () => {
    const write = writerFor('{ __schema { queryType { name } types { name kind fields { name type { name ofType { name } } } } } __typename }');
    const value = {
      data: {
        __schema: {
          queryType: { name: 'Query' },
          types: [
            { name: 'A', kind: 'OBJECT', fields: null },
            { name: 'B', kind: 'SCALAR', fields: [] },
          ],
        },
        __typename: 'Query',
      },
    };
    expect(write(value)).toBe(JSON.stringify(value));
  });
});

describe('answers over HTTP', () => {
  let stack: SecurityStack;
  beforeAll(async () => {
    stack = await startSecurityStack({ RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = async (query: string, token: string) => {
    const r = await request(`${stack.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return r.body.text();
  };
  const written = () => stack.gateway.gateway.executionStats().written;

  it('writes an answer without errors with its operation’s writer, the same bytes as JSON.stringify and a newline', async () => {
    const before = written();
    const text = await post('{ products(first: 5) { edges { node { productcode name freeStock stock { warehouse { name } freeStock } } } } }', TOKENS.stock);
    expect(written() - before).toBe(1);
    const body = JSON.parse(text);
    expect(body.data.products.edges).toHaveLength(5);
    expect(body.data.products.edges[0].node.stock[0].warehouse.name).toEqual(expect.any(String));
    expect(text).toBe(`${JSON.stringify(body)}\n`);
  });

  it('writes answers with errors by JSON.stringify', async () => {
    const before = written();
    const text = await post('{ orders(first: 1) { edges { node { orderid email } } } }', TOKENS.orders);
    expect(written()).toBe(before);
    const body = JSON.parse(text);
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(text).toBe(`${JSON.stringify(body)}\n`);
  });
});
