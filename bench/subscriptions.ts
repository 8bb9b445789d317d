import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { Client } from 'graphql-ws';
import { RedisEventLog } from '../src/subscriptions/event-log.redis';
import { PICQER_SECRET, sign, startEventsServer, wsClient, type EventsServer } from '../test/helpers/events-server';

/**
 * Two replicas sharing one Redis (each: Fastify with the receivers, a bus over its own
 * RedisEventLog on the same key prefix, graphql-ws), N graphql-ws subscribers spread over both,
 * and a burst of signed Picqer deliveries posted to replica 1. Latency runs from just before the
 * POST leaves to the moment a client holds the message (same process, same clock).
 * The assembly is the one the tests use (test/helpers/events-server.ts).
 *
 * Args: --subscribers=1000 --events=100 --concurrency=10 --redis=redis://127.0.0.1:6379
 * Prints: subscriptions: subscribers=… events=… delivered=… lost=… duplicated=… p50_ms=… p99_ms=… rss_mb=…
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, def: string): string => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
  const subscribers = Number(opt('subscribers', '1000'));
  const events = Number(opt('events', '100'));
  const concurrency = Number(opt('concurrency', '10'));
  const redis = new Redis(opt('redis', 'redis://127.0.0.1:6379'));
  const keyPrefix = `bench:subscriptions:${process.pid}:`;

  const logs = [new RedisEventLog({ redis, keyPrefix }), new RedisEventLog({ redis, keyPrefix })];
  const replicas: EventsServer[] = [];
  for (const log of logs) replicas.push(await startEventsServer(log, { queueLimit: Math.max(1000, events * 2) }));

  const sentAt = new Map<number, number>();
  const seen = new Map<string, number>(); // subscriber#event -> times received
  const latencies: number[] = [];
  let delivered = 0;
  const clients: Client[] = [];
  for (let i = 0; i < subscribers; i++) {
    const replica = replicas[i % replicas.length];
    const client = wsClient(replica.wsUrl);
    clients.push(client);
    client.subscribe<{ freeStockChanged: { idproduct: number } }>(
      { query: 'subscription { freeStockChanged { id idproduct freeStock } }' },
      {
        next: (msg) => {
          const now = performance.now();
          const idproduct = msg.data?.freeStockChanged.idproduct;
          if (idproduct === undefined) return;
          const key = `${i}#${idproduct}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          delivered += 1;
          latencies.push(now - (sentAt.get(idproduct) ?? now));
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }
  await until(() => replicas.reduce((n, r) => n + r.bus.subscriberCount(), 0) === subscribers, 60_000);

  // The burst: `events` deliveries, `concurrency` in flight, all to replica 1.
  let next = 0;
  const target = replicas[0].url;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < events) {
      const idproduct = ++next;
      const body = JSON.stringify({
        idhook: 1, name: 'bench', event: 'products.free_stock_changed', event_triggered_at: '2026-01-13 09:46:30',
        data: { idproduct, productcode: `BENCH-${idproduct}`, stock: [{ idwarehouse: 1, stock: 10, reserved: 1, freestock: 9 }] },
      });
      sentAt.set(idproduct, performance.now());
      const res = await fetch(`${target}/webhooks/picqer`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, PICQER_SECRET) }, body,
      });
      if (res.status !== 200) throw new Error(`delivery ${idproduct} answered ${res.status}`);
      await res.arrayBuffer();
    }
  }));

  const expected = subscribers * events;
  await until(() => seen.size >= expected, 60_000).catch(() => undefined); // report losses rather than hang
  const duplicated = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): string => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN).toFixed(1);
  const rss = Math.round(process.memoryUsage().rss / (1024 * 1024));
  process.stdout.write(
    `subscriptions: subscribers=${subscribers} events=${events} delivered=${delivered} lost=${expected - seen.size} ` +
      `duplicated=${duplicated} p50_ms=${pct(0.5)} p99_ms=${pct(0.99)} rss_mb=${rss}\n`,
  );

  await Promise.all(clients.map((c) => c.dispose()));
  for (const r of replicas) await r.close();
  for (const l of logs) await l.close();
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
  await redis.quit();
}

async function until(cond: () => boolean, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('bench: gave up waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
