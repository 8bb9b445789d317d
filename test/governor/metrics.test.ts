import { Registry } from 'prom-client';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { registerGovernorMetrics } from '../../src/datasources/upstream/governor/metrics';
import { RateLimitedError } from '../../src/errors';

test('metrics are read from stats() on scrape, labelled by upstream and credential hash only', async () => {
  const governors = createGovernorRegistry({ keyPrefix: 'unused:', windowMs: 60_000 });
  const prom = new Registry();
  registerGovernorMetrics(governors, prom);
  const credential = 'metrics-secret-key-123456';
  const g = governors.governor('picqer', credential, { kind: 'requests-per-minute', limit: 2 });
  await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 1_000 });
  await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 1_000 });
  const err = await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 50 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RateLimitedError);
  await g.observe({ status: 429, headers: {} });

  const text = await prom.metrics();
  const hash = g.stats().credential;
  const labels = `upstream="picqer",credential="${hash}"`;
  expect(text).toContain(`gateway_governor_calls_total{${labels}} 2`);
  expect(text).toContain(`gateway_governor_rate_limited_total{${labels}} 1`);
  expect(text).toContain(`gateway_governor_upstream_429_total{${labels}} 1`);
  expect(text).toContain(`gateway_governor_limit{${labels}} 2`);
  expect(text).toContain(`gateway_governor_used{${labels}} 2`);
  expect(text).toContain(`gateway_governor_mode{${labels},mode="memory"} 1`);
  expect(text).not.toContain(credential);
  // A second scrape reports totals, not sums of scrapes.
  expect(await prom.metrics()).toContain(`gateway_governor_calls_total{${labels}} 2`);
  await governors.close();
});

test('a multi-window governor reports each window, and the one closest to full as limit/used', async () => {
  const governors = createGovernorRegistry({ keyPrefix: 'unused:' });
  const prom = new Registry();
  registerGovernorMetrics(governors, prom);
  const g = governors.governor('lightspeed', 'metrics-lightspeed-key', {
    kind: 'multi-window',
    windows: [
      { limit: 300, windowMs: 300_000 },
      { limit: 3_000, windowMs: 3_600_000 },
    ],
  });
  await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 1_000 });
  // Another app on the key spent 2,000 of the hour: that window is now the closest to full.
  await g.observe({ status: 200, headers: { 'x-ratelimit-limit': '300/3000', 'x-ratelimit-remaining': '299/999' } });
  await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 1_000 });

  const text = await prom.metrics();
  const labels = `upstream="lightspeed",credential="${g.stats().credential}"`;
  expect(text).toContain(`gateway_governor_window_limit{${labels},window_seconds="300"} 300`);
  expect(text).toContain(`gateway_governor_window_used{${labels},window_seconds="300"} 2`);
  expect(text).toContain(`gateway_governor_window_limit{${labels},window_seconds="3600"} 3000`);
  expect(text).toContain(`gateway_governor_window_used{${labels},window_seconds="3600"} 2002`);
  expect(text).toContain(`gateway_governor_limit{${labels}} 3000`);
  expect(text).toContain(`gateway_governor_used{${labels}} 2002`);
  expect(text).toContain(`gateway_governor_calls_total{${labels}} 2`);
  await governors.close();
});
