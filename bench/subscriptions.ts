import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { deleteKeys } from '../test/helpers/redis-keys';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startPicqerSandbox, type PicqerSandbox } from '../src/sandbox/picqer';

/**
 * Webhook -> subscription fan-out through the real gateway. Two replicas run as child processes
 * (bench/support/replica.ts, each `startGateway` with Redis on a per-run key prefix and the Picqer
 * sandbox as upstream); N graphql-ws clients live in this process, half on each replica, all
 * subscribed to `freeStockChanged`. Signed Picqer deliveries go to replica 1 only, so half the
 * subscribers are reached through the Redis stream from the other process.
 *
 * Latency runs from "webhook received" to "client holds the message": the event id is the Redis
 * stream id "<ms>-<seq>" stamped when the receiver appended the event, on this machine's clock, so
 * latency = Date.now() in the client's `next` - the id's ms (1 ms resolution both sides).
 * lost/duplicated count (subscriber, event) pairs against the ids the receiver answered with.
 * rss_mb is the larger replica's resident set after the burst (the 1,000 clients are not in it).
 *
 * Args: --subscribers=1000 --events=100 --concurrency=10 --spacing-ms=0,100 --redis=redis://127.0.0.1:6379
 * --cpu-prof-dir=DIR writes a V8 CPU profile of each replica there (to see where the time goes).
 * --spacing-ms lists one burst per value, over the same subscribers: 0 posts `events` deliveries
 * with `concurrency` in flight; N > 0 starts one delivery every N ms.
 * Prints per burst a `# ...` line naming it, then exactly:
 *   subscriptions: subscribers=S events=E delivered=D lost=L duplicated=U p50_ms=X p99_ms=Y rss_mb=M
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, def: string): string => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
  const subscribers = Number(opt('subscribers', '1000'));
  const events = Number(opt('events', '100'));
  const concurrency = Number(opt('concurrency', '10'));
  const spacings = opt('spacing-ms', '0,100').split(',').map(Number);
  const redisUrl = opt('redis', 'redis://127.0.0.1:6379');
  const keyPrefix = `bench:subs:${process.pid}:${Date.now()}:`;
  const secret = `bench-picqer-hook-secret-${process.pid}`;

  let sandbox: PicqerSandbox | undefined;
  const replicas: Replica[] = [];
  const clients: Client[] = [];
  try {
    sandbox = await startPicqerSandbox({ products: 50, orders: 5 });
    const env = {
      PORT: '0', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix,
      PICQER_SUBDOMAIN: 'bench', PICQER_API_KEY: sandbox.apiKey, PICQER_BASE_URL: sandbox.baseUrl,
      PICQER_WEBHOOK_SECRET: secret, PICQER_WARMUP_PAGES: '0', LOG_LEVEL: 'silent', AUDIT_LOG: 'off',
    };
    for (let r = 0; r < 2; r++) replicas.push(await startReplica(env, opt('cpu-prof-dir', '')));

    const fan = new FanOut(subscribers);
    for (let i = 0; i < subscribers; i++) clients.push(fan.subscribe(i, replicas[i % replicas.length].url));
    await until(async () => (await Promise.all(replicas.map((r) => r.stats()))).reduce((n, s) => n + s.subscribers, 0) === subscribers, 60_000);

    for (const spacingMs of spacings) {
      fan.reset();
      const before = await Promise.all(replicas.map((x) => x.stats()));
      const ownBefore = process.cpuUsage();
      const ids = await burst({ url: replicas[0].url, secret, events, concurrency, spacingMs, round: spacingMs });
      const expected = new Set(ids);
      await until(() => fan.firstTimes >= subscribers * expected.size, 60_000).catch(() => undefined); // report losses rather than hang
      const r = fan.report(expected);
      const own = process.cpuUsage(ownBefore);
      const after = await Promise.all(replicas.map((x) => x.stats()));
      const rssMb = Math.max(...after.map((s) => s.rssMb));
      const replicaCpu = after.map((s, k) => s.cpuMs - before[k].cpuMs).join('+');
      const how = spacingMs > 0 ? `one delivery every ${spacingMs} ms` : `${concurrency} deliveries in flight`;
      process.stdout.write(
        `# burst of ${events} signed deliveries to replica 1, ${how}; 2 replicas, clients split evenly; ` +
          `cpu_ms replicas=${replicaCpu} clients+sender=${Math.round((own.user + own.system) / 1000)}\n`,
      );
      process.stdout.write(
        `subscriptions: subscribers=${subscribers} events=${events} delivered=${r.delivered} lost=${r.lost} ` +
          `duplicated=${r.duplicated} p50_ms=${r.p50} p99_ms=${r.p99} rss_mb=${rssMb}\n`,
      );
    }
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(replicas.map((r) => r.close()));
    await sandbox?.close();
    await deleteKeys(redisUrl, keyPrefix);
  }
}

/** Per-(subscriber, event) counts and latencies of what the clients received. */
class FanOut {
  private seen: Array<Map<string, number>>;
  private latencies: number[] = [];
  private delivered = 0;
  /** (subscriber, event) pairs seen at least once since reset(); cheap to poll, unlike pairs(). */
  firstTimes = 0;

  constructor(private readonly subscribers: number) {
    this.seen = Array.from({ length: subscribers }, () => new Map());
  }

  subscribe(i: number, httpUrl: string): Client {
    const client = createClient({ url: `${httpUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    client.subscribe<{ freeStockChanged: { id: string } }>(
      { query: 'subscription { freeStockChanged { id idproduct freeStock } }' },
      {
        next: (msg) => {
          const now = Date.now(); // first thing: the moment the client holds the message
          const id = msg.data?.freeStockChanged.id;
          if (!id) return;
          this.latencies.push(now - Number(id.slice(0, id.indexOf('-'))));
          this.delivered += 1;
          const before = this.seen[i].get(id) ?? 0;
          if (before === 0) this.firstTimes += 1;
          this.seen[i].set(id, before + 1);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return client;
  }

  reset(): void {
    this.seen = Array.from({ length: this.subscribers }, () => new Map());
    this.latencies = [];
    this.delivered = 0;
    this.firstTimes = 0;
  }

  /** (subscriber, event) pairs received at least once, among `ids`. */
  pairs(ids: Set<string>): number {
    let n = 0;
    for (const m of this.seen) for (const id of m.keys()) if (ids.has(id)) n += 1;
    return n;
  }

  report(ids: Set<string>): { delivered: number; lost: number; duplicated: number; p50: string; p99: string } {
    let duplicated = 0;
    for (const m of this.seen) for (const c of m.values()) duplicated += c - 1;
    const sorted = this.latencies.sort((a, b) => a - b);
    const pct = (p: number): string => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN).toFixed(1);
    return { delivered: this.delivered, lost: this.subscribers * ids.size - this.pairs(ids), duplicated, p50: pct(0.5), p99: pct(0.99) };
  }
}

interface BurstOptions {
  url: string;
  secret: string;
  events: number;
  concurrency: number;
  spacingMs: number;
  /** Makes bodies unique per burst, so the receiver's dedupe does not drop a later burst. */
  round: number;
}

/** Posts the signed deliveries; resolves with the event ids the receiver answered. */
async function burst(o: BurstOptions): Promise<string[]> {
  const ids: string[] = [];
  const post = async (n: number): Promise<void> => {
    const idproduct = n + 1;
    const body = JSON.stringify({
      idhook: 1, name: 'bench', event: 'products.free_stock_changed', event_triggered_at: '2026-01-13 09:46:30',
      data: { idproduct, productcode: `BENCH-${o.round}-${idproduct}`, stock: [{ idwarehouse: 1, stock: 10, reserved: 1, freestock: 9 }] },
    });
    const signature = createHmac('sha256', o.secret).update(body).digest('base64');
    const res = await fetch(`${o.url}/webhooks/picqer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-picqer-signature': signature }, body });
    if (res.status !== 200) throw new Error(`delivery ${idproduct} answered ${res.status}`);
    const answer = (await res.json()) as { id: string; duplicate: boolean };
    if (!answer.duplicate) ids.push(answer.id);
  };
  if (o.spacingMs > 0) {
    const start = Date.now();
    const inFlight: Array<Promise<void>> = [];
    for (let n = 0; n < o.events; n++) {
      const wait = start + n * o.spacingMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(post(n));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: o.concurrency }, async () => {
      while (next < o.events) await post(next++);
    }));
  }
  return ids;
}

interface Replica {
  url: string;
  stats(): Promise<{ subscribers: number; rssMb: number; cpuMs: number }>;
  close(): Promise<void>;
}

/** Forks bench/support/replica.ts and waits for its URL; killed on close (or if it does not close in time). */
async function startReplica(env: Record<string, string>, cpuProfDir: string): Promise<Replica> {
  const child: ChildProcess = fork(path.join(__dirname, 'support', 'replica.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(msg: object, type: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }): void => {
        if (m.type === 'failed') reject(new Error(`replica failed to start: ${m.message}`));
        else if (m.type === type) resolve(m as T);
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = (): void => reject(new Error('replica exited'));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(msg);
    });
  try {
    const { url } = await ask<{ url: string }>({ type: 'start', env }, 'ready');
    return {
      url,
      stats: () => ask({ type: 'stats' }, 'stats'),
      async close() {
        if (child.exitCode !== null) return;
        child.send({ type: 'close' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function until(cond: () => boolean | Promise<boolean>, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('bench: gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
