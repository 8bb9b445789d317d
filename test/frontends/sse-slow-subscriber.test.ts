import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { EventBus } from '../../src/events/fanout/event-bus';
import { MemoryEventLog } from '../../src/events/log/event-log.memory';
import { registerSse } from '../../src/http/sse-route';
import { operationRules } from '../../src/security/operation-rules';
import { LineCapture } from '../security/support';
import { createLogger } from '../../src/logger';
import { eventsSchema } from '../helpers/events-schema';
import { until } from '../helpers/until';

/**
 * A client that stops reading its SSE stream is cut off as over graphql-ws: its events pile up as
 * pending (a frame counts until the socket has taken it), past the bus's maxPendingEvents the
 * subscription ends with SubscriberTooSlowError and the connection is closed, so one stalled client
 * can neither hold the replica's memory nor slow the others.
 */

const MAX_PENDING = 20;
let app: FastifyInstance;
let bus: EventBus;
let log: MemoryEventLog;
const logs = new LineCapture();

beforeAll(async () => {
  log = new MemoryEventLog();
  const logger = createLogger('info', logs);
  bus = new EventBus(log, { maxPendingEvents: MAX_PENDING, blockMs: 1000, logger });
  await bus.start();
  app = Fastify({ logger: false });
  const schema = await eventsSchema();
  await app.register(async (scope) => {
    registerSse(scope, { schema, path: '/graphql', context: async () => ({ services: { events: { log, bus } } }), rules: operationRules(), logger });
    scope.post('/graphql', async () => ({ not: 'streamed' }));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await bus?.close();
  await app?.close();
  await log?.close();
});

/** Opens an SSE subscription over a raw socket and stops reading once the response head is in. */
async function stalledSubscriber(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { port } = app.server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  const body = JSON.stringify({ query: 'subscription { freeStockChanged { productcode stock { warehouseId freeStock reserved stock } } }' });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed };
}

test('a subscriber that stops reading is closed once more than maxPendingEvents are pending', async () => {
  const { socket, closed } = await stalledSubscriber();
  await until(() => bus.subscriberCount() === 1, 'the subscription');
  let gone = false;
  void closed.then(() => (gone = true));
  // Events of ~3 KB each, until the kernel's buffers are full and the pending count passes the bound.
  const stock = Array.from({ length: 60 }, (_, i) => ({ warehouseId: i + 1, stock: 1000, reserved: 10, freeStock: 990 }));
  for (let i = 0; i < 50_000 && !gone; i++) {
    await log.append({ topic: 'freeStockChanged', payload: { idproduct: 1, productcode: `SLOW-${i}`, freeStock: 990 * 60, stock, occurredAt: null } }, [
      `slow-${i}`,
    ]);
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await closed;
  await until(() => bus.subscriberCount() === 0, 'the subscription to end');
  expect(logs.text()).toContain('SSE: closing a subscriber that is too slow');
  socket.destroy();
}, 60_000);
