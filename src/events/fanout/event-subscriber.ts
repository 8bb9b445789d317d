import { compareEventIds } from '../log/event-id';
import type { EventTopic, GatewayEvent, GatewayEventOf } from '../log/event.types';
import type { EventLog } from '../log/event-log.types';
import type { PushSink, PushSource } from './shared-execution';

/** Why a subscription was cut off: it did not take events as fast as they came. */
export class SubscriberTooSlowError extends Error {
  readonly code = 'SUBSCRIBER_TOO_SLOW';
  /** @param limit the limit it went over, for operators: "1000 queued events", "1048576 unsent bytes" */
  constructor(readonly limit: string) {
    super('subscriber too slow');
    this.name = 'SubscriberTooSlowError';
  }
}

export interface SubscriberOptions<T extends EventTopic> {
  topic: T;
  /** Runs on the server for every event of the topic; only matches are delivered. */
  filter?: (event: GatewayEventOf<T>) => boolean;
  /** Replay events after this id (exclusive) from the log before going live. */
  after?: string;
}

/**
 * One subscription's iterator. It is registered for live events *before* it replays, and both
 * paths go through one cursor (the last log position covered), so an event appended while the
 * replay runs is delivered exactly once: by the replay if the read saw it, else from the buffer.
 *
 * Once live with nothing queued, a consumer may `attach` a sink instead of pulling: the bus then
 * hands each matching event to it synchronously (the WebSocket fan-out does, see
 * SharedResultStream.deliverTo), and the sink bounds its own backlog.
 *
 * @internal created by EventBus.subscribe
 */
export class EventSubscriber<T extends EventTopic> implements AsyncIterableIterator<GatewayEventOf<T>>, PushSource<GatewayEventOf<T>> {
  private readonly queue: Array<GatewayEventOf<T>> = [];
  /** Live events that arrive while replaying; merged (id > cursor) when the replay catches up. */
  private liveBuffer: Array<GatewayEventOf<T>> = [];
  private replaying: boolean;
  /** Last log id this subscriber has covered; null = live only, take whatever comes. */
  private cursor: string | null;
  /** True once the cursor came from the bus itself (not from a replay read ahead of it). */
  private inStep = false;
  private failure?: Error;
  private finished = false;
  private wake?: () => void;
  private sink?: PushSink<GatewayEventOf<T>>;

  constructor(
    private readonly opts: SubscriberOptions<T>,
    private readonly log: EventLog,
    private readonly limits: { queueLimit: number; replayBatch: number },
    private readonly onEnd: (s: EventSubscriber<T>) => void,
  ) {
    this.cursor = opts.after ?? null;
    this.replaying = opts.after !== undefined;
  }

  get topic(): T {
    return this.opts.topic;
  }

  /** Called by the bus for each live event of this topic, in log order. Never blocks. */
  offer(event: GatewayEvent): void {
    if (this.finished || !this.matches(event)) return;
    if (this.replaying) this.liveBuffer.push(event as GatewayEventOf<T>);
    else if (this.inStep || this.cursor === null || compareEventIds(event.id, this.cursor) > 0) {
      // The bus hands events over in log order: once one is taken from it, every later one is
      // newer than the cursor, and the comparison (a parse of two ids) can be skipped.
      this.inStep = true;
      this.cursor = event.id;
      if (this.sink) return this.push(event as GatewayEventOf<T>);
      this.queue.push(event as GatewayEventOf<T>);
    } else return;
    // Bounded: a subscriber that cannot keep up is cut off instead of slowing the bus or the others.
    if (this.queue.length + this.liveBuffer.length > this.limits.queueLimit) this.fail(new SubscriberTooSlowError(`${this.limits.queueLimit} queued events`));
    else this.wakeUp();
  }

  attach(sink: PushSink<GatewayEventOf<T>>): boolean {
    if (this.finished || this.failure || this.replaying || this.queue.length > 0 || this.sink) return false;
    this.sink = sink;
    return true;
  }

  async next(): Promise<IteratorResult<GatewayEventOf<T>>> {
    for (;;) {
      if (this.failure) {
        const err = this.failure;
        this.failure = undefined;
        throw err;
      }
      if (this.queue.length) return { value: this.queue.shift()!, done: false };
      if (this.finished) return { value: undefined, done: true };
      if (this.replaying) {
        await this.replayPage();
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<GatewayEventOf<T>>> {
    this.end();
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<GatewayEventOf<T>>> {
    this.end();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the iterator with an error on its next pull (used for overflow and bus shutdown). */
  fail(err: Error): void {
    if (this.finished) return;
    this.failure = err;
    this.end();
  }

  /** Ends the iterator: drops what is queued and unregisters from the bus. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.liveBuffer = [];
    this.queue.length = 0;
    this.onEnd(this);
    const sink = this.sink;
    if (sink) {
      // An attached consumer learns of the end (and a failure) at once; nobody pulls next().
      this.sink = undefined;
      const failure = this.failure;
      this.failure = undefined;
      sink.end(failure);
    }
    this.wakeUp();
  }

  private push(event: GatewayEventOf<T>): void {
    try {
      this.sink!.event(event);
    } catch (err) {
      // A sink must not throw into the bus's loop over every subscriber; end this one instead.
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async replayPage(): Promise<void> {
    const page = await this.log.read(this.cursor!, { count: this.limits.replayBatch });
    for (const e of page) {
      this.cursor = e.id;
      if (this.matches(e)) this.queue.push(e as GatewayEventOf<T>);
    }
    if (page.length < this.limits.replayBatch) {
      // Caught up with the log as of that read: merge what arrived live meanwhile, then go live.
      this.replaying = false;
      for (const e of this.liveBuffer) {
        if (compareEventIds(e.id, this.cursor!) > 0) {
          this.cursor = e.id;
          this.queue.push(e);
        }
      }
      this.liveBuffer = [];
    }
  }

  private matches(event: GatewayEvent): boolean {
    if (event.topic !== this.opts.topic) return false;
    if (!this.opts.filter) return true;
    try {
      return this.opts.filter(event as GatewayEventOf<T>);
    } catch {
      return false; // a filter that throws on odd data must not end the stream for everyone
    }
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
