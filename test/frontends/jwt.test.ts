import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { scopesOf } from '../../src/auth/jwt';
import { until } from '../helpers/until';
import { startSecurityStack, TOKENS, type SecurityStack } from '../security/support';

/**
 * JSON Web Tokens from an identity provider (issue 17), against a JWKS this test serves itself on
 * a real HTTP server: a valid token is a caller with its scopes and is audited by its subject; an
 * expired one, one for another audience or one signed by an unknown key is UNAUTHENTICATED; after
 * the provider rotates its key, tokens signed by the new key work at once.
 */

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'picqer-gateway';
const PRODUCTS = '{ products(first: 2) { edges { node { productcode } } } }';
const ORDERS = '{ orders(first: 1) { edges { node { orderid email } } } }';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** The provider's key set: served at /jwks, switched by the test, fetches counted. */
class Jwks {
  keys: SigningKey[] = [];
  fetches = 0;
  readonly server: Server = createServer((req, res) => {
    this.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
  });
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function token(key: SigningKey, claims: Record<string, unknown>, opts: { audience?: string; expiresAt?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setSubject('backoffice-user-17')
    .setIssuedAt(now - 60)
    .setExpirationTime(opts.expiresAt ?? now + 600)
    .sign(key.privateKey);
}

describe('JWT callers', () => {
  const jwks = new Jwks();
  let stack: SecurityStack;
  let first: SigningKey;

  beforeAll(async () => {
    first = await signingKey('key-1');
    jwks.keys = [first];
    const url = await jwks.start();
    // A cooldown of 0: the rotation test need not wait for the default 30 s between key set fetches.
    stack = await startSecurityStack({ JWKS_URL: url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWKS_REFRESH_COOLDOWN_MS: '0' });
  });
  afterAll(async () => {
    await stack?.close();
    await jwks.close();
  });

  it('accepts a valid token with its scopes, audits it by subject, and keeps static tokens working', async () => {
    const jwt = await token(first, { scope: 'openid stock:read' });
    const ok = await stack.gql(PRODUCTS, { authorization: `Bearer ${jwt}` });
    expect(ok.status).toBe(200);
    expect(ok.body.data.products.edges).toHaveLength(2);
    const forbidden = await stack.gql(ORDERS, { authorization: `Bearer ${jwt}` });
    expect(forbidden.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'orders:read' });
    expect(forbidden.body.errors?.[0].message).toContain('jwt:backoffice-user-17');
    const reader = await token(first, { scope: 'stock:read orders:read customers:read' });
    const personal = await stack.gql(ORDERS, { authorization: `Bearer ${reader}` });
    expect(personal.body.errors).toBeUndefined();
    await until(() => stack.audit.records().some((r) => r.who === 'jwt:backoffice-user-17'), 'the audit record of the JWT caller');
    expect((await stack.gql(PRODUCTS, { token: TOKENS.stock })).status).toBe(200);
  });

  it('refuses an expired token, a token for another audience and a token signed by an unknown key as UNAUTHENTICATED', async () => {
    const cases = [
      [await token(first, { scope: 'stock:read' }, { expiresAt: Math.floor(Date.now() / 1000) - 600 }), /expired/],
      [await token(first, { scope: 'stock:read' }, { audience: 'another-api' }), /"aud" claim/],
      [await token(await signingKey('key-1'), { scope: 'stock:read' }), /signature/],
    ] as const;
    for (const [jwt, message] of cases) {
      const r = await stack.gql(PRODUCTS, { authorization: `Bearer ${jwt}` });
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.body.errors?.[0].message).toMatch(message);
      expect(JSON.stringify(r.body)).not.toContain(jwt);
    }
  });

  it('reads the rotated key set when a token names a new key', async () => {
    const second = await signingKey('key-2');
    jwks.keys = [second];
    const fetchesBefore = jwks.fetches;
    const r = await stack.gql(PRODUCTS, { authorization: `Bearer ${await token(second, { scope: 'stock:read' })}` });
    expect(r.status).toBe(200);
    expect(r.body.data.products.edges).toHaveLength(2);
    expect(jwks.fetches).toBe(fetchesBefore + 1);
    // The old key is gone from the set: its tokens no longer verify.
    const old = await stack.gql(PRODUCTS, { authorization: `Bearer ${await token(first, { scope: 'stock:read' })}` });
    expect(old.status).toBe(401);
  });
});

it('reads scopes from a space-separated string or an array, keeping only the gateway scopes', () => {
  expect([...scopesOf('openid stock:read  orders:read')]).toEqual(['stock:read', 'orders:read']);
  expect([...scopesOf(['customers:read', 'admin', 7])]).toEqual(['customers:read']);
  expect([...scopesOf(undefined)]).toEqual([]);
});
