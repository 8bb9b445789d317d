import {
  GraphQLBoolean, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, execute, parse,
  type ExecutionArgs, type ExecutionResult,
} from 'graphql';
import { createSharedSubscribe, SharedResultStream } from '../../src/subscriptions/shared-execution';

/**
 * SharedResultStream on a small graphql-js schema with a real async source: the payload JSON that
 * ws-server.ts puts behind each subscriber's id, one execution per event and operation key, and
 * how the stream ends (unsubscribe, a refusing `send`).
 */

interface Tick { n: number }

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
    bad: { type: GraphQLString, resolve: (t: Tick) => { if (t.n % 2 === 0) throw new Error(`even tick ${t.n}`); return 'odd'; } },
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
    },
  }),
});

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

test('deliverTo hands every subscriber the same payload JSON, executed once per event, in graphql-ws\'s format', async () => {
  const { executions, subscribe } = counted();
  const a = await open(subscribe);
  const b = await open(subscribe);
  const bytesA: Buffer[] = [];
  const bytesB: Buffer[] = [];
  const doneA = a.deliverTo((payload) => bytesA.push(payload)).next();
  const doneB = b.deliverTo((payload) => bytesB.push(payload)).next();

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

  await a.return();
  await b.return();
  expect(await doneA).toEqual({ value: undefined, done: true });
  expect(await doneB).toEqual({ value: undefined, done: true });
  expect(sources.every((s) => s.ended)).toBe(true);
});

test('as an iterator it yields the ExecutionResults, like graphql-js subscribe', async () => {
  const { subscribe } = counted();
  const stream = await open(subscribe);
  sources[0].push({ n: 3 });
  const first = await stream.next();
  expect(first.done).toBe(false);
  expect((first.value as ExecutionResult).data).toEqual({ tick: { n: 3, bad: 'odd' } });
  await stream.return();
  expect(sources[0].ended).toBe(true);
  expect(await stream.next()).toEqual({ value: undefined, done: true });
});

test('a send that throws ends the source and rejects with its error', async () => {
  const { subscribe } = counted();
  const stream = await open(subscribe);
  const refusal = new Error('socket over its limit');
  let sends = 0;
  const pending = stream.deliverTo(() => {
    sends += 1;
    if (sends === 2) throw refusal;
  }).next();
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
