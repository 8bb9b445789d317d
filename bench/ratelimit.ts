import { CallAccounting } from '../src/datasources/upstream/accounting';
import { createGovernorRegistry } from '../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../src/datasources/upstream/governor/governor.types';
import { UpstreamHttp } from '../src/datasources/upstream/http';
import { startPicqerSandbox, type PicqerSandbox } from '../src/sandbox/picqer';
import { DEFAULT_LIGHTSPEED_WINDOWS, lightspeedRun } from './ratelimit-lightspeed';
import { deleteKeys } from '../test/helpers/redis-keys';

/**
 * Replicas sharing one Redis budget flood the Picqer sandbox with several times its limit.
 * The sandbox is the judge: every request it serves is timed on its own clock, and a window is
 * "over the limit" when, at some served request, the trailing window held more than the limit.
 * Each run lasts a whole number of windows; at its end the governors close, so a call still
 * waiting for budget then is never sent, and utilization = served / (limit x windows).
 *
 * Then a Lightspeed line (bench/ratelimit-lightspeed.ts): several windows at once, 3 replicas.
 *
 * Prints per run: `ratelimit: replicas=R limit=L/min sent=N over_limit_windows=0 upstream_429=0 utilization=U% p99_wait_ms=W`
 * (limit is per window; "/min" names Picqer's unit). Args: --limit 120 --window-ms 10000
 * --windows 3 --workers 12 --replicas 1,3 --margin-ms 250 --redis redis://127.0.0.1:6379
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const limit = Number(opt('limit', '120'));
  const windowMs = Number(opt('window-ms', '10000'));
  const windows = Number(opt('windows', '3'));
  const workers = Number(opt('workers', '12'));
  const marginMs = Number(opt('margin-ms', '250'));
  const redisUrl = opt('redis', 'redis://127.0.0.1:6379');
  for (const replicas of opt('replicas', '1,3').split(',').map(Number)) {
    await oneRun({ replicas, limit, windowMs, windows, workers, marginMs, redisUrl });
  }
  // Lightspeed eCom's several windows at once, shared by 3 replicas (--lightspeed off skips it).
  if (opt('lightspeed', 'on') !== 'off') {
    await lightspeedRun({ replicas: 3, windows: DEFAULT_LIGHTSPEED_WINDOWS, seconds: Number(opt('lightspeed-seconds', '24')), workers: 4, marginMs, redisUrl });
  }
}

interface RunOptions {
  replicas: number;
  limit: number;
  windowMs: number;
  windows: number;
  workers: number;
  marginMs: number;
  redisUrl: string;
}

async function oneRun(o: RunOptions): Promise<void> {
  const sandbox = await startPicqerSandbox({ rateLimitPerMinute: o.limit, rateWindowMs: o.windowMs, products: 200, orders: 5 });
  const served = recordServed(sandbox);
  const prefix = `bench:ratelimit:${process.pid}:${Date.now()}:`;
  const registries: GovernorRegistry[] = [];
  const clients: UpstreamHttp[] = [];
  const waits: number[] = [];
  let limited = 0;
  try {
    for (let r = 0; r < o.replicas; r++) {
      const registry = createGovernorRegistry({ redisUrl: o.redisUrl, keyPrefix: prefix, windowMs: o.windowMs, marginMs: o.marginMs });
      registries.push(registry);
      clients.push(
        new UpstreamHttp({
          upstream: 'picqer',
          baseUrl: sandbox.baseUrl,
          governor: registry.governor('picqer', sandbox.apiKey, { kind: 'requests-per-minute', limit: o.limit }),
          deadlineMs: o.windows * o.windowMs,
          headers: () => ({
            authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`,
            'user-agent': 'PicqerGateway-bench (bench@example.invalid)',
          }),
        }),
      );
    }
    const start = Date.now();
    const end = start + o.windows * o.windowMs;
    let seq = 0;
    const worker = async (http: UpstreamHttp): Promise<void> => {
      while (Date.now() < end - 1) {
        const accounting = new CallAccounting();
        try {
          // Distinct offsets: identical GETs would be coalesced, not sent.
          await http.request({ path: '/products', query: { offset: seq++ % 200 }, accounting });
          waits.push(accounting.toJSON().picqer?.waitedMs ?? 0);
        } catch {
          limited++;
        }
      }
    };
    // The run ends on the clock: closing the registries fails every call still waiting for budget
    // (it is never sent); calls already admitted finish.
    const stop = setTimeout(() => void Promise.all(registries.map((r) => r.close())), end - start);
    await Promise.all(clients.flatMap((http) => Array.from({ length: o.workers }, () => worker(http))));
    clearTimeout(stop);
    const elapsedWindows = o.windows;
    const n = served.times.length;
    const over = overLimit(served.times, o.windowMs, o.limit);
    const stats = sandbox.state.stats();
    const util = (100 * n) / (o.limit * elapsedWindows);
    waits.sort((a, b) => a - b);
    const p99 = waits.length ? waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.99))] : 0;
    process.stdout.write(
      `ratelimit: replicas=${o.replicas} limit=${Math.round((o.limit * 60_000) / o.windowMs)}/min sent=${stats.total} over_limit_windows=${over} upstream_429=${stats.served429} utilization=${util.toFixed(1)}% p99_wait_ms=${Math.round(p99)}\n`,
    );
    // The sandbox and governor run a shorter window so a run takes seconds; limit= above is its
    // per-minute equivalent, and this line says what really ran.
    process.stderr.write(
      `  (${o.limit} per window of ${o.windowMs} ms x ${o.windows}, ${o.workers} workers per replica, served ${n}, RATE_LIMITED ${limited}, run ${Date.now() - start} ms)\n`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(registries.map((r) => r.close()));
    await sandbox.close();
    await deleteKeys(o.redisUrl, prefix);
  }
}

/** Times (sandbox clock) of every request the sandbox's limiter served. */
function recordServed(sandbox: PicqerSandbox): { times: number[] } {
  const times: number[] = [];
  const limiter = sandbox.state.limiter;
  const take = limiter.take.bind(limiter);
  limiter.take = (key: string) => {
    const d = take(key);
    if (d.allowed) times.push(Date.now());
    return d;
  };
  return { times };
}

/** Served requests at which the trailing window (t - windowMs, t] held more than `limit`. */
function overLimit(times: number[], windowMs: number, limit: number): number {
  let over = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j] <= times[i] - windowMs) j++;
    if (i - j + 1 > limit) over++;
  }
  return over;
}
