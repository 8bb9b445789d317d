import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { EventBus } from '../../src/events/fanout/event-bus';
import { attachGraphqlWs } from '../../src/events/fanout/ws-server';
import { MemoryEventLog } from '../../src/events/log/event-log.memory';
import { createLogger } from '../../src/logger';
import { GatewayMetrics } from '../../src/util/metrics';
import { eventsSchema } from '../helpers/events-schema';
import { WS_TOKEN, wsClient } from '../helpers/events-server';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * gateway_subscriber_slow_disconnects_total counts a graphql-ws subscriber closed with 4429, and
 * the connection and subscription gauges follow the sockets: one frozen client and one fast one,
 * big events until the frozen one is cut off (as in test/events/subscriptions.e2e.test.ts).
 */

const paused: WebSocket[] = [];
/** Stops reading after its first event, like a frozen browser tab. */
class FreezingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    paused.push(this);
    const freeze = (data: WebSocket.RawData): void => {
      if (!String(data).includes('"type":"next"')) return;
      this.off('message', freeze);
      this.pause();
    };
    this.on('message', freeze);
  }
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('a subscriber cut off for being too slow is counted once; the gauges follow the sockets', async () => {
  const logger = createLogger('silent');
  const log = new MemoryEventLog();
  const bus = new EventBus(log, { maxPendingEvents: 20, blockMs: 1000, logger });
  await bus.start();
  const app = Fastify({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ws = attachGraphqlWs({
    server: app.server,
    path: '/graphql',
    schema: await eventsSchema(),
    logger,
    context: async (params) => {
      if (params?.token !== WS_TOKEN) throw new Error('missing or wrong token');
      return { services: { events: { log, bus } } };
    },
  });
  const metrics = new GatewayMetrics({ processMetrics: false });
  metrics.addTransport('graphql-ws', () => ws.stats());
  const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  const slowClient = wsClient(url, WS_TOKEN, FreezingWebSocket);
  const fastClient = wsClient(url, WS_TOKEN);
  try {
    const query = 'subscription { freeStockChanged { id productcode } }';
    const slow = collect(slowClient, query);
    const fast = collect(fastClient, query);
    await until(() => bus.subscriberCount() === 2, 'both subscriptions');
    let text = await metrics.registry.metrics();
    expect(sample(text, 'gateway_subscription_connections{transport="graphql-ws"}')).toBe(2);
    expect(sample(text, 'gateway_subscriptions_active{transport="graphql-ws"}')).toBe(2);
    expect(sample(text, 'gateway_subscriber_slow_disconnects_total{transport="graphql-ws"}')).toBe(0);

    const bigCode = 'X'.repeat(64 * 1024);
    let sent = 0;
    while (bus.subscriberCount() === 2) {
      if (sent >= 2000) throw new Error('the slow subscriber was never cut off');
      for (let i = 0; i < 5; i++, sent++) {
        await log.append({ topic: 'freeStockChanged', payload: { idproduct: sent, productcode: bigCode, freeStock: 1, stock: [], occurredAt: null } }, [
          `b${sent}`,
        ]);
      }
      await until(() => fast.items.length === sent, 'the fast subscriber to keep up');
    }
    for (const s of paused) s.resume();
    await until(() => slow.error !== undefined, 'the slow client to see its close');

    text = await metrics.registry.metrics();
    expect(sample(text, 'gateway_subscriber_slow_disconnects_total{transport="graphql-ws"}')).toBe(1);
    await until(
      async () => sample(await metrics.registry.metrics(), 'gateway_subscription_connections{transport="graphql-ws"}') === 1,
      'the cut socket to be gone',
    );
    expect(sample(await metrics.registry.metrics(), 'gateway_subscriptions_active{transport="graphql-ws"}')).toBe(1);
  } finally {
    await slowClient.dispose();
    await fastClient.dispose();
    await bus.close();
    await ws.close();
    await app.close();
    await log.close();
  }
});
