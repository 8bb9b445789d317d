import { Counter, Gauge, type Registry } from 'prom-client';
import type { GovernorRegistry, GovernorStats } from './governor.types';

/**
 * Prometheus metrics for every governor, read from `stats()` when scraped (nothing is counted
 * twice, nothing runs between scrapes). Labels: upstream and the credential's hash, never the
 * credential. Counters are cumulative per process, as Prometheus expects.
 */
export function registerGovernorMetrics(registry: GovernorRegistry, promRegistry: Registry): void {
  const labelNames = ['upstream', 'credential'] as const;
  const gauge = (name: string, help: string, pick: (s: GovernorStats) => number): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [promRegistry],
      collect() {
        this.reset();
        for (const s of registry.stats()) this.set({ upstream: s.upstream, credential: s.credential }, pick(s));
      },
    });
  };
  const counter = (name: string, help: string, pick: (s: GovernorStats) => number): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [promRegistry],
      collect() {
        // A counter has no set(): rebuild it from the governor's running total at each scrape.
        this.reset();
        for (const s of registry.stats()) this.inc({ upstream: s.upstream, credential: s.credential }, pick(s));
      },
    });
  };
  gauge('gateway_governor_limit', 'Current budget per window (Picqer/Exact: requests; Shopify: bucket points).', (s) => s.limit);
  gauge('gateway_governor_used', 'Budget spent in the current window (Shopify: bucket points in use).', (s) => s.used);
  gauge('gateway_governor_queued', 'Calls waiting for budget.', (s) => s.queued);
  new Gauge({
    name: 'gateway_governor_mode',
    help: '1 for the mode the governor is in: redis, memory or fallback (Redis unreachable).',
    labelNames: [...labelNames, 'mode'],
    registers: [promRegistry],
    collect() {
      this.reset();
      for (const s of registry.stats()) {
        for (const mode of ['redis', 'memory', 'fallback']) this.set({ upstream: s.upstream, credential: s.credential, mode }, s.mode === mode ? 1 : 0);
      }
    },
  });
  counter('gateway_governor_calls_total', 'Calls admitted.', (s) => s.calls);
  counter('gateway_governor_waited_ms_total', 'Milliseconds admitted calls spent waiting for budget.', (s) => s.waitedMsTotal);
  counter('gateway_governor_upstream_429_total', '429 / THROTTLED answers from the upstream.', (s) => s.upstream429);
  counter('gateway_governor_rate_limited_total', 'Calls failed with RATE_LIMITED (no budget before the deadline).', (s) => s.rateLimited);
}
