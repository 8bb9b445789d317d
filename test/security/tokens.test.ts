import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Authenticator } from '../../src/auth/authenticator';
import { parseTokenSpec, sha256Hex } from '../../src/auth/tokens';
import { ConfigError, loadConfig } from '../../src/config';

/** Token configuration, hashing, and the production refusal; config errors never echo a token. */
const TOKEN = 'tok-unit-0123456789abcdef';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pgw-tokens-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('GATEWAY_TOKENS', () => {
  it('parses name, scopes with colons, and keeps only the SHA-256 of the token', () => {
    const { entries, problems } = parseTokenSpec(`desk:stock:read+orders:read:${TOKEN}`);
    expect(problems).toEqual([]);
    expect(entries).toEqual([{ name: 'desk', scopes: ['stock:read', 'orders:read'], sha256: sha256Hex(TOKEN) }]);
    expect(JSON.stringify(entries)).not.toContain(TOKEN);
  });

  it('names every bad entry without echoing a token', () => {
    const problems = problemsOf({ GATEWAY_TOKENS: `a:stock:read:tiny1,b:stock:rite:${TOKEN},${TOKEN},c:stock:read:${TOKEN},c:orders:read:${TOKEN}x` });
    expect(problems.join('\n')).not.toContain(TOKEN);
    expect(problems.join('\n')).not.toContain('tiny1');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('entry 1 ("a") has a token shorter than 16'),
        expect.stringContaining('entry 2 ("b") has an unknown scope'),
        expect.stringContaining('entry 3 must look like name:scope1+scope2:token'),
        expect.stringContaining('token name "c" is used twice'),
      ]),
    );
  });

  it('reads GATEWAY_TOKENS_FILE with hashed tokens', () => {
    const file = path.join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify([{ name: 'filed', scopes: ['customers:read'], sha256: sha256Hex(TOKEN) }]));
    const cfg = loadConfig({ GATEWAY_TOKENS_FILE: file });
    expect(new Authenticator(cfg.security.tokens).authenticate(`Bearer ${TOKEN}`).name).toBe('filed');
    expect(problemsOf({ GATEWAY_TOKENS_FILE: path.join(dir, 'missing.json') })[0]).toContain('GATEWAY_TOKENS_FILE must name a readable JSON file');
    writeFileSync(file, JSON.stringify([{ name: 'x', scopes: ['stock:read'], sha256: 'abc' }]));
    expect(problemsOf({ GATEWAY_TOKENS_FILE: file })[0]).toContain('needs "sha256"');
  });

  it('refuses to start in production without tokens unless AUTH_DISABLED=true', () => {
    const prod = { NODE_ENV: 'production', PICQER_SUBDOMAIN: 'shop', PICQER_API_KEY: 'picqer-key-123456', METRICS_PORT: '9464' };
    expect(problemsOf(prod)).toEqual([expect.stringContaining('GATEWAY_TOKENS or GATEWAY_TOKENS_FILE must be set in production')]);
    expect(problemsOf({ ...prod, AUTH_DISABLED: 'true' })).toEqual([]);
    expect(problemsOf({ ...prod, GATEWAY_TOKENS: `ops:stock:read:${TOKEN}` })).toEqual([]);
    const cfg = loadConfig({ ...prod, GATEWAY_TOKENS: `ops:stock:read:${TOKEN}` });
    expect(cfg.security).toMatchObject({
      authDisabled: false,
      maxQueryDepth: 10,
      maxQueryCost: 50,
      rateLimitPerTokenPerMinute: 600,
      maxSubscriptionsPerConnection: 100,
      auditLog: 'stdout',
    });
  });
});

describe('Authenticator', () => {
  const auth = new Authenticator(parseTokenSpec(`one:stock:read:${TOKEN},two:customers:read:${TOKEN}-other`).entries);

  it('resolves a bearer token to its caller and scopes, whatever the scheme case', () => {
    const c = auth.authenticate(`bearer ${TOKEN}`);
    expect(c.name).toBe('one');
    expect([...c.scopes]).toEqual(['stock:read']);
    expect(auth.authenticate(`Bearer ${TOKEN}-other`).name).toBe('two');
  });

  it('throws UNAUTHENTICATED with HTTP 401 for missing, malformed and unknown tokens', () => {
    for (const h of [undefined, '', 'Bearer', `Basic ${TOKEN}`, 'Bearer nope-0123456789abcdef', `Bearer ${TOKEN} extra`]) {
      try {
        auth.authenticate(h);
        throw new Error(`accepted ${h}`);
      } catch (err: any) {
        expect(err.extensions.code).toBe('UNAUTHENTICATED');
        expect(err.extensions.http.status).toBe(401);
        expect(err.message).not.toContain(TOKEN);
      }
    }
  });

  it('authenticates graphql-ws connectionParams (authorization or Authorization) by the HTTP rule: "Bearer <token>" only', () => {
    expect(auth.authenticateConnection({ authorization: `Bearer ${TOKEN}` }).name).toBe('one');
    expect(auth.authenticateConnection({ Authorization: `bearer ${TOKEN}-other` }).name).toBe('two');
    for (const bare of [TOKEN, `${TOKEN}-other`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, 42]) {
      let err: any;
      try {
        auth.authenticateConnection({ authorization: bare });
      } catch (e) {
        err = e;
      }
      expect(err?.extensions.code).toBe('UNAUTHENTICATED');
      expect(err.message).toMatch(/must be "Bearer <token>"/);
      expect(err.message).not.toContain(TOKEN);
    }
    expect(() => auth.authenticateConnection({})).toThrow(/connectionParams.authorization/);
    expect(() => auth.authenticateConnection(undefined)).toThrow(/connectionParams.authorization/);
    expect(() => auth.authenticateConnection({ authorization: 'Bearer unknown-0123456789abcdef' })).toThrow(/not known/);
  });
});
