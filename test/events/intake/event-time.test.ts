import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { startPicqerSandbox, type PicqerSandbox } from '../../../src/sandbox/picqer';
import { PICQER_SECRET, startEventsServer, wsClient, type EventsServer } from '../../helpers/events-server';
import { collect } from '../../helpers/ws-collect';
import { until } from '../../helpers/until';

/**
 * `occurredAt` is the moment of the change: the Picqer sandbox (with an injected clock) stamps a
 * stock move the way Picqer does — zone-less local time, whole seconds — and the gateway's
 * receiver reads it back to the same instant, through a real delivery and a real graphql-ws
 * subscription. Winter and summer instants, so a fixed one-hour offset cannot pass.
 */

let clock = 0;
let sandbox: PicqerSandbox;
let server: EventsServer;
let log: MemoryEventLog;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  log = new MemoryEventLog();
  server = await startEventsServer(log);
  sandbox = await startPicqerSandbox({ products: 20, orders: 5, now: () => clock });
  cleanups.push(
    () => sandbox.close(),
    () => server.close(),
    () => log.close(),
  );
  sandbox.state.hooks.create({ name: 'gateway', event: 'products.free_stock_changed', address: `${server.url}/webhooks/picqer`, secret: PICQER_SECRET });
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const SUB = 'subscription($c: [String!]) { freeStockChanged(productcodes: $c) { productcode occurredAt } }';

test.each([
  ['winter (UTC+1)', Date.UTC(2026, 0, 13, 8, 46, 30, 250), '2026-01-13 09:46:30'],
  ['summer (UTC+2)', Date.UTC(2026, 6, 1, 10, 15, 42, 750), '2026-07-01 12:15:42'],
])('a stock move in %s: occurredAt equals the moment of the change, to the second', async (_name, instant, localStamp) => {
  const product = sandbox.state.products[3];
  const c = wsClient(server.wsUrl);
  cleanups.push(() => c.dispose());
  const sub = collect(c, SUB, { c: [product.productcode] });
  try {
    await until(() => server.bus.subscriberCount() === 1, 'the subscription to register');
    clock = instant;
    sandbox.state.moveStock({ productcode: product.productcode }, 1, 1);
    await sandbox.state.whenDeliveriesIdle();
    await until(() => sub.items.length === 1, 'the event');

    // Picqer's precision is the second: the instant without its milliseconds.
    const expected = new Date(Math.floor(instant / 1000) * 1000).toISOString();
    expect(sub.items[0].data.freeStockChanged).toEqual({ productcode: product.productcode, occurredAt: expected });
    // The sandbox wrote the same moment as Dutch wall-clock time, as on the product it changed.
    expect(product.updated).toBe(localStamp);
  } finally {
    sub.dispose();
    await until(() => server.bus.subscriberCount() === 0, 'the subscription to end');
  }
});
