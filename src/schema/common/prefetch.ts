import type { GraphQLField } from 'graphql';
import { Extensions } from 'type-graphql';

/**
 * Data that many rows of an answer need, started before the first row asks for it.
 *
 * A field that needs something shared by the whole request (Picqer's warehouse list, for
 * `Product.freeStock` and `StockLevel.warehouse`) names a prefetch in its extensions. The
 * operation's plan (security/compiled-execution.ts) collects the prefetches of the fields the
 * document selects, once per document, and each request starts them before it runs: the shared
 * data then loads alongside the first upstream reads instead of after them, and the rows find it
 * already there (synchronously, without a promise each). A prefetch must be idempotent within a
 * request (a loader's memoised call) and must not throw; a rejection it returns is ignored here
 * and met again by the field that needs the data.
 *
 * Decided from the document alone: a field under `@skip`, or below a parent that turns out empty
 * (a product that does not exist), still has its prefetch started.
 */
export type Prefetch = (context: never) => unknown;

/** Marks a field (a resolver method or a property) with the prefetch its data needs. */
export function PrefetchFor(prefetch: Prefetch): PropertyDecorator & MethodDecorator {
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    Extensions({ prefetch })(target, key, descriptor as never);
  };
}

/** The prefetch a field of the built schema names, if any. */
export function prefetchOf(field: GraphQLField<unknown, unknown> | undefined): Prefetch | undefined {
  const p: unknown = field?.extensions?.prefetch;
  return typeof p === 'function' ? (p as Prefetch) : undefined;
}
