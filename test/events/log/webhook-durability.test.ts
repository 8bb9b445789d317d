import Redis from 'ioredis';
import { compareEventIds } from '../../../src/events/log/event-id';
import type { GatewayEventOf } from '../../../src/events/log/event.types';
import { RedisEventLog } from '../../../src/events/log/event-log.redis';
import { DurableRedis } from '../../helpers/durable-redis';
import { PICQER_SECRET, sign, startEventsServer, type EventsServer } from '../../helpers/events-server';
import { until } from '../../helpers/until';

/**
 * The webhook durability guarantee, under a Redis that crashes mid-burst: every delivery that got
 * a 2xx reaches a subscriber on the *other* replica exactly once, in log order, and while Redis is
 * away deliveries are refused (503) instead of held. The private redis-server persists as the
 * README requires (appendonly yes, appendfsync always) and is killed with SIGKILL three times at
 * fixed points of the burst, then restarted on its data. The sender behaves like Picqer: it
 * retries a refused delivery (byte for byte) until it is accepted.
 */

jest.setTimeout(120_000);

const PREFIX = `test:durability:${process.pid}:`;
const DELIVERIES = 300;
/** Acknowledged deliveries after which Redis is killed; bounded and the same on every run. */
const KILL_AFTER = [50, 130, 210];
/** Refusals to see during each outage before Redis comes back: proof the outage was real. */
const REFUSALS_PER_OUTAGE = 3;
const SENDERS = 4;

interface Replica {
  client: Redis;
  log: RedisEventLog;
  server: EventsServer;
}

let redis: DurableRedis;
const replicas: Replica[] = [];

/** A replica as createServices builds it: one shared client, the Redis event log, receivers, a bus. */
async function replica(): Promise<Replica> {
  const client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  client.on('error', () => undefined);
  const log = new RedisEventLog({ redis: client, keyPrefix: PREFIX });
  const server = await startEventsServer(log);
  const r = { client, log, server };
  replicas.push(r);
  return r;
}

beforeAll(async () => {
  redis = await DurableRedis.create();
  await redis.start();
});
afterAll(async () => {
  for (const r of replicas) {
    await r.server.close();
    await r.log.close();
    r.client.disconnect();
  }
  await redis.destroy();
});

function delivery(idproduct: number): string {
  return JSON.stringify({
    idhook: 1,
    name: 'durability',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-03-02 10:00:00',
    data: { idproduct, productcode: `DUR-${idproduct}`, stock: [{ idwarehouse: 1, stock: 10, reserved: 1, freestock: 9 }] },
  });
}

/** One POST; a connection error counts as "no answer" (status 0). */
async function post(server: EventsServer, body: string): Promise<{ status: number; json: any }> {
  try {
    const res = await fetch(`${server.url}/webhooks/picqer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, PICQER_SECRET) },
      body,
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  } catch {
    return { status: 0, json: null };
  }
}

/** Picqer's side: the same bytes again after a refusal, backing off a little, until a 2xx. */
async function deliverUntilAccepted(server: EventsServer, body: string, onRefused: () => void): Promise<{ id: string; duplicate: boolean }> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const res = await post(server, body);
    if (res.status === 200) return res.json;
    if (res.status !== 503) throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(res.json)}`);
    onRefused();
    await new Promise((r) => setTimeout(r, Math.min(100, 5 * 2 ** Math.min(attempt, 5))));
  }
  throw new Error('a delivery was never accepted');
}

test('Redis killed three times mid-burst: every acknowledged event reaches the other replica once, in order', async () => {
  const [a, b] = [await replica(), await replica()];
  // The server really persists before it answers (the guarantee rests on it).
  expect(await a.client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);

  const received: Array<GatewayEventOf<'freeStockChanged'>> = [];
  const sub = b.server.bus.subscribe({ topic: 'freeStockChanged' });
  const reading = (async () => {
    for await (const e of sub) received.push(e);
  })();

  const acked = new Map<number, { id: string; duplicate: boolean }>();
  let refused = 0;
  let next = 1;
  const senders = Array.from({ length: SENDERS }, async () => {
    while (next <= DELIVERIES) {
      const idproduct = next++;
      acked.set(idproduct, await deliverUntilAccepted(a.server, delivery(idproduct), () => refused++));
    }
  });
  const outages = (async () => {
    for (const after of KILL_AFTER) {
      await until(() => acked.size >= after, `${after} acknowledged deliveries`);
      const before = refused;
      await redis.kill();
      await until(() => refused >= before + REFUSALS_PER_OUTAGE, 'deliveries to be refused while Redis is down');
      await redis.start();
    }
  })();
  await Promise.all([...senders, outages]);

  expect(acked.size).toBe(DELIVERIES);
  expect(refused).toBeGreaterThanOrEqual(KILL_AFTER.length * REFUSALS_PER_OUTAGE);
  // One event per delivery: a retry of a stored-but-unanswered delivery got the first id back.
  const ids = [...acked.values()].map((x) => x.id);
  expect(new Set(ids).size).toBe(DELIVERIES);

  const last = ids.reduce((m, id) => (compareEventIds(id, m) > 0 ? id : m));
  await until(() => received.some((e) => e.id === last), 'the last acknowledged event at the subscriber on the other replica');
  sub.close();
  await reading;

  // Exactly the acknowledged events, each once, in log order.
  const expected = [...acked.entries()].map(([idproduct, x]) => [x.id, idproduct]).sort((p, q) => compareEventIds(p[0] as string, q[0] as string));
  expect(received.map((e) => [e.id, e.payload.idproduct])).toEqual(expected);
});

test('a hung Redis (SIGSTOP) is a 503, not a held request; the retry is stored once', async () => {
  const [a, b] = [await replica(), await replica()];
  const received: Array<GatewayEventOf<'freeStockChanged'>> = [];
  const sub = b.server.bus.subscribe({ topic: 'freeStockChanged' });
  const reading = (async () => {
    for await (const e of sub) received.push(e);
  })();

  const body = delivery(9001);
  await redis.pause();
  let refusal: { status: number; json: any };
  try {
    // Answered while Redis is still stopped: the append gave up (command timeout) instead of waiting.
    refusal = await post(a.server, body);
  } finally {
    await redis.resume();
  }
  expect(refusal.status).toBe(503);
  expect(refusal.json.errors[0].extensions.code).toBe('EVENT_LOG_UNAVAILABLE');

  // The script sent before the timeout may have run once Redis went on: either way, one event.
  const accepted = await deliverUntilAccepted(a.server, body, () => undefined);
  const after = await deliverUntilAccepted(a.server, delivery(9002), () => undefined);
  await until(() => received.some((e) => e.id === after.id), 'the events at the other replica');
  sub.close();
  await reading;
  expect(received.map((e) => [e.id, e.payload.idproduct])).toEqual([
    [accepted.id, 9001],
    [after.id, 9002],
  ]);
});

test('with Redis unreachable from the start, an append is refused after the start-up wait; a closed log refuses at once', async () => {
  // Port 1 on loopback: nothing listens, every connection attempt is refused.
  const client = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  const log = new RedisEventLog({ redis: client, keyPrefix: PREFIX, connectWaitMs: 50 });
  try {
    const event = { topic: 'orderStatusChanged', payload: { idorder: 1, orderid: 'O-1', status: 'processing' } } as const;
    await expect(log.append(event, ['k1'])).rejects.toMatchObject({ name: 'EventLogUnavailableError', code: 'EVENT_LOG_UNAVAILABLE' });
    // After the start-up wait nothing waits any more.
    await expect(log.append(event, ['k2'])).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    await log.close();
    await expect(log.append(event, ['k3'])).rejects.toThrow('the event log is closed');
  } finally {
    await log.close();
    client.disconnect();
  }
});
