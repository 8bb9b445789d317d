import { request } from 'undici';
import { createPicqerClient } from '../../src/datasources/picqer';
import { createGovernorRegistry } from '../../src/datasources/upstream/governor';
import { UpstreamHttp } from '../../src/datasources/upstream/http';
import { startStack, type TestStack } from '../helpers/stack';

/** Upstream failures surface as coded errors on their fields only; the rest of the answer comes back. */

async function control(stack: TestStack, body: unknown): Promise<void> {
  const r = await request(`${stack.picqer.origin}/__sandbox/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.statusCode).toBe(200);
  await r.body.dump();
}

describe('upstream failures', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack?.close();
  });

  it('a wrong API key surfaces as UPSTREAM_ERROR 401, without the key', async () => {
    stack = await startStack({ env: { PICQER_API_KEY: 'wrong-key-0000000000' } });
    const { status, body } = await stack.gql('{ warehouses { name } }');
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'picqer', status: 401 });
    expect(JSON.stringify(body)).not.toContain('wrong-key');
  });

  it('a request without the User-Agent Picqer requires surfaces as UPSTREAM_ERROR 400', async () => {
    stack = await startStack();
    // Our client always sends one (createPicqerClient refuses to start without); prove the mapping on the
    // shared HTTP path with a caller that forgets it.
    const http = new UpstreamHttp({
      upstream: 'picqer',
      baseUrl: stack.picqer.baseUrl,
      governor: createGovernorRegistry({ keyPrefix: 'test:ua:' }).governor('picqer', 'k', { kind: 'requests-per-minute', limit: 100 }),
      headers: () => ({ authorization: `Basic ${Buffer.from(`${stack.picqer.apiKey}:`).toString('base64')}` }),
    });
    try {
      await expect(http.request({ path: '/warehouses' })).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_ERROR', upstream: 'picqer', status: 400 } });
    } finally {
      await http.close();
    }
    expect(() =>
      createPicqerClient({
        baseUrl: stack.picqer.baseUrl,
        apiKey: 'k'.repeat(10),
        userAgent: '',
        rateLimitPerMinute: 500,
        governors: createGovernorRegistry({ keyPrefix: 'test:ua:' }),
      }),
    ).toThrow(/userAgent is required/);
  });

  it('a 5xx that outlasts the retries nulls only its field', async () => {
    stack = await startStack();
    const target = stack.picqer.state.products[0];
    // Fail every call to one product path; the warehouses list keeps working.
    await control(stack, { faults: { status: 503, count: 100, path: `/api/v1/orders/1` } });
    const { body } = await stack.gql(`{ order(id: "1") { orderid } product(id: "${target.idproduct}") { productcode } warehouses { name } }`);
    expect(body.data.order).toBeNull();
    expect(body.data.product).toEqual({ productcode: target.productcode });
    expect(body.data.warehouses.length).toBeGreaterThan(0);
    const err = body.errors?.find((e) => e.path?.[0] === 'order');
    expect(err?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'picqer', status: 503 });
    expect(body.errors).toHaveLength(1);
    // Idempotent GETs are retried, bounded: one attempt and two retries.
    const stats = await stack.stats();
    expect(stats.byPath['GET /api/v1/orders/:idorder']).toBe(3);
  });

  it('a brief 5xx is retried and the answer is complete', async () => {
    stack = await startStack();
    await control(stack, { faults: { status: 502, count: 1 } });
    const { body } = await stack.gql('{ warehouses { name } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.warehouses.length).toBeGreaterThan(0);
  });

  it('an unreachable Picqer is UPSTREAM_UNAVAILABLE', async () => {
    stack = await startStack({ env: { PICQER_BASE_URL: 'http://127.0.0.1:9/api/v1' } });
    const { body } = await stack.gql('{ warehouses { name } }');
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'picqer' });
  });
});
