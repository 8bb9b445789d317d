import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ClassType, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth/auth-checker';
import { ProductExactResolver } from './resolvers/exact.resolver';
import { ShopifyProductResolver } from './resolvers/shopify-product.resolver';
import { ShopifyResolver } from './resolvers/shopify.resolver';
import { SubscriptionResolver } from './resolvers/subscription.resolver';
import { busOnlyPubSub } from './events/fanout/type-graphql-pubsub';
import { validateArgs } from './schema/common/args-validation';
import { OrderLineResolver, OrderResolver } from './resolvers/order.resolver';
import { PicklistLineResolver, PicklistResolver } from './resolvers/picklist.resolver';
import { ProductResolver, StockLevelResolver, WarehouseResolver } from './resolvers/product.resolver';
import { ProductFreeStockResolver } from './resolvers/product-free-stock.resolver';

/**
 * Every resolver class of the public schema. type-graphql 2 has no glob loading, so a new
 * resolver is added here by hand (one line), which also makes it visible in review.
 */
export const RESOLVERS: NonEmptyArray<ClassType> = [
  ProductResolver,
  ProductFreeStockResolver,
  StockLevelResolver,
  WarehouseResolver,
  OrderResolver,
  OrderLineResolver,
  PicklistResolver,
  PicklistLineResolver,
  ProductExactResolver,
  ShopifyProductResolver,
  ShopifyResolver,
  SubscriptionResolver,
];

let built: Promise<GraphQLSchema> | undefined;

/** Builds the schema once per process (type-graphql's metadata is global). */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    // Subscriptions read the event bus themselves; type-graphql still insists on a pubSub.
    pubSub: busOnlyPubSub,
    // Arguments are checked against their class-validator rules by one function that names the
    // argument and the rule and never quotes the value back (src/schema/common/args-validation.ts).
    validateFn: validateArgs,
    // @Authorized(scope) on fields; a miss is FORBIDDEN on that field only (src/auth/auth-checker.ts).
    authChecker,
    authMode: 'error',
    // Dates travel as ISO strings from Picqer; keep scalars explicit in the types.
    emitSchemaFile: false,
  });
  return built;
}
