import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'undici';
import { PICQER_LINE_EVENTS, PICQER_PRODUCT_EVENTS, PICQER_STOCK_EVENTS } from '../src/events/intake/picqer.effects';
import { PICQER_HOOK_EVENTS } from '../src/events/intake/picqer.webhook';
import { prng } from '../src/sandbox/catalog';
import { encodeCursor } from '../src/schema/common/cursor';
import { deleteKeys } from '../test/helpers/redis-keys';
import { forkReplica, type ForkedReplica } from './support/fork-replica';
import { startSandboxProcess, type BalancerStats, type SandboxProcess } from './support/sandbox-process';
import { judgeReads, StalenessJudge, type JudgedRead } from './support/staleness';
import { writeTrace } from './support/cache-trace';
import type { StockChange } from './support/picqer-sandbox';

/**
 * The shared entity cache under a webshop's read load (issue 13). R gateway replicas (child
 * processes, bench/support/replica.ts) share one Redis on a per-run key prefix; the Picqer
 * sandbox runs in its own process (bench/support/picqer-sandbox.ts) with 2,000 products at its
 * real limit of 500 requests a minute, its simulator picking orders (free stock moves), and its
 * webhooks delivered through a round-robin balancer in that process to the replicas, standing in
 * for a load balancer. F simulated frontends in this process read, each one request at a time,
 * `product(productcode:)` with its stock per warehouse (4 in 5 reads) or a `products(first: 20)`
 * page (1 in 5), each request to the next replica in turn; product codes and page numbers are
 * drawn Zipf-like (s = 1) with a seeded PRNG.
 *
 * Every free-stock value returned is judged against the sandbox's history of that product's stock
 * in that warehouse (bench/support/staleness.ts): a read is stale when a value it returned had
 * been superseded more than --window-ms before the request was sent, or was never the sandbox's;
 * max_staleness_ms is the worst such lag over all reads. The replicas run with the gateway's
 * defaults (the product warm-up, PICQER_WARMUP_PAGES, fills the shared cache at start); the run
 * starts once their start-up calls have stopped. upstream_calls counts the sandbox's API requests
 * during the run (its own counter, reset at the start); budget is the sandbox's limit over the
 * run's length. Requests still open when the time is up are cut off and not counted.
 *
 * Args (--name value or --name=value): --seconds 60 --frontends 50 --replicas 3 --picks 120
 * (simulator picks a minute) --page-share 0.2 --window-ms 250 --seed 13 --redis redis://127.0.0.1:6379
 * --env KEY=VALUE (repeatable: extra replica environment, e.g. CACHE_TTL_PRODUCT_MS=5000)
 * --trace FILE (the stale reads with their products' histories, ./support/cache-trace.ts)
 * --profile DIR (a V8 CPU profile of each replica over the measured span: DIR/cache-replicaK.cpuprofile).
 * Prints `#` lines on the setup and the details, and exactly:
 *   cache: replicas=3 seconds=60 reads=N upstream_calls=U budget=B hit_ratio=H stale_reads=S max_staleness_ms=M errors=E rss_mb=R
 */
export async function run(args: string[]): Promise<void> {
  const o = options(args);
  const keyPrefix = `bench:cache:${process.pid}:${Date.now()}:`;
  const secret = `bench-cache-hook-secret-${process.pid}`;
  let sandbox: SandboxProcess | undefined;
  const replicas: ForkedReplica[] = [];
  try {
    sandbox = await startSandboxProcess({ products: PRODUCTS, seed: o.seed });
    const env = {
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUDIT_LOG: 'off',
      REDIS_URL: o.redis,
      REDIS_KEY_PREFIX: keyPrefix,
      PICQER_SUBDOMAIN: 'bench',
      PICQER_API_KEY: sandbox.apiKey,
      PICQER_BASE_URL: sandbox.baseUrl,
      PICQER_WEBHOOK_SECRET: secret,
      CACHE_ENABLED: 'true',
      ...o.env,
    };
    for (let r = 0; r < o.replicas; r++) replicas.push(await forkReplica(env));
    // The gateway's subscription events and every event its cache acts on (those the sandbox knows).
    const events = [...new Set([...PICQER_HOOK_EVENTS, ...PICQER_STOCK_EVENTS, ...PICQER_PRODUCT_EVENTS, ...PICQER_LINE_EVENTS])];
    const hooks = await sandbox.balance(
      replicas.map((r) => r.url),
      secret,
      events,
    );
    const extraEnv = Object.entries(o.env).map(([k, v]) => ` ${k}=${v}`);
    const unsupported = hooks.unsupported.length ? ` (the sandbox has no ${hooks.unsupported.join(', ')})` : '';
    process.stdout.write(
      `# cache: sandbox (${PRODUCTS} products, limit 500/min) in its own process; webhooks round-robin over the ${o.replicas} replicas ` +
        `through a balancer in that process, hooks for ${hooks.events.join(', ')}${unsupported}; ${o.frontends} frontends, ` +
        `${Math.round(o.pageShare * 100)}% page reads, simulator ${o.picks} picks/min, staleness window ${o.windowMs} ms` +
        `${extraEnv.length ? `; replica env${extraEnv.join('')}` : ''}\n`,
    );
    await measure(o, sandbox, replicas);
  } finally {
    await Promise.all(replicas.map((r) => r.close()));
    await sandbox?.close();
    await deleteKeys(o.redis, keyPrefix);
  }
}

const PRODUCTS = 2000;
const PAGE_SIZE = 20;

interface Options {
  seconds: number;
  frontends: number;
  replicas: number;
  picks: number;
  pageShare: number;
  windowMs: number;
  seed: number;
  redis: string;
  env: Record<string, string>;
  /** Where to write the stale reads with their products' histories and deliveries (JSON), if anywhere. */
  trace?: string;
  /** Where to write each replica's CPU profile of the measured span, if anywhere. */
  profile?: string;
}

function options(args: string[]): Options {
  const values = (name: string): string[] => {
    const out: string[] = [];
    args.forEach((a, i) => {
      if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
      else if (a === `--${name}` && args[i + 1] !== undefined) out.push(args[i + 1]);
    });
    return out;
  };
  const num = (name: string, dflt: number): number => {
    const v = values(name).pop();
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${v}`);
    return n;
  };
  const env: Record<string, string> = {};
  for (const kv of values('env')) {
    const i = kv.indexOf('=');
    if (i < 1) throw new Error(`--env expects KEY=VALUE, got ${kv}`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return {
    seconds: num('seconds', 60),
    frontends: Math.max(1, Math.round(num('frontends', 50))),
    replicas: Math.max(1, Math.round(num('replicas', 3))),
    picks: num('picks', 120),
    pageShare: Math.min(1, num('page-share', 0.2)),
    windowMs: num('window-ms', 250),
    seed: Math.round(num('seed', 13)),
    redis: values('redis').pop() ?? 'redis://127.0.0.1:6379',
    env,
    trace: values('trace').pop(),
    profile: values('profile').pop(),
  };
}

/** What the frontends saw. */
class Tally {
  readonly reads: JudgedRead[] = [];
  productReads = 0;
  pageReads = 0;
  /** Answer times (t1 - t0), ms, per kind of read. */
  readonly latency = { product: [] as number[], page: [] as number[] };
  errors = 0;
  readonly errorCodes: Record<string, number> = {};
  cutOff = 0;
  /** How long each cut-off request had been waiting when the run ended, ms. */
  readonly cutOffWaitedMs: number[] = [];
  /** When each error was seen (epoch ms). */
  readonly errorTimes: number[] = [];
  /** Summed from extensions.upstream.picqer; `reported` is false when no answer carried cacheHits. */
  readonly cache = { reported: false, hits: 0, misses: 0, stale: 0, staleOnError: 0, oldestAgeMs: 0, calls: 0 };

  error(code: string): void {
    this.errors += 1;
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
    this.errorTimes.push(Date.now());
  }
}

const PRODUCT_QUERY = 'query Product($code: String!) { product(productcode: $code) { idproduct productcode stock { warehouse { idwarehouse } freeStock } } }';
const PAGE_QUERY =
  'query Page($after: String) { products(first: 20, after: $after) { edges { node { idproduct productcode stock { warehouse { idwarehouse } freeStock } } } } }';

interface StockNode {
  idproduct: number;
  stock: Array<{ warehouse: { idwarehouse: number }; freeStock: number }>;
}

interface Answer {
  data?: { product?: StockNode | null; products?: { edges: Array<{ node: StockNode }> } } | null;
  errors?: Array<{ extensions?: { code?: string } }>;
  extensions?: {
    upstream?: { picqer?: { calls?: number; cacheHits?: number; cacheMisses?: number; cacheStale?: number; staleOnError?: number; oldestAgeMs?: number } };
  };
}

async function measure(o: Options, sandbox: SandboxProcess, replicas: ForkedReplica[]): Promise<void> {
  const codes = [...new Map(sandbox.snapshot.map(([id, code]) => [id, code])).entries()].sort((a, b) => a[0] - b[0]).map(([, code]) => code);
  const product = zipf(codes.length, 1, o.seed);
  const page = zipf(Math.ceil(codes.length / PAGE_SIZE), 1);
  const pools = replicas.map((r) => new Pool(r.url, { connections: o.frontends, pipelining: 1 }));
  const tally = new Tally();
  const stop = new AbortController();
  // One abort listener per request in flight, and undici adds a few while it aborts them: no leak to warn about.
  setMaxListeners(0, stop.signal);
  const rss = replicas.map(() => 0);
  const sampleRss = async (): Promise<void> => {
    const s = await Promise.all(replicas.map((r) => r.stats()));
    s.forEach((x, k) => (rss[k] = Math.max(rss[k], x.rssMb)));
  };
  const sampler = setInterval(() => void sampleRss().catch(() => undefined), 2000);
  try {
    await sandbox.control('POST', '/simulator', { picksPerMinute: o.picks });
    const setupCalls = await settled(sandbox);
    await sandbox.control('POST', '/stats/reset');
    if (o.profile) for (const r of replicas) r.profileStart();
    const start = Date.now();
    const end = start + o.seconds * 1000;
    const timer = setTimeout(() => stop.abort(), end - start);
    const frontend = async (i: number): Promise<void> => {
      const rnd = prng(o.seed * 7919 + i);
      for (let k = i; !stop.signal.aborted; k++) {
        const isPage = rnd() < o.pageShare;
        const p = isPage ? page(rnd) : product(rnd);
        const variables = isPage ? { after: p === 0 ? null : encodeCursor(p * PAGE_SIZE - 1) } : { code: codes[p] };
        await read(pools[k % pools.length], { query: isPage ? PAGE_QUERY : PRODUCT_QUERY, variables }, isPage, tally, stop.signal, k % pools.length);
      }
    };
    await Promise.all(Array.from({ length: o.frontends }, (_, i) => frontend(i)));
    clearTimeout(timer);
    // The counter is read the moment the frontends stop; calls made after (refreshes, cut-off reads) are not the run's.
    const stats = await sandbox.control<SandboxStats>('GET', '/stats');
    // After the counter: writing a profile takes a moment, in which refreshes may call.
    if (o.profile) {
      const dir = path.resolve(o.profile);
      mkdirSync(dir, { recursive: true });
      await Promise.all(replicas.map((r, k) => r.profileStop(path.join(dir, `cache-replica${k + 1}.cpuprofile`))));
    }
    await sandbox.control('POST', '/simulator', { picksPerMinute: 0 });
    await sampleRss();
    const history = await sandbox.history(sandbox.at);
    const balancer = await sandbox.balancerStats();
    report(o, tally, { start, setupCalls, stats, rss, history, balancer, judge: new StalenessJudge(sandbox.snapshot, history.changes) });
  } finally {
    clearInterval(sampler);
    await Promise.all(pools.map((p) => p.close()));
  }
}

/**
 * Waits until the replicas' start-up calls (the product warm-up, PICQER_WARMUP_PAGES, which fills
 * the shared cache) have stopped: no new upstream call for 2 s, at most 60 s. Returns how many
 * there were; they are not the run's, though they stay in the sandbox's sliding window.
 */
async function settled(sandbox: SandboxProcess): Promise<number> {
  const deadline = Date.now() + 60_000;
  let last = -1;
  for (;;) {
    const { total } = await sandbox.control<SandboxStats>('GET', '/stats');
    if (total === last || Date.now() > deadline) return total;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** One request and what it returned; a request the end of the run cuts off is counted as such, not as a read. */
async function read(pool: Pool, body: object, isPage: boolean, tally: Tally, signal: AbortSignal, replica: number): Promise<void> {
  const t0 = Date.now();
  let status: number;
  let text: string;
  try {
    const res = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    if (signal.aborted) {
      tally.cutOff += 1;
      tally.cutOffWaitedMs.push(Date.now() - t0);
    } else tally.error(`NETWORK_${(err as Error).name}`);
    return;
  }
  const t1 = Date.now();
  if (isPage) tally.pageReads += 1;
  else tally.productReads += 1;
  tally.latency[isPage ? 'page' : 'product'].push(t1 - t0);
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    tally.error(`HTTP_${status}`);
    return;
  }
  const values: number[] = [];
  const take = (n: StockNode | null | undefined): void => {
    for (const s of n?.stock ?? []) values.push(n!.idproduct, s.warehouse.idwarehouse, s.freeStock);
  };
  if (isPage) for (const e of answer.data?.products?.edges ?? []) take(e.node);
  else take(answer.data?.product);
  tally.reads.push({ t0, t1, values, replica, isPage });
  if (answer.errors?.length) tally.error(answer.errors[0].extensions?.code ?? `HTTP_${status}`);
  else if (status !== 200) tally.error(`HTTP_${status}`);
  else if (!isPage && !answer.data?.product) tally.error('NO_PRODUCT');
  const u = answer.extensions?.upstream?.picqer;
  if (u) {
    const c = tally.cache;
    if (typeof u.cacheHits === 'number') c.reported = true;
    c.hits += u.cacheHits ?? 0;
    c.misses += u.cacheMisses ?? 0;
    c.stale += u.cacheStale ?? 0;
    c.staleOnError += u.staleOnError ?? 0;
    c.oldestAgeMs = Math.max(c.oldestAgeMs, u.oldestAgeMs ?? 0);
    c.calls += u.calls ?? 0;
  }
}

/** The parts of GET /__sandbox/stats the bench reads. */
interface SandboxStats {
  total: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  limit: number;
  windowMs: number;
  webhooks: Record<string, number>;
}

interface Outcome {
  /** When the frontends started (epoch ms). */
  start: number;
  /** Upstream calls before the run: the replicas' start-up (the product warm-up). */
  setupCalls: number;
  stats: SandboxStats;
  rss: number[];
  history: { changes: unknown[]; source: string };
  balancer: BalancerStats;
  judge: StalenessJudge;
}

function report(o: Options, tally: Tally, out: Outcome): void {
  const v = judgeReads(tally.reads, out.judge, out.balancer.stockAcks, o.windowMs);
  if (o.trace) writeTrace(o.trace, tally.reads, out.judge, out.history.changes as StockChange[], out.balancer.deliveries, o.windowMs);
  const reads = tally.reads.length;
  const u = out.stats.total;
  const budget = Math.floor((out.stats.limit * o.seconds * 1000) / out.stats.windowMs);
  const c = tally.cache;
  const hitRatio = c.reported && c.hits + c.misses > 0 ? (c.hits / (c.hits + c.misses)).toFixed(3) : 'n/a';
  const w = out.stats.webhooks;
  const b = out.balancer;
  process.stdout.write(
    `# reads: ${tally.productReads} product, ${tally.pageReads} page (${v.values} free-stock values judged); reads/U=${u ? (reads / u).toFixed(1) : 'inf'}; ` +
      `behind (lag > 0) ${v.behind}, lag p99 ${pct(v.lags, 0.99)} ms, never the sandbox's ${v.wrong}; ` +
      `after the change's webhook was acknowledged: ${v.afterAck.values} superseded values, ${v.afterAck.staleReads} stale reads, worst ${v.afterAck.maxMs} ms; ` +
      `cut off at the end ${tally.cutOff} (waiting up to ${pct(tally.cutOffWaitedMs, 1)} ms); ` +
      `errors ${JSON.stringify(tally.errorCodes)}; upstream by status ${JSON.stringify(out.stats.byStatus)} and route ${JSON.stringify(out.stats.byPath)}\n`,
  );
  const tenth = (at: number): number => Math.max(0, Math.min(9, Math.floor(((at - out.start) * 10) / (o.seconds * 1000))));
  const tenths = Array.from({ length: 10 }, () => 0);
  const errorTenths = Array.from({ length: 10 }, () => 0);
  for (const r of tally.reads) tenths[tenth(r.t1)] += 1;
  for (const at of tally.errorTimes) errorTenths[tenth(at)] += 1;
  const lat = (xs: number[]): string => `${pct(xs, 0.5)}/${pct(xs, 0.99)}/${pct(xs, 1)}`;
  process.stdout.write(
    `# answer ms p50/p99/max: product ${lat(tally.latency.product)}, page ${lat(tally.latency.page)}; ` +
      `reads/s in each tenth of the run: ${tenths.map((n) => Math.round(n / (o.seconds / 10))).join(' ')}, ` +
      `of them errors: ${errorTenths.map((n) => Math.round(n / (o.seconds / 10))).join(' ')}\n`,
  );
  process.stdout.write(
    `# before the run: ${out.setupCalls} upstream calls (replica start-up and product warm-up; not counted in upstream_calls, still in the sandbox's window)\n`,
  );
  process.stdout.write(
    `# cache (extensions.upstream.picqer, summed): hits ${c.hits} misses ${c.misses} stale ${c.stale} staleOnError ${c.staleOnError} ` +
      `oldestAgeMs ${c.oldestAgeMs} calls ${c.calls}; stock history: ${out.history.changes.length} changes from ${out.history.source}` +
      `${out.judge.mismatches ? ` (${out.judge.mismatches} not continuing the previous value)` : ''}; webhooks queued ${w.queued} ` +
      `succeeded ${w.succeeded} failed attempts ${w.failedAttempts} pending ${w.pending}, balanced ${b.forwarded.join('/')} (unreachable ${b.failed}), ` +
      `replica answer p50/p99/max ${pct(b.answerMs, 0.5)}/${pct(b.answerMs, 0.99)}/${pct(b.answerMs, 1)} ms, ` +
      `change to acknowledgement p50/p99/max ${pct(b.lagMs, 0.5)}/${pct(b.lagMs, 0.99)}/${pct(b.lagMs, 1)} ms\n`,
  );
  process.stdout.write(
    `cache: replicas=${o.replicas} seconds=${o.seconds} reads=${reads} upstream_calls=${u} budget=${budget} hit_ratio=${hitRatio} ` +
      `stale_reads=${v.stale} max_staleness_ms=${Math.round(v.maxLag)} errors=${tally.errors} rss_mb=${out.rss.join('/')}\n`,
  );
}

/** The p-quantile (1 = the maximum) of `xs`, rounded to whole ms; 0 when empty. */
function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
}

/**
 * A Zipf-like sampler over n items: item k (0-based) is drawn with weight 1/(k+1)^s. With a seed,
 * ranks are shuffled over the items (the popular products are not the first codes); without, item
 * 0 is the most popular (page 1).
 */
function zipf(n: number, s: number, seed?: number): (rnd: () => number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / (k + 1) ** s;
  const order = Array.from({ length: n }, (_, k) => k);
  if (seed !== undefined) {
    const shuffle = prng(seed);
    for (let k = n - 1; k > 0; k--) {
      const j = Math.floor(shuffle() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
  }
  return (rnd) => {
    const u = rnd() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return order[lo];
  };
}
