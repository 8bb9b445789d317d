import { EventBus } from '../../../src/events/fanout/event-bus';
import { pull, SubscriberTooSlowError, type PushSink } from '../../../src/events/fanout/push';
import { ZERO_ID } from '../../../src/events/log/event-id';
import type { GatewayEvent, GatewayEventOf, NewEvent } from '../../../src/events/log/event.types';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { RedisEventLog } from '../../../src/events/log/event-log.redis';
import type { EventLog } from '../../../src/events/log/event-log.types';
import { eventsRedis } from '../../helpers/events-redis';
import { nextTurn, until } from '../../helpers/until';

const env = eventsRedis('event-bus');
afterAll(() => env.cleanup());

let n = 0;
function order(idorder: number, status = 'processing'): NewEvent {
  return { topic: 'orderStatusChanged', payload: { idorder, orderid: `O-${idorder}`, status } };
}

/**
 * A log whose tail reads can be awaited: `tailed(id)` resolves once a blocking read (the bus's
 * tail; replays and the fan-out window's follow-up read do not block) has returned event `id`.
 * Tests wait for that instead of sleeping and hoping the bus got there.
 */
function watched(inner: EventLog): EventLog & { tailed(id: string): Promise<void> } {
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  return {
    append: (event, keys) => inner.append(event, keys),
    lastId: () => inner.lastId(),
    close: () => inner.close(),
    async read(after, opts): Promise<GatewayEvent[]> {
      const events = await inner.read(after, opts);
      if (opts?.blockMs !== undefined) {
        for (const e of events) {
          seen.add(e.id);
          waiting.get(e.id)?.();
        }
      }
      return events;
    },
    tailed(id: string): Promise<void> {
      if (seen.has(id)) return Promise.resolve();
      return new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}

async function take<T>(it: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe.each([
  ['memory', (): EventLog => new MemoryEventLog()],
  ['redis', (): EventLog => new RedisEventLog({ redis: env.redis, keyPrefix: `${env.prefix}${++n}:` })],
])('EventBus over %s log', (_name, makeLog) => {
  let log: EventLog;
  let bus: EventBus;
  beforeEach(async () => {
    log = makeLog();
    bus = new EventBus(log, { maxPendingEvents: 50, batchSize: 4, blockMs: 1000 });
    await bus.start();
  });
  afterEach(async () => {
    await bus.close();
    await log.close();
  });

  test('live events reach matching subscribers only, filtered on the server', async () => {
    const processing = pull(bus.subscribe({ topic: 'orderStatusChanged', filter: (e) => e.payload.status === 'processing' }));
    const stock = pull(bus.subscribe({ topic: 'freeStockChanged' }));
    await log.append(order(1, 'completed'), ['a']);
    const { id } = await log.append(order(2, 'processing'), ['b']);
    const [got] = await take(processing, 1);
    expect(got).toEqual({ id, topic: 'orderStatusChanged', payload: { idorder: 2, orderid: 'O-2', status: 'processing' } });
    expect(bus.subscriberCount()).toBe(2);
    await stock.return!();
    await processing.return!();
    expect(bus.subscriberCount()).toBe(0);
  });

  test('after: replays what was missed, then continues live, with no gap and no repeat', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await log.append(order(i), [`r${i}`])).id);
    const sub = pull(bus.subscribe({ topic: 'orderStatusChanged', after: ids[2] }));
    // Appends race the replay (batchSize 4 makes it take several reads).
    const appending = (async () => {
      for (let i = 10; i < 20; i++) ids.push((await log.append(order(i), [`r${i}`])).id);
    })();
    const got = await take(sub, 17);
    await appending;
    expect(got.map((e) => e.id)).toEqual(ids.slice(3));
    expect(got.map((e) => e.payload.idorder)).toEqual(Array.from({ length: 17 }, (_, i) => i + 3));
    await sub.return!();
  });

  test('after "0-0" replays the whole retained log, and filters apply to the replay', async () => {
    for (let i = 0; i < 6; i++) await log.append(order(i, i % 2 ? 'completed' : 'processing'), [`z${i}`]);
    const sub = pull(bus.subscribe({ topic: 'orderStatusChanged', after: ZERO_ID, filter: (e) => e.payload.status === 'completed' }));
    const got = await take(sub, 3);
    expect(got.map((e) => e.payload.idorder)).toEqual([1, 3, 5]);
    await sub.return!();
  });

  test('a subscriber that does not keep up is ended as too slow; a fast one keeps receiving', async () => {
    const slow = pull(bus.subscribe({ topic: 'orderStatusChanged' }));
    const fast = pull(bus.subscribe({ topic: 'orderStatusChanged' }));
    const received: number[] = [];
    const fastDone = (async () => {
      for await (const e of fast) {
        received.push(e.payload.idorder);
        if (received.length === 80) break;
      }
    })();
    for (let i = 0; i < 80; i++) await log.append(order(i), [`s${i}`]);
    await fastDone;
    expect(received).toEqual(Array.from({ length: 80 }, (_, i) => i));
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriberTooSlowError);
    expect(await slow.next()).toEqual({ value: undefined, done: true });
  });
});

describe('two replicas on one Redis prefix', () => {
  test('an event appended on one replica reaches a subscriber on the other', async () => {
    const keyPrefix = `${env.prefix}shared:`;
    const logA = new RedisEventLog({ redis: env.redis, keyPrefix });
    const logB = new RedisEventLog({ redis: env.redis, keyPrefix });
    const busA = new EventBus(logA, { blockMs: 1000 });
    const busB = new EventBus(logB, { blockMs: 1000 });
    await Promise.all([busA.start(), busB.start()]);
    try {
      const onB = bus(busB);
      const first = await logA.append(order(41), ['x1']);
      const dup = await logB.append(order(41), ['x1']); // the same retry arriving at replica B
      expect(dup).toEqual({ id: first.id, duplicate: true });
      const second = await logA.append(order(42), ['x2']);
      const got = await take(onB, 2);
      expect(got.map((e) => e.id)).toEqual([first.id, second.id]);
      await onB.return!();
    } finally {
      await Promise.all([busA.close(), busB.close()]);
      await Promise.all([logA.close(), logB.close()]);
    }
  });
});

function bus(b: EventBus): AsyncIterableIterator<GatewayEventOf<'orderStatusChanged'>> {
  return pull(b.subscribe({ topic: 'orderStatusChanged' }));
}

describe.each([
  ['memory', (): EventLog => new MemoryEventLog()],
  ['redis', (): EventLog => new RedisEventLog({ redis: env.redis, keyPrefix: `${env.prefix}${++n}:` })],
])('EventBus with a fan-out window over %s log', (_name, makeLog) => {
  test('an event waits for the window, and what arrives meanwhile is handed over with it, in order and complete', async () => {
    const log = watched(makeLog());
    // batchSize 4: six events take the window read plus further reads; none may be lost or repeated.
    const bus = new EventBus(log, { windowMs: 500, batchSize: 4, blockMs: 1000 });
    await bus.start();
    try {
      const sub = bus.subscribe({ topic: 'orderStatusChanged' });
      const got: string[] = [];
      const reading = (async () => {
        for await (const e of sub) {
          got.push(e.id);
          if (got.length === 6) break;
        }
      })();
      const ids = [(await log.append(order(1), ['w1'])).id];
      // The bus has read the event; one turn later, without a window, it would have reached `got`.
      await log.tailed(ids[0]);
      await nextTurn();
      expect(got).toEqual([]); // held by the window, not lost: it comes with the others
      for (let i = 2; i <= 6; i++) ids.push((await log.append(order(i), [`w${i}`])).id);
      await reading;
      expect(got).toEqual(ids);
    } finally {
      await bus.close();
      await log.close();
    }
  });

  test('close() during the window ends subscribers and clears the window timer', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const log = watched(makeLog());
    const bus = new EventBus(log, { windowMs: 60_000, blockMs: 1000 });
    try {
      await bus.start();
      const sub = pull(bus.subscribe({ topic: 'orderStatusChanged' }));
      const next = sub.next();
      const { id } = await log.append(order(7), ['c7']);
      // The bus has read the event, and by the next turn it is waiting out its 60 s window.
      await log.tailed(id);
      await nextTurn();
      const during = timers();
      await bus.close();
      // Exactly one timer fewer: the window's, so nothing keeps a closing process up for a minute.
      expect(timers()).toBe(during - 1);
      expect(await next).toEqual({ value: undefined, done: true });
    } finally {
      await bus.close();
      await log.close();
    }
  });

  test('windowMs must be a whole number of at least 0', async () => {
    // The refused bus never owns the log: close it here, or its connections keep jest running.
    const log = makeLog();
    try {
      expect(() => new EventBus(log, { windowMs: -1 })).toThrow('EventBus option windowMs must be a whole number of at least 0, got -1.');
      expect(() => new EventBus(log, { windowMs: 1.5 })).toThrow(RangeError);
    } finally {
      await log.close();
    }
  });
});

describe('EventSubscriber.attach: events pushed to a sink', () => {
  /** A sink that records what it got and holds each event's `done` until the test calls it. */
  function recorder(): PushSink<GatewayEvent> & { ids: string[]; ends: Array<Error | undefined>; finish(n: number): void } {
    const waiting: Array<() => void> = [];
    return {
      ids: [],
      ends: [],
      event(e, done) {
        this.ids.push(e.id);
        waiting.push(done);
      },
      end(err) {
        this.ends.push(err);
      },
      finish(n) {
        for (const done of waiting.splice(0, n)) done();
      },
    };
  }
  let log: ReturnType<typeof watched>;
  let bus: EventBus;
  const open = async (opts: { maxPendingEvents?: number; batchSize?: number } = {}): Promise<void> => {
    log = watched(new MemoryEventLog());
    bus = new EventBus(log, { blockMs: 1000, ...opts });
    await bus.start();
  };
  afterEach(async () => {
    await bus.close();
    await log.close();
  });

  test('events that arrive before the sink is attached are handed over at attach, then live ones; the end is pushed', async () => {
    await open();
    const sub = bus.subscribe({ topic: 'orderStatusChanged' });
    const first = await log.append(order(1), ['a1']);
    await log.tailed(first.id);
    await nextTurn();
    const sink = recorder();
    sub.attach(sink);
    expect(sink.ids).toEqual([first.id]);
    expect(() => sub.attach(recorder())).toThrow('a subscription has one consumer');

    const second = await log.append(order(2), ['a2']);
    await until(() => sink.ids.length === 2, 'the second event to be pushed to the sink');
    expect(sink.ids).toEqual([first.id, second.id]);
    sub.close();
    expect(sink.ends).toEqual([undefined]);
    expect(bus.subscriberCount()).toBe(0);
  });

  test('a sink that stops calling done is cut off past maxPendingEvents, like a socket that stops reading', async () => {
    await open({ maxPendingEvents: 3 });
    const stalled = recorder();
    const keeping = recorder();
    bus.subscribe({ topic: 'orderStatusChanged' }).attach(stalled);
    bus.subscribe({ topic: 'orderStatusChanged' }).attach({
      ...keeping,
      event: (e, done) => {
        keeping.ids.push(e.id);
        done();
      },
    });
    for (let i = 1; i <= 6; i++) await log.append(order(i), [`p${i}`]);
    await until(() => keeping.ids.length === 6, 'the sink that keeps up to get all six');
    expect(stalled.ids).toHaveLength(3);
    expect(stalled.ends).toEqual([new SubscriberTooSlowError(3)]);
    expect(stalled.ends[0]).toBeInstanceOf(SubscriberTooSlowError);
    expect(bus.subscriberCount()).toBe(1);
  });

  test('a replay pushes its next page only once the sink is done with the last, then goes live without gap or repeat', async () => {
    await open({ batchSize: 4, maxPendingEvents: 5 });
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) ids.push((await log.append(order(i), [`r${i}`])).id);
    // Subscribed once the bus has handed these over live: else they would be held for the
    // subscriber meanwhile, and held events count against the limit too.
    await log.tailed(ids[9]);
    await nextTurn();
    const sink = recorder();
    bus.subscribe({ topic: 'orderStatusChanged', after: ZERO_ID }).attach(sink);
    await until(() => sink.ids.length === 4, 'the first page');
    await nextTurn();
    expect(sink.ids).toHaveLength(4); // ten events, a limit of five: the replay waits, it is not cut off
    sink.finish(4);
    await until(() => sink.ids.length === 8, 'the second page');
    sink.finish(4);
    await until(() => sink.ids.length === 10, 'the last page');
    sink.finish(2);
    const live = await log.append(order(11), ['r11']);
    await until(() => sink.ids.length === 11, 'the live event');
    expect(sink.ids).toEqual([...ids, live.id]);
    expect(sink.ends).toEqual([]);
  });

  test('a failure (too slow, bus closed) reaches the attached sink as its end', async () => {
    await open();
    const sub = bus.subscribe({ topic: 'orderStatusChanged' });
    const sink = recorder();
    sub.attach(sink);
    const why = new SubscriberTooSlowError(1);
    sub.fail(why);
    expect(sink.ends).toEqual([why]);
    expect(bus.subscriberCount()).toBe(0);
  });
});
