import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { startGateway } from '../src/app';
import { loadConfig } from '../src/config';
import { createCacheStore } from '../src/datasources/upstream/cache';
import { EntityCache } from '../src/datasources/upstream/cache/entity-cache';
import { createLogger } from '../src/logger';
import { startPicqerSandbox } from '../src/sandbox/picqer';
import { compiledScript } from './support/compiled';

/**
 * What a read costs in the gateway next to a hand-written endpoint that makes the same upstream
 * calls and answers the same JSON (issue 14). One process tree, each server in its own process so
 * its CPU is its own (process.cpuUsage, read over IPC):
 * - the Picqer sandbox at 0 ms latency (its rate limit out of the way);
 * - the gateway as `npm start` runs it (NODE_ENV=production, bearer auth, per-token limit, audit);
 * - a hand-written Fastify endpoint per query, checking the same bearer token;
 * - this process: the load (10 connections, closed loop) and the bookkeeping.
 * Rounds alternate between the two servers (and which goes first), so neither gets the quieter
 * moments of the machine. Before measuring, the `data` of both answers is compared.
 *
 * Modes: `uncached` reads Picqer over HTTP on every request (the gateway with CACHE_ENABLED=false;
 * both sides join identical GETs already in flight, as the gateway's upstream client does);
 * `cached` reads through the shared entity cache (src/datasources/upstream/cache, memory store) on
 * both sides: the gateway as configured by default, the hand-written endpoint through its own
 * EntityCache holding the same entries (a page's product ids, products by id, the warehouse list;
 * orders are never cached, on either side, as they hold personal data).
 *
 * Prints per query and mode:
 * `overhead: query=… mode=… gateway_rps=X handwritten_rps=Y ratio=X/Y gateway_cpu_ms=A handwritten_cpu_ms=B`
 * (CPU per request). Before measuring, each side serves the query for `--warmup W` seconds (default 10):
 * the figures are of a server that has run for a while. The gateway's CPU per request falls over
 * its first seconds at this load, as V8 optimises the compiled operations, the resolvers and
 * Apollo's pipeline, and is flat after; measuring from the first second counted that start-up as
 * the gateway's cost.
 * Options: `--rounds N` (default 4), `--seconds S` per round and side (default 2),
 * `--only products50|orders20`, `--mode uncached|cached`, `--profile DIR` (V8 CPU profiles of the
 * two servers, whole run, into DIR).
 *
 * `--against DIR`: this build's gateway next to another build's instead of the hand-written
 * endpoint, DIR being that build's `dist-bench` where Node finds its packages (a git worktree of
 * the commit before, after `npm ci && npx tsc -p tsconfig.bench.json` there, or a copy of a
 * `dist-bench` inside this checkout). From run to run the machine's speed moves the ratio more
 * than a few percent, so a change is judged this way: both gateways in one run, rounds
 * alternating. Use more, shorter rounds (`--rounds 20 --seconds 1`). Prints
 * `overhead-ab: query=… mode=… this_cpu_ms=A against_cpu_ms=B cpu_ratio=A/B this_rps=X against_rps=Y`.
 */

const TOKEN = 'bench-overhead-token-0123456789';
const CONNECTIONS = 10;

interface Query {
  name: 'products50' | 'orders20';
  graphql: string;
}

const QUERIES: Query[] = [
  { name: 'products50', graphql: '{ products(first: 50) { edges { node { productcode name freeStock stock { warehouse { name } freeStock } } } } }' },
  {
    name: 'orders20',
    graphql: '{ orders(first: 20) { edges { node { orderid status lines { productcode amount product { productcode name freeStock } } } } } }',
  },
];

type Mode = 'uncached' | 'cached';
/** Rounds per side, seconds per round, seconds of warm-up per side before the first. */
interface Timing {
  rounds: number;
  seconds: number;
  warmup: number;
}
type ToChild = { type: 'start'; env: Record<string, string> } | { type: 'cpu' } | { type: 'close' };
type FromChild =
  { type: 'ready'; url: string; env?: Record<string, string> } | { type: 'cpu'; us: number } | { type: 'ack' } | { type: 'failed'; message: string };

export async function run(args: string[]): Promise<void> {
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const timing: Timing = { rounds: opt('rounds', 4), seconds: opt('seconds', 2), warmup: opt('warmup', 10) };
  const text = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
  const only = text('only');
  const profile = text('profile');
  const against = text('against');
  const againstScript = against === undefined ? undefined : path.resolve(against, 'bench', 'overhead.js');
  if (againstScript && !existsSync(againstScript)) {
    throw new Error(`--against ${against}: no ${againstScript}; give another build's dist-bench (npx tsc -p tsconfig.bench.json in its checkout).`);
  }
  const modes = (['uncached', 'cached'] as const).filter((m) => !text('mode') || m === text('mode'));
  const sandbox = await Child.start('sandbox', {});
  try {
    for (const mode of modes) {
      const cache = { CACHE_ENABLED: String(mode === 'cached') };
      const gatewayEnv = { ...sandbox.env!, ...cache, GATEWAY_TOKENS: `bench:stock:read+orders:read:${TOKEN}` };
      const gateway = await Child.start('gateway', gatewayEnv, profile);
      // The hand-written endpoint, or with --against the other build's gateway.
      const other = againstScript
        ? await Child.start('gateway', gatewayEnv, profile, againstScript)
        : await Child.start('handwritten', { ...sandbox.env!, ...cache }, profile);
      try {
        for (const q of QUERIES.filter((x) => !only || x.name === only)) await compare(q, mode, gateway, other, timing, Boolean(againstScript));
      } finally {
        await Promise.all([gateway.close(), other.close()]);
      }
    }
  } finally {
    await sandbox.close();
  }
}

/** Interleaved rounds of one query on both servers; prints the `overhead:` line (`overhead-ab:` with --against). */
async function compare(q: Query, mode: Mode, gateway: Child, other: Child, { rounds, seconds, warmup }: Timing, ab: boolean): Promise<void> {
  const sides = [
    new Side(ab ? 'this gateway' : 'gateway', gateway, `${gateway.url}/graphql`),
    new Side(ab ? 'the other gateway' : 'handwritten', other, ab ? `${other.url}/graphql` : `${other.url}/${q.name}`),
  ];
  try {
    await sameData(sides, q);
    for (const s of sides) await s.round(q, warmup, false); // V8's optimisation, compiled operations, cache
    for (let r = 0; r < rounds; r++) for (const s of r % 2 ? [...sides].reverse() : sides) await s.round(q, seconds, true);
    const [g, h] = sides;
    if (ab) {
      process.stdout.write(
        `overhead-ab: query=${q.name} mode=${mode} this_cpu_ms=${g.cpuMs().toFixed(3)} against_cpu_ms=${h.cpuMs().toFixed(3)} ` +
          `cpu_ratio=${(g.cpuMs() / h.cpuMs()).toFixed(3)} this_rps=${g.rps().toFixed(0)} against_rps=${h.rps().toFixed(0)}\n`,
      );
      return;
    }
    process.stdout.write(
      `overhead: query=${q.name} mode=${mode} gateway_rps=${g.rps().toFixed(0)} handwritten_rps=${h.rps().toFixed(0)} ` +
        `ratio=${(g.rps() / h.rps()).toFixed(2)} gateway_cpu_ms=${g.cpuMs().toFixed(3)} handwritten_cpu_ms=${h.cpuMs().toFixed(3)}\n`,
    );
  } finally {
    await Promise.all(sides.map((s) => s.close()));
  }
}

/** One measured server: requests, wall time and its process's CPU, summed over rounds. */
class Side {
  private readonly pool: Pool;
  private requests = 0;
  private ms = 0;
  private cpuUs = 0;

  constructor(
    readonly name: string,
    private readonly child: Child,
    private readonly url: string,
  ) {
    this.pool = new Pool(new URL(url).origin, { connections: CONNECTIONS });
  }

  /** Sends the query once and answers the parsed body. */
  async once(q: Query): Promise<{ data?: unknown; errors?: unknown[] }> {
    const u = new URL(this.url);
    const r = await this.pool.request({ method: 'POST', path: u.pathname, headers: HEADERS, body: JSON.stringify({ query: q.graphql }) });
    const body = (await r.body.json()) as { data?: unknown; errors?: unknown[] };
    if (r.statusCode !== 200 || body.errors) throw new Error(`${this.name} answered ${r.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  }

  /** CONNECTIONS closed loops for `seconds`; counted only when `measure`. */
  async round(q: Query, seconds: number, measure: boolean): Promise<void> {
    const path = new URL(this.url).pathname;
    const body = JSON.stringify({ query: q.graphql });
    const cpu0 = await this.child.cpuUs();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) {
          const r = await this.pool.request({ method: 'POST', path, headers: HEADERS, body });
          await r.body.dump({ limit: Infinity });
          if (r.statusCode !== 200) throw new Error(`${this.name} answered ${r.statusCode}`);
          n++;
        }
      }),
    );
    const ms = performance.now() - t0;
    const cpu1 = await this.child.cpuUs();
    if (!measure) return;
    this.requests += n;
    this.ms += ms;
    this.cpuUs += cpu1 - cpu0;
  }

  rps(): number {
    return (this.requests / this.ms) * 1000;
  }

  cpuMs(): number {
    return this.cpuUs / 1000 / this.requests;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${TOKEN}` };

/** Both servers must answer the same data, or the comparison means nothing. */
async function sameData(sides: Side[], q: Query): Promise<void> {
  const [a, b] = await Promise.all(sides.map((s) => s.once(q)));
  const x = JSON.stringify(a.data);
  const y = JSON.stringify(b.data);
  if (x !== y) throw new Error(`${q.name}: the gateway and the hand-written endpoint answer different data:\n${x.slice(0, 400)}\n${y.slice(0, 400)}`);
}

/** A forked server process of this bench (this file, with a role), spoken to over IPC. */
class Child {
  private waiting: Array<(m: FromChild) => void> = [];

  private constructor(
    private readonly proc: ChildProcess,
    readonly url: string,
    readonly env?: Record<string, string>,
  ) {
    proc.on('message', (m: FromChild) => this.waiting.shift()?.(m));
  }

  static start(role: 'sandbox' | 'gateway' | 'handwritten', env: Record<string, string>, profileDir?: string, script?: string): Promise<Child> {
    // This file compiled (support/compiled.ts): the servers run as `npm start` runs the gateway.
    // `script`: another build's copy of it (--against).
    const name = script ? `${role}-against` : role;
    const proc = fork(script ?? compiledScript(__filename), [role], {
      execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [],
      // graphql-js and Fastify as in production (`npm start`): no development-mode checks.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return new Promise((resolve, reject) => {
      proc.once('message', (m: FromChild) =>
        m.type === 'ready' ? resolve(new Child(proc, m.url, m.env)) : reject(new Error(`${role}: ${JSON.stringify(m)}`)),
      );
      proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
      proc.send({ type: 'start', env } satisfies ToChild);
    });
  }

  ask(msg: ToChild): Promise<FromChild> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.send(msg);
    });
  }

  async cpuUs(): Promise<number> {
    const m = await this.ask({ type: 'cpu' });
    return m.type === 'cpu' ? m.us : NaN;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.send({ type: 'close' } satisfies ToChild);
    });
  }
}

// ---- the child processes ----

interface Started {
  url: string;
  env?: Record<string, string>;
  close(): Promise<void>;
}

/** The Picqer sandbox at 0 ms latency, its rate limit out of the way: this bench measures the servers, not the budget. */
async function startSandboxRole(): Promise<Started> {
  const s = await startPicqerSandbox({ rateLimitPerMinute: 100_000_000, latencyMs: 0 });
  return { url: s.origin, env: { PICQER_SUBDOMAIN: 'sandbox', PICQER_API_KEY: s.apiKey, PICQER_BASE_URL: s.baseUrl }, close: () => s.close() };
}

/** The gateway as an operator would run it, with budgets and the per-token limit above what the bench sends. */
async function startGatewayRole(env: Record<string, string>): Promise<Started> {
  const config = loadConfig({
    ...env,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_WARMUP_PAGES: '0',
    PICQER_RATE_LIMIT: '100000',
    RATE_LIMIT_PER_TOKEN_PER_MINUTE: '1000000',
    AUDIT_LOG: 'stderr',
  });
  const gw = await startGateway(config, createLogger('silent'));
  return { url: gw.url, close: () => gw.close() };
}

/** A child process: starts its role on `start`, reports its CPU on `cpu`, leaves on `close` or when the bench goes. */
function serveRole(role: string): void {
  let started: Started | undefined;
  const send = (m: FromChild): void => void process.send?.(m);
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'start') {
      const start = role === 'sandbox' ? startSandboxRole() : role === 'gateway' ? startGatewayRole(msg.env) : startHandwritten(msg.env);
      start.then(
        (s) => {
          started = s;
          send({ type: 'ready', url: s.url, env: s.env });
        },
        (err: unknown) => send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
    } else if (msg.type === 'cpu') {
      const u = process.cpuUsage();
      send({ type: 'cpu', us: u.user + u.system });
    } else {
      void (started?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) serveRole(process.argv[2]);

// ---- the hand-written endpoint ----

interface StockWire {
  idwarehouse: number;
  freestock: number;
}
interface ProductWire {
  idproduct: number;
  productcode: string;
  name: string;
  stock: StockWire[];
}
interface WarehouseWire {
  idwarehouse: number;
  name: string;
  counts_for_general_stock: boolean;
}
interface OrderWire {
  orderid: string;
  status: string;
  products: Array<{ idproduct: number; productcode: string; amount: number }>;
}

/**
 * What a developer would write for these two screens without GraphQL: the same Picqer calls as the
 * gateway (a page of 100, the warehouse list, products by id 100 at a time), identical GETs in
 * flight shared as the gateway's client shares them, the same JSON out. With CACHE_ENABLED=true it
 * reads products, page ids and warehouses through an EntityCache of its own, as the gateway does
 * (of a cached page, only the products of the rows it answers).
 */
export async function startHandwritten(env: Record<string, string>): Promise<Started> {
  const picqer = picqerReader(env);
  const app = Fastify({ logger: false });
  const digest = createHash('sha256').update(TOKEN).digest();
  app.addHook('onRequest', async (req, reply) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const given = createHash('sha256')
      .update(m?.[1] ?? '')
      .digest();
    if (!timingSafeEqual(given, digest)) return reply.code(401).send({ errors: [{ message: 'unauthenticated' }] });
  });
  app.post('/products50', async () => {
    const [products, ws] = await Promise.all([picqer.page(50), picqer.warehouses()]);
    const stock = stockOf(ws);
    const edges = products.slice(0, 50).map((p) => ({
      node: {
        productcode: p.productcode,
        name: p.name,
        freeStock: stock.general(p),
        stock: p.stock.map((s) => ({ warehouse: { name: stock.name(s.idwarehouse) }, freeStock: s.freestock })),
      },
    }));
    return { data: { products: { edges } }, extensions: { upstream: picqer.usage() } };
  });
  app.post('/orders20', async () => {
    const orders = (await picqer.get<OrderWire[]>('/orders')).slice(0, 20);
    const ids = [...new Set(orders.flatMap((o) => o.products.map((l) => l.idproduct)))];
    const [products, ws] = await Promise.all([picqer.products(ids), picqer.warehouses()]);
    const byId = new Map(products.map((p) => [p.idproduct, p]));
    const stock = stockOf(ws);
    const edges = orders.map((o) => ({
      node: {
        orderid: o.orderid,
        status: o.status.toUpperCase(),
        lines: o.products.map((l) => {
          const p = byId.get(l.idproduct);
          return {
            productcode: l.productcode,
            amount: l.amount,
            product: p ? { productcode: p.productcode, name: p.name, freeStock: stock.general(p) } : null,
          };
        }),
      },
    }));
    return { data: { orders: { edges } }, extensions: { upstream: picqer.usage() } };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    close: async () => {
      await app.close();
      await picqer.close();
    },
  };
}

/** The hand-written endpoint's Picqer reads: plain GETs, through an EntityCache when CACHE_ENABLED=true. */
function picqerReader(env: Record<string, string>) {
  const base = new URL(env.PICQER_BASE_URL);
  const pool = new Pool(base.origin, { connections: 16 });
  const headers = {
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${env.PICQER_API_KEY}:`).toString('base64')}`,
    'user-agent': 'bench-handwritten',
  };
  const inFlight = new Map<string, Promise<unknown>>();
  const get = <T>(path: string): Promise<T> => {
    let p = inFlight.get(path) as Promise<T> | undefined;
    if (!p) {
      p = (async () => {
        const r = await pool.request({ method: 'GET', path: `${base.pathname}${path}`, headers });
        const text = await r.body.text();
        if (r.statusCode !== 200) throw new Error(`Picqer ${path} answered ${r.statusCode}`);
        return JSON.parse(text) as T;
      })().finally(() => inFlight.delete(path));
      inFlight.set(path, p);
    }
    return p;
  };
  const byIds = async (ids: readonly number[]): Promise<ProductWire[]> => {
    const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
    return (await Promise.all(chunks.map((c) => get<ProductWire[]>(`/products?idproducts=${c.join('%2C')}`)))).flat();
  };
  const fetchWarehouses = async (): Promise<WarehouseWire[]> => {
    const rows: WarehouseWire[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await get<WarehouseWire[]>(offset ? `/warehouses?offset=${offset}` : '/warehouses');
      rows.push(...page);
      if (page.length < 100) return rows;
    }
  };
  const cache =
    env.CACHE_ENABLED === 'true'
      ? new EntityCache({ store: createCacheStore({ keyPrefix: 'hw:', maxBytes: 64 * 2 ** 20 }), policies: loadConfig(env).cache.policies })
      : null;
  const read = async <K, V>(
    type: 'product' | 'productPage' | 'warehouses',
    keys: K[],
    fetch: (miss: K[]) => Promise<Array<V | null>>,
  ): Promise<Array<V | null>> => {
    const rows = await cache!.load<K, V>({ upstream: 'picqer', type, namespace: 'hw', keys, id: String, fetch });
    const failed = rows.find((r): r is Error => r instanceof Error);
    if (failed) throw failed;
    return rows as Array<V | null>;
  };
  const products = async (ids: number[]): Promise<ProductWire[]> => {
    if (!cache) return byIds(ids);
    return (
      await read<number, ProductWire>('product', ids, async (miss) => {
        const got = new Map((await byIds(miss)).map((p) => [p.idproduct, p]));
        return miss.map((id) => got.get(id) ?? null);
      })
    ).filter((p): p is ProductWire => p !== null);
  };
  return {
    get,
    products,
    /** The page's first `need` products (the cached ids of the rest are not read, as in the gateway). */
    async page(need: number): Promise<ProductWire[]> {
      if (!cache) return get<ProductWire[]>('/products');
      let fetched: ProductWire[] | undefined;
      const [ids] = await read<string, number[]>('productPage', ['0:{}'], async () => {
        const startedAt = cache.clock();
        fetched = await get<ProductWire[]>('/products');
        await cache.fill(
          'product',
          'hw',
          fetched.map((p) => ({ id: String(p.idproduct), value: p })),
          startedAt,
        );
        return [fetched.map((p) => p.idproduct)];
      });
      return fetched ?? products((ids ?? []).slice(0, need));
    },
    async warehouses(): Promise<WarehouseWire[]> {
      if (!cache) return fetchWarehouses();
      const [rows] = await read<string, WarehouseWire[]>('warehouses', ['all'], async () => [await fetchWarehouses()]);
      return rows ?? [];
    },
    usage: () => ({ picqer: { calls: 0, shared: 0, waitedMs: 0, cacheHits: 0, cacheMisses: 0 } }),
    close: async () => {
      await cache?.close();
      await pool.close();
    },
  };
}

/** General free stock (warehouses that count for it) and warehouse names, as the gateway computes them. */
function stockOf(ws: WarehouseWire[]): { general(p: ProductWire): number; name(id: number): string } {
  const counting = new Set(ws.filter((w) => w.counts_for_general_stock).map((w) => w.idwarehouse));
  const names = new Map(ws.map((w) => [w.idwarehouse, w.name]));
  return {
    general: (p) => p.stock.reduce((sum, s) => (counting.has(s.idwarehouse) ? sum + s.freestock : sum), 0),
    name: (id) => names.get(id) ?? `Warehouse ${id}`,
  };
}
