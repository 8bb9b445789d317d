import { Gauge, type Registry } from 'prom-client';
import { totalsCounter } from '../../../util/metrics';
import type { CacheCounts, EntityCache } from './entity-cache';

/**
 * Prometheus metrics of the entity cache, read from its running totals when scraped (nothing runs
 * between scrapes). Labels: upstream and entity type; never a key (keys carry product codes).
 */
export function registerCacheMetrics(cache: EntityCache, promRegistry: Registry): void {
  const labelNames = ['upstream', 'type'] as const;
  const counter = (name: string, help: string, pick: keyof CacheCounts): void =>
    totalsCounter(promRegistry, { name, help, labelNames }, () =>
      [...cache.stats()].map(([k, c]) => {
        const [upstream, type] = k.split(':');
        return [{ upstream, type }, c[pick]] as const;
      }),
    );
  counter('gateway_cache_hits_total', 'Entities answered from the cache (fresh or within the revalidate window).', 'hits');
  counter('gateway_cache_misses_total', 'Entities the cache did not hold fresh enough: fetched.', 'misses');
  counter('gateway_cache_stale_total', 'Hits past their freshness, served while one background refresh runs.', 'stale');
  counter('gateway_cache_stale_on_error_total', 'Entities served from an old entry because the upstream failed or the budget ran out.', 'staleOnError');
  counter('gateway_cache_invalidations_total', 'Entities dropped by webhooks and our own writes.', 'invalidations');
  counter('gateway_cache_writes_total', 'Entities written in place by webhooks (no upstream call).', 'writes');
  new Gauge({
    name: 'gateway_cache_mode',
    help: '1 for the mode the cache store is in: redis, memory, or fallback (Redis unreachable, memory serving).',
    labelNames: ['mode'],
    registers: [promRegistry],
    collect() {
      this.reset();
      for (const mode of ['redis', 'memory', 'fallback'] as const) this.set({ mode }, cache.mode() === mode ? 1 : 0);
    },
  });
}
