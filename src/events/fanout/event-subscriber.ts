import { compareEventIds } from '../log/event-id';
import type { EventTopic, GatewayEvent, GatewayEventOf } from '../log/event.types';
import type { EventLog } from '../log/event-log.types';
import { pull, SubscriberTooSlowError, type PushSink, type PushSource } from './push';

export interface SubscriberOptions<T extends EventTopic> {
  topic: T;
  /** Runs on the server for every event of the topic; only matches are delivered. */
  filter?: (event: GatewayEventOf<T>) => boolean;
  /** Replay events after this id (exclusive) from the log before going live. */
  after?: string;
}

/**
 * One subscription: pushes its topic's matching events to the sink attached to it, first those
 * after `after` still in the log (replay), then live ones, with no gap and no repeat across the
 * switch. It is registered for live events *before* it replays, and both paths go through one
 * cursor (the last log position covered), so an event appended while the replay runs is delivered
 * exactly once: by the replay if the read saw it, else from the events held meanwhile.
 *
 * The one "too slow" rule of the fan-out lives here: events held (before the sink is attached, or
 * during the replay) plus events handed to the sink and not yet `done` may not exceed
 * `maxPendingEvents`; past it the subscription ends with SubscriberTooSlowError. A socket counts an
 * event done once its frame is written out, so a client that stops reading is cut off here too.
 *
 * Async iterable as well (through `pull`), for graphql-js's contract and consumers that take events
 * at their own pace; the WebSocket fan-out attaches directly (see SharedResultStream.deliverTo).
 *
 * @internal created by EventBus.subscribe
 */
export class EventSubscriber<T extends EventTopic> implements PushSource<GatewayEventOf<T>>, AsyncIterable<GatewayEventOf<T>> {
  /** Events that arrived before the sink was attached or while the replay runs, in log order. */
  private held: Array<GatewayEventOf<T>> = [];
  private replaying: boolean;
  /** Last log id this subscriber has covered; null = live only, take whatever comes. */
  private cursor: string | null;
  /** True once the cursor came from the bus itself (not from a replay read ahead of it). */
  private inStep = false;
  /** Events handed to the sink and not yet done. */
  private pending = 0;
  private sink?: PushSink<GatewayEventOf<T>>;
  private finished = false;
  /** Why it ended before a sink was attached; the sink's end() gets it at attach. */
  private failure?: Error;
  /** Lets the replay read its next page once the sink has finished with the last one. */
  private caughtUp?: () => void;

  constructor(
    private readonly opts: SubscriberOptions<T>,
    private readonly log: EventLog,
    private readonly limits: { maxPendingEvents: number; replayBatch: number },
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
    if (this.replaying || !this.sink) {
      this.held.push(event as GatewayEventOf<T>);
      if (this.overLimit()) this.fail(new SubscriberTooSlowError(this.limits.maxPendingEvents));
    } else if (this.inStep || this.cursor === null || compareEventIds(event.id, this.cursor) > 0) {
      // The bus hands events over in log order: once one is taken from it, every later one is
      // newer than the cursor, and the comparison (a parse of two ids) can be skipped.
      this.inStep = true;
      this.cursor = event.id;
      this.deliver(event as GatewayEventOf<T>);
    }
  }

  attach(sink: PushSink<GatewayEventOf<T>>): void {
    if (this.sink) throw new Error('EventSubscriber.attach: a sink is attached already; a subscription has one consumer.');
    this.sink = sink;
    if (this.finished) {
      this.endSink();
    } else if (this.replaying) {
      void this.replay();
    } else {
      this.handOverHeld();
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<GatewayEventOf<T>> {
    return pull(this);
  }

  close(): void {
    this.end();
  }

  /** Ends the subscription with `err` (used for overflow, a failed replay read). */
  fail(err: Error): void {
    if (this.finished) return;
    this.failure = err;
    this.end();
  }

  /** Ends the subscription: drops what is held, unregisters from the bus, tells the sink. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.held = [];
    this.onEnd(this);
    this.wakeReplay();
    if (this.sink) this.endSink();
  }

  /** The sink's `done`: one per event it has finished with. Bound once, passed with every event. */
  private readonly done = (): void => {
    if (this.pending > 0) this.pending -= 1;
    if (this.pending === 0) this.wakeReplay();
  };

  private deliver(event: GatewayEventOf<T>): void {
    this.pending += 1;
    // Bounded: a subscriber that cannot keep up is cut off instead of slowing the bus or the others.
    if (this.overLimit()) return this.fail(new SubscriberTooSlowError(this.limits.maxPendingEvents));
    try {
      this.sink!.event(event, this.done);
    } catch (err) {
      // A sink must not throw into the bus's loop over every subscriber; end this one instead.
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private overLimit(): boolean {
    return this.pending + this.held.length > this.limits.maxPendingEvents;
  }

  /**
   * Pushes the log after the cursor page by page, each page once the sink has finished with the
   * previous one (so a replay never trips the limit by itself, only a consumer that stops taking
   * does), then what arrived live meanwhile, and goes live.
   */
  private async replay(): Promise<void> {
    try {
      for (;;) {
        if (this.pending > 0) await new Promise<void>((resolve) => (this.caughtUp = resolve));
        if (this.finished) return;
        const page = await this.log.read(this.cursor!, { count: this.limits.replayBatch });
        for (const e of page) {
          if (this.finished) return;
          this.cursor = e.id;
          if (this.matches(e)) this.deliver(e as GatewayEventOf<T>);
        }
        // A short page: caught up with the log as of that read.
        if (page.length < this.limits.replayBatch) break;
      }
      if (this.finished) return;
      this.replaying = false;
      this.handOverHeld();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Delivers the held events the cursor has not covered yet (they came from the bus, in order). */
  private handOverHeld(): void {
    const held = this.held;
    this.held = [];
    for (const e of held) {
      if (this.finished) return;
      if (this.cursor !== null && compareEventIds(e.id, this.cursor) <= 0) continue;
      this.inStep = true;
      this.cursor = e.id;
      this.deliver(e);
    }
  }

  private endSink(): void {
    const sink = this.sink!;
    const failure = this.failure;
    this.failure = undefined;
    sink.end(failure);
  }

  private wakeReplay(): void {
    const w = this.caughtUp;
    this.caughtUp = undefined;
    w?.();
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
}
