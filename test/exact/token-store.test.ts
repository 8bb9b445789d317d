import { deleteKeys } from '../helpers/redis-keys';
import Redis from 'ioredis';
import { ExactTokenManager, MemoryTokenStore, RedisTokenStore, type ExactTokenStore } from '../../src/datasources/exact';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { UpstreamHttp } from '../../src/datasources/upstream/http';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { control, stats } from './support/sandbox-client';

/**
 * One contract suite for both token stores (memory and real Redis): the state round-trips, the
 * refresh lock is exclusive and only its holder releases it, and three "replicas" (token managers)
 * sharing a store refresh Exact's rotating token once between them.
 */

const PREFIX = `test:exact-token-store:${process.pid}:`;
const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
let sb: ExactSandbox;
let now = Date.UTC(2026, 0, 15, 12, 0, 0);
const clock = (): number => now;

beforeAll(async () => {
  sb = await startExactSandbox({ products: 20, clock });
});
afterAll(async () => {
  await deleteKeys('redis://127.0.0.1:6379', PREFIX);
  redis.disconnect();
  await sb.close();
});

const stores: Array<[string, () => ExactTokenStore]> = [
  ['memory', () => new MemoryTokenStore()],
  ['redis', () => new RedisTokenStore(redis, `${PREFIX}${Math.random().toString(36).slice(2)}:`)],
];

describe.each(stores)('ExactTokenStore (%s)', (_name, make) => {
  it('round-trips the token state and answers null when none is stored', async () => {
    const store = make();
    expect(await store.get('k')).toBeNull();
    const state = { accessToken: 'a', accessTokenExpiresAt: 1, refreshToken: 'r', refreshedAt: 2 };
    await store.set('k', state);
    expect(await store.get('k')).toEqual(state);
  });

  it('hands the refresh lock to one holder at a time; a stale release does not free the next holder', async () => {
    const store = make();
    const first = await store.lock('k', 10_000);
    expect(first).not.toBeNull();
    expect(await store.lock('k', 10_000)).toBeNull();
    await first!();
    const second = await store.lock('k', 10_000);
    expect(second).not.toBeNull();
    await first!(); // released twice by its old holder: must not free the second holder's lock
    expect(await store.lock('k', 10_000)).toBeNull();
    await second!();
  });

  it('lets three replicas refresh the rotating token once between them', async () => {
    await control(sb, 'reset');
    const store = make();
    const governors = createGovernorRegistry({ keyPrefix: PREFIX });
    const https: UpstreamHttp[] = [];
    const replicas = [0, 1, 2].map(() => {
      const http = new UpstreamHttp({
        upstream: 'exact',
        baseUrl: `${sb.baseUrl}/api/oauth2`,
        headers: () => ({}),
        governor: governors.governor('exact', 'oauth', { kind: 'minute-and-day', perMinute: 10, perDay: 200 }),
      });
      https.push(http);
      return new ExactTokenManager({
        http,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        division: sb.division,
        refreshToken: sb.refreshToken,
        store,
        clock,
      });
    });
    try {
      const first = await Promise.all(replicas.map((r) => r.accessToken()));
      expect(new Set(first).size).toBe(1);
      now += 600_000;
      const second = await Promise.all(replicas.map((r) => r.accessToken()));
      expect(new Set(second).size).toBe(1);
      expect(second[0]).not.toBe(first[0]);
      const s = await stats(sb);
      expect(s.tokenRefreshes).toBe(2);
      expect(s.tokenRequests).toBe(2);
    } finally {
      await Promise.all(https.map((h) => h.close()));
      await governors.close();
    }
  });
});
