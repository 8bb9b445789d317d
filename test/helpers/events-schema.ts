import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { getSchema } from '../../src/build-schema';

/** The gateway's own schema (built once per process); the subscription tests use its Subscription part. */
export function eventsSchema(): Promise<GraphQLSchema> {
  return getSchema();
}
