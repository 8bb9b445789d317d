import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** The browser section's variables (issue 17): defaults, and every problem named at start. */

const REAL = { PICQER_SUBDOMAIN: 'acme', PICQER_API_KEY: 'key-0123456789' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

it('is off by default: no origins, no public caller, no JWT, trusted documents off', () => {
  const b = loadConfig({ ...REAL, AUTH_DISABLED: 'true' }).browser;
  expect(b).toMatchObject({ corsOrigins: [], corsMaxAgeSeconds: 600, publicAccess: false, trustedProxies: [], trustedDocuments: 'off', apqTtlSeconds: 86_400 });
  expect(b.jwt).toBeUndefined();
});

it('reads the JWT settings together, with scope as the default claim', () => {
  const b = loadConfig({ JWKS_URL: 'https://id.example.com/.well-known/jwks.json', JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'gateway' }).browser;
  expect(b.jwt).toEqual({
    jwksUrl: 'https://id.example.com/.well-known/jwks.json',
    issuer: 'https://id.example.com/',
    audience: 'gateway',
    scopesClaim: 'scope',
    refreshCooldownMs: 30_000,
  });
  expect(problems({ JWKS_URL: 'https://id.example.com/jwks' })).toEqual([
    expect.stringMatching(/JSON Web Tokens need all of .*missing JWT_ISSUER, JWT_AUDIENCE/),
  ]);
});

it('names bad proxies, a missing trusted documents file and a mode without its file', () => {
  expect(problems({ TRUSTED_PROXIES: '10.0.0.0/8,not a proxy' })).toEqual([
    expect.stringContaining('TRUSTED_PROXIES entries must be addresses or CIDR ranges'),
  ]);
  expect(problems({ TRUSTED_DOCUMENTS: 'on' })).toEqual([expect.stringContaining('TRUSTED_DOCUMENTS=on needs TRUSTED_DOCUMENTS_FILE')]);
  expect(problems({ TRUSTED_DOCUMENTS: 'maybe' })[0]).toContain('TRUSTED_DOCUMENTS');
  expect(problems({ TRUSTED_DOCUMENTS_FILE: '/nonexistent/persisted-documents.json' })).toEqual([
    expect.stringContaining('TRUSTED_DOCUMENTS_FILE must name a readable file'),
  ]);
});

it('lets production start with JWT callers or the public caller instead of static tokens', () => {
  const prod = { ...REAL, NODE_ENV: 'production', SANDBOX: 'false', METRICS_TOKEN: 'metrics-token-0123456789' };
  expect(problems(prod).join('\n')).toContain('GATEWAY_TOKENS or GATEWAY_TOKENS_FILE must be set in production');
  expect(problems({ ...prod, PUBLIC_ACCESS: 'true' }).join('\n')).not.toContain('GATEWAY_TOKENS');
  expect(problems({ ...prod, JWKS_URL: 'https://id.example.com/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }).join('\n')).not.toContain('GATEWAY_TOKENS');
});

it('loads a trusted documents file in the client preset format', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trusted-cfg-'));
  try {
    const file = path.join(dir, 'persisted-documents.json');
    writeFileSync(file, JSON.stringify({ abc: 'query A { warehouses { name } }' }));
    expect(loadConfig({ TRUSTED_DOCUMENTS: 'on', TRUSTED_DOCUMENTS_FILE: file }).browser).toMatchObject({ trustedDocuments: 'on', trustedDocumentsFile: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
