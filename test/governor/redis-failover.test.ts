import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import type { Governor, GovernorRegistry } from '../../src/datasources/upstream/governor/governor.types';
import { RateLimitedError } from '../../src/errors';
import { PrivateRedis } from '../helpers/private-redis';
import { until } from '../helpers/until';

/**
 * A governor whose Redis dies mid-run keeps admitting calls from a conservative local share,
 * logs the outage once, and returns to the shared budget when Redis is back. The Redis here is
 * our own redis-server on a spare port, so stopping it disturbs no other test.
 */

let redis: PrivateRedis;
let registry: GovernorRegistry | undefined;

const take = (g: Governor, deadlineMs = 5_000) => g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + deadlineMs });

beforeAll(async () => {
  redis = await PrivateRedis.onFreePort();
  await redis.start();
});

afterAll(async () => {
  await registry?.close();
  await redis.stop();
});

test('falls back to a local share while Redis is down, logs it once, and returns when Redis is back', async () => {
  const warnings: string[] = [];
  const infos: string[] = [];
  registry = createGovernorRegistry({
    redisUrl: redis.url,
    keyPrefix: 'test:failover:',
    windowMs: 60_000,
    fallbackShare: 0.5,
    // A killed Redis is noticed when its connection drops, not by this timeout; the timeout only
    // has to be longer than a command ever takes on a busy machine, or a slow reply counts as an outage.
    redisCommandTimeoutMs: 2_000,
    logger: { warn: (_o, msg) => warnings.push(msg ?? ''), info: (_o, msg) => infos.push(msg ?? '') },
  });
  const g = registry.governor('picqer', 'failover-credential', { kind: 'requests-per-minute', limit: 10 });
  await take(g);
  await take(g);
  expect(g.stats().mode).toBe('redis');

  await redis.stop();
  // Calls keep being admitted, from this replica's half of the budget (5 of 10).
  for (let i = 0; i < 5; i++) await take(g);
  expect(g.stats()).toMatchObject({ mode: 'fallback', calls: 7, limit: 5 });
  const err = await take(g, 100).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/unreachable/);

  await redis.start();
  await until(() => g.stats().mode === 'redis', 'the registry to reconnect', { everyMs: 100 });
  // The restarted Redis is empty: the shared budget of 10 is there again.
  await take(g);
  expect(g.stats()).toMatchObject({ mode: 'redis', limit: 10, used: 1, calls: 8 });
  expect(infos.some((m) => /reachable again/.test(m))).toBe(true);
  expect(warnings).toHaveLength(1);
});
