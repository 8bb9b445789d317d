import { ConfigError, loadConfig } from '../../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('starts in sandbox mode with no credentials, with documented defaults', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.picqer).toBeUndefined();
    expect(c.port).toBe(4000);
    expect(c.bodyLimitBytes).toBe(1_048_576);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('talks to the real Picqer when subdomain and key are set', () => {
    const c = loadConfig({ PICQER_SUBDOMAIN: 'myshop', PICQER_API_KEY: 'abcdefghijkl', PORT: '8080' });
    expect(c.sandbox).toBe(false);
    expect(c.picqer?.baseUrl).toBe('https://myshop.picqer.com/api/v1');
    expect(c.picqer?.rateLimitPerMinute).toBe(500);
    expect(c.port).toBe(8080);
  });

  it('reports every problem at once, naming each variable', () => {
    const problems = problemsOf({ PORT: 'eighty', PICQER_SUBDOMAIN: 'my shop!', LOG_LEVEL: 'loud', GRAPHIQL: 'maybe' });
    expect(problems.join('\n')).toMatch(/PORT must be a whole number, got "eighty"/);
    expect(problems.join('\n')).toMatch(/PICQER_SUBDOMAIN must be the account name/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/GRAPHIQL must be true or false/);
    expect(problems.join('\n')).toMatch(/PICQER_API_KEY must be set together with PICQER_SUBDOMAIN/);
  });

  it('names a bad switch and a bad number in one error, each once', () => {
    let err: unknown;
    try {
      loadConfig({ GRAPHIQL: 'maybe', PORT: 'abc' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['PORT must be a whole number, got "abc"', 'GRAPHIQL must be true or false, got "maybe"']);
    expect((err as ConfigError).message).toBe(
      'Invalid configuration:\n  - PORT must be a whole number, got "abc"\n  - GRAPHIQL must be true or false, got "maybe"',
    );
  });

  it('converts only plain whole numbers and the six switch words', () => {
    // Number() would read these as 16, 1000 and 12: an operator never means that.
    for (const port of ['0x10', '1e3', '12.5', '12.0']) expect(problemsOf({ PORT: port })).toEqual([`PORT must be a whole number, got "${port}"`]);
    expect(loadConfig({ PORT: ' 8080 ' }).port).toBe(8080);
    expect(loadConfig({ GRAPHIQL: ' YES ', INTROSPECTION: '0', SHOPIFY_AUTO_SYNC: 'True' })).toMatchObject({
      graphiql: true,
      introspection: false,
      shopifyAutoSync: true,
    });
    expect(loadConfig({ PORT: '', GRAPHIQL: '' })).toMatchObject({ port: 4000, graphiql: true });
  });

  it('rejects out-of-range numbers and never echoes a secret value', () => {
    const problems = problemsOf({ PORT: '70000', PICQER_SUBDOMAIN: 'shop', PICQER_API_KEY: 'short' });
    expect(problems.join('\n')).toMatch(/PORT must not be greater than 65535/);
    expect(problemsOf({ MAX_SUBSCRIPTIONS_PER_CONNECTION: '0' }).join('\n')).toMatch(/MAX_SUBSCRIPTIONS_PER_CONNECTION must not be less than 1/);
    expect(problemsOf({ EVENT_FANOUT_WINDOW_MS: '101' }).join('\n')).toMatch(/EVENT_FANOUT_WINDOW_MS must not be greater than 100/);
    expect(problemsOf({ EVENT_FANOUT_WINDOW_MS: '-1' }).join('\n')).toMatch(/EVENT_FANOUT_WINDOW_MS must not be less than 0/);
    expect(problems.join('\n')).toMatch(/PICQER_API_KEY/);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('needs all Exact variables together', () => {
    const problems = problemsOf({ EXACT_CLIENT_ID: 'client-0001' });
    expect(problems.join('\n')).toMatch(/EXACT_DIVISION, EXACT_CLIENT_SECRET, EXACT_REFRESH_TOKEN/);
  });

  it('refuses to register hooks in the real Picqer without a public URL and a secret', () => {
    const problems = problemsOf({ PICQER_SUBDOMAIN: 'shop', PICQER_API_KEY: 'abcdefghijkl', PICQER_REGISTER_HOOKS: 'true' });
    expect(problems.join('\n')).toMatch(/PUBLIC_URL must be set when PICQER_REGISTER_HOOKS=true/);
    expect(problems.join('\n')).toMatch(/PICQER_WEBHOOK_SECRET must be set when PICQER_REGISTER_HOOKS=true/);
    expect(() =>
      loadConfig({
        PICQER_SUBDOMAIN: 'shop',
        PICQER_API_KEY: 'abcdefghijkl',
        PICQER_REGISTER_HOOKS: 'true',
        PUBLIC_URL: 'https://gw.example.com',
        PICQER_WEBHOOK_SECRET: 'a-secret-of-16-chars-or-more',
      }),
    ).not.toThrow();
  });
});
