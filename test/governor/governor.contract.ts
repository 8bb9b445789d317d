import { RateLimitedError } from '../../src/errors';
import type { GovernorRegistryOptions } from '../../src/datasources/upstream/governor';
import type { BudgetModel, Governor, GovernorRegistry, Permit, Priority } from '../../src/datasources/upstream/governor/governor.types';
import { until } from '../helpers/until';
import { ManualClock, NOON_2030 } from './manual-clock';
import { multiWindowContract } from './multi-window.contract';

/**
 * One behaviour suite for every budget backend (memory, Redis). `make` builds a registry with the
 * given options; `peer` builds a second one that shares the first's budget (another replica on
 * the same Redis; for memory, the same registry). Every assertion is on counts, order and the
 * governor's own figures. Where an answer depends on how much time passed, the registry runs on a
 * ManualClock the test moves; where real time runs, windows are checked against each permit's
 * admittedAt (the store's clock), never against when the test happened to see the permit.
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

/** The most admissions in any window of `windowMs` (open at its start, closed at its end, like the stores'). */
export function maxInSlidingWindow(stamps: number[], windowMs: number): number {
  const s = [...stamps].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j] <= s[i] - windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** Asks for budget with a deadline `withinMs` from now on `now` (the registry's clock). */
function acquireAt(g: Governor, cost = 1, withinMs = 10_000, priority: Priority = 'live', now: () => number = Date.now): Promise<Permit> {
  return g.acquire({ cost, priority, deadline: now() + withinMs });
}

async function rejection(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
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
      // Real time: the queue must bring back budget by itself as admissions leave the window.
      const windowMs = 500;
      const marginMs = 50;
      const g = make({ windowMs, marginMs }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 5 });
      const permits = await Promise.all(Array.from({ length: 14 }, () => acquireAt(g)));
      expect(permits).toHaveLength(14);
      // A slot is reused only `marginMs` after it left the window: no span of window + margin holds 6.
      expect(
        maxInSlidingWindow(
          permits.map((p) => p.admittedAt),
          windowMs + marginMs,
        ),
      ).toBeLessThanOrEqual(5);
      const s = g.stats();
      expect(s).toMatchObject({ upstream: 'picqer', mode: backend.mode, limit: 5, calls: 14, queued: 0, rateLimited: 0 });
      expect(s.credential).toMatch(/^[0-9a-f]{16}$/);
    });

    test('serves live calls before background ones, first come first served within a priority', async () => {
      // The clock stands still: no budget comes back by itself, only when the test raises the
      // limit. The 5 s window keeps the calls waiting (it ends before their deadlines).
      const clock = new ManualClock(NOON_2030);
      const g = make({ windowMs: 5_000, clock: clock.now }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 1 });
      const at = (priority: Priority) => acquireAt(g, 1, 10_000, priority, clock.now);
      await at('live');
      const order: string[] = [];
      const calls = [
        at('background').then(() => order.push('b1')),
        at('background').then(() => order.push('b2')),
        at('live').then(() => order.push('l1')),
        at('live').then(() => order.push('l2')),
      ];
      expect(g.stats().queued).toBe(4);
      // Room for all four at once: the queue alone decides who goes first.
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '5' } });
      await Promise.all(calls);
      expect(order).toEqual(['l1', 'l2', 'b1', 'b2']);
    });

    test('a call that cannot get budget before its deadline fails with RATE_LIMITED and a retryAfterMs', async () => {
      const clock = new ManualClock(NOON_2030);
      const g = make({ windowMs: 5_000, marginMs: 20, clock: clock.now }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 2 });
      await Promise.all([acquireAt(g, 1, 10_000, 'live', clock.now), acquireAt(g, 1, 10_000, 'live', clock.now)]);
      const err = await rejection(acquireAt(g, 1, 200, 'live', clock.now));
      expect(err.extensions.code).toBe('RATE_LIMITED');
      expect(err.extensions.upstream).toBe('picqer');
      // Budget returns when the first admission leaves the 5 s window, plus the 20 ms margin.
      expect(err.retryAfterMs).toBe(5_020);
      expect(g.stats()).toMatchObject({ rateLimited: 1, calls: 2, queued: 0 });
    });

    test('a pause after a 429 holds every instance sharing the budget', async () => {
      const clock = new ManualClock(NOON_2030);
      const cred = freshCredential();
      const model: BudgetModel = { kind: 'requests-per-minute', limit: 100 };
      const first = make({ clock: clock.now });
      const a = first.governor('picqer', cred, model);
      const b = peer(first, { clock: clock.now }).governor('picqer', cred, model);
      await acquireAt(b, 1, 10_000, 'live', clock.now);
      // The 429 reaches replica a; once its pause is recorded, replica b holds back too.
      await a.observe({ status: 429, headers: { 'retry-after': '3' } });
      await a.pause(3_000);
      const err = await rejection(acquireAt(b, 1, 300, 'live', clock.now));
      expect(err.retryAfterMs).toBe(3_000);
      expect(a.stats().upstream429).toBe(1);
      // The pause is over when the clock says so, for both.
      clock.advance(3_000);
      await acquireAt(b, 1, 300, 'live', clock.now);
      await acquireAt(a, 1, 300, 'live', clock.now);
    });

    test('X-RateLimit-Limit lowers the limit at once; Remaining books usage we did not see', async () => {
      const clock = new ManualClock(NOON_2030);
      const at = (g: Governor, withinMs?: number) => acquireAt(g, 1, withinMs, 'live', clock.now);
      const r = make({ windowMs: 10_000, clock: clock.now });
      const g = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 10 });
      await Promise.all([at(g), at(g), at(g)]);
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' } });
      await rejection(at(g, 100));
      expect(g.stats().limit).toBe(3);

      const h = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 10 });
      await Promise.all([at(h), at(h)]);
      // Picqer says 5 left: 3 calls were made by someone else with this key.
      await h.observe({ status: 200, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '5' } });
      for (let i = 0; i < 5; i++) await at(h, 100);
      await rejection(at(h, 100));
      expect(h.stats()).toMatchObject({ limit: 10, used: 10, calls: 7 });
    });

    test('a slow answer counted before our calls left the window is not taken for foreign usage', async () => {
      const clock = new ManualClock(NOON_2030);
      const at = (g: Governor, withinMs?: number) => acquireAt(g, 1, withinMs, 'live', clock.now);
      const g = make({ windowMs: 600, marginMs: 20, clock: clock.now }).governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 4 });
      await Promise.all([at(g), at(g), at(g), at(g)]);
      // These two are admitted only once the first four have left the window (600 ms + 20 ms margin).
      const later = [at(g), at(g)];
      clock.advance(620);
      await Promise.all(later);
      // The answer to one of the first four arrives now: Picqer counted all four then.
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '4', 'x-ratelimit-remaining': '0' } });
      await at(g, 100);
      await at(g, 100);
      await rejection(at(g, 100));
      expect(g.stats()).toMatchObject({ calls: 8, used: 4 });
    });

    test('Shopify bucket: waits (need - available) / restoreRate, refunds and re-syncs from throttleStatus', async () => {
      const clock = new ManualClock(NOON_2030);
      const g = make({ clock: clock.now }).governor('shopify', freshCredential(), { kind: 'cost-bucket', size: 100, restorePerSecond: 50 });
      const at = (cost: number, withinMs?: number) => acquireAt(g, cost, withinMs, 'live', clock.now);
      await at(100);
      // 50 points at 50 points/s: one second (in ms, not seconds), with no time gone by.
      const err = await rejection(at(50, 100));
      expect(err.retryAfterMs).toBe(1_000);
      // The answer to the 100-point call: it cost 10, so Shopify refunded 90 and the bucket is full.
      await g.observe({
        status: 200,
        headers: {},
        cost: { requestedQueryCost: 100, actualQueryCost: 10, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 50 } },
      });
      await at(90, 100);
      // Shopify re-sized the bucket and slowed the drip: 200 points, 20/s, 0 available.
      await g.observe({
        status: 200,
        headers: {},
        cost: { requestedQueryCost: 90, actualQueryCost: 90, throttleStatus: { maximumAvailable: 200, currentlyAvailable: 0, restoreRate: 20 } },
      });
      const slow = await rejection(at(40, 100));
      expect(slow.retryAfterMs).toBe(2_000);
      expect(g.stats()).toMatchObject({ upstream: 'shopify', limit: 200, calls: 2, rateLimited: 2 });
    });

    test('Shopify THROTTLED counts as a 429', async () => {
      const g = make().governor('shopify', freshCredential(), { kind: 'cost-bucket', size: 100, restorePerSecond: 50 });
      await g.observe({ status: 200, headers: {}, throttled: true });
      expect(g.stats().upstream429).toBe(1);
    });

    test('Exact: per-minute and per-day counts, each window honoured', async () => {
      const minuteMs = 400;
      // Noon is a boundary of every window here: the first "minute" starts at the first call.
      const clock = new ManualClock(NOON_2030);
      const g = make({ minuteMs, dayMs: 3_600_000, marginMs: 20, clock: clock.now }).governor('exact', freshCredential(), {
        kind: 'minute-and-day',
        perMinute: 3,
        perDay: 5,
      });
      const calls = Array.from({ length: 5 }, () => acquireAt(g, 1, 10_000, 'live', clock.now));
      await until(() => g.stats().calls === 3 && g.stats().queued === 2, "the first minute's three calls");
      clock.advance(minuteMs);
      const permits = await Promise.all(calls);
      const perWindow = new Map<number, number>();
      for (const { admittedAt } of permits) perWindow.set(Math.floor(admittedAt / minuteMs), (perWindow.get(Math.floor(admittedAt / minuteMs)) ?? 0) + 1);
      expect([...perWindow.values()]).toEqual([3, 2]);
      // The day's 5 are spent: the next call waits for the day (the hour from noon), far beyond a minute.
      const err = await rejection(acquireAt(g, 1, 100, 'live', clock.now));
      expect(err.retryAfterMs).toBe(3_600_000 - minuteMs);
      expect(g.stats()).toMatchObject({ upstream: 'exact', limit: 3, calls: 5 });
    });

    test('Exact: X-RateLimit-Minutely-* and daily headers re-sync the counts', async () => {
      // 10 s into a minute, so the minute's end is 50 s away.
      const clock = new ManualClock(NOON_2030 + 10_000);
      const at = (g: Governor, withinMs?: number) => acquireAt(g, 1, withinMs, 'live', clock.now);
      const r = make({ minuteMs: 60_000, dayMs: 86_400_000, clock: clock.now });
      const g = r.governor('exact', freshCredential(), { kind: 'minute-and-day', perMinute: 60, perDay: 5_000 });
      await at(g);
      const minuteReset = NOON_2030 + 60_000;
      await g.observe({
        status: 200,
        headers: { 'x-ratelimit-minutely-limit': '60', 'x-ratelimit-minutely-remaining': '0', 'x-ratelimit-minutely-reset': String(minuteReset) },
      });
      const err = await rejection(at(g, 100));
      expect(err.retryAfterMs).toBe(50_000);

      const d = r.governor('exact', freshCredential(), { kind: 'minute-and-day', perMinute: 60, perDay: 5_000 });
      await at(d);
      const dayReset = Date.UTC(2030, 0, 2);
      await d.observe({ status: 200, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(dayReset) } });
      const dayErr = await rejection(at(d, 100));
      expect(dayErr.retryAfterMs).toBe(dayReset - clock.now());
      expect(d.stats().calls).toBe(1);
    });

    test('close() rejects waiting calls and leaves no timer behind', async () => {
      const r = make({ windowMs: 60_000 });
      const g = r.governor('picqer', freshCredential(), { kind: 'requests-per-minute', limit: 1 });
      await acquireAt(g);
      const waiting = acquireAt(g, 1, 30_000).then(
        () => 'admitted',
        (e: { extensions?: { code?: string } }) => e.extensions?.code,
      );
      await r.close();
      expect(await waiting).toBe('UPSTREAM_UNAVAILABLE');
    });

    multiWindowContract({ make, peer, credential: freshCredential, maxInSlidingWindow });
  });
}
