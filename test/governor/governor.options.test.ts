import { createGovernorRegistry } from '../../src/datasources/upstream/governor';

describe('governor registry options and misuse', () => {
  test('bad options are refused with every problem named', () => {
    expect(() => createGovernorRegistry({ keyPrefix: 'x:', windowMs: 0, fallbackShare: 2 })).toThrow(
      /windowMs must be a number >= 1, got 0; fallbackShare must be in \(0, 1\], got 2/,
    );
    // A clock read as a number (say, Date.now() instead of Date.now) would freeze every budget.
    expect(() => createGovernorRegistry({ keyPrefix: 'x:', clock: Date.now() as unknown as () => number })).toThrow(
      /clock must be a function returning epoch ms, got number/,
    );
  });

  test('a bad budget model or cost names the field and the value', async () => {
    const r = createGovernorRegistry({ keyPrefix: 'x:' });
    expect(() => r.governor('picqer', 'k', { kind: 'requests-per-minute', limit: 0 })).toThrow(/limit must be a positive number, got 0/);
    const g = r.governor('shopify', 'k', { kind: 'cost-bucket', size: 100, restorePerSecond: 50 });
    await expect(g.acquire({ cost: -1, priority: 'live', deadline: Date.now() + 100 })).rejects.toThrow(/cost must be a positive number, got -1/);
    await r.close();
  });

  test('a multi-window model needs windows, each with a positive limit and length, no length twice', async () => {
    const r = createGovernorRegistry({ keyPrefix: 'x:' });
    expect(() => r.governor('lightspeed', 'k', { kind: 'multi-window', windows: [] })).toThrow(
      /windows must be a non-empty array of \{ limit, windowMs \}, got \[\]/,
    );
    expect(() => r.governor('lightspeed', 'k', { kind: 'multi-window', windows: [{ limit: 300, windowMs: 0 }] })).toThrow(
      /windows\[0\]\.windowMs must be a positive number, got 0/,
    );
    const twice = {
      kind: 'multi-window',
      windows: [
        { limit: 3, windowMs: 1_000 },
        { limit: 5, windowMs: 1_000 },
      ],
    } as const;
    expect(() => r.governor('lightspeed', 'k', twice)).toThrow(/windows\[\]\.windowMs must be distinct, got \[1000, 1000\]/);
    await r.close();
  });

  test('the same credential gets the same governor; another credential its own budget', async () => {
    const r = createGovernorRegistry({ keyPrefix: 'x:' });
    const model = { kind: 'requests-per-minute', limit: 5 } as const;
    expect(r.governor('picqer', 'a', model)).toBe(r.governor('picqer', 'a', model));
    expect(r.governor('picqer', 'b', model)).not.toBe(r.governor('picqer', 'a', model));
    expect(new Set(r.stats().map((s) => s.credential)).size).toBe(2);
    await r.close();
  });

  test('an aborted call leaves the queue', async () => {
    const r = createGovernorRegistry({ keyPrefix: 'x:', windowMs: 60_000 });
    const g = r.governor('picqer', 'abort', { kind: 'requests-per-minute', limit: 1 });
    await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 1_000 });
    const ac = new AbortController();
    const waiting = g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 10_000, signal: ac.signal }).then(
      () => 'admitted',
      () => 'aborted',
    );
    expect(g.stats().queued).toBe(1);
    ac.abort();
    expect(await waiting).toBe('aborted');
    expect(g.stats().queued).toBe(0);
    await r.close();
  });

  test('with Redis unreachable at start, calls are admitted from the fallback share', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const r = createGovernorRegistry({ keyPrefix: 'x:', redisUrl: 'redis://127.0.0.1:1', redisConnectWaitMs: 100, fallbackShare: 0.5 });
    const g = r.governor('picqer', 'down', { kind: 'requests-per-minute', limit: 4 });
    await g.acquire({ cost: 1, priority: 'live', deadline: Date.now() + 2_000 });
    expect(g.stats()).toMatchObject({ mode: 'fallback', limit: 2, calls: 1 });
    await r.close();
  });
});
