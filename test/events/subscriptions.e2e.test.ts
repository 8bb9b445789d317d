import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { NewEvent } from '../../src/events/log/event.types';
import { MemoryEventLog } from '../../src/events/log/event-log.memory';
import { RedisEventLog } from '../../src/events/log/event-log.redis';
import type { EventLog } from '../../src/events/log/event-log.types';
import { WS_CLOSE } from '../../src/events/fanout/ws-server';
import { eventsRedis } from '../helpers/events-redis';
import { PICQER_SECRET, sign, startEventsServer, wsClient, type EventsServer } from '../helpers/events-server';
import { collect } from '../helpers/ws-collect';
import { until } from '../helpers/until';

/**
 * Webhook in, subscription out, over real HTTP and a real graphql-ws connection.
 */

const env = eventsRedis('subscriptions-e2e');
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await env.cleanup();
});

function stockBody(idproduct: number, freestock: number, warehouses = [1, 2]): string {
  return JSON.stringify({
    idhook: 1,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: {
      idproduct,
      productcode: `SKU-${idproduct}`,
      stock: warehouses.map((w) => ({ idwarehouse: w, stock: 20, reserved: 20 - freestock - w, freestock: freestock + w })),
    },
  });
}

async function post(server: EventsServer, body: string): Promise<{ id: string; duplicate: boolean }> {
  const res = await fetch(`${server.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, PICQER_SECRET) },
    body,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; duplicate: boolean };
}

const STOCK_SUB = `subscription($codes: [String!], $wh: Int, $after: String) {
  freeStockChanged(productcodes: $codes, warehouseId: $wh, after: $after) {
    id productcode idproduct warehouseId freeStock occurredAt stock { warehouseId freeStock }
  }
}`;

async function serverOn(log: EventLog, opts?: Parameters<typeof startEventsServer>[1]): Promise<EventsServer> {
  const s = await startEventsServer(log, opts);
  cleanups.push(() => s.close());
  return s;
}

function client(url: string, token?: string | null, impl?: unknown): Client {
  const c = wsClient(url, token, impl);
  cleanups.push(() => c.dispose());
  return c;
}

describe('one replica, memory log', () => {
  let log: MemoryEventLog;
  let server: EventsServer;
  beforeAll(async () => {
    log = new MemoryEventLog();
    cleanups.push(() => log.close());
    server = await serverOn(log);
  });

  test('a signed delivery reaches a filtered subscriber over graphql-ws', async () => {
    const c = client(server.wsUrl);
    const sub = collect(c, STOCK_SUB, { codes: ['SKU-11'], wh: 2 });
    await until(() => server.bus.subscriberCount() === 1, 'the subscription to register');
    await post(server, stockBody(12, 4)); // another product: filtered out on the server
    const { id } = await post(server, stockBody(11, 4));
    await until(() => sub.items.length === 1, 'the event');
    expect(sub.items[0]).toEqual({
      data: {
        freeStockChanged: {
          id,
          productcode: 'SKU-11',
          idproduct: 11,
          warehouseId: 2,
          freeStock: 6,
          occurredAt: '2026-01-13T08:46:30.000Z',
          stock: [
            { warehouseId: 1, freeStock: 5 },
            { warehouseId: 2, freeStock: 6 },
          ],
        },
      },
    });
    sub.dispose();
    await until(() => server.bus.subscriberCount() === 0, 'the subscription to end');
  });

  test('order, picklist and channel stock subscriptions filter on the server', async () => {
    const c = client(server.wsUrl);
    const orders = collect(c, 'subscription { orderStatusChanged(status: COMPLETED) { id idorder orderid status } }');
    const picks = collect(c, 'subscription { picklistClosed(warehouseId: 1) { picklistid idpicklist warehouseId status closedAt idorder } }');
    const channel = collect(c, 'subscription { channelStockChanged(locationId: "24826418") { channel inventoryItemId locationId available sku } }');
    await until(() => server.bus.subscriberCount() === 3, 'three subscriptions');
    const orderEvent = (status: string, idorder: number): NewEvent => ({ topic: 'orderStatusChanged', payload: { idorder, orderid: `O-${idorder}`, status } });
    await log.append(orderEvent('processing', 1), ['o1']);
    await log.append(orderEvent('completed', 2), ['o2']);
    await log.append({ topic: 'picklistClosed', payload: { idpicklist: 5, picklistid: 'P-5', warehouseId: 2, status: 'closed', closedAt: null, idorder: 2 } }, [
      'p5',
    ]);
    await log.append(
      {
        topic: 'picklistClosed',
        payload: { idpicklist: 6, picklistid: 'P-6', warehouseId: 1, status: 'closed', closedAt: '2026-01-13T08:46:30.000Z', idorder: 3 },
      },
      ['p6'],
    );
    await log.append({ topic: 'channelStockChanged', payload: { inventoryItemId: '1', locationId: '999', available: 1, sku: null, occurredAt: null } }, ['c1']);
    await log.append(
      { topic: 'channelStockChanged', payload: { inventoryItemId: '271878346596884015', locationId: '24826418', available: 3, sku: null, occurredAt: null } },
      ['c2'],
    );
    await until(() => orders.items.length + picks.items.length + channel.items.length === 3, 'one event per subscription');
    expect(orders.items[0].data.orderStatusChanged).toMatchObject({ idorder: 2, orderid: 'O-2', status: 'COMPLETED' });
    expect(picks.items[0].data.picklistClosed).toEqual({
      picklistid: 'P-6',
      idpicklist: 6,
      warehouseId: 1,
      status: 'CLOSED',
      closedAt: '2026-01-13T08:46:30.000Z',
      idorder: 3,
    });
    // Logged without a channel, as before channels existed: it is Shopify's.
    expect(channel.items[0].data.channelStockChanged).toEqual({
      channel: 'SHOPIFY',
      inventoryItemId: '271878346596884015',
      locationId: '24826418',
      available: 3,
      sku: null,
    });
    [orders, picks, channel].forEach((s) => s.dispose());
  });

  test('a malformed `after` is BAD_USER_INPUT naming after', async () => {
    const sub = collect(client(server.wsUrl), STOCK_SUB, { after: 'yesterday' });
    // graphql-ws sends a failed subscribe as one result with errors, then completes.
    await until(() => sub.completed, 'the result');
    expect(sub.items).toEqual([
      {
        errors: [
          expect.objectContaining({
            message: 'Argument "after" must be an event id like "1767225600000-0" (the id of an event you received).',
            extensions: { code: 'BAD_USER_INPUT', field: 'after' },
          }),
        ],
      },
    ]);
  });

  test('after a reconnect, `after` replays exactly what was missed, then continues live', async () => {
    const first = client(server.wsUrl);
    const s1 = collect(first, STOCK_SUB, { codes: ['SKU-21'] });
    await until(() => server.bus.subscriberCount() === 1, 'the first subscription');
    const e1 = await post(server, stockBody(21, 1));
    const e2 = await post(server, stockBody(21, 2));
    await until(() => s1.items.length === 2, 'two live events');
    await first.dispose(); // the screen loses its connection
    await until(() => server.bus.subscriberCount() === 0, 'the first subscription to end');
    const missed = [await post(server, stockBody(21, 3)), await post(server, stockBody(22, 9)), await post(server, stockBody(21, 4))];

    const lastSeen = s1.items[1].data.freeStockChanged.id;
    expect([s1.items[0].data.freeStockChanged.id, lastSeen]).toEqual([e1.id, e2.id]);
    const s2 = collect(client(server.wsUrl), STOCK_SUB, { codes: ['SKU-21'], after: lastSeen });
    await until(() => s2.items.length === 2, 'the replay');
    const live = await post(server, stockBody(21, 5));
    await until(() => s2.items.length === 3, 'the live event after the replay');
    expect(s2.items.map((i) => i.data.freeStockChanged.id)).toEqual([missed[0].id, missed[2].id, live.id]);
    expect(s2.items.map((i) => i.data.freeStockChanged.freeStock)).toEqual([3 + 1 + 3 + 2, 4 + 1 + 4 + 2, 5 + 1 + 5 + 2]);
    s2.dispose();
  });

  test('a connection without the token is closed with 4401', async () => {
    const sub = collect(client(server.wsUrl, null), 'subscription { orderStatusChanged { id } }');
    await until(() => sub.error !== undefined, 'the close');
    expect((sub.error as { code: number }).code).toBe(WS_CLOSE.UNAUTHENTICATED.code);
  });
});

describe('limits', () => {
  test('a connection holds at most MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions; completing one frees a place', async () => {
    const log = new MemoryEventLog();
    cleanups.push(() => log.close());
    const server = await serverOn(log, { maxSubscriptionsPerConnection: 2 });
    const c = client(server.wsUrl);
    const query = 'subscription { orderStatusChanged { idorder } }';
    const first = collect(c, query);
    const second = collect(c, query);
    await until(() => server.bus.subscriberCount() === 2, 'two subscriptions');
    const third = collect(c, query);
    // graphql-ws answers a refused subscribe with an `error` message for that id; the socket stays open.
    await until(() => third.error !== undefined, 'the refusal');
    expect(third.error).toEqual([
      {
        message: 'This connection already has 2 active subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one or open another connection.',
        extensions: { code: 'BAD_REQUEST' },
      },
    ]);
    expect(third.items).toEqual([]);
    expect(server.bus.subscriberCount()).toBe(2);

    first.dispose();
    await until(() => server.bus.subscriberCount() === 1, 'the first subscription to end');
    const fourth = collect(c, query);
    await until(() => server.bus.subscriberCount() === 2, 'the new subscription');
    await log.append({ topic: 'orderStatusChanged', payload: { idorder: 7, orderid: 'O-7', status: 'completed' } }, ['limit-o7']);
    await until(() => second.items.length === 1 && fourth.items.length === 1, 'the event on both');
    expect(fourth.items[0].data.orderStatusChanged).toEqual({ idorder: 7 });
    expect(second.error).toBeUndefined();
    second.dispose();
    fourth.dispose();
  });
});

describe('two replicas sharing Redis', () => {
  test('a delivery posted to replica A reaches a subscriber on replica B, once', async () => {
    const prefix = `${env.prefix}replicas:`;
    const logA = new RedisEventLog({ redis: env.redis, keyPrefix: prefix });
    const logB = new RedisEventLog({ redis: env.redis, keyPrefix: prefix });
    cleanups.push(
      () => logA.close(),
      () => logB.close(),
    );
    const a = await serverOn(logA);
    const b = await serverOn(logB);
    const onB = collect(client(b.wsUrl), STOCK_SUB, { codes: ['SKU-31'] });
    await until(() => b.bus.subscriberCount() === 1, 'the subscription on B');
    const body = stockBody(31, 7);
    const first = await post(a, body);
    const retryOnB = await post(b, body); // Picqer's retry lands on the other replica
    expect(retryOnB).toEqual({ id: first.id, duplicate: true });
    const next = await post(a, stockBody(31, 8));
    await until(() => onB.items.length === 2, 'both events on B');
    expect(onB.items.map((i) => i.data.freeStockChanged.id)).toEqual([first.id, next.id]);
    onB.dispose();
  });
});

describe('back-pressure', () => {
  /** A client socket that stops reading after its first data message, like a frozen browser tab. */
  const paused: WebSocket[] = [];
  class FreezingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      paused.push(this);
      const freeze = (data: WebSocket.RawData): void => {
        if (!String(data).includes('"type":"next"')) return;
        this.off('message', freeze);
        this.pause(); // ws stops reading the socket: the kernel buffers fill, as for a frozen tab
      };
      this.on('message', freeze);
    }
  }

  test('a slow subscriber is closed with 4429 "subscriber too slow" while a fast one keeps receiving', async () => {
    const log = new MemoryEventLog();
    cleanups.push(() => log.close());
    const server = await serverOn(log, { maxPendingEvents: 20 });
    const query = 'subscription { freeStockChanged { id productcode } }';
    const slow = collect(client(server.wsUrl, undefined, FreezingWebSocket), query);
    const fast = collect(client(server.wsUrl), query);
    await until(() => server.bus.subscriberCount() === 2, 'both subscriptions');

    // Big events (a 64 KiB product code) fill the frozen socket's kernel buffers in a few dozen.
    const bigCode = 'X'.repeat(64 * 1024);
    let sent = 0;
    while (server.bus.subscriberCount() === 2) {
      if (sent >= 2000) throw new Error('the slow subscriber was never cut off');
      for (let i = 0; i < 5; i++, sent++) {
        await log.append({ topic: 'freeStockChanged', payload: { idproduct: sent, productcode: bigCode, freeStock: 99, stock: [], occurredAt: null } }, [
          `b${sent}`,
        ]);
      }
      await until(() => fast.items.length === sent, 'the fast subscriber to keep up');
    }
    // The fast one got every event, in order, and still receives after the slow one is gone.
    await log.append({ topic: 'freeStockChanged', payload: { idproduct: -1, productcode: 'LAST', freeStock: 1, stock: [], occurredAt: null } }, ['last']);
    await until(() => fast.items.length === sent + 1, 'the event after the cut-off');
    expect(fast.error).toBeUndefined();
    expect(new Set(fast.items.map((i) => i.data.freeStockChanged.id)).size).toBe(sent + 1);

    // Let the frozen client read again: it sees the close code and reason.
    for (const ws of paused) ws.resume();
    await until(() => slow.error !== undefined, 'the slow client to see its close');
    expect(slow.error).toMatchObject({ code: WS_CLOSE.SUBSCRIBER_TOO_SLOW.code, reason: 'subscriber too slow' });
    expect(slow.items.length).toBeLessThan(sent);
  });
});
