import { createSourceEventStream, execute as graphqlExecute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isPushSource, pull, pushFrom, type PushSink, type PushSource } from './push';

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
 * One event's execution for one operation key, shared by every subscriber with that key. Read
 * through `settled`/`result`/`whenSettled`, so a fan-out to 1,000 subscribers costs one promise
 * reaction per event, not 1,000.
 */
class SharedExecution {
  settled = false;
  /** Set when settled successfully. */
  result?: SharedResult;
  /** Set when the execution threw (settled with `result` unset). */
  error?: unknown;
  private waiters: Array<() => void> = [];

  constructor(run: () => Promise<SharedResult>) {
    // Handles the rejection too, so an execution nobody awaits is never "unhandled".
    run().then(
      (r) => this.settle(r, undefined),
      (err: unknown) => this.settle(undefined, err ?? new Error('subscription execution failed')),
    );
  }

  /** Calls `fn` once, when settled (now if it is). */
  whenSettled(fn: () => void): void {
    if (this.settled) fn();
    else this.waiters.push(fn);
  }

  private settle(result: SharedResult | undefined, error: unknown): void {
    this.result = result;
    this.error = error;
    this.settled = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const fn of waiters) fn();
  }
}

/**
 * A drop-in for graphql-js `subscribe` (graphql-ws's `subscribe` option) that executes each source
 * event once per distinct operation instead of once per subscriber.
 *
 * graphql's own `subscribe` runs the selection set for every subscriber and every event: with
 * 1,000 screens watching the same stock, one webhook costs 1,000 identical executions. Here the
 * source stream is still per subscriber (its filter and its limit of pending events stay its own,
 * so slow subscriber protection is unchanged), but the execution of an event is memoised per
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
  const results = new WeakMap<object, Map<string, SharedExecution>>();

  return async function sharedSubscribe(args) {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream; // an ExecutionResult with errors (e.g. FORBIDDEN at subscribe)
    const key = operationKey(args);
    const run = (event: unknown): SharedExecution =>
      new SharedExecution(() =>
        Promise.resolve()
          .then(() => execute({ ...args, rootValue: event }))
          .then((r) => new SharedResult(r)),
      );
    const executeOnce = (event: unknown): SharedExecution => {
      // Primitive payloads cannot key a WeakMap; none of ours are, but do not break if one is.
      if (typeof event !== 'object' || event === null) return run(event);
      let byKey = results.get(event);
      if (!byKey) results.set(event, (byKey = new Map<string, SharedExecution>()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = run(event)));
      return result;
    };
    return new SharedResultStream(isPushSource(stream) ? stream : pushFrom(stream), executeOnce);
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
  return typeof (Object(value) as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/**
 * One subscription's results, in event order. Two ways to consume it:
 *
 * - `deliverTo(send)` hands each result's shared payload (UTF-8 JSON) to `send` as soon as it is
 *   ready and returns an iterator that yields nothing and settles when the source ends. The
 *   WebSocket server uses this to write frames itself: with 1,000 subscribers of one event the
 *   payload is serialised once, not 1,000 times, and each frame skips graphql-ws's per-message
 *   validation, stringification and promise chain (see ws-server.ts);
 * - as an AsyncIterable of ExecutionResults, the contract of graphql-js `subscribe` (errors of the
 *   source reject `next()`, `return()` ends the source), for any other consumer.
 *
 * Either way the source pushes (push.ts): each event's result waits on its shared execution, so an
 * event costs one promise reaction per operation key rather than a chain of promises per
 * subscriber. It is consumed once.
 */
export class SharedResultStream implements AsyncIterable<ExecutionResult> {
  constructor(
    private readonly source: PushSource<unknown>,
    private readonly executeOnce: (event: unknown) => SharedExecution,
  ) {}

  /**
   * Pumps every result's payload (UTF-8 JSON bytes, shared by all subscribers: do not modify) into
   * `send`, in order; `send` calls `done` once the payload is written out (until then it counts
   * against the subscriber's limit, see push.ts). The returned iterator's `next()` resolves done
   * when the source ends, rejects with the source's error, an execution's error or what `send`
   * threw (ending the source; graphql-ws reports the error and closes the operation), and
   * `return()` ends the source (unsubscribe).
   */
  deliverTo(send: (payload: Buffer, done: () => void) => void): AsyncIterableIterator<never> {
    const ended = new Promise<IteratorResult<never>>((resolve, reject) => {
      this.attach({
        event: (result, done) => send(result.payload(), done),
        end: (error) => (error ? reject(error) : resolve({ value: undefined, done: true })),
      });
    });
    const close = async (): Promise<IteratorResult<never>> => {
      this.source.close();
      return { value: undefined, done: true };
    };
    const settleOnly: AsyncIterableIterator<never> = {
      next: () => ended,
      return: close,
      throw: async (err?: unknown) => {
        await close();
        throw err;
      },
      [Symbol.asyncIterator]: () => settleOnly,
    };
    return settleOnly;
  }

  /** Ends the source (unsubscribes); a delivery in progress settles done. */
  close(): void {
    this.source.close();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return pull<ExecutionResult>({
      attach: (sink) => this.attach({ event: (result, done) => sink.event(result.result, done), end: (error) => sink.end(error) }),
      close: () => this.source.close(),
    });
  }

  /**
   * Attaches to the source so that each event's shared result goes to `sink` as soon as its
   * execution settles, in event order: a backlog of executions, drained by one callback on the
   * execution at its head. An execution that throws, or a sink that throws, ends the source.
   */
  private attach(sink: PushSink<SharedResult>): void {
    const backlog: SharedExecution[] = [];
    let done: () => void = () => undefined;
    let stopped = false;
    const stop = (error?: Error): void => {
      if (stopped) return;
      stopped = true;
      backlog.length = 0;
      if (error) this.source.close(); // unregisters from the source (its end is then a no-op here)
      sink.end(error);
    };
    const drain = (): void => {
      while (backlog.length > 0 && !stopped) {
        const head = backlog[0];
        if (!head.settled) return head.whenSettled(drain);
        backlog.shift();
        if (!head.result) return stop(asError(head.error));
        try {
          sink.event(head.result, done);
        } catch (err) {
          return stop(asError(err)); // `send` refuses more
        }
      }
    };
    this.source.attach({
      event: (event, finished) => {
        if (stopped) return;
        done = finished;
        backlog.push(this.executeOnce(event));
        if (backlog.length === 1) drain();
      },
      end: (error) => stop(error),
    });
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
