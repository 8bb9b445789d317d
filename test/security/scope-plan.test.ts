import { buildSchema, execute, getNamedType, isObjectType, parse, type GraphQLFieldResolver, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { checkScopes } from '../../src/auth/auth-checker';
import type { CallerContext } from '../../src/auth/caller';
import { getSchema } from '../../src/build-schema';
import { scopesOf } from '../../src/schema/common/lean-resolvers';
import { compiledExecution } from '../../src/security/compiled-execution';

/**
 * Scopes decided once per operation must answer exactly as a check inside each refused field would:
 * the same data (nulls bubbling through non-null positions to the nearest nullable parent), the
 * same errors at the same paths and locations. The reference is graphql-js running a copy of the
 * schema whose scoped fields throw the scope check; the subject is the compiled executor.
 */

const SDL = `
  type Query { shop: Shop, open: String }
  type Shop { name: String!, items: [Item!]!, secret: String, owner: Owner }
  type Item { id: ID!, hidden: String!, note: String }
  type Owner { name: String! }
`;
/** `Type.field` -> the scope it needs. */
const SCOPED: Record<string, string> = { 'Shop.secret': 'x', 'Item.hidden': 'x', 'Shop.owner': 'y' };
const DATA = {
  name: 'S',
  items: [
    { id: '1', hidden: 'h1', note: 'n1' },
    { id: '2', hidden: 'h2', note: null },
  ],
  secret: 's',
  owner: { name: 'o' },
};

/** The schema with `extensions.scopes` (what leanResolvers writes) or with throwing resolvers (the reference). */
function schemaWith(mode: 'extensions' | 'throwing'): GraphQLSchema {
  const schema = buildSchema(SDL);
  schema.getQueryType()!.getFields().shop.resolve = () => structuredClone(DATA);
  schema.getQueryType()!.getFields().open.resolve = () => 'yes';
  for (const [coordinate, scope] of Object.entries(SCOPED)) {
    const [type, name] = coordinate.split('.');
    const field = (schema.getType(type) as import('graphql').GraphQLObjectType).getFields()[name];
    if (mode === 'extensions') field.extensions = { ...field.extensions, scopes: [scope] };
    else {
      const resolve: GraphQLFieldResolver<Record<string, unknown>, CallerContext> = (src, _args, ctx) => checkScopes(ctx, [scope], coordinate) && src[name];
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
}

const caller = (...scopes: string[]): CallerContext => ({ caller: { name: 'tester', scopes: new Set(scopes) }, services: { auth: { enabled: true } } });

async function both(query: string, ctx: CallerContext, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const reference = await execute({ schema: schemaWith('throwing'), document, contextValue: ctx, variableValues: variables });
  const compiled = compiledExecution(schemaWith('extensions'));
  const { executor } = await compiled.gateway.load({ apollo: {} });
  const request = { variables } as never;
  const subject = await executor!({ document, operation, operationName: null, context: ctx, request, queryHash: query } as never);
  // Errors compared by path: graphql-js orders them by when each field ran, the plan by answer order.
  const shape = (r: typeof reference) => ({
    data: r.data,
    errors: (r.errors ?? [])
      .map((e) => ({ message: e.message, path: e.path, locations: e.locations, extensions: e.extensions }))
      .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path))),
  });
  return { reference: shape(reference), subject: shape(subject as typeof reference), stats: compiled.stats() };
}

describe('scopes decided once per operation', () => {
  it('answers like a check in each field: non-null nulls bubble to the nearest nullable parent', async () => {
    const { reference, subject, stats } = await both('{ shop { name items { id hidden } secret } open }', caller());
    expect(subject).toEqual(reference);
    expect(subject.data).toEqual({ shop: null, open: 'yes' });
    // graphql-js completes a list and an object's fields in order and stops at the first error that
    // nulls them (all are synchronous here), so the other refused rows and `secret` never ran.
    expect(subject.errors.map((e) => e.path)).toEqual([['shop', 'items', 0, 'hidden']]);
    expect(subject.errors[0].extensions).toEqual({ code: 'FORBIDDEN', scope: 'x' });
    expect(stats).toMatchObject({ compiled: 1, fallback: 0 });
  });

  it('refuses only the refused fields: a nullable one is null with its error, the rest answers', async () => {
    const { reference, subject } = await both('{ shop { name secret owner { name } items { id note } } }', caller('x'));
    expect(subject).toEqual(reference);
    expect(subject.data).toEqual({ shop: { name: 'S', secret: 's', owner: null, items: DATA.items.map(({ id, note }) => ({ id, note })) } });
    expect(subject.errors.map((e) => e.extensions?.scope)).toEqual(['y']);
  });

  it('follows aliases, fragments and @skip/@include with variables', async () => {
    const query = `query Q($s: Boolean!) {
      shop { ...F  a: secret @skip(if: $s)  b: secret  ... on Shop { owner @include(if: $s) { name } } }
    }
    fragment F on Shop { items { note n2: note } name }`;
    for (const s of [true, false]) {
      const { reference, subject } = await both(query, caller('x'), { s });
      expect(subject).toEqual(reference);
    }
    const { reference, subject } = await both(query, caller(), { s: false });
    expect(subject).toEqual(reference);
    expect(subject.errors.map((e) => e.path)).toEqual([
      ['shop', 'a'],
      ['shop', 'b'],
    ]);
  });

  it('answers UNAUTHENTICATED where auth is on and no caller came, and nothing when auth is off', async () => {
    const anonymous = await both('{ shop { name secret } }', { services: { auth: { enabled: true } } });
    expect(anonymous.subject).toEqual(anonymous.reference);
    expect(anonymous.subject.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    const open = await both('{ shop { name secret } }', { services: { auth: { enabled: false } } });
    expect(open.subject).toEqual(open.reference);
    expect(open.subject.errors).toEqual([]);
  });
});

/**
 * graphql-ws runs subscriptions on graphql-js without a scope plan: the subscription's own scope is
 * checked when it opens and per event (type-graphql), and the fields below it, which run per event
 * and row, carry no check of their own any more. So no field below a subscription may need a scope.
 */
it('no field below a subscription needs a scope of its own', async () => {
  const schema = await getSchema();
  const scoped: string[] = [];
  const seen = new Set<string>();
  const visit = (type: ReturnType<typeof getNamedType>): void => {
    if (!isObjectType(type) || seen.has(type.name)) return;
    seen.add(type.name);
    for (const f of Object.values(type.getFields())) {
      if (scopesOf(f)) scoped.push(`${type.name}.${f.name}`);
      visit(getNamedType(f.type));
    }
  };
  const subscriptions = Object.values(schema.getSubscriptionType()!.getFields());
  expect(subscriptions.every((f) => scopesOf(f)?.length)).toBe(true);
  for (const f of subscriptions) visit(getNamedType(f.type));
  expect(scoped).toEqual([]);
});
