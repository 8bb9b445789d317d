import { parse, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { estimateQueryCost } from '../../src/security/query-cost';

/**
 * A router's `_entities` is priced by its representations, as the reference resolvers fetch them,
 * so the query cost limit binds a router exactly as it binds a client asking the root fields.
 */
const op = (q: string) => parse(q).definitions[0] as OperationDefinitionNode;
const ENTITIES = op('query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { productcode freeStock } ... on Order { orderid } } }');
const products = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Product', productcode: `PG-${String(i + 1).padStart(5, '0')}` }));

it('prices known product codes 100 a call, unknown ones and orders a call each, the warehouse list once', async () => {
  const schema = await getSchema();
  const known = estimateQueryCost(schema, ENTITIES, {}, { r: products(100) }, { knownCode: () => true });
  expect(known).toBe(1 /* idproducts */ + 1 /* warehouses, for freeStock */);
  const unknown = estimateQueryCost(schema, ENTITIES, {}, { r: products(100) });
  expect(unknown).toBe(100 + 1);
  const orders = Array.from({ length: 30 }, (_, i) => ({ __typename: 'Order', id: String(i + 1) }));
  expect(estimateQueryCost(schema, ENTITIES, {}, { r: [...products(100), ...orders] }, { knownCode: () => true })).toBe(1 + 30 + 1);
});

it('prices _service as one call, and no representations at most the warehouse list the selection names', async () => {
  const schema = await getSchema();
  expect(estimateQueryCost(schema, op('{ _service { sdl } }'), {})).toBe(1);
  // A request-cached list is counted once per query whatever the rows (an upper bound, like everywhere).
  expect(estimateQueryCost(schema, ENTITIES, {}, { r: [] })).toBe(1);
});
