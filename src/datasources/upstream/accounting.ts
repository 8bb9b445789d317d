import type { Upstream } from '../../errors';
import type { CacheUsageSink } from './cache/entity-cache';
import type { Priority } from './governor/governor.types';

/** Calls made and budget-waiting time for one GraphQL request, per upstream. */
export interface UpstreamUsage {
  calls: number;
  /** Calls answered from an identical call already in flight (coalesced), not sent again. */
  shared: number;
  waitedMs: number;
  /** Entities answered from the shared cache, including those past their freshness (cacheStale). */
  cacheHits: number;
  /** Entities the cache did not have (fresh enough) and were fetched. */
  cacheMisses: number;
  /** Hits served past their freshness while a background refresh runs. */
  cacheStale: number;
  /** Entities served from an old entry because the upstream failed or the budget ran out. */
  staleOnError: number;
  /** Age of the oldest entry served, ms (0 when none). */
  oldestAgeMs: number;
}

/**
 * Per-request call accounting, built in the context factory and reported as
 * `extensions.upstream`. Lives on the request, never at module level.
 */
export class CallAccounting implements CacheUsageSink {
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

  /** Records what one cache read did for this request. */
  recordCache(upstream: Upstream, r: { hits: number; misses: number; stale: number; staleOnError: number; oldestAgeMs: number }): void {
    const u = this.get(upstream);
    u.cacheHits += r.hits;
    u.cacheMisses += r.misses;
    u.cacheStale += r.stale;
    u.staleOnError += r.staleOnError;
    u.oldestAgeMs = Math.max(u.oldestAgeMs, Math.round(r.oldestAgeMs));
  }

  toJSON(): Record<string, UpstreamUsage> {
    const out: Record<string, UpstreamUsage> = {};
    for (const [k, v] of this.usage) out[k] = { ...v, waitedMs: Math.round(v.waitedMs) };
    return out;
  }

  private get(upstream: Upstream): UpstreamUsage {
    let u = this.usage.get(upstream);
    if (!u) {
      u = { calls: 0, shared: 0, waitedMs: 0, cacheHits: 0, cacheMisses: 0, cacheStale: 0, staleOnError: 0, oldestAgeMs: 0 };
      this.usage.set(upstream, u);
    }
    return u;
  }
}
