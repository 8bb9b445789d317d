import WebSocket from 'ws';
import { startStack, type TestStack } from '../helpers/stack';

/**
 * The public storefront caller (PUBLIC_ACCESS, issue 17): a request without a token may read stock
 * and nothing else, and is limited per client address; behind TRUSTED_PROXIES the address is the
 * one X-Forwarded-For names, otherwise the socket's.
 */

const TOKEN = 'tok-public-test-0123456789abcdef';
const PRODUCTS = '{ products(first: 1) { edges { node { productcode } } } }';
const LIMIT = 3;

/** Requests from `address` until one is refused; how many passed first (bounded: a window edge resets the count once at most). */
async function passedBeforeRefusal(
  stack: TestStack,
  address: string,
): Promise<{ passed: number; refused?: { status: number; code: unknown; retryAfter: unknown } }> {
  let passed = 0;
  for (let i = 0; i < 2 * LIMIT + 2; i++) {
    const r = await stack.gql(PRODUCTS, undefined, { headers: { 'x-forwarded-for': address } });
    if (r.status === 429) {
      expect(r.body.errors?.[0].message).toContain('PUBLIC_RATE_LIMIT_PER_MINUTE');
      return { passed, refused: { status: r.status, code: r.body.errors?.[0].extensions?.code, retryAfter: r.headers['retry-after'] } };
    }
    expect(r.status).toBe(200);
    passed += 1;
  }
  return { passed };
}

describe('public caller behind a trusted proxy', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        PUBLIC_ACCESS: 'true',
        PUBLIC_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        TRUSTED_PROXIES: '127.0.0.1',
        GATEWAY_TOKENS: `desk:stock:read+orders:read:${TOKEN}`,
      },
    });
  });
  afterAll(() => stack?.close());

  it('reads stock without a token, and nothing else', async () => {
    const ok = await stack.gql(PRODUCTS, undefined, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.products.edges).toHaveLength(1);
    const orders = await stack.gql('{ orders(first: 1) { edges { node { orderid email } } } }', undefined, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(orders.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'orders:read' });
    expect(orders.body.errors?.[0].message).toContain('"public"');
  });

  it('refuses a bad token instead of treating it as public', async () => {
    const r = await stack.gql(PRODUCTS, undefined, { authorization: 'Bearer not-a-known-token-0123456789' });
    expect(r.status).toBe(401);
    expect((await stack.gql('{ orders(first: 1) { edges { node { orderid } } } }', undefined, { token: TOKEN })).body.errors).toBeUndefined();
  });

  it('limits each client address on its own', async () => {
    const a = await passedBeforeRefusal(stack, '203.0.113.7');
    expect(a.refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(a.refused?.retryAfter)).toBeGreaterThan(0);
    expect(a.passed).toBeGreaterThanOrEqual(LIMIT);
    // Another address is not affected by the first one's count.
    const other = await stack.gql(PRODUCTS, undefined, { headers: { 'x-forwarded-for': '203.0.113.8' } });
    expect(other.status).toBe(200);
    // A token's limit is its own too.
    expect((await stack.gql(PRODUCTS, undefined, { token: TOKEN, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
  });

  it('lets a storefront subscribe without a token', async () => {
    const url = `${stack.gateway.url.replace('http', 'ws')}/graphql`;
    const acked = await new Promise<boolean>((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('message', (m) => {
        const type = (JSON.parse(String(m)) as { type: string }).type;
        ws.close();
        resolve(type === 'connection_ack');
      });
      ws.on('close', (code) => resolve(code === 1000));
      ws.on('error', reject);
    });
    expect(acked).toBe(true);
  });
});

describe('public caller without trusted proxies', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { PUBLIC_ACCESS: 'true', PUBLIC_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(() => stack?.close());

  it('ignores X-Forwarded-For: every address it names counts against the socket address', async () => {
    let refused = false;
    for (let i = 0; i < 2 * LIMIT + 2 && !refused; i++) {
      const r = await stack.gql(PRODUCTS, undefined, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      refused = r.status === 429;
    }
    expect(refused).toBe(true);
  });
});
