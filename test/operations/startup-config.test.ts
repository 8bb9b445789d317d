import { ConfigError, loadConfig } from '../../src/config';
import { prettyLogsWanted } from '../../src/logger';

/**
 * Start-up as an operator meets it: production never falls back to invented data, sandbox mode
 * is asked for (SANDBOX=true, or auto as `npm start` sets it), and each bad value is named once
 * with the rule it broke.
 */

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** METRICS_TOKEN: production also wants /metrics protected (config/metrics-config.ts). */
const PICQER = { PICQER_SUBDOMAIN: 'myshop', PICQER_API_KEY: 'abcdefghijkl', AUTH_DISABLED: 'true', METRICS_TOKEN: 'metrics-token-0123456789' };

describe('sandbox mode only when asked for', () => {
  it('refuses NODE_ENV=production without upstream credentials, naming what to set', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_DISABLED: 'true' })).toContain(
      "PICQER_SUBDOMAIN and PICQER_API_KEY (or another upstream's credentials) must be set when NODE_ENV=production; to run the built-in sandboxes with invented data set SANDBOX=true",
    );
    // Another upstream's credentials are enough: each upstream is optional.
    expect(
      loadConfig({
        NODE_ENV: 'production',
        AUTH_DISABLED: 'true',
        SHOPIFY_SHOP: 'myshop',
        SHOPIFY_ACCESS_TOKEN: 'shpat_abcdefgh',
        METRICS_TOKEN: 'metrics-token-0123456789',
      }).sandbox,
    ).toBe(false);
  });

  it('starts the sandboxes in production with SANDBOX=true or auto (what npm start sets), and outside production by default', () => {
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX: 'auto' }).sandbox).toBe(true);
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).sandbox).toBe(true);
  });

  it('uses the real upstreams when their credentials are set, auto or not', () => {
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX: 'auto', ...PICQER }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...PICQER }).sandbox).toBe(false);
    expect(loadConfig({ ...PICQER }).sandbox).toBe(false);
  });

  it('names the three values SANDBOX takes', () => {
    expect(problemsOf({ SANDBOX: 'maybe' })).toEqual(['SANDBOX must be true, false or auto, got "maybe"']);
  });
});

describe('one message per problem, naming the rule', () => {
  it('says REDIS_URL must start with redis:// or rediss://, without echoing the value', () => {
    for (const url of ['http://x', 'localhost:6379', 'redis:/nohost']) {
      expect(problemsOf({ REDIS_URL: url })).toEqual(['REDIS_URL must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379']);
    }
    expect(problemsOf({ REDIS_URL: 'http://:hunter2@x' }).join('\n')).not.toContain('hunter2');
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@redis.example.com:6380/2' }).redisUrl).toBe('rediss://:pw@redis.example.com:6380/2');
  });

  it('reports a bad PORT once, whatever is wrong with it', () => {
    for (const port of ['abc', '70000', '-1', '80.5', '1e3']) expect(problemsOf({ PORT: port })).toHaveLength(1);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must not be greater than 65535']);
  });

  it('checks that the drain fits in the shutdown timeout, and has the documented defaults', () => {
    expect(problemsOf({ SHUTDOWN_DRAIN_MS: '30000', SHUTDOWN_TIMEOUT_MS: '20000' })).toEqual([
      'SHUTDOWN_DRAIN_MS (30000) must be less than SHUTDOWN_TIMEOUT_MS (20000): the drain is part of the shutdown',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', ...PICQER })).toMatchObject({ shutdownDrainMs: 5000, shutdownTimeoutMs: 25000, logFormat: 'auto' });
    expect(loadConfig({})).toMatchObject({ shutdownDrainMs: 0, shutdownTimeoutMs: 25000 });
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT must be auto, json or pretty']);
  });
});

describe('LOG_FORMAT=auto', () => {
  it('is readable on a terminal in sandbox mode and development, JSON in production and when piped', () => {
    expect(prettyLogsWanted('auto', { tty: true, sandbox: true, production: true })).toBe(true);
    expect(prettyLogsWanted('auto', { tty: true, sandbox: false, production: false })).toBe(true);
    expect(prettyLogsWanted('auto', { tty: true, sandbox: false, production: true })).toBe(false);
    expect(prettyLogsWanted('auto', { tty: false, sandbox: true, production: false })).toBe(false);
    expect(prettyLogsWanted('pretty', { tty: false, sandbox: false, production: true })).toBe(true);
    expect(prettyLogsWanted('json', { tty: true, sandbox: true, production: false })).toBe(false);
  });
});
