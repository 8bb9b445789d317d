import { CallAccounting } from '../src/datasources/upstream/accounting';
import { createGovernorRegistry } from '../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../src/datasources/upstream/governor/governor.types';
import { UpstreamHttp } from '../src/datasources/upstream/http';
import { startLightspeedEcomSandbox, type LightspeedEcomSandbox } from '../src/sandbox/lightspeed';
import { maxInSlidingWindow } from '../test/governor/governor.contract';
import { deleteKeys } from '../test/helpers/redis-keys';

/**
 * The Lightspeed line of `npm run bench -- ratelimit`: replicas sharing one multi-window budget in
 * Redis flood the Lightspeed eCom sandbox, which enforces every window at once. eCom's windows
 * (300 per 5 min, 3,000 per hour, 12,000 per day) would take a day to exercise; the run keeps
 * their shape (a short window, and longer ones that are tighter on average) scaled so it takes
 * seconds: by default 10 per 1 s, 30 per 4 s, 60 per 12 s. The sandbox is the judge: at every
 * request it served, no trailing window of any length may hold more than that window's limit.
 *
 * Prints `ratelimit: upstream=lightspeed replicas=R windows=10/1000ms,… sent=N over_limit_windows=0 upstream_429=0 utilization=U%`
 * where utilization is served / what the tightest window allows over the run.
 */
export interface LightspeedRunOptions {
  replicas: number;
  windows: Array<{ limit: number; windowMs: number }>;
  seconds: number;
  workers: number;
  marginMs: number;
  redisUrl: string;
}

export const DEFAULT_LIGHTSPEED_WINDOWS = [
  { limit: 10, windowMs: 1_000 },
  { limit: 30, windowMs: 4_000 },
  { limit: 60, windowMs: 12_000 },
];

export async function lightspeedRun(o: LightspeedRunOptions): Promise<void> {
  const sandbox = await startLightspeedEcomSandbox({ rateLimits: o.windows, products: 200 });
  const served = recordServed(sandbox);
  const prefix = `bench:ratelimit-ls:${process.pid}:${Date.now()}:`;
  const registries: GovernorRegistry[] = [];
  const clients: UpstreamHttp[] = [];
  let limited = 0;
  try {
    for (let r = 0; r < o.replicas; r++) {
      const registry = createGovernorRegistry({ redisUrl: o.redisUrl, keyPrefix: prefix, marginMs: o.marginMs });
      registries.push(registry);
      clients.push(
        new UpstreamHttp({
          upstream: 'lightspeed',
          baseUrl: sandbox.baseUrl,
          governor: registry.governor('lightspeed', sandbox.apiKey, { kind: 'multi-window', windows: o.windows }),
          deadlineMs: o.seconds * 1000,
          headers: () => ({ authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:${sandbox.apiSecret}`).toString('base64')}` }),
        }),
      );
    }
    const start = Date.now();
    const end = start + o.seconds * 1000;
    let seq = 0;
    const worker = async (http: UpstreamHttp): Promise<void> => {
      while (Date.now() < end - 1) {
        try {
          // Distinct pages: identical GETs would be coalesced, not sent.
          await http.request({ path: '/variants.json', query: { page: (seq++ % 4) + 1, limit: 50 }, accounting: new CallAccounting() });
        } catch {
          limited++;
        }
      }
    };
    const stop = setTimeout(() => void Promise.all(registries.map((r) => r.close())), end - start);
    await Promise.all(clients.flatMap((http) => Array.from({ length: o.workers }, () => worker(http))));
    clearTimeout(stop);
    report(o, served.times, sandbox, limited, Date.now() - start);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(registries.map((r) => r.close()));
    await sandbox.close();
    await deleteKeys(o.redisUrl, prefix);
  }
}

function report(o: LightspeedRunOptions, times: number[], sandbox: LightspeedEcomSandbox, limited: number, ranMs: number): void {
  // Served requests at which some window's trailing span held more than its limit.
  let over = 0;
  for (const w of o.windows) {
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[j] <= times[i] - w.windowMs) j++;
      if (i - j + 1 > w.limit) over++;
    }
  }
  const tightest = Math.min(...o.windows.map((w) => (w.limit * ranMs) / w.windowMs));
  const worst = o.windows.map((w) => `${maxInSlidingWindow(times, w.windowMs)}/${w.limit}`).join(',');
  const windows = o.windows.map((w) => `${w.limit}/${w.windowMs}ms`).join(',');
  const byStatus = sandbox.requests().byStatus;
  process.stdout.write(
    `ratelimit: upstream=lightspeed replicas=${o.replicas} windows=${windows} sent=${sandbox.requests().total} over_limit_windows=${over} upstream_429=${byStatus[429] ?? 0} utilization=${((100 * times.length) / tightest).toFixed(1)}%\n`,
  );
  process.stderr.write(
    `  (served ${times.length}, fullest trailing window per limit ${worst}, RATE_LIMITED ${limited}, ${o.workers} workers per replica, run ${ranMs} ms)\n`,
  );
}

/** Times of every request the sandbox's limiter let through. */
function recordServed(sandbox: LightspeedEcomSandbox): { times: number[] } {
  const times: number[] = [];
  const limiter = sandbox.state.limiter;
  const take = limiter.take.bind(limiter);
  limiter.take = () => {
    const d = take();
    if (d.allowed) times.push(Date.now());
    return d;
  };
  return { times };
}
