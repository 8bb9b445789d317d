import { RateLimitedError } from '../../src/errors';
import type { GovernorRegistryOptions } from '../../src/datasources/upstream/governor';
import type { BudgetModel, Governor, GovernorRegistry, Permit } from '../../src/datasources/upstream/governor/governor.types';
import { until } from '../helpers/until';
import { ManualClock, NOON_2030 } from './manual-clock';

/**
 * The multi-window model (Lightspeed: several sliding windows at once), run by governorContract
 * inside its describe, so memory and Redis answer the same assertions. Every registry runs on a
 * ManualClock: a window is over when the test moves the clock, and every figure asserted is a
 * count or a wait computed on that clock.
 */
export interface MultiWindowHarness {
  make(extra?: Partial<GovernorRegistryOptions>): GovernorRegistry;
  /** Another replica sharing the first's budget (for memory, the same registry). */
  peer(first: GovernorRegistry, extra?: Partial<GovernorRegistryOptions>): GovernorRegistry;
  credential(): string;
  maxInSlidingWindow(stamps: number[], windowMs: number): number;
}

const model = (...windows: Array<[limit: number, windowMs: number]>): BudgetModel => ({
  kind: 'multi-window',
  windows: windows.map(([limit, windowMs]) => ({ limit, windowMs })),
});

async function rejection(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  return err as RateLimitedError;
}

export function multiWindowContract(h: MultiWindowHarness): void {
  describe('multi-window model (Lightspeed)', () => {
    let clock: ManualClock;
    const at = (g: Governor, withinMs = 10_000): Promise<Permit> => g.acquire({ cost: 1, priority: 'live', deadline: clock.now() + withinMs });
    beforeEach(() => {
      clock = new ManualClock(NOON_2030);
    });

    test('admission stops at the tightest window; stats report every window', async () => {
      const g = h.make({ marginMs: 20, clock: clock.now }).governor('lightspeed', h.credential(), model([5, 1_000], [3, 10_000]));
      for (let i = 0; i < 3; i++) await at(g);
      // The 1 s window has room for 2 more; the 10 s window has none until its first slot leaves.
      const err = await rejection(at(g, 100));
      expect(err.retryAfterMs).toBe(10_020);
      expect(err.extensions.upstream).toBe('lightspeed');
      expect(g.stats()).toMatchObject({
        upstream: 'lightspeed',
        limit: 3,
        used: 3,
        calls: 3,
        windows: [
          { windowMs: 1_000, limit: 5, used: 3 },
          { windowMs: 10_000, limit: 3, used: 3 },
        ],
      });
    });

    test('a waiting call goes when the full window has room, and waits for the longest of the full windows', async () => {
      const g = h.make({ marginMs: 20, clock: clock.now }).governor('lightspeed', h.credential(), model([2, 200], [4, 5_000]));
      const first = [at(g), at(g), at(g), at(g)];
      await until(() => g.stats().calls === 2 && g.stats().queued === 2, 'the short window admitting 2 and holding 2');
      clock.advance(220);
      const permits = await Promise.all(first);
      expect(permits.map((p) => p.admittedAt - NOON_2030)).toEqual([0, 0, 220, 220]);
      // Both windows are full at once: the long one decides (5,000 + 20 - 220 ms from now).
      clock.advance(220);
      const err = await rejection(at(g, 100));
      expect(err.retryAfterMs).toBe(4_580);
      expect(g.stats().windows?.map((w) => w.used)).toEqual([0, 4]);
    });

    test('a window lowered by X-RateLimit-Limit is obeyed at once; raising it frees the queue', async () => {
      const g = h.make({ marginMs: 20, clock: clock.now }).governor('lightspeed', h.credential(), model([10, 1_000], [100, 60_000]));
      await at(g);
      await at(g);
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '10/2', 'x-ratelimit-remaining': '8/0' } });
      const err = await rejection(at(g, 100));
      expect(err.retryAfterMs).toBe(60_020);
      expect(g.stats().windows?.map((w) => w.limit)).toEqual([10, 2]);
      // A deadline past the 60 s window, so the call waits instead of failing at once.
      const waiting = at(g, 120_000);
      await until(() => g.stats().queued === 1, 'one call waiting');
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '10,3' } });
      await waiting;
      expect(g.stats()).toMatchObject({ calls: 3, windows: [{ limit: 10 }, { limit: 3, used: 3 }] });
    });

    test('Remaining below our own count books usage we did not make, per window', async () => {
      const g = h.make({ clock: clock.now }).governor('lightspeed', h.credential(), model([5, 10_000], [20, 60_000]));
      await at(g);
      // Lightspeed says 2 and 17 left: another app on this key made 2 calls in both windows.
      await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '5/20', 'x-ratelimit-remaining': '2/17' } });
      await at(g, 100);
      await at(g, 100);
      await rejection(at(g, 100));
      expect(g.stats()).toMatchObject({ calls: 3, windows: [{ used: 5 }, { used: 5 }] });
    });

    test('a 429 without Retry-After books the shortest window full; with one, the pause rules', async () => {
      const r = h.make({ marginMs: 20, clock: clock.now });
      const g = r.governor('lightspeed', h.credential(), model([300, 300_000], [20, 1_000]));
      await at(g);
      await g.observe({ status: 429, headers: {} });
      const err = await rejection(at(g, 100));
      expect(err.retryAfterMs).toBe(1_020);
      expect(g.stats()).toMatchObject({ upstream429: 1, windows: [{ used: 1 }, { used: 20 }] });

      const p = r.governor('lightspeed', h.credential(), model([300, 300_000], [20, 1_000]));
      await p.observe({ status: 429, headers: { 'retry-after': '3', 'x-ratelimit-remaining': '0/0' } });
      await p.pause(3_000);
      expect((await rejection(at(p, 100))).retryAfterMs).toBe(3_000);
      clock.advance(3_000);
      await at(p, 100);
      expect(p.stats().windows?.map((w) => w.used)).toEqual([1, 1]);
    });

    test('replicas sharing the budget never exceed any window in a flood', async () => {
      const cred = h.credential();
      const m = model([3, 100], [5, 400]);
      const first = h.make({ marginMs: 10, clock: clock.now });
      const second = h.peer(first, { marginMs: 10, clock: clock.now });
      const govs = [...new Set([first.governor('lightspeed', cred, m), second.governor('lightspeed', cred, m)])];
      const flood = Promise.all([0, 1].flatMap((r) => Array.from({ length: 6 }, () => at(govs[r % govs.length], 60_000))));
      const calls = (): number => govs.reduce((n, g) => n + g.stats().calls, 0);
      // Where the clock stands -> how many of the 12 the two windows (3 per 110 ms, 5 per 410 ms) have admitted.
      for (const [t, admitted] of [
        [0, 3],
        [110, 5],
        [410, 8],
        [520, 10],
        [820, 12],
      ]) {
        clock.advance(NOON_2030 + t - clock.now());
        await until(() => calls() === admitted, `${admitted} admitted at +${t} ms`);
      }
      const stamps = (await flood).map((p) => p.admittedAt);
      expect(h.maxInSlidingWindow(stamps, 110)).toBe(3);
      expect(h.maxInSlidingWindow(stamps, 410)).toBe(5);
      expect(calls()).toBe(12);
    });
  });
}
