import {
  createSourceEventStream, execute as graphqlExecute, print,
  type ExecutionArgs, type ExecutionResult,
} from 'graphql';
import { SubscriberTooSlowError } from './event-subscriber';

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
 * One event's execution for one operation key, shared by every subscriber with that key. Readable
 * both ways: `promise` for the iterator path, and `settled`/`result`/`whenSettled` for the push
 * path, where a fan-out to 1,000 subscribers costs one promise reaction per event, not 1,000.
 */
class SharedExecution {
  readonly promise: Promise<SharedResult>;
  settled = false;
  /** Set when settled successfully. */
  result?: SharedResult;
  /** Set when the execution threw (settled with `result` unset). */
  error?: unknown;
  private waiters: Array<() => void> = [];

  constructor(run: () => Promise<SharedResult>) {
    this.promise = run();
    // Handles the rejection too, so an execution nobody awaits (push path) is never "unhandled".
    this.promise.then(
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
 * A source that can hand its events over synchronously instead of through `next()`
 * (EventSubscriber does, once it is live).
 */
export interface PushSource<T = unknown> {
  /**
   * From now on, hands each event to `sink.event` as it arrives, in order, and the end of the
   * stream (with the error, if it failed) to `sink.end`. Returns false, changing nothing, when it
   * cannot now (still replaying, or events already queued for `next()`): pull those first.
   */
  attach(sink: PushSink<T>): boolean;
}

export interface PushSink<T = unknown> {
  event(event: T): void;
  end(error?: Error): void;
}

function isPushSource(source: object): source is PushSource {
  return typeof (source as Partial<PushSource>).attach === 'function';
}

/** Results one pushed-to subscriber may have waiting for their execution before it counts as too slow. */
const BACKLOG_LIMIT = 1000;

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
  const results = new WeakMap<object, Map<string, SharedExecution>>();

  return async function sharedSubscribe(args) {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream; // an ExecutionResult with errors (e.g. FORBIDDEN at subscribe)
    const key = operationKey(args);
    const run = (event: unknown): SharedExecution =>
      new SharedExecution(() => Promise.resolve().then(() => execute({ ...args, rootValue: event })).then((r) => new SharedResult(r)));
    const executeOnce = (event: unknown): SharedExecution => {
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
 *   validation, stringification and promise chain (see ws-server.ts). Once the source is live it
 *   pushes (PushSource): the bus hands each event over synchronously, and each subscriber's
 *   results wait on the shared execution itself, so an event costs one promise reaction per
 *   operation key rather than a chain of promises per subscriber.
 *
 * Either way it is consumed once.
 */
export class SharedResultStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly executeOnce: (event: unknown) => SharedExecution,
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
   * Pumps every result's payload (UTF-8 JSON bytes, shared by all subscribers: do not modify) into
   * `send`, in order. The returned iterator's `next()` resolves done when the source ends, rejects
   * with the source's error or with what `send` threw (ending the source; graphql-ws reports the
   * error and closes the operation as before), and `return()` ends the source (unsubscribe).
   */
  deliverTo(send: (payload: Buffer) => void): AsyncIterableIterator<never> {
    const pump = async (): Promise<IteratorResult<never>> => {
      for (;;) {
        // Push once the source can (live, nothing queued): no promise per event and subscriber.
        const pushed = isPushSource(this.source) ? this.pushFrom(this.source, send) : undefined;
        if (pushed) return pushed;
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

  /**
   * Attaches to `source` so that each event's shared result goes to `send` as soon as its
   * execution settles, in event order: a backlog of executions per subscriber, drained by one
   * callback on the execution at its head. Returns what the pump resolves with (done when the
   * source ends, rejected with its error, an execution's error or what `send` threw), or
   * undefined if the source cannot push now.
   */
  private pushFrom(source: PushSource, send: (payload: Buffer) => void): Promise<IteratorResult<never>> | undefined {
    let finish!: (error?: unknown) => void;
    const ended = new Promise<IteratorResult<never>>((resolve, reject) => {
      finish = (error) => (error === undefined ? resolve({ value: undefined, done: true }) : reject(error));
    });
    const backlog: SharedExecution[] = [];
    let stopped = false;
    const stop = (error?: unknown): void => {
      if (stopped) return;
      stopped = true;
      backlog.length = 0;
      if (error !== undefined) void this.closeQuietly(); // unregisters from the source (its end is then a no-op here)
      finish(error);
    };
    const drain = (): void => {
      while (backlog.length > 0 && !stopped) {
        const head = backlog[0];
        if (!head.settled) return head.whenSettled(drain);
        backlog.shift();
        if (!head.result) return stop(head.error);
        try {
          send(head.result.payload());
        } catch (err) {
          return stop(err); // `send` refuses more (e.g. the socket is over its buffer limit)
        }
      }
    };
    const attached = source.attach({
      event: (event) => {
        if (stopped) return;
        if (backlog.length >= BACKLOG_LIMIT) return stop(new SubscriberTooSlowError(`${BACKLOG_LIMIT} queued events`));
        backlog.push(this.executeOnce(event));
        if (backlog.length === 1) drain();
      },
      end: (error) => stop(error),
    });
    return attached ? ended : undefined;
  }

  private async mapped(event: unknown): Promise<SharedResult> {
    try {
      return await this.executeOnce(event).promise;
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
