import { GraphQLBoolean, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, execute, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { EventBus } from '../../../src/events/fanout/event-bus';
import { SubscriberTooSlowError } from '../../../src/events/fanout/push';
import type { GatewayEventOf } from '../../../src/events/log/event.types';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { createSharedSubscribe, SharedResultStream } from '../../../src/events/fanout/shared-execution';
import { until } from '../../helpers/until';

/**
 * SharedResultStream on a small graphql-js schema with a real async source: the payload JSON that
 * ws-server.ts puts behind each subscriber's id, one execution per event and operation key, and
 * how the stream ends (unsubscribe, a refusing `send`).
 */

interface Tick {
  n: number;
}

/** A source whose events the test pushes, and which records that it was ended. */
class Source implements AsyncIterableIterator<Tick> {
  private pending: Array<(r: IteratorResult<Tick>) => void> = [];
  private queued: Tick[] = [];
  ended = false;
  push(tick: Tick): void {
    const waiter = this.pending.shift();
    if (waiter) waiter({ value: tick, done: false });
    else this.queued.push(tick);
  }
  async next(): Promise<IteratorResult<Tick>> {
    if (this.queued.length) return { value: this.queued.shift()!, done: false };
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve) => this.pending.push(resolve));
  }
  async return(): Promise<IteratorResult<Tick>> {
    this.ended = true;
    for (const w of this.pending.splice(0)) w({ value: undefined, done: true });
    return { value: undefined, done: true };
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

const sources: Source[] = [];
const TickType = new GraphQLObjectType({
  name: 'Tick',
  fields: {
    n: { type: GraphQLInt },
    bad: {
      type: GraphQLString,
      resolve: (t: Tick) => {
        if (t.n % 2 === 0) throw new Error(`even tick ${t.n}`);
        return 'odd';
      },
    },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      tick: {
        type: TickType,
        args: { refuse: { type: GraphQLBoolean } },
        subscribe: (_root: unknown, args: { refuse?: boolean }) => {
          if (args.refuse) throw new Error('not for you');
          const s = new Source();
          sources.push(s);
          return s;
        },
        resolve: (t: unknown) => t,
      },
      // For the push-path tests below: a real event bus subscriber as the source.
      order: {
        type: new GraphQLObjectType({ name: 'Order', fields: { idorder: { type: GraphQLInt } } }),
        args: { after: { type: GraphQLString } },
        subscribe: (_root: unknown, args: { after?: string }) => bus.subscribe({ topic: 'orderStatusChanged', after: args.after }),
        resolve: (e: unknown) => (e as GatewayEventOf<'orderStatusChanged'>).payload,
      },
    },
  }),
});
let bus: EventBus;

const SUBSCRIPTION = 'subscription { tick { n bad } }';
const document = parse(SUBSCRIPTION);
const caller = { caller: { name: 'screen', scopes: new Set(['stock:read']) } };

function counted(): { executions: () => number; subscribe: ReturnType<typeof createSharedSubscribe> } {
  let n = 0;
  const subscribe = createSharedSubscribe({
    execute: (args: ExecutionArgs) => {
      n += 1;
      return execute(args);
    },
  });
  return { executions: () => n, subscribe };
}

async function open(subscribe: ReturnType<typeof createSharedSubscribe>): Promise<SharedResultStream> {
  const stream = await subscribe({ schema, document, contextValue: { ...caller } });
  if (!(stream instanceof SharedResultStream)) throw new Error('expected a stream');
  return stream;
}

async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

beforeEach(() => {
  sources.length = 0;
});

test("deliverTo hands every subscriber the same payload JSON, executed once per event, in graphql-ws's format", async () => {
  const { executions, subscribe } = counted();
  const a = await open(subscribe);
  const b = await open(subscribe);
  const bytesA: Buffer[] = [];
  const bytesB: Buffer[] = [];
  const doneA = a.deliverTo((payload) => bytesA.push(payload)).next();
  const doneB = b.deliverTo((payload) => bytesB.push(payload)).next();
  // A source that is not the bus (this test's Source) paces itself: `done` is not needed here.

  const ticks = [{ n: 1 }, { n: 2 }];
  for (const t of ticks) for (const s of sources) s.push(t); // the bus hands the same object to every subscriber
  await settle();

  // One encoding per event: both subscribers get the very same bytes.
  expect(bytesA).toHaveLength(2);
  bytesA.forEach((payload, k) => expect(payload).toBe(bytesB[k]));
  const gotA = bytesA.map((payload) => payload.toString('utf8'));
  expect(executions()).toBe(2);
  expect(JSON.parse(gotA[0])).toEqual({ data: { tick: { n: 1, bad: 'odd' } } });
  // graphql-ws sends the result with `errors` last, each error as its toJSON().
  expect(gotA[1].startsWith('{"data":')).toBe(true);
  expect(JSON.parse(gotA[1])).toEqual({
    data: { tick: { n: 2, bad: null } },
    errors: [{ message: 'even tick 2', locations: [{ line: 1, column: SUBSCRIPTION.indexOf('bad') + 1 }], path: ['tick', 'bad'] }],
  });

  a.close();
  b.close();
  expect(await doneA).toEqual({ value: undefined, done: true });
  expect(await doneB).toEqual({ value: undefined, done: true });
  expect(sources.every((s) => s.ended)).toBe(true);
});

test('as an iterator it yields the ExecutionResults, like graphql-js subscribe', async () => {
  const { subscribe } = counted();
  const results = (await open(subscribe))[Symbol.asyncIterator]();
  sources[0].push({ n: 3 });
  const first = await results.next();
  expect(first.done).toBe(false);
  expect((first.value as ExecutionResult).data).toEqual({ tick: { n: 3, bad: 'odd' } });
  await results.return!();
  expect(sources[0].ended).toBe(true);
  expect(await results.next()).toEqual({ value: undefined, done: true });
});

test('a send that throws ends the source and rejects with its error', async () => {
  const { subscribe } = counted();
  const stream = await open(subscribe);
  const refusal = new Error('socket over its limit');
  let sends = 0;
  const pending = stream
    .deliverTo(() => {
      sends += 1;
      if (sends === 2) throw refusal;
    })
    .next();
  sources[0].push({ n: 1 });
  sources[0].push({ n: 3 });
  sources[0].push({ n: 5 });
  await expect(pending).rejects.toBe(refusal);
  expect(sends).toBe(2); // nothing after the refusal
  expect(sources[0].ended).toBe(true);
});

test('a subscription refused at subscribe time is a plain ExecutionResult, not a stream', async () => {
  const { subscribe } = counted();
  const refused = await subscribe({ schema, document: parse('subscription { tick(refuse: true) { n } }'), contextValue: caller });
  expect(refused).not.toBeInstanceOf(SharedResultStream);
  expect((refused as ExecutionResult).errors?.[0].message).toBe('not for you');
  expect(sources).toHaveLength(0);
});

/**
 * The push path: the source is a real EventBus subscriber (memory log), which hands events over
 * synchronously once live. `execute` is wrapped to hold chosen executions back, so results can
 * settle out of event order.
 */
describe('deliverTo with a source that pushes (the event bus)', () => {
  let log: MemoryEventLog;
  /** idorder -> a promise its execution waits for first. */
  const holds = new Map<number, Promise<void>>();
  let failOn: number | undefined;
  const subscribe = createSharedSubscribe({
    execute: async (args: ExecutionArgs) => {
      const id = (args.rootValue as GatewayEventOf<'orderStatusChanged'>).payload.idorder;
      await holds.get(id);
      if (id === failOn) throw new Error(`execution of ${id} failed`);
      return execute(args);
    },
  });
  const openOrders = async (query = 'subscription { order { idorder } }'): Promise<SharedResultStream> => {
    const stream = await subscribe({ schema, document: parse(query), contextValue: { ...caller } });
    if (!(stream instanceof SharedResultStream)) throw new Error('expected a stream');
    return stream;
  };
  const append = (idorder: number): Promise<unknown> =>
    log.append({ topic: 'orderStatusChanged', payload: { idorder, orderid: `O-${idorder}`, status: 'processing' } }, [`p${idorder}-${Math.random()}`]);
  const ids = (got: Buffer[]): number[] => got.map((b) => JSON.parse(b.toString()).data.order.idorder);
  /** A `send` that takes each payload at once, as a socket that keeps up does. */
  const collect =
    (got: Buffer[]) =>
    (payload: Buffer, done: () => void): void => {
      got.push(payload);
      done();
    };

  beforeEach(async () => {
    log = new MemoryEventLog();
    bus = new EventBus(log, { blockMs: 1000 });
    await bus.start();
    holds.clear();
    failOn = undefined;
  });
  afterEach(async () => {
    await bus.close();
    await log.close();
  });

  test('results go out in event order even when a later execution settles first', async () => {
    const stream = await openOrders();
    const got: Buffer[] = [];
    void stream.deliverTo(collect(got)).next();
    let release!: () => void;
    holds.set(1, new Promise<void>((r) => (release = r)));
    await append(1);
    await append(2);
    await until(() => bus.subscriberCount() === 1 && got.length === 0, 'the subscription to register, nothing delivered');
    await settle();
    expect(got).toEqual([]); // 2 is executed, but waits behind 1
    release();
    await until(() => got.length === 2, 'both events');
    expect(ids(got)).toEqual([1, 2]);
    stream.close();
    expect(bus.subscriberCount()).toBe(0);
  });

  test('many subscribers of one key share one execution per event and all get every event', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => openOrders()));
    const got = streams.map(() => [] as Buffer[]);
    streams.forEach((s, k) => void s.deliverTo(collect(got[k])).next());
    for (let i = 1; i <= 5; i++) await append(i);
    await until(() => got.every((g) => g.length === 5), 'five events at every subscriber');
    for (const g of got) expect(ids(g)).toEqual([1, 2, 3, 4, 5]);
    got.forEach((g) => g.forEach((payload, k) => expect(payload).toBe(got[0][k])));
    for (const s of streams) s.close();
  });

  test('an execution that throws ends the subscription with that error and unregisters it', async () => {
    const stream = await openOrders();
    const got: Buffer[] = [];
    const pending = stream.deliverTo(collect(got)).next();
    failOn = 2;
    await append(1);
    await append(2);
    await append(3);
    await expect(pending).rejects.toThrow('execution of 2 failed');
    expect(ids(got)).toEqual([1]);
    expect(bus.subscriberCount()).toBe(0);
  });

  test('a send that throws ends the subscription and unregisters it from the bus', async () => {
    const stream = await openOrders();
    const refusal = new Error('socket over its limit');
    const pending = stream
      .deliverTo(() => {
        throw refusal;
      })
      .next();
    await append(1);
    await expect(pending).rejects.toBe(refusal);
    expect(bus.subscriberCount()).toBe(0);
  });

  test('results that cannot be executed fast enough pile up to a limit, then the subscriber is too slow', async () => {
    const stream = await openOrders();
    const pending = stream.deliverTo(() => undefined).next();
    holds.set(1, new Promise<void>(() => undefined)); // never settles: everything queues behind it
    for (let i = 1; i <= 1001; i++) await append(i);
    await expect(pending).rejects.toBeInstanceOf(SubscriberTooSlowError);
    expect(bus.subscriberCount()).toBe(0);
  });

  test('after: replayed events come first, then live ones, without gap or repeat', async () => {
    for (let i = 1; i <= 3; i++) await append(i);
    const stream = await openOrders('subscription { order(after: "0-0") { idorder } }');
    const got: Buffer[] = [];
    void stream.deliverTo(collect(got)).next();
    for (let i = 4; i <= 6; i++) await append(i);
    await until(() => got.length >= 6, 'six events');
    await settle();
    expect(ids(got)).toEqual([1, 2, 3, 4, 5, 6]);
    stream.close();
  });
});
