/**
 * How events travel through the fan-out: pushed, never pulled. The bus hands each event to its
 * subscribers as it reads it, each subscriber to its shared execution, each execution's result to
 * the socket; nothing waits on a promise per subscriber and event, which is what keeps a fan-out
 * to 1,000 sockets within the latency the subscriptions bench shows. Consumers that want to take
 * events at their own pace (the auto-sync job, graphql-js's `subscribe` contract) read a source
 * through `pull`; the one source that is not the bus (a subscription resolver returning some other
 * async iterable) enters through `pushFrom`.
 *
 * A leaf: the bus's subscribers and the shared execution both speak these types, and neither
 * imports the other.
 */

/** Takes a subscriber's events in log order, then its end. */
export interface PushSink<T> {
  /**
   * One event. Call `done` once the event is finished with (handed to the consumer, or written
   * out to the client's socket): until then it counts against the subscriber's limit of pending
   * events. `done` is the same function for every event of a subscriber; call it once per event.
   * A sink must not throw; if it does, the subscription ends with that error.
   */
  event(event: T, done: () => void): void;
  /** Called once: without an error when unsubscribed or the bus closed, with it when it failed. */
  end(error?: Error): void;
}

/** One subscription's events, to be handed to one sink. */
export interface PushSource<T> {
  /** Starts handing events to `sink`. Once per source: a subscription has one consumer. */
  attach(sink: PushSink<T>): void;
  /** Unsubscribes; the sink's `end()` follows (without an error) unless it has ended already. */
  close(): void;
}

/**
 * Why a subscription was cut off: more of its events were pending (handed to it and not yet taken
 * by its consumer or written out to its socket) than the bus's `maxPendingEvents` allows, so a slow
 * client can neither slow the others nor grow the replica's memory.
 */
export class SubscriberTooSlowError extends Error {
  readonly code = 'SUBSCRIBER_TOO_SLOW';
  constructor(readonly maxPendingEvents: number) {
    super('subscriber too slow');
    this.name = 'SubscriberTooSlowError';
  }
}

export function isPushSource(value: unknown): value is PushSource<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<PushSource<unknown>>).attach === 'function';
}

/**
 * Reads `source` as an async iterator. Events wait in the iterator's queue until `next()` takes
 * them, and count as pending until then, so a consumer that stops taking is cut off like a socket
 * that stops reading. A failure rejects the next `next()` (what was queued is dropped, as it would
 * be for a socket); after it, and after the end, `next()` answers done. `return()` unsubscribes.
 */
export function pull<T>(source: PushSource<T>): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let done: (() => void) | undefined;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const wakeUp = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  source.attach({
    event(event, finished) {
      done = finished;
      queue.push(event);
      wakeUp();
    },
    end(error) {
      ended = true;
      failure = error;
      queue.length = 0;
      wakeUp();
    },
  });
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (failure) {
          const err = failure;
          failure = undefined;
          throw err;
        }
        if (queue.length > 0) {
          const value = queue.shift()!;
          done?.();
          return { value, done: false };
        }
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      source.close();
      return { value: undefined, done: true };
    },
    async throw(err?: unknown) {
      source.close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * A push source over an async iterable, pulled one item at a time as fast as it yields. For
 * subscription sources other than the bus (its subscribers push already); such a source paces
 * itself, so `done` has nothing to count.
 */
export function pushFrom<T>(iterable: AsyncIterable<T>): PushSource<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  let sink: PushSink<T> | undefined;
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    sink?.end(error);
    // The pump may be waiting in next(): return() ends the iterable, which settles that wait.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  };
  const nothing = (): void => undefined;
  return {
    attach(s) {
      sink = s;
      void (async () => {
        try {
          for (;;) {
            const r = await iterator.next();
            if (ended) return;
            if (r.done) return end();
            s.event(r.value, nothing);
          }
        } catch (err) {
          end(err instanceof Error ? err : new Error(String(err)));
        }
      })();
    },
    close: () => end(),
  };
}
