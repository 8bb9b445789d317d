import { EventBus, SubscriberTooSlowError } from '../../../src/events/fanout/event-bus';
import { ZERO_ID } from '../../../src/events/log/event-id';
import type { GatewayEvent, GatewayEventOf, NewEvent } from '../../../src/events/log/event.types';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { RedisEventLog } from '../../../src/events/log/event-log.redis';
import type { EventLog } from '../../../src/events/log/event-log.types';
import type { PushSource } from '../../../src/events/fanout/shared-execution';
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
    bus = new EventBus(log, { queueLimit: 50, batchSize: 4, blockMs: 1000 });
    await bus.start();
  });
  afterEach(async () => {
    await bus.close();
    await log.close();
  });

  test('live events reach matching subscribers only, filtered on the server', async () => {
    const processing = bus.subscribe({ topic: 'orderStatusChanged', filter: (e) => e.payload.status === 'processing' });
    const stock = bus.subscribe({ topic: 'freeStockChanged' });
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
    const sub = bus.subscribe({ topic: 'orderStatusChanged', after: ids[2] });
    // Appends race the replay (batchSize 4 makes it take several reads).
    const appending = (async () => {
      for (let i = 10; i < 20; i++) ids.push((await log.append(order(i), [`r${i}`])).id);
    })();
    const got = await take(sub, 17);
    await appending;
    expect(got.map((e) => e.id)).toEqual(ids.slice(3));
    expect(got.map((e) => (e as GatewayEventOf<'orderStatusChanged'>).payload.idorder)).toEqual(Array.from({ length: 17 }, (_, i) => i + 3));
    await sub.return!();
  });

  test('after "0-0" replays the whole retained log, and filters apply to the replay', async () => {
    for (let i = 0; i < 6; i++) await log.append(order(i, i % 2 ? 'completed' : 'processing'), [`z${i}`]);
    const sub = bus.subscribe({ topic: 'orderStatusChanged', after: ZERO_ID, filter: (e) => e.payload.status === 'completed' });
    const got = await take(sub, 3);
    expect(got.map((e) => e.payload.idorder)).toEqual([1, 3, 5]);
    await sub.return!();
  });

  test('a subscriber that does not keep up is ended as too slow; a fast one keeps receiving', async () => {
    const slow = bus.subscribe({ topic: 'orderStatusChanged' });
    const fast = bus.subscribe({ topic: 'orderStatusChanged' });
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
  return b.subscribe({ topic: 'orderStatusChanged' });
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
      const sub = bus.subscribe({ topic: 'orderStatusChanged' });
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

  test('windowMs must be a whole number of at least 0', () => {
    expect(() => new EventBus(makeLog(), { windowMs: -1 })).toThrow('EventBus option windowMs must be a whole number of at least 0, got -1.');
    expect(() => new EventBus(makeLog(), { windowMs: 1.5 })).toThrow(RangeError);
  });
});

describe('EventSubscriber.attach (push instead of next)', () => {
  test('is refused while events wait for next() or a replay runs; once attached, events and the end are pushed', async () => {
    const log = watched(new MemoryEventLog());
    const bus = new EventBus(log, { blockMs: 1000 });
    await bus.start();
    try {
      const live = bus.subscribe({ topic: 'orderStatusChanged' });
      const first = await log.append(order(1), ['a1']);
      const replaying = bus.subscribe({ topic: 'orderStatusChanged', after: ZERO_ID }) as unknown as PushSource;
      const pushed: string[] = [];
      const ends: Array<Error | undefined> = [];
      const sink = { event: (e: unknown) => pushed.push((e as { id: string }).id), end: (err?: Error) => ends.push(err) };
      expect(replaying.attach(sink)).toBe(false); // it must replay through next() first

      // The bus hands what a read returned to the subscribers in the same turn.
      await log.tailed(first.id);
      await nextTurn();
      expect((live as unknown as PushSource).attach(sink)).toBe(false); // 1 is queued for next()
      expect((await live.next()).value?.id).toBe(first.id);
      expect((live as unknown as PushSource).attach(sink)).toBe(true);

      const second = await log.append(order(2), ['a2']);
      await until(() => pushed.length > 0, 'the second event to be pushed to the sink');
      expect(pushed).toEqual([second.id]);
      await live.return!();
      expect(ends).toEqual([undefined]);
      expect(await (replaying as unknown as AsyncIterator<{ id: string }>).next()).toMatchObject({ value: { id: first.id } });
    } finally {
      await bus.close();
      await log.close();
    }
  });

  test('a failure (too slow, bus closed) reaches the attached sink as its end', async () => {
    const log = new MemoryEventLog();
    const bus = new EventBus(log, { blockMs: 1000 });
    await bus.start();
    const sub = bus.subscribe({ topic: 'orderStatusChanged' }) as unknown as PushSource & { fail(err: Error): void };
    const ends: Array<Error | undefined> = [];
    expect(sub.attach({ event: () => undefined, end: (err) => ends.push(err) })).toBe(true);
    const why = new SubscriberTooSlowError('1 queued events');
    sub.fail(why);
    expect(ends).toEqual([why]);
    expect(bus.subscriberCount()).toBe(0);
    await bus.close();
    await log.close();
  });
});
