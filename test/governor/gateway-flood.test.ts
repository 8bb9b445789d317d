import { PrivateRedis } from '../helpers/private-redis';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { deleteKeys, testPrefix } from '../helpers/redis-keys';
import { until } from '../helpers/until';

/**
 * The governor at gateway level: three gateways sharing one Redis budget flood a Picqer sandbox
 * that allows 30 requests per 10 s. The sandbox is the judge: it counts the 429s it served and
 * the most requests it saw in any window. Each query needs one distinct, uncached upstream call.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = testPrefix('gateway-flood');
const LIMIT = 30;
const WINDOW_MS = 10_000;
const MARGIN_MS = 2_000;

let sandbox: PicqerSandbox;
const gateways: RunningGateway[] = [];
/** Product ids not asked for yet: every query must cost a fresh upstream call. */
let unused: number[] = [];

function gatewayEnv(sb: PicqerSandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_SUBDOMAIN: 'sandbox',
    PICQER_API_KEY: sb.apiKey,
    PICQER_BASE_URL: sb.baseUrl,
    PICQER_RATE_LIMIT: String(LIMIT),
    GOVERNOR_WINDOW_MS: String(WINDOW_MS),
    // The governor counts a call when it admits it, the sandbox when it arrives. Thirty queries at
    // once through three gateways in this one process can take well over a second to arrive on a
    // busy machine, while a later, smaller burst arrives at once: the margin must cover the gap.
    GOVERNOR_MARGIN_MS: String(MARGIN_MS),
    PICQER_WARMUP_PAGES: '0',
    // Short enough that calls queued behind a full window give up instead of waiting for it.
    UPSTREAM_DEADLINE_MS: '4000',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // The per-caller limit is not under test here.
    RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0',
    ...extra,
  };
}

async function gateway(sb: PicqerSandbox, extra: Record<string, string> = {}): Promise<RunningGateway> {
  const gw = await startGateway(loadConfig(gatewayEnv(sb, extra)), createLogger('silent'));
  gateways.push(gw);
  return gw;
}

type Outcome = 'ok' | 'RATE_LIMITED' | `other: ${string}`;

/** Asks one gateway for one product's name and sorts the answer into ok / RATE_LIMITED / other. */
async function askProduct(gw: RunningGateway, idproduct: number, token?: string): Promise<Outcome> {
  const { body } = await gql<{ product: { name: string } | null }>(gw, 'query ($id: ID!) { product(id: $id) { name } }', { id: String(idproduct) }, { token });
  if (!body.errors && typeof body.data?.product?.name === 'string') return 'ok';
  const errs = body.errors ?? [];
  const limited = errs.length > 0 && errs.every((e) => e.extensions?.code === 'RATE_LIMITED' && Number(e.extensions.retryAfterMs) > 0);
  return limited && body.data?.product == null ? 'RATE_LIMITED' : `other: ${JSON.stringify(body)}`;
}

/** `n` distinct product queries spread round-robin over `gws`, all at once. */
async function flood(gws: RunningGateway[], n: number): Promise<Outcome[]> {
  const ids = unused.splice(0, n);
  if (ids.length < n) throw new Error(`only ${ids.length} unused product ids left, ${n} needed`);
  return Promise.all(ids.map((id, i) => askProduct(gws[i % gws.length], id)));
}

function tally(outcomes: Outcome[]): { ok: number; limited: number; other: string[] } {
  return {
    ok: outcomes.filter((o) => o === 'ok').length,
    limited: outcomes.filter((o) => o === 'RATE_LIMITED').length,
    other: outcomes.filter((o) => o !== 'ok' && o !== 'RATE_LIMITED'),
  };
}

interface Stats {
  total: number;
  served429: number;
  maxInWindow: number;
  byStatus: Record<string, number>;
}

async function control(sb: PicqerSandbox, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<any> {
  const r = await request(`${sb.origin}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.body.json();
  if (r.statusCode !== 200) throw new Error(`sandbox ${method} ${path} answered ${r.statusCode}`);
  return json;
}
const stats = (sb: PicqerSandbox): Promise<Stats> => control(sb, 'GET', 'stats');

/** A private redis-server on a spare port, so stopping it disturbs no other test. */
let privateRedis: PrivateRedis | undefined;

beforeAll(async () => {
  // Retry-After on the sandbox's own 429s (not its default): 'a limit lowered mid-run' pauses for it.
  sandbox = await startPicqerSandbox({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS, products: 300, orders: 50, retryAfterOn429: true });
  unused = sandbox.state.products.map((p: { idproduct: number }) => p.idproduct);
});

afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await sandbox?.close();
  await privateRedis?.stop();
  await deleteKeys(REDIS_URL, prefix);
});

describe('three gateways sharing Redis against a sandbox allowing 30 per 10 s', () => {
  let three: RunningGateway[];
  beforeAll(async () => {
    three = [await gateway(sandbox), await gateway(sandbox), await gateway(sandbox)];
  });

  test('a flood of uncached queries: no 429 served, no window over the limit, the rest RATE_LIMITED', async () => {
    await control(sandbox, 'POST', 'stats/reset');
    const t = tally(await flood(three, 60));
    expect(t.other).toEqual([]);
    const s = await stats(sandbox);
    expect(s.served429).toBe(0);
    expect(s.maxInWindow).toBeLessThanOrEqual(LIMIT);
    expect(t.ok).toBeGreaterThan(0);
    expect(t.ok + t.limited).toBe(60);
    // 60 calls against 30 per window and a 4 s deadline: some cannot have had budget in time.
    expect(t.limited).toBeGreaterThan(0);
    expect(s.total).toBe(t.ok);
  });

  test('a limit lowered mid-run is obeyed from the next answer on', async () => {
    await control(sandbox, 'PUT', 'config', { rateLimitPerMinute: 10 });
    await control(sandbox, 'POST', 'stats/reset');
    // The budget is spent until the first flood leaves the window; meanwhile queries fail at once
    // with RATE_LIMITED without reaching the sandbox. The first one that gets budget brings back
    // X-RateLimit-Limit: 10. That call was admitted under the old limit of 30, while the sandbox
    // still counts the first flood's late calls against the new 10: it may meet a 429, which the
    // gateway must retry (pausing for Retry-After) so that the query still answers.
    let probes = 0;
    // Budget is back one window and margin (12 s) after the first flood was admitted.
    await until(
      async () => {
        const o = await askProduct(three[probes++ % 3], unused.shift()!);
        if (o !== 'ok' && o !== 'RATE_LIMITED') throw new Error(`unexpected answer: ${o}`);
        return o === 'ok';
      },
      'a query to get budget again',
      { everyMs: 500, timeoutMs: 30_000 },
    );
    const afterProbe = await stats(sandbox);
    // Only the answered probe met 429s (the others never left the gateway), and it was retried.
    expect(afterProbe.served429).toBeLessThanOrEqual(4);
    expect(afterProbe.byStatus['200']).toBe(1);
    expect(afterProbe.total).toBe(afterProbe.served429 + 1);

    const t = tally(await flood(three, 30));
    expect(t.other).toEqual([]);
    const s = await stats(sandbox);
    // Every gateway now plans with 10: no further 429, and no window since the change over 10.
    expect(s.served429).toBe(afterProbe.served429);
    expect(s.maxInWindow).toBeLessThanOrEqual(10);
    expect(t.ok + t.limited).toBe(30);
    // The probe already used one of the 10: at most 9 more fit before the window moves on.
    expect(t.ok).toBeLessThanOrEqual(9);
    expect(t.limited).toBeGreaterThan(0);
    expect(s.total - afterProbe.total).toBe(t.ok);
  }, 60_000);
});

describe('a 429 storm', () => {
  test('three 429s with Retry-After: 1 in a row: the gateway pauses, retries, and the query answers', async () => {
    // A sandbox of its own (a fresh budget) and its own key prefix, under the file's prefix.
    const sb = await startPicqerSandbox({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS, products: 20, orders: 5 });
    try {
      // A deadline with room for three 1 s pauses and the calls between them.
      const gw = await gateway(sb, { REDIS_KEY_PREFIX: `${prefix}storm:`, UPSTREAM_DEADLINE_MS: '8000' });
      await control(sb, 'PUT', 'config', { faults: { storm429: 3, retryAfterSeconds: 1 } });
      const id = sb.state.products[0].idproduct;
      expect(await askProduct(gw, id)).toBe('ok');
      const s = await stats(sb);
      expect(s.served429).toBe(3);
      expect(s.byStatus).toEqual({ 200: 1, 429: 3 });
      expect(gw.services.governors.stats()[0]).toMatchObject({ upstream: 'picqer', upstream429: 3 });
    } finally {
      await sb.close();
    }
  });
});

describe('Redis stopped mid-run', () => {
  test('two gateways keep serving queries from their fallback share, and stay up', async () => {
    privateRedis = await PrivateRedis.onFreePort();
    await privateRedis.start();
    const sb = await startPicqerSandbox({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS, products: 60, orders: 5 });
    try {
      // As in production: callers with tokens, so the per-caller limit (also in Redis) is on.
      const token = 'tok-flood-0123456789abcdef';
      const env = {
        REDIS_URL: privateRedis.url,
        REDIS_KEY_PREFIX: `${prefix}failover:`,
        GATEWAY_TOKENS: `flood:stock:read:${token}`,
        RATE_LIMIT_PER_TOKEN_PER_MINUTE: '600',
      };
      const two = [await gateway(sb, env), await gateway(sb, env)];
      const ids = sb.state.products.map((p: { idproduct: number }) => p.idproduct);
      const ask = (i: number) => askProduct(two[i % 2], ids.shift()!, token);
      expect(await Promise.all([0, 1, 2, 3].map(ask))).toEqual(['ok', 'ok', 'ok', 'ok']);
      const modes = () => two.map((gw) => gw.services.governors.stats()[0]?.mode);
      expect(modes()).toEqual(['redis', 'redis']);

      await privateRedis.stop();
      // Each gateway may now use a quarter of the 30 (GOVERNOR_FALLBACK_PERCENT 25) on its own.
      const during = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(ask));
      expect(during).toEqual(Array(8).fill('ok'));
      expect(modes()).toEqual(['fallback', 'fallback']);
      // Past the share, calls are refused as RATE_LIMITED, never sent to meet a 429.
      const t = tally(await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i))));
      // Enough ids are left for the calls below (60 seeded: 4 + 8 + 12 + 2).
      expect(t.other).toEqual([]);
      expect(t.limited).toBeGreaterThan(0);
      const s = await stats(sb);
      expect(s.served429).toBe(0);
      expect(s.maxInWindow).toBeLessThanOrEqual(LIMIT);
      // Still up: a fresh HTTP request is answered.
      const health = await gql(two[0], '{ __typename }', undefined, { token });
      expect(health.status).toBe(200);

      // Redis back (empty): both return to the shared budget, and close cleanly against it.
      await privateRedis.start();
      await until(() => modes().every((m) => m === 'redis'), 'both governors to use Redis again', { everyMs: 200 });
      expect(await Promise.all([0, 1].map(ask))).toEqual(['ok', 'ok']);
      for (const gw of two) {
        gateways.splice(gateways.indexOf(gw), 1);
        await gw.close();
      }
    } finally {
      await privateRedis.stop();
      await sb.close();
    }
  });
});
