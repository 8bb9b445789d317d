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

/** One execution of one event for one operation key, shared by every subscriber with that key. */
class SharedResult {
  private bytes?: Buffer;
  constructor(readonly result: ExecutionResult) {}

  /**
   * The `payload` of a graphql-transport-ws `next` message as UTF-8 JSON, serialised and encoded
   * once for all subscribers: the same shape graphql-ws sends (the result, with `errors` last and
   * formatted by toJSON).
   */
  payload(): Buffer {
    if (this.bytes === undefined) {
      const { errors, ...rest } = this.result;
      this.bytes = Buffer.from(JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest));
    }
    return this.bytes;
  }
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
 * event object the bus hands to every subscriber; the ExecutionResult is shared read-only, and so
 * is its encoded JSON (see SharedResultStream.deliverTo).
 *
 * Why the caller is in the key: authorised fields resolve differently per scope set, and a
 * FORBIDDEN message names the caller's token, so two callers never share a result. Everything else
 * a resolver of an event type reads comes from the event and the arguments, which the key covers.
 * Entries go when the event object is collected (after every subscriber has taken it).
 */
export function createSharedSubscribe(opts: SharedSubscribeOptions = {}): (args: ExecutionArgs) => Promise<SharedResultStream | ExecutionResult> {
  const execute = opts.execute ?? graphqlExecute;
  const results = new WeakMap<object, Map<string, Promise<SharedResult>>>();

  return async function sharedSubscribe(args) {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream; // an ExecutionResult with errors (e.g. FORBIDDEN at subscribe)
    const key = operationKey(args);
    const run = (event: unknown): Promise<SharedResult> =>
      Promise.resolve().then(() => execute({ ...args, rootValue: event })).then((r) => new SharedResult(r));
    const executeOnce = (event: unknown): Promise<SharedResult> => {
      // Primitive payloads cannot key a WeakMap; none of ours are, but do not break if one is.
      if (typeof event !== 'object' || event === null) return run(event);
      let byKey = results.get(event);
      if (!byKey) results.set(event, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = run(event)));
      return result;
    };
    return new SharedResultStream(stream[Symbol.asyncIterator](), executeOnce);
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
 * One subscription's results. Two ways to consume it:
 *
 * - as an AsyncIterableIterator of ExecutionResults, the contract of graphql-js `subscribe`
 *   (errors of the source reject `next()`, `return()` ends the source);
 * - through `deliverTo(send)`, which hands each result's shared payload (UTF-8 JSON) to `send` as
 *   soon as it is ready and returns an iterator that yields nothing and settles when the source ends.
 *   The WebSocket server uses this to write frames itself: with 1,000 subscribers of one event
 *   the payload is serialised once, not 1,000 times, and each frame skips graphql-ws's per-message
 *   validation, stringification and promise chain (see ws-server.ts).
 *
 * Either way it is consumed once.
 */
export class SharedResultStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly executeOnce: (event: unknown) => Promise<SharedResult>,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const r = await this.source.next();
    if (r.done) return { value: undefined, done: true };
    return { value: (await this.mapped(r.value)).result, done: false };
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.closeQuietly();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Pumps every result's payload (UTF-8 JSON bytes, shared: do not modify) into `send`, in order. The returned iterator's `next()`
   * resolves done when the source ends, rejects with the source's error or with what `send`
   * threw (ending the source; graphql-ws reports the error and closes the operation as before),
   * and `return()` ends the source (unsubscribe).
   */
  deliverTo(send: (payload: Buffer) => void): AsyncIterableIterator<never> {
    const pump = async (): Promise<IteratorResult<never>> => {
      for (;;) {
        const r = await this.source.next();
        if (r.done) return { value: undefined, done: true };
        const payload = (await this.mapped(r.value)).payload();
        try {
          send(payload);
        } catch (err) {
          await this.closeQuietly(); // `send` refuses more (e.g. the socket is over its buffer limit)
          throw err;
        }
      }
    };
    const self = this;
    return {
      next: pump,
      return: () => self.return() as Promise<IteratorResult<never>>,
      throw: async (err?: unknown) => {
        await self.closeQuietly();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async mapped(event: unknown): Promise<SharedResult> {
    try {
      return await this.executeOnce(event);
    } catch (err) {
      await this.closeQuietly();
      throw err;
    }
  }

  private async closeQuietly(): Promise<void> {
    try {
      await this.source.return?.();
    } catch {
      // keep the original error
    }
  }
}
