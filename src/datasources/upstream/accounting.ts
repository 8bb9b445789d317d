import { QueryTooComplexError, type Upstream } from '../../errors';
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

  /** Calls let through `admit` so far (all upstreams; a call's retries are part of it). */
  private admitted = 0;

  /**
   * @param priority what the calls of this request queue as, unless a call says otherwise:
   *   'live' for GraphQL requests, 'background' for work no client waits on (auto stock sync).
   * @param maxCalls the most upstream calls this request may send; past it `admit` refuses.
   */
  constructor(
    readonly priority: Priority = 'live',
    readonly maxCalls = Infinity,
  ) {}

  /**
   * Lets one more upstream call of this request go, or refuses it with
   * QUERY_TOO_COMPLEX once `maxCalls` have gone: the estimate that let the operation run can be
   * wrong (a page of bundles costs a parts call each, which no estimate can know beforehand), and
   * this bound holds whatever the estimate said.
   */
  admit(upstream: Upstream): void {
    if (this.admitted >= this.maxCalls) {
      throw new QueryTooComplexError(
        `This request has sent the ${this.maxCalls} upstream calls one request may send (twice MAX_QUERY_COST); the rest of it was not fetched (${upstream}). Ask for fewer rows or fewer nested fields.`,
        { maxCalls: this.maxCalls },
      );
    }
    this.admitted++;
  }

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
