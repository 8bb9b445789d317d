import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ClassType, type NonEmptyArray } from 'type-graphql';
import { ChannelsResolver } from './resolvers/channels.resolver';
import { ProductExactResolver } from './resolvers/exact.resolver';
import { ShopifyProductResolver } from './resolvers/shopify-product.resolver';
import { ShopifyResolver } from './resolvers/shopify.resolver';
import { SubscriptionResolver } from './resolvers/subscription.resolver';
import { busOnlyPubSub } from './events/fanout/type-graphql-pubsub';
import { validateArgs } from './schema/common/args-validation';
import { authChecker } from './auth/auth-checker';
import { OrderLineResolver, OrderResolver } from './resolvers/order.resolver';
import { PicklistLineResolver, PicklistResolver } from './resolvers/picklist.resolver';
import { ProductResolver, WarehouseResolver } from './resolvers/product.resolver';
import { WAREHOUSE_RESOLVERS } from './resolvers/warehouse';
import { leanResolvers } from './schema/common/lean-resolvers';
import { recordPersonalReads } from './security/audit-reads';
import { REFERENCE_RESOLVERS } from './resolvers/entities.resolver';
import { toSubgraph } from './schema/federation/subgraph';
import { SCHEMA_DESCRIPTION } from './schema/schema-description';

/**
 * Every resolver class of the public schema. type-graphql 2 has no glob loading, so a new
 * resolver is added here by hand (one line), which also makes it visible in review.
 */
export const RESOLVERS: NonEmptyArray<ClassType> = [
  ProductResolver,
  WarehouseResolver,
  OrderResolver,
  OrderLineResolver,
  PicklistResolver,
  PicklistLineResolver,
  ProductExactResolver,
  ShopifyProductResolver,
  ShopifyResolver,
  ChannelsResolver,
  SubscriptionResolver,
  ...WAREHOUSE_RESOLVERS,
];

let built: Promise<GraphQLSchema> | undefined;

/**
 * Builds the schema once per process (type-graphql's metadata is global), then takes type-graphql's
 * per-call wrappers off the fields that run once per row and writes each field's scopes into it
 * (schema/common/lean-resolvers.ts), makes it an Apollo Federation 2 subgraph (`_service`,
 * `_entities`, `@key`s, `@requiresScopes`; schema/federation/subgraph.ts) — the one schema clients and
 * routers both get — and gives the personal-data fields their audit note (security/audit-reads.ts).
 */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    // Subscriptions read the event bus themselves; type-graphql still insists on a pubSub.
    pubSub: busOnlyPubSub,
    // Arguments are checked against their class-validator rules by one function that names the
    // argument and the rule and never quotes the value back (src/schema/common/args-validation.ts).
    validateFn: validateArgs,
    // @Authorized(scope) names each field's scope. Over HTTP the scopes are checked once per operation
    // before it runs (src/security/scope-plan.ts); type-graphql's check stays on the fields it still
    // wraps (root fields, fields with arguments; src/auth/auth-checker.ts), a second line that runs once
    // per request, and on subscriptions per event. The fields that run per row are unwrapped below.
    authChecker,
    authMode: 'error',
    // Dates travel as ISO strings from Picqer; keep scalars explicit in the types.
    emitSchemaFile: false,
  }).then((codeFirst) => {
    leanResolvers(codeFirst);
    const schema = toSubgraph(codeFirst, REFERENCE_RESOLVERS);
    // type-graphql has no option for the schema's own description (shown first in GraphiQL's docs).
    (schema as { description?: string }).description = SCHEMA_DESCRIPTION;
    recordPersonalReads(schema);
    return schema;
  });
  return built;
}
