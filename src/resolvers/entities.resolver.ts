import type { GraphQLResolveInfo } from 'graphql';
import { checkScopes } from '../auth/auth-checker';
import { BadUserInputError } from '../errors';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import { scopesOf } from '../schema/common/lean-resolvers';
import type { ReferenceResolvers } from '../schema/federation/subgraph';
import { parseId } from './ids';
import { productRowOf } from './product-rows';

/** A representation as a router sends it: `__typename` and the fields of one of the type's `@key`s. */
type Reference = Record<string, unknown>;

/**
 * How a router's `_entities` finds each entity: through the request's loaders, the same ones the
 * root fields use, so 100 product representations batch exactly as 100 rows of `products` do (codes
 * the code index knows go 100 ids a call; the joined Shopify and Exact fields batch as on any page).
 * All representations of one `_entities` call are asked in the same tick, so DataLoader sees them
 * as one batch.
 *
 * Each entity is checked as the root field that looks it up (`lookup`): a caller that may not ask
 * `order(...)` may not ask for an Order by reference either, and gets FORBIDDEN at that entity.
 * Fields below are checked once per operation like any other (security/scope-plan.ts).
 */
const ENTITIES: Record<string, { lookup: string; resolve: (ref: Reference, ctx: GatewayContext, info: GraphQLResolveInfo) => Promise<object | null> }> = {
  Product: {
    lookup: 'product',
    resolve: (ref, ctx, info) => {
      const picqer = requireLoaders(ctx.loaders, 'picqer');
      const code = keyOf(ref, 'productcode');
      return productRowOf(ctx, info, code !== undefined ? picqer.productByCode.load(code) : picqer.productById.load(idOf(ref)));
    },
  },
  Order: {
    lookup: 'order',
    resolve: (ref, ctx) => {
      const picqer = requireLoaders(ctx.loaders, 'picqer');
      const orderid = keyOf(ref, 'orderid');
      return orderid !== undefined ? picqer.orderByOrderid(orderid) : picqer.orderById.load(idOf(ref));
    },
  },
  Picklist: {
    lookup: 'picklist',
    resolve: (ref, ctx) => {
      const picqer = requireLoaders(ctx.loaders, 'picqer');
      const picklistid = keyOf(ref, 'picklistid');
      return picklistid !== undefined ? picqer.picklistByPicklistid(picklistid) : picqer.picklistById.load(idOf(ref));
    },
  },
  Warehouse: {
    lookup: 'warehouses',
    resolve: async (ref, ctx) => {
      const idwarehouse = keyOf(ref, 'idwarehouse');
      return requireLoaders(ctx.loaders, 'picqer').warehouseById(idwarehouse !== undefined ? parseId(idwarehouse, 'idwarehouse') : idOf(ref));
    },
  },
  ShopifyLocation: {
    lookup: 'shopifyLocations',
    resolve: async (ref, ctx) => {
      const id = keyOf(ref, 'id');
      return (await requireLoaders(ctx.loaders, 'shopify').locations()).find((l) => l.id === id) ?? null;
    },
  },
};

/** `__resolveReference` of every entity type, for toSubgraph (schema/federation/subgraph.ts). */
export const REFERENCE_RESOLVERS: ReferenceResolvers = Object.fromEntries(
  Object.entries(ENTITIES).map(([type, e]) => [
    type,
    {
      __resolveReference: async (ref: Reference, ctx: GatewayContext, info: GraphQLResolveInfo) => {
        const lookup = info.schema.getQueryType()?.getFields()[e.lookup];
        checkScopes(ctx, (lookup && scopesOf(lookup)) ?? [], `Query.${e.lookup}`);
        const found = await e.resolve(ref, ctx, info);
        // A copy: @apollo/subgraph writes `__typename` onto what it gets, and loaded objects may be
        // shared with the entity cache and other requests.
        return found && { ...found, __typename: type };
      },
    },
  ]),
);

/** A key field of a representation as text; undefined when absent; BAD_USER_INPUT when it is no scalar. */
function keyOf(ref: Reference, field: string): string | undefined {
  const v = ref[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new BadUserInputError(`Representation field "${field}" must be a string or a number.`, 'representations');
}

/** The representation's `id` key as a Picqer id. */
function idOf(ref: Reference): number {
  return parseId(keyOf(ref, 'id') ?? '', 'id');
}

/** The entity types and their `@key`s, as the schema's classes declare them (for tests and docs). */
export const ENTITY_TYPES: readonly string[] = Object.keys(ENTITIES);
