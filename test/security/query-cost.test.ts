import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { BadUserInputError } from '../../src/errors';
import { getSchema } from '../../src/build-schema';
import { estimateQueryCost, FIELD_COSTS } from '../../src/security/query-cost';
import { queryDepth } from '../../src/security/query-depth';

const op = (q: string) => parse(q).definitions[0] as OperationDefinitionNode;

it('prices every Query and Mutation field, so none is free of the cost limit', async () => {
  const schema = await getSchema();
  const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((t) => (t ? Object.keys(t.getFields()).map((f) => `${t.name}.${f}`) : []));
  expect(roots.length).toBeGreaterThan(8);
  expect(roots.filter((r) => !(r in FIELD_COSTS))).toEqual([]);
});

it('counts product codes Picqer has not shown us one call each, known ones 100 a call', async () => {
  const schema = await getSchema();
  const codes = Array.from({ length: 250 }, (_, i) => `X-${i}`);
  const q = op('query($c: [String!]!) { stockDrift(productcodes: $c) { productcode } }');
  const cold = estimateQueryCost(schema, q, {}, { c: codes });
  const warm = estimateQueryCost(schema, q, {}, { c: codes }, { knownCode: () => true });
  // 250 Picqer calls + 1 locations + 5 Shopify searches, against 3 + 1 + 5.
  expect(cold).toBe(256);
  expect(warm).toBe(9);
  const push = estimateQueryCost(
    schema,
    op('mutation($c: [String!]!) { syncFreeStockToShopify(productcodes: $c) { mutations } }'),
    {},
    { c: codes },
    { knownCode: () => true },
  );
  expect(push).toBe(9 + 2);
});

it('charges an unpriced root field at least one call', async () => {
  const schema = await getSchema();
  const unpriced = { 'Query.shopifyLocations': undefined as never, 'Query.warehouses': undefined as never };
  expect(estimateQueryCost(schema, op('{ shopifyLocations { id } }'), {}, {}, { fieldCosts: unpriced })).toBe(1);
  expect(estimateQueryCost(schema, op('{ warehouses { id } shopifyLocations { id } }'), {}, {}, { fieldCosts: unpriced })).toBe(2);
});

describe('fragments', () => {
  const doc = (q: string) => {
    const d = parse(q);
    const operation = d.definitions.find((x) => x.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const fragments = Object.fromEntries(
      d.definitions.filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
    );
    return { operation, fragments };
  };

  it('price a selection the same inline or through a fragment spread in several places', async () => {
    const schema = await getSchema();
    // 500 orders (5 calls), their lines' products batched 100 a call: ceil(500 * 5 / 100) = 25.
    const inline = doc('{ orders(first: 500) { edges { node { lines { product { id } } } } } }');
    const viaFragments = doc(
      '{ orders(first: 500) { ...C } } fragment C on OrderConnection { edges { node { ...O } } } fragment O on Order { lines { ...L } } fragment L on OrderLine { product { id } }',
    );
    expect(estimateQueryCost(schema, inline.operation, inline.fragments)).toBe(30);
    expect(estimateQueryCost(schema, viaFragments.operation, viaFragments.fragments)).toBe(30);
    // One fragment reached at two row counts (5 orders and 500 orders) is priced right at each.
    const twice = doc(
      '{ a: orders(first: 5) { edges { node { ...O } } } b: orders(first: 500) { edges { node { ...O } } } } fragment O on Order { lines { product { id } } }',
    );
    expect(estimateQueryCost(schema, twice.operation, twice.fragments)).toBe(1 + 1 + 5 + 25);
  });

  it('price and measure ten fragments of ten spreads each in a step per fragment', async () => {
    const schema = await getSchema();
    const frags = Array.from({ length: 10 }, (_, i) =>
      i < 9
        ? `fragment F${i} on Query { ${Array(10)
            .fill(`...F${i + 1}`)
            .join(' ')} }`
        : 'fragment F9 on Query { product(id: "1") { name } warehouses { name } }',
    );
    const { operation, fragments } = doc(`{ ...F0 } ${frags.join(' ')}`);
    expect(queryDepth(operation.selectionSet, fragments)).toBe(2);
    // Every path counts its product lookup, as repeated selections always have: 10^9 + warehouses once.
    expect(estimateQueryCost(schema, operation, fragments)).toBe(10 ** 9 + 1);
  });

  it('stops at a fragment cycle instead of looping (validation refuses cycles first)', async () => {
    const schema = await getSchema();
    const { operation, fragments } = doc('{ warehouses { ...A } } fragment A on Warehouse { id ...B } fragment B on Warehouse { name ...A }');
    expect(queryDepth(operation.selectionSet, fragments)).toBe(2);
    expect(estimateQueryCost(schema, operation, fragments)).toBe(1);
  });
});

it("refuses `first` outside its range as the caller's input error naming `first`, not as a costly query", async () => {
  const schema = await getSchema();
  const q = op('query($n: Int!) { products(first: $n) { totalCount } }');
  expect(() => estimateQueryCost(schema, q, {}, { n: 2147483648 })).toThrow(BadUserInputError);
  expect(() => estimateQueryCost(schema, q, {}, { n: 501 })).toThrow('Argument "first" of products must be between 1 and 500, got 501.');
  expect(() => estimateQueryCost(schema, q, {}, { n: 0 })).toThrow(/Argument "first"/);
  expect(estimateQueryCost(schema, q, {}, { n: 500 })).toBe(5);
});
