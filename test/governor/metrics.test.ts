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
