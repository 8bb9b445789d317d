import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { deleteKeys } from '../test/helpers/redis-keys';
import { startPicqerSandbox, type PicqerSandbox } from '../src/sandbox/picqer';
import { forkReplica, type ForkedReplica } from './support/fork-replica';
import { LeanWebSocket } from './support/lean-ws';

/**
 * Webhook -> subscription fan-out through the real gateway. Two replicas run as child processes
 * (bench/support/replica.ts, each `startGateway` with Redis on a per-run key prefix and the Picqer
 * sandbox as upstream); N graphql-transport-ws clients live in this process, half on each replica,
 * all subscribed to `freeStockChanged` without a filter (every subscriber gets every event: the
 * worst case). Signed Picqer deliveries go to replica 1 only, so half the subscribers are reached
 * through the Redis stream from the other process.
 *
 * Latency runs from "webhook received" to "client holds the message": the event id is the Redis
 * stream id "<ms>-<seq>" stamped when the receiver appended the event, on this machine's clock, so
 * latency = Date.now() when the client's socket hands over the frame - the id's ms (1 ms
 * resolution both sides). lost/duplicated count (subscriber, event) pairs against the ids the
 * receiver answered with. rss_mb is the larger replica's resident set after the scenario (the
 * clients are not in it).
 *
 * Scenarios (--scenarios=steady,burst,flood by default), run one after the other over the same
 * subscribers after an unmeasured warm-up:
 *   steady  one delivery every 100 ms, 100 deliveries: a busy warehouse's live stock.
 *   burst   5 deliveries posted at once (the products of one closed picklist), every second, 20
 *           times: 100 deliveries.
 *   flood   100 deliveries, 10 in flight: a capacity figure. 100 events x 1,000 subscribers is
 *           100,000 messages, most of a second of CPU for replicas and clients together on 2
 *           cores, so its p99 shows the machine's throughput, not a latency the 50 ms goal can
 *           apply to.
 * Args: --subscribers=1000 --scenarios=steady,burst,flood --warmup=100 --redis=redis://127.0.0.1:6379
 * --fanout-window-ms=N sets the replicas' EVENT_FANOUT_WINDOW_MS (default: the gateway's default).
 * --cpu-prof-dir=DIR writes a V8 CPU profile of each replica during each measured scenario there,
 * `<scenario>-replica<N>.cpuprofile` (to see where the time goes; profiling slows the replicas).
 * Prints per scenario a `# ...` line describing it and the CPU it took, then exactly:
 *   subscriptions: subscribers=S events=E delivered=D lost=L duplicated=U p50_ms=X p99_ms=Y rss_mb=M
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, def: string): string => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
  const subscribers = Number(opt('subscribers', '1000'));
  const warmup = Number(opt('warmup', '100'));
  const chosen = opt('scenarios', 'steady,burst,flood').split(',');
  const unknown = chosen.filter((n) => !(n in SCENARIOS));
  if (unknown.length) throw new Error(`Unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}.`);
  const redisUrl = opt('redis', 'redis://127.0.0.1:6379');
  const window = opt('fanout-window-ms', '');
  const keyPrefix = `bench:subs:${process.pid}:${Date.now()}:`;
  const secret = `bench-picqer-hook-secret-${process.pid}`;

  let sandbox: PicqerSandbox | undefined;
  const replicas: ForkedReplica[] = [];
  const clients: LeanWebSocket[] = [];
  const fanOut = new FanOut(subscribers);
  try {
    sandbox = await startPicqerSandbox({ products: 50, orders: 5 });
    const env = {
      PORT: '0',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      PICQER_SUBDOMAIN: 'bench',
      PICQER_API_KEY: sandbox.apiKey,
      PICQER_BASE_URL: sandbox.baseUrl,
      PICQER_WEBHOOK_SECRET: secret,
      PICQER_WARMUP_PAGES: '0',
      LOG_LEVEL: 'silent',
      AUDIT_LOG: 'off',
      ...(window ? { EVENT_FANOUT_WINDOW_MS: window } : {}),
    };
    for (let r = 0; r < 2; r++) replicas.push(await forkReplica(env));
    const profileDir = opt('cpu-prof-dir', '');
    if (profileDir) mkdirSync(path.resolve(profileDir), { recursive: true });

    for (let i = 0; i < subscribers; i++) clients.push(fanOut.subscribe(i, replicas[i % replicas.length].url));
    await until(async () => (await Promise.all(replicas.map((r) => r.stats()))).reduce((n, s) => n + s.subscribers, 0) === subscribers, 60_000);
    const target = { url: replicas[0].url, secret };

    // Warm-up, not measured: the first events pay for lazy initialisation and JIT compilation in
    // the replicas and here (a cold first burst measures start-up, not fan-out).
    if (warmup > 0) {
      const ids = await deliver(target, 'warmup', { rounds: warmup, perRound: 1, inFlight: 1, everyMs: 20 });
      await until(() => fanOut.firstTimes >= subscribers * ids.length, 60_000);
      process.stdout.write(`# warm-up: ${ids.length} deliveries, one every 20 ms, reached all ${subscribers} subscribers (not measured)\n`);
    }

    for (const name of chosen) {
      const scenario = SCENARIOS[name];
      fanOut.reset();
      if (profileDir) for (const x of replicas) x.profileStart();
      const before = await Promise.all(replicas.map((x) => x.stats()));
      const ownBefore = process.cpuUsage();
      const readsBefore = LeanWebSocket.reads;
      const ids = await deliver(target, name, scenario);
      const expected = new Set(ids);
      await until(() => fanOut.firstTimes >= subscribers * expected.size, 60_000).catch(() => undefined); // report losses rather than hang
      const r = fanOut.report(expected);
      const own = process.cpuUsage(ownBefore);
      const after = await Promise.all(replicas.map((x) => x.stats()));
      if (profileDir) await Promise.all(replicas.map((x, k) => x.profileStop(path.resolve(profileDir, `${name}-replica${k + 1}.cpuprofile`))));
      const rssMb = Math.max(...after.map((s) => s.rssMb));
      const replicaCpu = after.map((s, k) => s.cpuMs - before[k].cpuMs).join('+');
      const replicaSys = after.map((s, k) => s.sysMs - before[k].sysMs).join('+');
      process.stdout.write(
        `# ${name}: ${scenario.about}; 2 replicas, clients split evenly, fan-out window ${window || 'default'}; ` +
          `cpu_ms replicas=${replicaCpu} (kernel ${replicaSys}) clients+sender=${Math.round((own.user + own.system) / 1000)} ` +
          `(kernel ${Math.round(own.system / 1000)}) frames_per_read=${(r.delivered / (LeanWebSocket.reads - readsBefore)).toFixed(2)} ` +
          `ended_early=${fanOut.failures}\n`,
      );
      process.stdout.write(
        `subscriptions: subscribers=${subscribers} events=${ids.length} delivered=${r.delivered} lost=${r.lost} ` +
          `duplicated=${r.duplicated} p50_ms=${r.p50} p99_ms=${r.p99} rss_mb=${rssMb}\n`,
      );
    }
  } finally {
    fanOut.closing = true;
    await Promise.all(clients.map((c) => c.close(1000)));
    await Promise.all(replicas.map((r) => r.close()));
    await sandbox?.close();
    await deleteKeys(redisUrl, keyPrefix);
  }
}

/** How deliveries are posted: `rounds` rounds starting every `everyMs`, each `perRound` deliveries with at most `inFlight` at a time. */
interface Pattern {
  rounds: number;
  perRound: number;
  inFlight: number;
  everyMs: number;
}

const SCENARIOS: Record<string, Pattern & { about: string }> = {
  steady: { rounds: 100, perRound: 1, inFlight: 1, everyMs: 100, about: 'one delivery every 100 ms' },
  burst: { rounds: 20, perRound: 5, inFlight: 5, everyMs: 1000, about: '5 deliveries at once (one closed picklist), every second, 20 times' },
  flood: { rounds: 1, perRound: 100, inFlight: 10, everyMs: 0, about: '100 deliveries, 10 in flight (capacity, see the header)' },
};

const NEXT_HEAD = Buffer.from('{"id":"1","type":"next","payload":');
const ID_MARK = Buffer.from('"freeStockChanged":{"id":"');
const QUOTE = 0x22;
const DASH = 0x2d;
/** Events with the same millisecond in their id: the bench never comes near, and says so if it does. */
const MAX_SEQ = 4096;

/** A Redis stream id "<ms>-<seq>" as one exact number (ms x 4096 + seq stays under 2^53 for centuries). */
function idKey(id: string): number {
  const [ms, seq] = id.split('-').map(Number);
  return ms * MAX_SEQ + seq;
}

/**
 * Per-(subscriber, event) counts and latencies of what the clients received. Kept compact on
 * purpose: one counter cell per pair (a Uint16Array per event) and one number per message, so the
 * measuring side's garbage collector does not get busier with every message it counts (a Map per
 * subscriber keyed by strings sliced from each frame kept every frame's text alive).
 */
class FanOut {
  /** idKey(event id) -> receptions per subscriber. */
  private counts = new Map<number, Uint16Array>();
  private latencies: number[] = [];
  private delivered = 0;
  /** (subscriber, event) pairs seen at least once since reset(); cheap to poll. */
  firstTimes = 0;
  /** Subscriptions that ended (error, complete, closed socket) before the bench did, or a `next` not understood. */
  failures = 0;
  /** Set when the bench closes the sockets itself. */
  closing = false;

  constructor(private readonly subscribers: number) {}

  /**
   * One subscriber: a graphql-transport-ws client (connection_init, subscribe, then `next`
   * messages) on the bench's lean WebSocket client (support/lean-ws.ts), so the measuring side
   * spends little CPU per message on this 2-core machine; the tests use graphql-ws's own client.
   * The socket closes with the bench; a close or `error` message before that is counted.
   */
  subscribe(i: number, httpUrl: string): LeanWebSocket {
    const ws: LeanWebSocket = new LeanWebSocket(`${httpUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
      onOpen: () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })),
      onText: (data, start, end, readAt) => {
        // `next` frames are matched on their bytes to keep this side cheap (the gateway writes
        // {"id":…,"type":"next","payload":{"data":{"freeStockChanged":{"id":"<ms>-<seq>",…}}}}; a
        // different layout would count as lost, loudly); everything else is parsed.
        const body = start + NEXT_HEAD.length;
        if (end > body && data.compare(NEXT_HEAD, 0, NEXT_HEAD.length, start, body) === 0) {
          const at = data.indexOf(ID_MARK, body);
          if (at < 0 || at >= end || !this.received(i, data, at + ID_MARK.length, end, readAt)) this.failures += 1;
          return;
        }
        const msg = JSON.parse(data.toString('utf8', start, end)) as { type: string };
        if (msg.type === 'next') {
          this.failures += 1; // a `next` not in the expected layout
        } else if (msg.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { freeStockChanged { id idproduct freeStock } }' } }));
        } else if (msg.type === 'ping') {
          ws.send(JSON.stringify({ type: 'pong' }));
        } else if (msg.type === 'error' || msg.type === 'complete') {
          this.failures += 1;
        }
      },
      onClose: () => {
        if (!this.closing) this.failures += 1;
      },
      onProtocolError: (message) => {
        this.failures += 1;
        process.stderr.write(`bench: subscriber ${i}: ${message}\n`);
      },
    });
    return ws;
  }

  /**
   * Subscriber `i` holds, since `now`, the event whose id "<ms>-<seq>" starts at data[at] and
   * ends at the next quote (before `end`). Read from the bytes: no string per message. False if
   * the id is not in that form.
   */
  private received(i: number, data: Buffer, at: number, end: number, now: number): boolean {
    let ms = 0;
    let seq = 0;
    let k = at;
    for (; k < end && data[k] !== DASH; k++) ms = ms * 10 + data[k] - 48;
    for (k += 1; k < end && data[k] !== QUOTE; k++) seq = seq * 10 + data[k] - 48;
    if (k >= end || seq >= MAX_SEQ) return false;
    const key = ms * MAX_SEQ + seq;
    let perSubscriber = this.counts.get(key);
    if (!perSubscriber) this.counts.set(key, (perSubscriber = new Uint16Array(this.subscribers)));
    if (perSubscriber[i]++ === 0) this.firstTimes += 1;
    this.delivered += 1;
    this.latencies.push(now - ms);
    return true;
  }

  reset(): void {
    this.counts = new Map();
    this.latencies = [];
    this.delivered = 0;
    this.firstTimes = 0;
  }

  /** (subscriber, event) pairs received at least once, among `ids`. */
  pairs(ids: Set<string>): number {
    const keys = new Set([...ids].map(idKey));
    let n = 0;
    for (const [key, perSubscriber] of this.counts) if (keys.has(key)) for (const c of perSubscriber) if (c > 0) n += 1;
    return n;
  }

  report(ids: Set<string>): { delivered: number; lost: number; duplicated: number; p50: string; p99: string } {
    let duplicated = 0;
    for (const perSubscriber of this.counts.values()) for (const c of perSubscriber) if (c > 1) duplicated += c - 1;
    const sorted = this.latencies.sort((a, b) => a - b);
    const pct = (p: number): string => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN).toFixed(1);
    return { delivered: this.delivered, lost: this.subscribers * ids.size - this.pairs(ids), duplicated, p50: pct(0.5), p99: pct(0.99) };
  }
}

/**
 * Posts signed deliveries as `p` says, rounds starting on schedule whether or not the previous
 * round's answers are in; resolves with the event ids the receiver answered. `tag` makes the
 * bodies unique per scenario, so the receiver's dedupe does not drop a later scenario's deliveries.
 */
async function deliver(target: { url: string; secret: string }, tag: string, p: Pattern): Promise<string[]> {
  const ids: string[] = [];
  let product = 0;
  const post = async (): Promise<void> => {
    const idproduct = ++product;
    const body = JSON.stringify({
      idhook: 1,
      name: 'bench',
      event: 'products.free_stock_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      data: { idproduct, productcode: `BENCH-${tag}-${idproduct}`, stock: [{ idwarehouse: 1, stock: 10, reserved: 1, freestock: 9 }] },
    });
    const signature = createHmac('sha256', target.secret).update(body).digest('base64');
    const res = await fetch(`${target.url}/webhooks/picqer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-picqer-signature': signature },
      body,
    });
    if (res.status !== 200) throw new Error(`delivery ${idproduct} answered ${res.status}`);
    const answer = (await res.json()) as { id: string; duplicate: boolean };
    if (!answer.duplicate) ids.push(answer.id);
  };
  const round = async (): Promise<void> => {
    let left = p.perRound;
    await Promise.all(
      Array.from({ length: Math.min(p.inFlight, p.perRound) }, async () => {
        while (left > 0) {
          left -= 1;
          await post();
        }
      }),
    );
  };
  const start = Date.now();
  const rounds: Array<Promise<void>> = [];
  for (let r = 0; r < p.rounds; r++) {
    const wait = start + r * p.everyMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    rounds.push(round());
  }
  await Promise.all(rounds);
  return ids;
}

async function until(cond: () => boolean | Promise<boolean>, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('bench: gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
