import { getMetadataStorage, type ClassType } from 'type-graphql';
import { getSchema } from '../../src/build-schema';

/** Every Query, Mutation and Subscription field names the scope it needs: none is open to any token. */
it('every root field carries @Authorized(scope)', async () => {
  const schema = await getSchema();
  const storage = getMetadataStorage() as unknown as {
    authorizedFields: Array<{ target: ClassType; fieldName: string; roles: string[] }>;
    queries: any[];
    mutations: any[];
    subscriptions: any[];
  };
  const authorized = new Set(storage.authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
  const roots = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
  const open = roots.filter((r) => !authorized.has(`${r.target.name}.${r.methodName}`)).map((r) => r.schemaName);
  const inSchema = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? Object.keys(t.getFields()) : [])),
  );
  expect(open.filter((n) => inSchema.has(n))).toEqual([]);
  expect(inSchema.has('orders')).toBe(true);
  expect(authorized.has('OrderResolver.orders')).toBe(true);
});

/**
 * Every field resolver loads upstream data (a product behind an order line, a warehouse, an Exact
 * item), so each names its scope too; a token must not reach stock data through an order.
 */
it('every field resolver carries @Authorized(scope)', async () => {
  await getSchema();
  const storage = getMetadataStorage() as unknown as {
    authorizedFields: Array<{ target: ClassType; fieldName: string }>;
    fieldResolvers: Array<{ target: ClassType; methodName: string; schemaName: string }>;
  };
  const authorized = new Set(storage.authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
  expect(storage.fieldResolvers.length).toBeGreaterThan(5);
  const open = storage.fieldResolvers.filter((r) => !authorized.has(`${r.target.name}.${r.methodName}`)).map((r) => `${r.target.name}.${r.methodName}`);
  expect(open).toEqual([]);
});
