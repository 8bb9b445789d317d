import { request } from 'undici';
import WebSocket from 'ws';
import { originPolicy } from '../../src/http/origin';
import { loadConfig } from '../../src/config';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * CORS_ORIGINS (issue 17): a page on an allowed origin may call /graphql and open graphql-ws; a
 * preflight is answered before authentication and upstreams; another origin gets no allow header.
 */

const TOKEN = 'tok-cors-0123456789abcdef';
const ALLOWED = 'https://shop.example.com';
const PRODUCTS = '{ products(first: 2) { edges { node { productcode } } } }';

describe('origin policy', () => {
  const policy = originPolicy(['https://shop.example.com', 'https://*.example.org', 'http://localhost:*', 'https://api.example.net:443']);

  it('matches exact origins, wildcard subdomains and any port', () => {
    expect(policy.allows('https://shop.example.com')).toBe(true);
    expect(policy.allows('https://SHOP.example.com')).toBe(true);
    expect(policy.allows('http://shop.example.com')).toBe(false);
    expect(policy.allows('https://shop.example.com:8443')).toBe(false);
    expect(policy.allows('https://a.example.org')).toBe(true);
    expect(policy.allows('https://a.b.example.org')).toBe(true);
    expect(policy.allows('https://example.org')).toBe(false);
    expect(policy.allows('https://evil-example.org')).toBe(false);
    expect(policy.allows('https://example.org.evil.com')).toBe(false);
    expect(policy.allows('http://localhost:5173')).toBe(true);
    expect(policy.allows('http://localhost')).toBe(true);
    expect(policy.allows('http://localhost.evil.com:5173')).toBe(false);
    expect(policy.allows('https://api.example.net')).toBe(true);
    expect(policy.allows('null')).toBe(false);
  });

  it('admits connections without Origin, from the own origin, or when no list is set', () => {
    expect(policy.admitsConnection({})).toBe(true);
    expect(policy.admitsConnection({ origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' })).toBe(true);
    expect(policy.admitsConnection({ origin: 'https://evil.example.com', host: '127.0.0.1:4000' })).toBe(false);
    expect(policy.admitsConnection({ origin: 'https://shop.example.com', host: '127.0.0.1:4000' })).toBe(true);
    expect(originPolicy([]).admitsConnection({ origin: 'https://evil.example.com', host: 'x' })).toBe(true);
    expect(originPolicy(['*']).allows('https://anything.example')).toBe(true);
  });

  it('is empty by default, with the local dev origins in sandbox mode, and refuses bad entries', () => {
    expect(loadConfig({ PICQER_SUBDOMAIN: 'x', PICQER_API_KEY: 'key-0123456789', AUTH_DISABLED: 'true' }).browser.corsOrigins).toEqual([]);
    expect(loadConfig({}).browser.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://shop.example.com/path' })).toThrow(
      /CORS_ORIGINS entries must be origins .*got "https:\/\/shop.example.com\/path"/,
    );
  });
});

describe('CORS on the gateway', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGINS: `${ALLOWED},https://*.example.org`, GATEWAY_TOKENS: `web:stock:read:${TOKEN}` } });
  });
  afterAll(() => stack?.close());

  const preflight = (origin: string) =>
    request(`${stack.gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,apollo-require-preflight' },
    });

  it('answers a preflight from an allowed origin with 204 and the allow headers, before authentication and upstreams', async () => {
    const before = stack.upstreamRequests().total;
    const r = await preflight(ALLOWED);
    await r.body.dump();
    expect(r.statusCode).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(r.headers['access-control-allow-methods'])).toContain('POST');
    const allowed = String(r.headers['access-control-allow-headers']).split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name']));
    expect(r.headers['access-control-max-age']).toBe('600');
    expect(String(r.headers.vary)).toMatch(/origin/i);
    // No token was sent: a preflight that reached authentication would be 401.
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect(stack.upstreamRequests().total).toBe(before);
  });

  it('answers a preflight from another origin without any allow header, and nothing runs', async () => {
    const before = stack.upstreamRequests().total;
    const r = await preflight('https://evil.example.com');
    await r.body.dump();
    expect(r.statusCode).toBe(204);
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([]);
    expect(stack.upstreamRequests().total).toBe(before);
  });

  it('lets an allowed page read the answer (and a 401) and gives another origin no allow header', async () => {
    const ok = await stack.gql(PRODUCTS, undefined, { token: TOKEN, headers: { origin: 'https://a.example.org' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.products.edges).toHaveLength(2);
    expect(ok.headers['access-control-allow-origin']).toBe('https://a.example.org');
    const denied = await stack.gql(PRODUCTS, undefined, { headers: { origin: ALLOWED } });
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(denied.headers['access-control-expose-headers'])).toContain('www-authenticate');
    const other = await stack.gql(PRODUCTS, undefined, { token: TOKEN, headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a graphql-ws upgrade from an origin not on the list, and accepts an allowed one', async () => {
    const url = `${stack.gateway.url.replace('http', 'ws')}/graphql`;
    const refused = await openSocket(url, 'https://evil.example.com');
    expect(refused).toEqual({ opened: false, status: 403 });
    expect(await openSocket(url, ALLOWED)).toEqual({ opened: true });
    // A client that is no browser sends no Origin at all.
    expect(await openSocket(url, undefined)).toEqual({ opened: true });
  });
});

/** Opens a graphql-ws socket with `origin` (none when undefined) and closes it; the upgrade's status when refused. */
function openSocket(url: string, origin: string | undefined): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}
