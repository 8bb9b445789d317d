import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, Query, Resolver } from 'type-graphql';
import { SubscriptionResolver } from '../../src/resolvers/subscription.resolver';
import { busOnlyPubSub } from '../../src/subscriptions/type-graphql-pubsub';

/** GraphQL needs a Query type; the subscription tests only need this one field. */
@Resolver()
class EventsPingResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }
}

let built: Promise<GraphQLSchema> | undefined;

/** The subscription schema, built once per process (type-graphql metadata is global). */
export function eventsSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers: [SubscriptionResolver, EventsPingResolver], validate: false, pubSub: busOnlyPubSub });
  return built;
}
