import type { Upstream } from '../../errors';
import type { Priority } from './governor/governor.types';

/** Calls made and budget-waiting time for one GraphQL request, per upstream. */
export interface UpstreamUsage {
  calls: number;
  /** Calls answered from an identical call already in flight (coalesced), not sent again. */
  shared: number;
  waitedMs: number;
}

/**
 * Per-request call accounting, built in the context factory and reported as
 * `extensions.upstream`. Lives on the request, never at module level.
 */
export class CallAccounting {
  private readonly usage = new Map<Upstream, UpstreamUsage>();

  /**
   * @param priority what the calls of this request queue as, unless a call says otherwise:
   *   'live' for GraphQL requests, 'background' for work no client waits on (auto stock sync).
   */
  constructor(readonly priority: Priority = 'live') {}

  /** Records one upstream call that was actually sent. */
  recordCall(upstream: Upstream, waitedMs: number): void {
    const u = this.get(upstream);
    u.calls += 1;
    u.waitedMs += waitedMs;
  }

  /** Records a call that joined one already in flight. */
  recordShared(upstream: Upstream): void {
    this.get(upstream).shared += 1;
  }

  toJSON(): Record<string, UpstreamUsage> {
    const out: Record<string, UpstreamUsage> = {};
    for (const [k, v] of this.usage) out[k] = { ...v, waitedMs: Math.round(v.waitedMs) };
    return out;
  }

  private get(upstream: Upstream): UpstreamUsage {
    let u = this.usage.get(upstream);
    if (!u) {
      u = { calls: 0, shared: 0, waitedMs: 0 };
      this.usage.set(upstream, u);
    }
    return u;
  }
}
