import { GraphQLError } from 'graphql';
import { createExactClient, ExactClientOptionsError, MemoryTokenStore, type ExactClient } from '../../src/datasources/exact';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { clientFor, control, exactCodes, stats } from './support/sandbox-client';

/** OAuth against the real sandbox: single-flight refresh, rotation, 401 handling, re-authorization. */

let sb: ExactSandbox;
let now = Date.UTC(2026, 0, 15, 9, 0, 0);
const clock = (): number => now;
const open: ExactClient[] = [];

beforeAll(async () => {
  // Limits far above what these tests send: they are about tokens, not budgets.
  sb = await startExactSandbox({ products: 200, clock, minutelyLimit: 1000 });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await control(sb, 'reset');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function client(extra: Parameters<typeof clientFor>[1] = {}): ExactClient {
  const c = clientFor(sb, { clock, perMinute: 1000, ...extra });
  open.push(c);
  return c;
}

/** 20 different GETs (so none is coalesced with another), one per code. */
function twentyCalls(c: ExactClient): Promise<unknown[][]> {
  return Promise.all(
    exactCodes(sb)
      .slice(0, 20)
      .map((code) => c.list('logistics/Items', { $filter: `Code eq '${code}'`, $select: 'Code' })),
  );
}

describe('Exact OAuth token manager', () => {
  it('validates its options first, naming each problem and never echoing a secret', () => {
    let err: unknown;
    try {
      createExactClient({
        baseUrl: 'not a url',
        division: 0,
        clientId: '',
        clientSecret: 'super-secret-value',
        refreshToken: ' ',
        governors: createGovernorRegistry({ keyPrefix: 'x' }),
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExactClientOptionsError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/baseUrl/);
    expect(msg).toMatch(/division/);
    expect(msg).toMatch(/clientId/);
    expect(msg).toMatch(/refreshToken/);
    expect(msg).not.toMatch(/super-secret-value/);
  });

  it('refreshes exactly once for 20 concurrent calls before the first token', async () => {
    const c = client();
    const results = await twentyCalls(c);
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect((await stats(sb)).tokenRefreshes).toBe(1);
  });

  it('refreshes exactly once for 20 concurrent calls on an expired token, with the rotated refresh token', async () => {
    const c = client();
    await twentyCalls(c);
    const rotated = sb.state.oauth.refreshToken;
    expect(rotated).not.toBe(sb.refreshToken);
    now += 600_000; // the 10-minute access token is over for client and sandbox alike
    const results = await twentyCalls(c);
    expect(results.every((r) => r.length === 1)).toBe(true);
    const s = await stats(sb);
    expect(s.tokenRefreshes).toBe(2);
    expect(s.tokenRequests).toBe(2);
    // No call was sent with the expired token: the manager refreshed ahead of expiry.
    expect(s.byStatus['401']).toBeUndefined();
    // The second refresh used the rotated token (the sandbox refuses a used one), and rotated again.
    expect(sb.state.oauth.refreshToken).not.toBe(rotated);
  });

  it('on 401 refreshes once for all concurrent calls and sends each call once more', async () => {
    // Exact counts each of these 20 401s as an error and blocks the key after 10 an hour per
    // endpoint (error-limits.test.ts): lifted here to test the refresh on its own.
    await control(sb, 'config', { maxErrorsPerHour: 100 });
    const c = client({ minRefreshIntervalMs: 0 });
    await twentyCalls(c);
    await control(sb, 'tokens/expire'); // Exact dropped the token early
    const results = await twentyCalls(c);
    expect(results.every((r) => r.length === 1)).toBe(true);
    const s = await stats(sb);
    expect(s.tokenRefreshes).toBe(2);
    expect(s.byStatus['401']).toBe(20);
    expect(s.byStatus['200']).toBe(40);
  });

  it('does not ask for a new token sooner than Exact allows (570 s) and says when to retry', async () => {
    const c = client();
    await twentyCalls(c);
    await control(sb, 'tokens/expire');
    const err = await c.list('logistics/Items', { $top: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'exact', status: 401 });
    expect((err as Error).message).toMatch(/every 570 s; retry in 570 s/);
    expect((await stats(sb)).tokenRequests).toBe(1);
    now += 580_000; // within the 20 s margin of expiry: the manager refreshes on its own
    expect(await c.list('logistics/Items', { $top: 1 })).toHaveLength(1);
    expect((await stats(sb)).tokenRefreshes).toBe(2);
  });

  it('keeps the refresh token when Exact says it is too early to refresh (TooEarlyToRefreshTokens)', async () => {
    // A client that believes it may refresh at once, against Exact's 570 s cooldown.
    const c = client({ minRefreshIntervalMs: 0, refreshMarginMs: 599_000 });
    await c.list('logistics/Items', { $top: 1 });
    now += 2_000;
    const err = (await c.list('logistics/Items', { $top: 1 }).catch((e: unknown) => e)) as GraphQLError;
    expect(err.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', status: 400 });
    expect(err.message).toMatch(/one per 570 s .*retry shortly/);
    expect(err.message).not.toMatch(/Re-authorize/);
    now += 570_000;
    expect(await c.list('logistics/Items', { $top: 1 })).toHaveLength(1);
    expect((await stats(sb)).tokenRefreshes).toBe(2);
  });

  it('turns a revoked refresh token into UPSTREAM_ERROR that asks for re-authorization, without any token in it', async () => {
    const c = client();
    await twentyCalls(c);
    const accessToken = await c.auth.accessToken();
    await control(sb, 'tokens/revoke');
    now += 600_000;
    const err = (await c.list('logistics/Items', { $top: 1 }).catch((e: unknown) => e)) as GraphQLError;
    expect(err).toBeInstanceOf(GraphQLError);
    expect(err.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'exact', status: 400 });
    expect(err.message).toMatch(/Re-authorize the app in Exact Online and set EXACT_REFRESH_TOKEN/);
    const text = JSON.stringify({ message: err.message, extensions: err.extensions });
    for (const secret of [accessToken, sb.refreshToken, sb.clientSecret]) expect(text).not.toContain(secret);
    // The configured token was used (rotated away) by the first refresh; a dead token is never sent again.
    const before = (await stats(sb)).tokenRequests;
    await c.list('logistics/Items', { $top: 1 }).catch(() => undefined);
    expect((await stats(sb)).tokenRequests).toBe(before);
  });

  it('lets two replicas sharing a token store refresh once between them', async () => {
    const store = new MemoryTokenStore();
    const a = client({ tokenStore: store });
    const b = client({ tokenStore: store });
    await Promise.all([twentyCalls(a), twentyCalls(b)]);
    now += 600_000;
    await Promise.all([twentyCalls(a), twentyCalls(b)]);
    const s = await stats(sb);
    expect(s.tokenRefreshes).toBe(2);
    expect(s.tokenRequests).toBe(2);
  });
});
