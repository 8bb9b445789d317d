import { parse, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../../src/schema/build';
import { estimateQueryCost, FIELD_COSTS } from '../../src/security/query-cost';

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
  const push = estimateQueryCost(schema, op('mutation($c: [String!]!) { syncFreeStockToShopify(productcodes: $c) { mutations } }'), {}, { c: codes }, { knownCode: () => true });
  expect(push).toBe(9 + 2);
});

it('charges an unpriced root field at least one call', async () => {
  const schema = await getSchema();
  const unpriced = { 'Query.shopifyLocations': undefined as never, 'Query.warehouses': undefined as never };
  expect(estimateQueryCost(schema, op('{ shopifyLocations { id } }'), {}, {}, { fieldCosts: unpriced })).toBe(1);
  expect(estimateQueryCost(schema, op('{ warehouses { id } shopifyLocations { id } }'), {}, {}, { fieldCosts: unpriced })).toBe(2);
});
