import { isObjectType, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * What type-graphql puts around resolvers, taken off the fields that run once per row, and each
 * field's scopes written into the built schema.
 *
 * type-graphql wraps every field: a plain `@Field` gets a closure that builds a resolver-data object
 * and runs the (empty) middleware chain to read `root[name]`; a `@FieldResolver` also looks up its
 * class instance, sorts and builds its parameters and copies the parent into an instance of the
 * object class, per call. A page of 50 products runs ~550 of those. graphql's default resolver
 * does the same read, and graphql-jit inlines it; a resolver method whose parameters are only the
 * parent, the context and the info can be called directly.
 *
 * Left as type-graphql built them: root fields (they validate arguments and run once per request),
 * every field with arguments, middlewares or a property name other than its schema name, and
 * resolvers declared inside an object class.
 *
 Unwrapping also takes off type-graphql's scope middleware: those fields are checked once per
 * operation instead (security/scope-plan.ts). `@Authorized(scope)` stays the one place a field
 * names its scope; this pass copies it to the field's `extensions.scopes`, where that check reads
 * it. Call once, on the schema as type-graphql built it.
 */
export function leanResolvers(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const roots = [
    [schema.getQueryType(), storage.queries],
    [schema.getMutationType(), storage.mutations],
    [schema.getSubscriptionType(), storage.subscriptions],
  ] as const;
  for (const [root, handlers] of roots) {
    for (const h of handlers) {
      const field = root?.getFields()[h.schemaName];
      if (field) setScopes(field, h.roles);
    }
  }
  for (const meta of storage.objectTypes) {
    const type = schema.getType(meta.name);
    if (!isObjectType(type)) continue;
    const gqlFields = type.getFields();
    for (const f of meta.fields ?? []) {
      const field = gqlFields[f.schemaName];
      if (!field) continue;
      const resolver = storage.fieldResolvers.find((r) => r.getObjectType?.() === meta.target && r.methodName === f.name);
      setScopes(field, resolver?.roles ?? f.roles);
      if (!resolver) {
        if (!f.middlewares?.length && !f.params?.length && f.name === f.schemaName) field.resolve = undefined;
      } else if (resolver.kind === 'external') {
        field.resolve = directCall(resolver) ?? field.resolve;
      }
    }
  }
}

/** The scopes a field needs (any one of them), as written by `@Authorized`; absent: open. */
export function scopesOf(field: GraphQLField<unknown, unknown>): readonly string[] | undefined {
  return field.extensions?.scopes as readonly string[] | undefined;
}

function setScopes(field: GraphQLField<unknown, unknown>, roles: unknown[] | undefined): void {
  if (!roles?.length) return;
  field.extensions = { ...field.extensions, scopes: Object.freeze(roles.map(String)) };
}

type Resolver = (typeof getMetadataStorage extends () => infer S ? S : never)['fieldResolvers'][number];

/**
 * The resolver method called as it is, for one whose parameters are only `@Root()` (the parent as
 * it comes: no class of its own to copy into), `@Ctx()` and `@Info()`; undefined for any other.
 */
function directCall(r: Resolver): GraphQLFieldResolver<unknown, unknown> | undefined {
  if (r.middlewares?.length) return undefined;
  const params = [...(r.params ?? [])].sort((a, b) => a.index - b.index);
  const picks: Array<(root: unknown, ctx: Record<string, unknown>, info: unknown) => unknown> = [];
  for (const p of params) {
    if (p.kind === 'root' && !p.propertyName && (!p.getType || p.getType() === Object)) picks.push((root) => root);
    else if (p.kind === 'context') picks.push(p.propertyName ? (_r, ctx) => ctx[p.propertyName!] : (_r, ctx) => ctx);
    else if (p.kind === 'info') picks.push((_r, _c, info) => info);
    else return undefined;
  }
  const instance = new (r.target as new () => Record<string, (...a: unknown[]) => unknown>)();
  const method = instance[r.methodName].bind(instance);
  // The common shapes without an argument array per call.
  if (params.length === 2 && params[0].kind === 'root' && params[1].kind === 'context' && !('propertyName' in params[1] && params[1].propertyName)) {
    return (root, _args, ctx) => method(root, ctx);
  }
  // Up to three parameters without an array per call (a page of 50 products calls `stock` 50 times).
  const [a, b, c] = picks;
  type Ctx = Record<string, unknown>;
  if (picks.length === 1) return (root, _args, ctx, info) => method(a(root, ctx as Ctx, info));
  if (picks.length === 2) return (root, _args, ctx, info) => method(a(root, ctx as Ctx, info), b(root, ctx as Ctx, info));
  if (picks.length === 3) return (root, _args, ctx, info) => method(a(root, ctx as Ctx, info), b(root, ctx as Ctx, info), c(root, ctx as Ctx, info));
  return (root, _args, ctx, info) => method(...picks.map((pick) => pick(root, ctx as Ctx, info)));
}
