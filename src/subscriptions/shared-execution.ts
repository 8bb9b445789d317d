import {
  createSourceEventStream, execute as graphqlExecute, print,
  type ExecutionArgs, type ExecutionResult,
} from 'graphql';

/** Runs one execution of a subscription's selection set for one source event (graphql's `execute` by default). */
export type ExecuteFn = (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;

export interface SharedSubscribeOptions {
  /** Replaces graphql's `execute` (tests wrap it to count executions). */
  execute?: ExecuteFn;
}

/** The part of the GraphQL context that decides what a caller may see (src/context.ts GatewayContext.caller). */
interface CallerContext {
  caller?: { name: string; scopes: ReadonlySet<string> };
}

/**
 * A drop-in for graphql-js `subscribe` (graphql-ws's `subscribe` option) that executes each source
 * event once per distinct operation instead of once per subscriber.
 *
 * graphql's own `subscribe` runs the selection set for every subscriber and every event: with
 * 1,000 screens watching the same stock, one webhook costs 1,000 identical executions. Here the
 * source stream is still per subscriber (its filter and its bounded queue stay its own, so slow
 * subscriber protection is unchanged), but the execution of an event is memoised per
 * (document text, operation name, variables, caller name and scope set) in a WeakMap keyed by the
 * event object the bus hands to every subscriber; the ExecutionResult is shared read-only.
 *
 * Why the caller is in the key: authorised fields resolve differently per scope set, and a
 * FORBIDDEN message names the caller's token, so two callers never share a result. Everything else
 * a resolver of an event type reads comes from the event and the arguments, which the key covers.
 * Entries go when the event object is collected (after every subscriber has taken it).
 */
export function createSharedSubscribe(opts: SharedSubscribeOptions = {}): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const execute = opts.execute ?? graphqlExecute;
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  return async function sharedSubscribe(args) {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream; // an ExecutionResult with errors (e.g. FORBIDDEN at subscribe)
    const key = operationKey(args);
    const executeOnce = (event: unknown): Promise<ExecutionResult> => {
      // Primitive payloads cannot key a WeakMap; none of ours are, but do not break if one is.
      if (typeof event !== 'object' || event === null) return Promise.resolve(execute({ ...args, rootValue: event }));
      let byKey = results.get(event);
      if (!byKey) results.set(event, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) {
        result = Promise.resolve().then(() => execute({ ...args, rootValue: event }));
        byKey.set(key, result);
      }
      return result;
    };
    return mapAsyncIterator(stream, executeOnce);
  };
}

/** What makes two subscriptions' executions of one event interchangeable. */
export function operationKey(args: ExecutionArgs): string {
  // The source text is at hand when the document was parsed from a string (graphql-ws does).
  const text = args.document.loc?.source.body ?? print(args.document);
  const caller = (args.contextValue as CallerContext | undefined)?.caller;
  const who = caller ? `${caller.name}\u0000${[...caller.scopes].sort().join(' ')}` : '\u0000anonymous';
  return JSON.stringify([text, args.operationName ?? null, args.variableValues ?? null, who]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}

/**
 * Same contract as graphql-js's internal mapAsyncIterator: errors of the source reject `next()`
 * (graphql-ws turns that into an error message and onError sees the original error, which is how
 * SubscriberTooSlowError becomes close 4429), and `return()` ends the source (unsubscribe).
 */
function mapAsyncIterator<T, R>(iterable: AsyncIterable<T>, fn: (value: T) => Promise<R>): AsyncIterableIterator<R> {
  const iterator = iterable[Symbol.asyncIterator]();
  const closeQuietly = async (): Promise<void> => {
    try {
      await iterator.return?.();
    } catch {
      // keep the original error
    }
  };
  const map = async (r: IteratorResult<T>): Promise<IteratorResult<R>> => {
    if (r.done) return { value: undefined, done: true };
    try {
      return { value: await fn(r.value), done: false };
    } catch (err) {
      await closeQuietly();
      throw err;
    }
  };
  return {
    next: async () => map(await iterator.next()),
    return: async () => (iterator.return ? map(await iterator.return()) : { value: undefined, done: true }),
    throw: async (err?: unknown) => {
      if (iterator.throw) return map(await iterator.throw(err));
      await closeQuietly();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
