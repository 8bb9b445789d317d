import { request } from 'undici';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { UpstreamHttp } from '../../src/datasources/upstream/http';
import { RateLimitedError } from '../../src/errors';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';

/**
 * Picqer's 429 carries X-RateLimit-Limit and -Remaining but (as far as is documented) no
 * Retry-After: the sandbox's default. Here another client on the same API key has spent the whole
 * window before the gateway's first calls, so the gateway's own budget knows nothing of it. The
 * gateway must take the 429 for what it says (the window is full), hold back until its budget has
 * room again and then succeed, instead of probing with short back-offs: each probe met another
 * 429, and after four of them (some 5–10 s) the call gave up as RATE_LIMITED while the window was
 * still full. The sandbox is the judge (it counts what it served); nothing here measures time.
 * The same run goes against the memory budget and the shared Redis budget, side by side.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('picqer-429-no-retry-after');
const LIMIT = 10;
/** Longer than the back-offs of the four 429 retries (0.4 s … 5 s each) add up to. */
const WINDOW_MS = 12_000;

interface Run {
  sandbox: PicqerSandbox;
  registry: GovernorRegistry;
  http: UpstreamHttp;
}
const runs: Run[] = [];

async function start(redisUrl: string | undefined): Promise<Run> {
  const sandbox = await startPicqerSandbox({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS, products: 60, orders: 5 });
  const registry = createGovernorRegistry({ redisUrl, keyPrefix: prefix, windowMs: WINDOW_MS, marginMs: 500 });
  const http = new UpstreamHttp({
    upstream: 'picqer',
    baseUrl: sandbox.baseUrl,
    governor: registry.governor('picqer', sandbox.apiKey, { kind: 'requests-per-minute', limit: LIMIT }),
    // Room for a whole window: giving up early is then the gateway's choice, not the deadline's.
    deadlineMs: 30_000,
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`,
      'user-agent': 'PicqerGateway-test (governor@example.invalid)',
    }),
  });
  const run = { sandbox, registry, http };
  runs.push(run);
  return run;
}

afterAll(async () => {
  for (const r of runs) {
    await r.http.close();
    await r.registry.close();
    await r.sandbox.close();
  }
  await deleteKeys(REDIS_URL, prefix);
});

/** Another client spends the key's window; then the gateway sends two calls at once. */
async function scenario({ sandbox, http }: Run): Promise<string[]> {
  const other = { authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`, 'user-agent': 'other-client (ops@example.invalid)' };
  for (let i = 0; i < LIMIT; i++) {
    const res = await request(`${sandbox.baseUrl}/warehouses`, { headers: other });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  }
  sandbox.state.resetStats();
  return Promise.all(
    [0, 1].map((i) =>
      http.request({ path: '/products', query: { offset: i } }).then(
        (res) => `ok ${res.status}`,
        (err: unknown) => (err instanceof RateLimitedError ? 'RATE_LIMITED' : `other ${String(err)}`),
      ),
    ),
  );
}

test('429s without Retry-After: the gateway waits for the window instead of probing, and its calls succeed', async () => {
  const [memory, redis] = [await start(undefined), await start(REDIS_URL)];
  // The sandbox's default: a 429 on this key carries no Retry-After.
  expect(memory.sandbox.state.retryAfterOn429).toBe(false);
  const outcomes = await Promise.all([scenario(memory), scenario(redis)]);
  for (const [i, run] of [memory, redis].entries()) {
    expect(outcomes[i]).toEqual(['ok 200', 'ok 200']);
    // One 429 per call (its first attempt, sent before anything was known); every retry waited for room.
    expect(run.sandbox.requests().byStatus).toEqual({ 200: 2, 429: 2 });
    expect(run.registry.stats()[0]).toMatchObject({ upstream429: 2, rateLimited: 0 });
  }
  expect(redis.registry.stats()[0].mode).toBe('redis');
}, 60_000);
