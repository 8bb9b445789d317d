import { RateLimitedError } from '../../src/errors';
import type { GovernorRegistryOptions } from '../../src/datasources/upstream/governor';
import type { BudgetModel, Governor, GovernorRegistry, Priority } from '../../src/datasources/upstream/governor.types';

/**
 * One behaviour suite for every budget backend (memory, Redis). `make` builds a registry with the
 * given options; `peer` builds a second one that shares the first's budget (another replica on
 * the same Redis; for memory, the same registry). Timings are only used as deadlines: every
 * assertion is on counts, order and the governor's own figures.
 */
export interface ContractBackend {
  make(extra?: Partial<GovernorRegistryOptions>): GovernorRegistry;
  peer(first: GovernorRegistry, extra?: Partial<GovernorRegistryOptions>): GovernorRegistry;
  mode: 'memory' | 'redis';
}

let credentialSeq = 0;
/** A fresh credential per test, so budgets never leak between tests. */
export function freshCredential(): string {
  return `test-credential-${process.pid}-${Date.now()}-${credentialSeq++}`;
}

/** Asserts that no window of `windowMs` ending at an admission holds more than `limit` admissions. */
export function maxInSlidingWindow(stamps: number[], windowMs: number): number {
  const s = [...stamps].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j] <= s[i] - windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

function acquireAt(g: Governor, cost = 1, deadlineMs = 10_000, priority: Priority = 'live') {
  return g.acquire({ cost, priority, deadline: Date.now() + deadlineMs });
}

async function rejection(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RateLimitedError);
  return err as RateLimitedError;
}

export function governorContract(name: string, backend: ContractBackend): void {
  describe(`governor contract: ${name}`, () => {
    const open: GovernorRegistry[] = [];
    const make = (extra?: Partial<GovernorRegistryOptions>) => {
      const r = backend.make(extra);
      open.push(r);
      return r;
    };
    const peer = (first: GovernorRegistry, extra?: Partial<GovernorRegistryOptions>) => {
      const r = backend.peer(first, extra);
      if (r !== first) open.push(r);
      return r;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((r) => r.close()));
    });

    test('never admits more than the limit in any window, and admits every call in time', async () => {
      // The margin covers the gap between admission and the moment this test sees the permit
      // (a Redis round trip on a busy machine), just as it covers network time to an upstream.
      const windowMs = 500;
      const g = make({ windowMs, marginMs: 150 }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 5 });
      const stamps: number[] = [];
      await Promise.all(Array.from({ length: 14 }, () => acquireAt(g).then(() => stamps.push(Date.now()))));
      expect(stamps).toHaveLength(14);
      expect(maxInSlidingWindow(stamps, windowMs)).toBeLessThanOrEqual(5);
      const s = g.stats();
      expect(s).toMatchObject({ upstream: 'picqer', mode: backend.mode, limit: 5, calls: 14, queued: 0, rateLimited: 0 });
      expect(s.credential).toMatch(/^[0-9a-f]{16}$/);
    });

    test('serves live calls before background ones, first come first served within a priority', async () => {
      const g = make({ windowMs: 150, marginMs: 10 }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 1 });
      await acquireAt(g);
      const order: string[] = [];
      const calls = [
        acquireAt(g, 1, 10_000, 'background').then(() => order.push('b1')),
        acquireAt(g, 1, 10_000, 'background').then(() => order.push('b2')),
        acquireAt(g, 1, 10_000, 'live').then(() => order.push('l1')),
        acquireAt(g, 1, 10_000, 'live').then(() => order.push('l2')),
      ];
      expect(g.stats().queued).toBe(4);
      await Promise.all(calls);
      expect(order).toEqual(['l1', 'l2', 'b1', 'b2']);
    });

    test('a call that cannot get budget before its deadline fails with RATE_LIMITED and a retryAfterMs', async () => {
      const g = make({ windowMs: 5_000, marginMs: 20 }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 2 });
      await Promise.all([acquireAt(g), acquireAt(g)]);
      const err = await rejection(acquireAt(g, 1, 200));
      expect(err.extensions.code).toBe('RATE_LIMITED');
      expect(err.extensions.upstream).toBe('picqer');
      // Budget returns when the first admission leaves the 5 s window: well after the deadline.
      expect(err.retryAfterMs).toBeGreaterThan(200);
      expect(err.retryAfterMs).toBeLessThanOrEqual(5_020);
      expect(g.stats()).toMatchObject({ rateLimited: 1, calls: 2, queued: 0 });
    });

    test('a pause after a 429 holds every instance sharing the budget', async () => {
      const cred = freshCredential();
      const model: BudgetModel = { kind: 'requests-per-minute', limit: 100 };
      const first = make();
      const a = first.governor('picqer', cred, model);
      const b = peer(first).governor('picqer', cred, model);
      await acquireAt(b);
      a.observe({ status: 429, headers: { 'retry-after': '3' } });
      a.pause(3_000);
      const err = await rejection(acquireAt(b, 1, 300));
      expect(err.retryAfterMs).toBeGreaterThan(300);
      expect(err.retryAfterMs).toBeLessThanOrEqual(3_000);
      expect(a.stats().upstream429).toBe(1);
    });

    test('X-RateLimit-Limit lowers the limit at once; Remaining books usage we did not see', async () => {
      const r = make({ windowMs: 10_000 });
      const g = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 10 });
      await Promise.all([acquireAt(g), acquireAt(g), acquireAt(g)]);
      g.observe({ status: 200, headers: { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' } });
      await rejection(acquireAt(g, 1, 100));
      expect(g.stats().limit).toBe(3);

      const h = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 10 });
      await Promise.all([acquireAt(h), acquireAt(h)]);
      // Picqer says 5 left: 3 calls were made by someone else with this key.
      h.observe({ status: 200, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '5' } });
      for (let i = 0; i < 5; i++) await acquireAt(h, 1, 100);
      await rejection(acquireAt(h, 1, 100));
      expect(h.stats()).toMatchObject({ limit: 10, used: 10, calls: 7 });
    });

    test('a slow answer counted before our calls left the window is not taken for foreign usage', async () => {
      const g = make({ windowMs: 600, marginMs: 20 }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 4 });
      await Promise.all([acquireAt(g), acquireAt(g), acquireAt(g), acquireAt(g)]);
      // These two are admitted only once the first four have left the window.
      await Promise.all([acquireAt(g), acquireAt(g)]);
      // The answer to one of the first four arrives now: Picqer counted all four then.
      g.observe({ status: 200, headers: { 'x-ratelimit-limit': '4', 'x-ratelimit-remaining': '0' } });
      await acquireAt(g, 1, 100);
      await acquireAt(g, 1, 100);
      await rejection(acquireAt(g, 1, 100));
      expect(g.stats()).toMatchObject({ calls: 8, used: 4 });
    });

    test('Shopify bucket: waits (need - available) / restoreRate, refunds and re-syncs from throttleStatus', async () => {
      const g = make().governor('shopify', freshCredential(), { kind: 'cost-bucket', size: 100, restorePerSecond: 50 });
      await acquireAt(g, 100);
      const err = await rejection(acquireAt(g, 50, 100));
      // 50 points at 50/s: one second, less what dripped back since the bucket emptied (how much
      // did depends on the machine's speed, so only the bounds are asserted).
      expect(err.retryAfterMs).toBeGreaterThan(0);
      expect(err.retryAfterMs).toBeLessThanOrEqual(1_000);
      // The answer to the 100-point call: it cost 10, so Shopify refunded 90 (and 10 dripped back).
      g.observe({ status: 200, headers: {}, cost: { requestedQueryCost: 100, actualQueryCost: 10, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 50 } } });
      await acquireAt(g, 90, 100);
      // Shopify re-sized the bucket and slowed the drip: 200 points, 20/s, 0 available.
      g.observe({ status: 200, headers: {}, cost: { requestedQueryCost: 90, actualQueryCost: 90, throttleStatus: { maximumAvailable: 200, currentlyAvailable: 0, restoreRate: 20 } } });
      const slow = await rejection(acquireAt(g, 40, 100));
      expect(slow.retryAfterMs).toBeGreaterThan(1_000);
      expect(slow.retryAfterMs).toBeLessThanOrEqual(2_000);
      expect(g.stats()).toMatchObject({ upstream: 'shopify', limit: 200, calls: 2, rateLimited: 2 });
    });

    test('Shopify THROTTLED counts as a 429', async () => {
      const g = make().governor('shopify', freshCredential(), { kind: 'cost-bucket', size: 100, restorePerSecond: 50 });
      g.observe({ status: 200, headers: {}, throttled: true });
      expect(g.stats().upstream429).toBe(1);
    });

    test('Exact: per-minute and per-day counts, each window honoured', async () => {
      const minuteMs = 400;
      const g = make({ minuteMs, dayMs: 3_600_000, marginMs: 20 }).governor('exact', freshCredential(), { kind: 'minute-and-day', perMinute: 3, perDay: 5 });
      const stamps: number[] = [];
      await Promise.all(Array.from({ length: 5 }, () => acquireAt(g).then(() => stamps.push(Date.now()))));
      const perWindow = new Map<number, number>();
      for (const t of stamps) perWindow.set(Math.floor(t / minuteMs), (perWindow.get(Math.floor(t / minuteMs)) ?? 0) + 1);
      expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(3);
      // The day's 5 are spent: the next call waits for the day window, far beyond a minute.
      const err = await rejection(acquireAt(g, 1, 100));
      expect(err.retryAfterMs).toBeGreaterThan(minuteMs);
      expect(g.stats()).toMatchObject({ upstream: 'exact', limit: 3, calls: 5 });
    });

    test('Exact: X-RateLimit-Minutely-* and daily headers re-sync the counts', async () => {
      const r = make({ minuteMs: 60_000, dayMs: 86_400_000 });
      const g = r.governor('exact', freshCredential(), { kind: 'minute-and-day', perMinute: 60, perDay: 5_000 });
      await acquireAt(g);
      const now = Date.now();
      const minuteReset = (Math.floor(now / 60_000) + 1) * 60_000;
      g.observe({ status: 200, headers: { 'x-ratelimit-minutely-limit': '60', 'x-ratelimit-minutely-remaining': '0', 'x-ratelimit-minutely-reset': String(minuteReset) } });
      const err = await rejection(acquireAt(g, 1, 100));
      expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);

      const d = r.governor('exact', freshCredential(), { kind: 'minute-and-day', perMinute: 60, perDay: 5_000 });
      await acquireAt(d);
      const dayReset = (Math.floor(now / 86_400_000) + 1) * 86_400_000;
      d.observe({ status: 200, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(dayReset) } });
      const dayErr = await rejection(acquireAt(d, 1, 100));
      expect(dayErr.retryAfterMs).toBeGreaterThan(0);
      expect(d.stats().calls).toBe(1);
    });

    test('close() rejects waiting calls and leaves no timer behind', async () => {
      const r = make({ windowMs: 60_000 });
      const g = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 1 });
      await acquireAt(g);
      const waiting = acquireAt(g, 1, 30_000).then(() => 'admitted', (e: { extensions?: { code?: string } }) => e.extensions?.code);
      await r.close();
      expect(await waiting).toBe('UPSTREAM_UNAVAILABLE');
    });
  });
}
