import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { execute, type ExecutionArgs } from 'graphql';
import type { Client } from 'graphql-ws';
import { createContext } from '../../../src/context';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/logger';
import { getSchema } from '../../../src/build-schema';
import { EventBus } from '../../../src/events/fanout/event-bus';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import type { NewEvent } from '../../../src/events/log/event.types';
import { attachGraphqlWs } from '../../../src/events/fanout/ws-server';
import { wsClient } from '../../helpers/events-server';
import { until } from '../../helpers/until';

/**
 * graphql-ws with the real schema and real contexts: an event is executed once per distinct
 * (operation, variables, caller), and every subscriber with that key gets the same result.
 * Executions are counted through the `execute` hook of attachGraphqlWs.
 */

const CALLERS: Record<string, { name: string; scopes: ReadonlySet<string> }> = {
  'tok-screen-a': { name: 'screen-a', scopes: new Set(['stock:read']) },
  'tok-screen-b': { name: 'screen-b', scopes: new Set(['stock:read']) },
  'tok-orders': { name: 'orders-only', scopes: new Set(['orders:read']) },
};

const STOCK_SUB = `subscription($codes: [String!], $wh: Int) {
  freeStockChanged(productcodes: $codes, warehouseId: $wh) { id productcode warehouseId freeStock stock { warehouseId freeStock } }
}`;

const log = new MemoryEventLog();
const logger = createLogger('silent');
const bus = new EventBus(log, { logger });
const services = { config: {}, logger, governors: {}, picqer: null, events: { log, bus } } as unknown as Services;
/** Source event id -> how many times its selection set was executed. */
const executions = new Map<string, number>();
const cleanups: Array<() => Promise<void> | void> = [];
let wsUrl = '';

beforeAll(async () => {
  await bus.start();
  const app = Fastify({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ws = attachGraphqlWs({
    server: app.server,
    path: '/graphql',
    schema: await getSchema(),
    logger,
    execute: (args: ExecutionArgs) => {
      const id = (args.rootValue as { id: string }).id;
      executions.set(id, (executions.get(id) ?? 0) + 1);
      return execute(args);
    },
    context: async (params) => {
      const caller = CALLERS[String(params?.token)];
      if (!caller) throw new Error('unknown token');
      return createContext(services, { caller });
    },
  });
  cleanups.push(
    () => app.close(),
    () => ws.close(),
    () => bus.close(),
  );
  wsUrl = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await log.close();
});

interface Collector {
  items: Array<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  completed: boolean;
}

function subscribe(token: string, variables: Record<string, unknown> = {}): Collector {
  const client: Client = wsClient(wsUrl, token);
  const c: Collector = { items: [], completed: false };
  const dispose = client.subscribe(
    { query: STOCK_SUB, variables },
    {
      next: (v) => c.items.push(v as Collector['items'][number]),
      error: () => undefined,
      complete: () => (c.completed = true),
    },
  );
  cleanups.push(
    () => dispose(),
    () => client.dispose(),
  );
  return c;
}

let seq = 0;
async function append(productcode: string, perWarehouse: Array<[warehouseId: number, free: number]>): Promise<string> {
  const stock = perWarehouse.map(([warehouseId, freeStock]) => ({ warehouseId, stock: freeStock + 1, reserved: 1, freeStock }));
  const event: NewEvent = {
    topic: 'freeStockChanged',
    payload: { idproduct: 100 + seq, productcode, freeStock: stock.reduce((n, s) => n + s.freeStock, 0), stock, occurredAt: null },
  };
  return (await log.append(event, [`shared-exec-${++seq}`])).id;
}

test('subscribers with the same operation and caller get equal payloads from one execution per event', async () => {
  const first = subscribe('tok-screen-a');
  const second = subscribe('tok-screen-a'); // another connection, same token and operation
  await until(() => bus.subscriberCount() === 2, 'both subscriptions');
  const ids = [
    await append('SKU-1', [[1, 5]]),
    await append('SKU-2', [
      [1, 7],
      [2, 3],
    ]),
  ];
  await until(() => first.items.length === 2 && second.items.length === 2, 'both events at both subscribers');

  expect(first.items).toEqual(second.items);
  expect(first.items.map((i) => i.data.freeStockChanged.id)).toEqual(ids);
  expect(first.items[1].data.freeStockChanged).toMatchObject({ productcode: 'SKU-2', warehouseId: null, freeStock: 10 });
  expect(ids.map((id) => executions.get(id))).toEqual([1, 1]);
  await cleanupSubscriptions();
});

test('different variables, filters or callers get their own results', async () => {
  const all = subscribe('tok-screen-a');
  const wh2 = subscribe('tok-screen-a', { wh: 2 });
  const onlySku4 = subscribe('tok-screen-a', { codes: ['SKU-4'] });
  const otherCaller = subscribe('tok-screen-b');
  await until(() => bus.subscriberCount() === 4, 'four subscriptions');
  const id3 = await append('SKU-3', [
    [1, 4],
    [2, 6],
  ]);
  const id4 = await append('SKU-4', [[2, 9]]);
  await until(() => all.items.length === 2 && wh2.items.length === 2 && onlySku4.items.length === 1 && otherCaller.items.length === 2, 'the events');

  expect(all.items.map((i) => i.data.freeStockChanged.freeStock)).toEqual([10, 9]);
  expect(wh2.items.map((i) => [i.data.freeStockChanged.warehouseId, i.data.freeStockChanged.freeStock])).toEqual([
    [2, 6],
    [2, 9],
  ]);
  expect(onlySku4.items.map((i) => i.data.freeStockChanged.id)).toEqual([id4]);
  expect(otherCaller.items).toEqual(all.items); // same data, but not the same execution
  // SKU-3: all, wh2, otherCaller (onlySku4 filtered it out in the bus); SKU-4: all four keys.
  expect([executions.get(id3), executions.get(id4)]).toEqual([3, 4]);
  await cleanupSubscriptions();
});

test('a caller without the scope still gets FORBIDDEN, and shares nothing with one that has it', async () => {
  const allowed = subscribe('tok-screen-a');
  const refused = subscribe('tok-orders');
  await until(() => refused.completed, 'the refusal');
  expect(refused.items).toHaveLength(1);
  expect(refused.items[0].data).toBeUndefined();
  expect(refused.items[0].errors?.[0].extensions?.code).toBe('FORBIDDEN');
  await until(() => bus.subscriberCount() === 1, 'the allowed subscription');
  const id = await append('SKU-5', [[1, 2]]);
  await until(() => allowed.items.length === 1, 'the event');
  expect(allowed.items[0].data.freeStockChanged.id).toBe(id);
  expect(refused.items).toHaveLength(1);
  expect(executions.get(id)).toBe(1);
  await cleanupSubscriptions();
});

async function cleanupSubscriptions(): Promise<void> {
  for (const c of cleanups.splice(3).reverse()) await c();
  await until(() => bus.subscriberCount() === 0, 'the subscriptions to end');
}
