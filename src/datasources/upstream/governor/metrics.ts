import { Gauge, type Registry } from 'prom-client';
import { totalsCounter } from '../../../util/metrics';
import type { GovernorRegistry, GovernorStats, WindowStats } from './governor.types';

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
  const counter = (name: string, help: string, pick: (s: GovernorStats) => number): void =>
    totalsCounter(promRegistry, { name, help, labelNames }, () =>
      registry.stats().map((s) => [{ upstream: s.upstream, credential: s.credential }, pick(s)] as const),
    );
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
  registerWindowGauges(registry, promRegistry);
  counter('gateway_governor_calls_total', 'Calls admitted.', (s) => s.calls);
  counter('gateway_governor_waited_seconds_total', 'Seconds admitted calls spent waiting for budget.', (s) => s.waitedMsTotal / 1000);
  counter('gateway_governor_upstream_429_total', '429 / THROTTLED answers from the upstream.', (s) => s.upstream429);
  counter('gateway_governor_rate_limited_total', 'Calls failed with RATE_LIMITED (no budget before the deadline).', (s) => s.rateLimited);
}

/** Multi-window models (Lightspeed): every window's figures, labelled by its length. */
function registerWindowGauges(registry: GovernorRegistry, promRegistry: Registry): void {
  const perWindow = (name: string, help: string, pick: (w: WindowStats) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['upstream', 'credential', 'window_seconds'],
      registers: [promRegistry],
      collect() {
        this.reset();
        for (const s of registry.stats()) {
          for (const w of s.windows ?? []) this.set({ upstream: s.upstream, credential: s.credential, window_seconds: String(w.windowMs / 1000) }, pick(w));
        }
      },
    });
  };
  // gateway_governor_limit / _used show the window closest to full.
  perWindow('gateway_governor_window_limit', 'Multi-window models: current budget of each window (requests).', (w) => w.limit);
  perWindow('gateway_governor_window_used', 'Multi-window models: requests counted in each window, foreign usage included.', (w) => w.used);
}
