import type { Upstream } from '../../../errors';
import { RateLimitedError, UpstreamUnavailableError } from '../../../errors';
import type { AcquireRequest, BudgetModel, CallReport, Governor, GovernorStats, Permit, ResponseFeedback } from './governor.types';
import type { BudgetStore, Decision } from './budget.types';
import { modelLimit, modelWindows } from './budget.types';
import { parseFeedback } from './feedback';
import type { RedisLink } from './redis-link';

/** Where a governor keeps its budget: Redis with a local fallback slice, or memory alone. */
export type BudgetBackends = { kind: 'memory'; store: BudgetStore } | { kind: 'redis'; store: BudgetStore; fallback: BudgetStore; link: RedisLink };

interface Waiter {
  cost: number;
  deadline: number;
  enqueuedAt: number;
  resolve(p: Permit): void;
  reject(e: unknown): void;
  timer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** The pump is asking the store for this waiter right now; its deadline timer must not remove it. */
  serving: boolean;
  expired: boolean;
  done: boolean;
}

/**
 * The governor of one (upstream, credential). Calls wait in a queue, live before background and
 * first come first served within a priority. One pump per governor asks the store for the head
 * of the queue only; when the store says "not yet, in N ms" the pump sleeps N ms (or until
 * feedback may have freed budget) instead of polling Redis.
 */
export class QueuedGovernor implements Governor {
  private readonly queues: { live: Waiter[]; background: Waiter[] } = { live: [], background: [] };
  private pumping = false;
  private closed = false;
  private sleepTimer?: NodeJS.Timeout;
  private wake?: () => void;
  /**
   * Set when budget may have come back while the pump was not asleep (it was asking the store):
   * the answer it gets may predate the feedback, so it must ask again instead of sleeping.
   */
  private woken = false;
  private last: Decision;
  private waitUntil = 0;
  private readonly counts = { waitedMsTotal: 0, upstream429: 0, rateLimited: 0, calls: 0 };
  /** Set by the registry: passes each attempt's report to its listeners. */
  reportCall?: (report: CallReport) => void;

  constructor(
    readonly upstream: Upstream,
    private readonly credentialHash: string,
    private readonly model: BudgetModel,
    private readonly backends: BudgetBackends,
    /** Epoch ms; tests inject one they move by hand. Timers still run on real time. */
    private readonly clock: () => number = Date.now,
  ) {
    this.last = { granted: true, waitMs: 0, limit: modelLimit(model), used: 0, at: this.clock(), windows: modelWindows(model) };
  }

  /** Waits for budget; rejects with RateLimitedError when it cannot come before `deadline`. */
  acquire(req: AcquireRequest): Promise<Permit> {
    if (!(Number.isFinite(req.cost) && req.cost > 0)) {
      return Promise.reject(new RangeError(`acquire: cost must be a positive number, got ${String(req.cost)}`));
    }
    if (this.closed) return Promise.reject(this.closedError());
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = {
        cost: Math.ceil(req.cost),
        deadline: req.deadline,
        enqueuedAt: this.clock(),
        resolve,
        reject,
        serving: false,
        expired: false,
        done: false,
        signal: req.signal,
      };
      if (req.signal?.aborted) return reject(req.signal.reason);
      if (req.signal) {
        w.onAbort = () => this.settle(w, undefined, req.signal?.reason);
        req.signal.addEventListener('abort', w.onAbort, { once: true });
      }
      w.timer = setTimeout(() => this.expire(w), Math.max(0, req.deadline - w.enqueuedAt));
      this.queues[req.priority === 'background' ? 'background' : 'live'].push(w);
      void this.pump();
    });
  }

  /**
   * Feeds an upstream's answer back: header limits, Shopify cost, 429s. Resolves once the
   * store(s) have it; never rejects (a Redis failure marks the link down instead).
   */
  async observe(feedback: ResponseFeedback): Promise<void> {
    // Counted at once, so stats() shows the 429 before any store has heard of it.
    if (feedback.status === 429 || feedback.throttled) this.counts.upstream429++;
    const parsed = parseFeedback(this.model, feedback);
    const b = this.backends;
    let freed: boolean[];
    if (b.kind === 'memory') freed = [await b.store.observe(parsed)];
    else {
      const shared = async (): Promise<boolean> => {
        if (!b.link.usable()) return false;
        try {
          return await b.store.observe(parsed);
        } catch (err) {
          b.link.markDown(err);
          return false;
        }
      };
      // The fallback slice hears every answer too, so it starts from current limits if Redis goes.
      freed = await Promise.all([b.fallback.observe(parsed), shared()]);
    }
    if (freed.includes(true)) this.wakeUp();
  }

  /**
   * Pauses the credential for `ms` (after a 429), for every replica sharing the budget. Resolves
   * once the pause is recorded; never rejects (a Redis failure marks the link down instead).
   */
  async pause(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    const b = this.backends;
    if (b.kind === 'memory') return b.store.pause(ms);
    // The fallback slice holds the pause too, in case Redis goes before the pause ends.
    const local = b.fallback.pause(ms);
    // A 429 met right after start must still reach the shared store: wait for the first
    // connection as the queue does, not only for the local slice.
    await b.link.whenFirstReady();
    if (b.link.usable()) await b.store.pause(ms).catch((err: unknown) => b.link.markDown(err));
    await local;
  }

  stats(): GovernorStats {
    return {
      upstream: this.upstream,
      credential: this.credentialHash,
      mode: this.currentMode(),
      limit: this.last.limit,
      used: this.last.used,
      ...(this.last.windows ? { windows: this.last.windows.map((w) => ({ ...w })) } : {}),
      queued: this.queues.live.length + this.queues.background.length,
      ...this.counts,
    };
  }

  /** Rejects every waiting call and clears every timer. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp();
    for (const w of [...this.queues.live, ...this.queues.background]) this.settle(w, undefined, this.closedError());
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      if (this.backends.kind === 'redis') await this.backends.link.whenFirstReady();
      for (;;) {
        const w = this.queues.live[0] ?? this.queues.background[0];
        if (!w || this.closed) break;
        w.serving = true;
        this.woken = false;
        const d = await this.decide(w.cost);
        w.serving = false;
        this.last = d;
        if (w.done) continue;
        const now = this.clock();
        if (d.granted) {
          this.counts.calls++;
          this.counts.waitedMsTotal += now - w.enqueuedAt;
          this.settle(w, { waitedMs: now - w.enqueuedAt, admittedAt: d.at });
          continue;
        }
        this.waitUntil = now + d.waitMs;
        // Budget comes too late for this call: say when it is expected rather than wait in vain.
        if (w.expired || this.waitUntil > w.deadline) {
          this.settle(w, undefined, this.limited(d.waitMs));
          continue;
        }
        await this.sleep(d.waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private currentMode(): GovernorStats['mode'] {
    const b = this.backends;
    if (b.kind === 'memory') return 'memory';
    return b.link.usable() ? 'redis' : 'fallback';
  }

  private async decide(cost: number): Promise<Decision> {
    const b = this.backends;
    if (b.kind === 'memory') return b.store.take(cost);
    if (b.link.usable()) {
      try {
        return await b.store.take(cost);
      } catch (err) {
        b.link.markDown(err);
      }
    }
    return b.fallback.take(cost);
  }

  private expire(w: Waiter): void {
    if (w.done) return;
    // The pump is asking for this call right now: it settles it with the answer.
    if (w.serving) {
      w.expired = true;
      return;
    }
    this.settle(w, undefined, this.limited(Math.max(1, this.waitUntil - this.clock())));
  }

  private limited(retryAfterMs: number): RateLimitedError {
    this.counts.rateLimited++;
    return new RateLimitedError(this.upstream, retryAfterMs);
  }

  private settle(w: Waiter, permit?: Permit, err?: unknown): void {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    for (const q of [this.queues.live, this.queues.background]) {
      const i = q.indexOf(w);
      if (i !== -1) q.splice(i, 1);
    }
    if (permit) w.resolve(permit);
    else w.reject(err);
  }

  /** Sleeps `ms`, or not at all when woken while the last decision was being made. */
  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = () => {
        clearTimeout(this.sleepTimer);
        this.sleepTimer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.sleepTimer = setTimeout(this.wake, ms);
    });
  }

  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  private closedError(): UpstreamUnavailableError {
    return new UpstreamUnavailableError(this.upstream, 'the gateway is shutting down');
  }
}
