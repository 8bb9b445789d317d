import type { BuildSchemaOptions } from 'type-graphql';

/**
 * type-graphql 2 refuses to build a schema with subscriptions unless `buildSchema` gets a
 * `pubSub`, even when every subscription brings its own `subscribe` (ours read the event bus).
 * Pass this one: it satisfies the check and fails loudly if anything ever publishes through it.
 */
export const busOnlyPubSub: NonNullable<BuildSchemaOptions['pubSub']> = {
  publish(routingKey: string): void {
    throw new Error(`type-graphql pubSub is not used here; append "${routingKey}" to the event log instead.`);
  },
  subscribe(routingKey: string): AsyncIterable<unknown> {
    throw new Error(`type-graphql pubSub is not used here; subscription "${routingKey}" must use the event bus.`);
  },
};
