import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { UpstreamHttp, parseRetryAfter } from '../../src/datasources/upstream/http';
import { RateLimitedError } from '../../src/errors';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';
import { until } from '../helpers/until';

/**
 * Several replicas (each its own registry and UpstreamHttp, one Redis prefix) flood a real
 * Picqer sandbox that enforces a small sliding-window limit. The sandbox is the judge: it counts
 * the 429s it served and the most requests it saw in any window.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('http-replicas');
const LIMIT = 10;
const WINDOW_MS = 2_000;

let sandbox: PicqerSandbox;
const registries: GovernorRegistry[] = [];
const clients: UpstreamHttp[] = [];

/**
 * The governor counts a call when it admits it, the sandbox when the request arrives; the margin
 * covers the time between the two. On a busy machine the first burst (new connections, all
 * replicas at once) can take most of a second to arrive, so the margin here is a full second.
 */
const MARGIN_MS = 1_000;

function replica(opts: { deadlineMs: number }): { http: UpstreamHttp; registry: GovernorRegistry } {
  const registry = createGovernorRegistry({ redisUrl: REDIS_URL, keyPrefix: prefix, windowMs: WINDOW_MS, marginMs: MARGIN_MS });
  const governor = registry.governor('picqer', sandbox.apiKey, { kind: 'requests-per-minute', limit: LIMIT });
  const http = new UpstreamHttp({
    upstream: 'picqer',
    baseUrl: sandbox.baseUrl,
    governor,
    deadlineMs: opts.deadlineMs,
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`,
      'user-agent': 'PicqerGateway-test (governor@example.invalid)',
    }),
  });
  registries.push(registry);
  clients.push(http);
  return { http, registry };
}

beforeAll(async () => {
  sandbox = await startPicqerSandbox({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS, products: 60, orders: 5 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(registries.map((r) => r.close()));
  await sandbox.close();
  await deleteKeys(REDIS_URL, prefix);
});

test('three replicas flooding the sandbox: no 429 served, no window over the limit, late calls RATE_LIMITED', async () => {
  const replicas = [0, 1, 2].map(() => replica({ deadlineMs: 5_000 }));
  sandbox.state.resetStats();
  const outcomes = await Promise.all(
    replicas.flatMap(({ http }, r) =>
      Array.from({ length: 12 }, (_, i) =>
        http.request({ path: '/products', query: { offset: r * 100 + i } }).then(
          (res) => `ok ${res.status}`,
          (err: unknown) => (err instanceof RateLimitedError && err.retryAfterMs > 0 ? 'RATE_LIMITED' : `other ${String(err)}`),
        ),
      ),
    ),
  );
  const stats = sandbox.state.stats();
  expect(stats.served429).toBe(0);
  expect(stats.maxInWindow).toBeLessThanOrEqual(LIMIT);
  const ok = outcomes.filter((o) => o === 'ok 200').length;
  const limited = outcomes.filter((o) => o === 'RATE_LIMITED').length;
  expect(ok + limited).toBe(36);
  // The first window's budget is served at once, whatever the machine's speed; not all 36 fit.
  expect(ok).toBeGreaterThanOrEqual(LIMIT);
  expect(limited).toBeGreaterThan(0);
  expect(stats.total).toBe(ok);
  const calls = replicas.reduce((n, { registry }) => n + registry.stats()[0].calls, 0);
  expect(calls).toBe(ok);
});

test('a 429 with Retry-After (seconds) pauses every replica for seconds, not milliseconds', async () => {
  expect(parseRetryAfter('2')).toBe(2_000);
  expect(parseRetryAfter('1.5')).toBe(1_500);
  sandbox.state.setRateLimit(1000);
  const a = replica({ deadlineMs: 10_000 });
  const b = replica({ deadlineMs: 10_000 });
  // Wait until the flood above has left the window, so only the injected 429 pauses us.
  const gb = b.registry.governor('picqer', sandbox.apiKey, { kind: 'requests-per-minute', limit: LIMIT });
  await gb.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 10_000 });
  sandbox.state.setFaults({ storm429: 1, retryAfterSeconds: 2 });
  const res = await a.http.request({ path: '/products', query: { offset: 999 } });
  expect(res.status).toBe(200);
  expect(a.registry.stats()[0].upstream429).toBe(1);
  // The retried call went after the pause; a second pause, read in the same units, now holds replica b.
  sandbox.state.setFaults({ storm429: 1, retryAfterSeconds: 3 });
  const second = a.http.request({ path: '/products', query: { offset: 998 } });
  // Replica a records the pause before it queues the retry: once the retry waits, the pause is shared.
  await until(() => a.registry.stats()[0].upstream429 === 2 && a.registry.stats()[0].queued === 1, 'replica a to pause and queue its retry');
  const err = await gb.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 500 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  // Seconds read as ms would pause for 3 ms; the pause still has most of its 3 s to run.
  expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(1_000);
  expect((await second).status).toBe(200);
});
