import type { BudgetModel, WindowLimit } from './governor.types';
import { feedbackLookbackMs, type BudgetStore, type Decision, type ParsedFeedback, type WindowSettings } from './budget.types';
import type { RedisLink } from './redis-link';

/** How long a header-synced Picqer limit outlives the last call (then the configured one is back). */
const STATE_TTL_MS = 600_000;

/**
 * One credential's budget in Redis, shared by every replica on the same key prefix. Each method
 * is one script call (see scripts.lua.ts); errors propagate so the governor can fall back.
 * Keys carry the credential's hash in a hash tag, so a cluster keeps them in one slot.
 * Time is Redis's TIME unless a `clock` is given (tests; every replica must then share it).
 */
export class RedisBudget implements BudgetStore {
  private readonly state: string;
  private readonly window: string;
  /** Multi-window models: one admissions zset per window, named by its length. */
  private readonly windowKeys: string[];
  private readonly span: number;
  private readonly lookback: number;

  constructor(
    private readonly model: BudgetModel,
    private readonly link: RedisLink,
    keyBase: string,
    private readonly w: WindowSettings,
    private readonly clock?: () => number,
  ) {
    this.state = `${keyBase}:state`;
    this.window = `${keyBase}:admitted`;
    this.windowKeys = model.kind === 'multi-window' ? model.windows.map((x) => `${keyBase}:admitted:${x.windowMs}`) : [];
    this.span = w.windowMs + w.marginMs;
    this.lookback = feedbackLookbackMs(w);
  }

  /** Every key this budget may write, for clean-up in tests and tools. */
  keys(): string[] {
    return [this.state, this.window, ...this.windowKeys];
  }

  async take(cost: number): Promise<Decision> {
    const c = this.link.commands;
    const m = this.model;
    let r: unknown;
    const now = this.now();
    if (m.kind === 'multi-window') return this.multiTake(m.windows, cost, now);
    if (m.kind === 'requests-per-minute') r = await c.govSlidingTake(this.state, this.window, cost, m.limit, this.span, 1, STATE_TTL_MS, this.lookback, now);
    else if (m.kind === 'minute-and-day') {
      r = await c.govFixedTake(this.state, cost, m.perMinute, m.perDay, this.w.minuteMs, this.w.dayMs, this.w.marginMs, 1, now);
    } else r = await c.govBucketTake(this.state, cost, m.size, m.restorePerSecond, 1, now);
    const [granted, waitMs, limit, used, at] = (r as Array<number | string>).map(Number);
    return { granted: granted === 1, waitMs, limit, used, at };
  }

  async observe(fb: ParsedFeedback): Promise<boolean> {
    const c = this.link.commands;
    const m = this.model;
    const s = (v: number | undefined): string => (v === undefined ? '' : String(v));
    if (m.kind === 'multi-window') return this.multiObserve(m.windows, fb);
    if (m.kind === 'requests-per-minute') {
      if (fb.limit === undefined && fb.remaining === undefined) return false;
      return (
        (await c.govSlidingObserve(this.state, this.window, s(fb.limit), s(fb.remaining), this.span, 1, STATE_TTL_MS, m.limit, this.lookback, this.now())) === 1
      );
    }
    if (m.kind === 'minute-and-day') {
      if ([fb.limit, fb.remaining, fb.minuteLimit, fb.minuteRemaining].every((v) => v === undefined)) return false;
      const r = await c.govFixedObserve(
        this.state,
        s(fb.limit),
        s(fb.remaining),
        s(fb.reset),
        s(fb.minuteLimit),
        s(fb.minuteRemaining),
        s(fb.minuteReset),
        this.w.minuteMs,
        this.w.dayMs,
        1,
        m.perMinute,
        m.perDay,
        this.now(),
      );
      return r === 1;
    }
    const b = fb.bucket;
    if (!b) return false;
    await c.govBucketObserve(this.state, b.requested, m.size, m.restorePerSecond, 1, b.size, b.available, b.restorePerSecond, this.now());
    return true;
  }

  async pause(ms: number): Promise<void> {
    await this.link.commands.govPause(this.state, Math.ceil(ms), this.now());
  }

  private async multiTake(windows: readonly WindowLimit[], cost: number, now: string): Promise<Decision> {
    const keys = [this.state, ...this.windowKeys];
    const args = windows.flatMap((x) => [x.windowMs, x.limit]);
    const r = (await this.link.commands.govMultiTake(keys.length, ...keys, cost, 1, this.w.marginMs, STATE_TTL_MS, ...args, now)) as Array<number | string>;
    const [granted, waitMs, limit, used, at, ...per] = r.map(Number);
    const stats = windows.map((x, i) => ({ windowMs: x.windowMs, limit: per[2 * i], used: per[2 * i + 1] }));
    return { granted: granted === 1, waitMs, limit, used, at, windows: stats };
  }

  private async multiObserve(windows: readonly WindowLimit[], fb: ParsedFeedback): Promise<boolean> {
    const f = fb.windows;
    if (!f?.some((x) => x.limit !== undefined || x.remaining !== undefined)) return false;
    const s = (v: number | undefined): string => (v === undefined ? '' : String(v));
    const keys = [this.state, ...this.windowKeys];
    const args = windows.flatMap((x, i) => [x.windowMs, x.limit, s(f[i]?.limit), s(f[i]?.remaining)]);
    return (await this.link.commands.govMultiObserve(keys.length, ...keys, 1, this.w.marginMs, STATE_TTL_MS, ...args, this.now())) === 1;
  }

  /** The scripts' last argument: '' for Redis's own TIME, else the injected clock's reading. */
  private now(): string {
    return this.clock ? String(Math.floor(this.clock())) : '';
  }
}
