import type { Logger } from '../../logger';
import { startSpan } from '../../util/tracing';
import type { EventTopic, GatewayEvent } from '../log/event.types';
import type { EventLog } from '../log/event-log.types';
import { EventSubscriber, type SubscriberOptions } from './event-subscriber';

export type { SubscriberOptions };

export interface EventBusOptions {
  /**
   * The fan-out's one "too slow" limit: events one subscriber may have pending — held for it,
   * handed to it and not yet taken by its consumer, or not yet written out to its socket — before
   * it is ended with SubscriberTooSlowError (a WebSocket is then closed with 4429). Default 1000.
   */
  maxPendingEvents?: number;
  /** Events per log read, for the tail and for replays. Default 500. */
  batchSize?: number;
  /** Longest single blocking read of the tail; bounds how long a closed log takes to notice. Default 5000 ms. */
  blockMs?: number;
  /**
   * After a read returns events, wait this long and take what else arrived before handing them
   * over, so events that come together (the products of one closed picklist) reach each
   * subscriber's socket in one write. Adds up to this much latency; 0 hands over at once. Default 0.
   */
  windowMs?: number;
  logger?: Logger;
}

/** What the GraphQL context carries under `services.events` (src/context.ts puts it there). */
export interface EventServices {
  log: EventLog;
  bus: EventBus;
}

/**
 * Per-replica fan-out. Each replica tails the shared log (Redis: XREAD BLOCK on its own
 * connection; memory: woken by the append) and hands every event to the local subscribers of its
 * topic. Delivery to a subscriber never waits: it is pushed (push.ts), and a subscriber with more
 * than `maxPendingEvents` pending is ended with SubscriberTooSlowError, so a slow client cannot
 * slow the others or grow memory.
 *
 * Shut down with `close()` before closing the log (closing the log wakes the blocked read).
 */
export class EventBus {
  private readonly opts: Required<Omit<EventBusOptions, 'logger'>>;
  private readonly logger?: Logger;
  private readonly byTopic = new Map<EventTopic, Set<EventSubscriber<EventTopic>>>();
  private cursor = '0-0';
  private running?: Promise<void>;
  private closed = false;
  private sleeping?: { timer: NodeJS.Timeout; resolve: () => void };
  private readonly dispatchListeners = new Set<(event: GatewayEvent) => void>();

  constructor(
    private readonly log: EventLog,
    opts: EventBusOptions = {},
  ) {
    this.opts = {
      maxPendingEvents: opts.maxPendingEvents ?? 1000,
      batchSize: opts.batchSize ?? 500,
      blockMs: opts.blockMs ?? 5000,
      windowMs: opts.windowMs ?? 0,
    };
    for (const [k, v] of Object.entries(this.opts)) {
      const least = k === 'windowMs' ? 0 : 1;
      if (!Number.isSafeInteger(v) || v < least) throw new RangeError(`EventBus option ${k} must be a whole number of at least ${least}, got ${v}.`);
    }
    this.logger = opts.logger;
  }

  /** Starts tailing from the log's current end. Idempotent. */
  async start(): Promise<void> {
    if (this.running || this.closed) return;
    this.cursor = await this.log.lastId();
    this.running = this.tail();
  }

  /**
   * Events of `topic` that pass `filter`: first those after `after` still in the log (replay),
   * then live ones, with no gap and no repeat across the switch. Attach a sink to have them pushed
   * (PushSource), or iterate it. Ends with SubscriberTooSlowError past `maxPendingEvents`;
   * `close()` (or the iterator's `return()`) unsubscribes.
   */
  subscribe<T extends EventTopic>(opts: SubscriberOptions<T>): EventSubscriber<T> {
    if (this.closed) throw new Error('EventBus is closed; subscribe before close().');
    const sub = new EventSubscriber<T>(opts, this.log, { maxPendingEvents: this.opts.maxPendingEvents, replayBatch: this.opts.batchSize }, (s) =>
      this.byTopic.get(s.topic)?.delete(s as unknown as EventSubscriber<EventTopic>),
    );
    let set = this.byTopic.get(opts.topic);
    if (!set) this.byTopic.set(opts.topic, (set = new Set()));
    set.add(sub as unknown as EventSubscriber<EventTopic>);
    return sub;
  }

  /** Whether the bus tails the log: started and not closed (/readyz's `eventLog` check). */
  get consuming(): boolean {
    return this.running !== undefined && !this.closed;
  }

  /** Live subscribers on this replica (for metrics and tests). */
  subscriberCount(): number {
    let n = 0;
    for (const set of this.byTopic.values()) n += set.size;
    return n;
  }

  /**
   * Adds a listener told of every event this replica reads from the log, as it hands it to its
   * subscribers (metrics: the append-to-fan-out lag; tracing). Returns its removal.
   */
  onDispatch(listener: (event: GatewayEvent) => void): () => void {
    this.dispatchListeners.add(listener);
    return () => void this.dispatchListeners.delete(listener);
  }

  /** Stops tailing and ends every subscriber. Close the log afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.resolve();
    }
    for (const set of this.byTopic.values()) for (const s of set) s.end();
    this.byTopic.clear();
  }

  private async tail(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        let batch = await this.log.read(this.cursor, { count: this.opts.batchSize, blockMs: this.opts.blockMs });
        if (this.opts.windowMs > 0 && batch.length > 0 && batch.length < this.opts.batchSize) {
          // A fan-out to many sockets costs one write per socket per turn, whatever the number of
          // frames: events that arrive within the window share that write (see windowMs).
          await this.sleep(this.opts.windowMs);
          if (!this.closed) batch = batch.concat(await this.log.read(batch[batch.length - 1].id, { count: this.opts.batchSize - batch.length }));
        }
        failures = 0;
        for (const event of batch) {
          this.cursor = event.id;
          this.dispatch(event);
        }
      } catch (err) {
        if (this.closed) break;
        failures += 1;
        // Capped exponential back-off while Redis is away; events wait in the log meanwhile.
        const ms = Math.min(5000, 50 * 2 ** failures);
        this.logger?.warn({ err, failures, retryInMs: ms }, 'event bus: reading the event log failed');
        await this.sleep(ms);
      }
    }
  }

  /** Waits `ms`, or less if the bus is closed meanwhile. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => (this.sleeping = { timer: setTimeout(resolve, ms), resolve }));
    this.sleeping = undefined;
  }

  private dispatch(event: GatewayEvent): void {
    for (const l of this.dispatchListeners) l(event);
    const set = this.byTopic.get(event.topic);
    if (!set) return;
    if (!event.trace) {
      for (const sub of set) sub.offer(event);
      return;
    }
    // The delivery that appended the event is in another trace (maybe on another replica): link it.
    const span = startSpan(`fan-out ${event.topic}`, {
      kind: 'consumer',
      links: [event.trace],
      attributes: { 'gateway.event.topic': event.topic, 'gateway.subscribers': set.size },
    });
    span.run(() => {
      for (const sub of set) sub.offer(event);
    });
    span.end();
  }
}

/** Builds a bus and starts it. */
export async function createEventBus(log: EventLog, opts?: EventBusOptions): Promise<EventBus> {
  const bus = new EventBus(log, opts);
  await bus.start();
  return bus;
}
