import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { createLogger } from '../../src/logger';
import { Readiness } from '../../src/http/health';
import { gracefulShutdown } from '../../src/http/graceful-shutdown';
import { PrivateRedis } from '../helpers/private-redis';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';

/**
 * /livez, /readyz and /healthz as a load balancer and Kubernetes see them, and what the gateway
 * writes at info: one line per GraphQL request, no request lines for webhooks or probes, no token.
 */

jest.setTimeout(60_000);

/** Log lines, parsed, as the gateway writes them. */
function logSink(): { stream: Writable; lines: Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    stream,
    get lines() {
      return raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => raw.join('\n'),
  };
}

const TOKEN = 'ops-test-token-0123456789abcdef';

describe('probes', () => {
  let stack: TestStack | undefined;
  const redis = { server: undefined as PrivateRedis | undefined };

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    await redis.server?.stop();
    redis.server = undefined;
  });

  it('answers /livez, /healthz and /readyz without a token while /graphql wants one', async () => {
    stack = await startStack({ env: { GATEWAY_TOKENS: `ops:stock:read:${TOKEN}`, AUDIT_LOG: 'off' } });
    const url = stack.gateway.url;
    for (const path of ['/livez', '/healthz']) {
      const r = await request(`${url}${path}`);
      expect(r.statusCode).toBe(200);
      expect(await r.body.json()).toEqual({ status: 'ok' });
    }
    const ready = await request(`${url}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(await ready.body.json()).toEqual({ status: 'ready', checks: { eventLog: 'ok' } });
    const graphql = await stack.gql('{ warehouses { idwarehouse } }');
    expect(graphql.status).toBe(401);
  });

  it('is not ready while Redis is unreachable, and ready again when it is back; alive throughout', async () => {
    redis.server = await PrivateRedis.onFreePort();
    await redis.server.start();
    stack = await startStack({ env: { REDIS_URL: redis.server.url, REDIS_KEY_PREFIX: `ops-${process.pid}:` } });
    const url = stack.gateway.url;
    expect(await (await request(`${url}/readyz`)).body.json()).toEqual({ status: 'ready', checks: { redis: 'ok', eventLog: 'ok' } });

    await redis.server.stop();
    let answer: { statusCode: number; body: unknown } = { statusCode: 0, body: undefined };
    await until(async () => {
      const r = await request(`${url}/readyz`);
      answer = { statusCode: r.statusCode, body: await r.body.json() };
      return r.statusCode === 503;
    }, '/readyz to answer 503 with Redis down');
    expect(answer.body).toEqual({ status: 'not ready', checks: { redis: 'fail', eventLog: 'ok' } });
    expect((await request(`${url}/livez`)).statusCode).toBe(200);

    await redis.server.start();
    await until(async () => (await request(`${url}/readyz`)).statusCode === 200, '/readyz to answer 200 with Redis back');
  });

  it('answers 503 draining from the moment the drain starts, with Connection: close on every answer', async () => {
    stack = await startStack();
    const url = stack.gateway.url;
    stack.gateway.readiness.startDraining();
    const ready = await request(`${url}/readyz`);
    expect(ready.statusCode).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect(await ready.body.json()).toEqual({ status: 'draining', checks: {} });
    const live = await request(`${url}/livez`);
    expect(live.statusCode).toBe(200);
    expect(live.headers.connection).toBe('close');
  });
});

describe('graceful shutdown', () => {
  it('drains, closes, exits 0, and logs "shutting down" once however many signals come', async () => {
    const sink = logSink();
    const readiness = new Readiness();
    const exits: number[] = [];
    let closed = 0;
    const shutdown = gracefulShutdown({
      readiness,
      drainMs: 0,
      timeoutMs: 10_000,
      logger: createLogger('info', sink.stream),
      close: async () => void closed++,
      exit: (c) => exits.push(c),
    });
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT'), shutdown('SIGTERM')]);
    expect(readiness.draining).toBe(true);
    expect(closed).toBe(1);
    expect(exits).toEqual([0]);
    expect(sink.lines.filter((l) => l.msg === 'shutting down')).toHaveLength(1);
  });

  it('exits 1 when closing outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const sink = logSink();
    const exits: number[] = [];
    const never = new Promise<void>(() => undefined);
    const shutdown = gracefulShutdown({
      readiness: new Readiness(),
      drainMs: 0,
      timeoutMs: 100,
      logger: createLogger('info', sink.stream),
      close: () => never,
      exit: (c) => exits.push(c),
    });
    await shutdown('SIGTERM');
    expect(exits).toEqual([1]);
    expect(sink.lines.map((l) => l.msg)).toEqual(['shutting down', 'shutdown timed out; exiting with work still open']);
  });
});

describe('logs at info', () => {
  let stack: TestStack | undefined;

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('writes one line per GraphQL request with its operation, duration and upstream calls, and nothing for probes', async () => {
    const sink = logSink();
    stack = await startStack({ log: { level: 'info', destination: sink.stream }, env: { GATEWAY_TOKENS: `ops:stock:read:${TOKEN}`, AUDIT_LOG: 'off' } });
    const answer = await stack.gql('query Stock { products(first: 2) { edges { node { productcode freeStock } } } }', {}, { token: TOKEN });
    expect(answer.status).toBe(200);
    await request(`${stack.gateway.url}/livez`);
    await request(`${stack.gateway.url}/readyz`);

    const requests = sink.lines.filter((l) => l.msg === 'graphql request');
    expect(requests).toHaveLength(1);
    // The calls the answer's extensions count, per upstream.
    const calls = (answer.body.extensions as { upstream: { picqer: { calls: number } } }).upstream.picqer.calls;
    expect(calls).toBeGreaterThan(0);
    expect(requests[0]).toMatchObject({ operationType: 'query', operationName: 'Stock', status: 200, errorCodes: [], upstreamCalls: { picqer: calls } });
    expect(typeof requests[0].durationMs).toBe('number');
    // Fastify's own request lines are debug-only on these paths.
    expect(sink.lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    expect(sink.text()).not.toContain(TOKEN);
  });

  it("writes no request lines for a webhook delivery at info, and Fastify's two at debug", async () => {
    const secret = 'ops-test-picqer-webhook-secret';
    const body = JSON.stringify({
      idhook: 77,
      name: 'gateway',
      event: 'products.free_stock_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      data: { idproduct: 501, productcode: 'SKU-501', stock: [{ idwarehouse: 1, stock: 10, reserved: 2, freestock: 8 }] },
    });
    const signature = createHmac('sha256', secret).update(body).digest('base64');
    for (const level of ['info', 'debug']) {
      const sink = logSink();
      stack = await startStack({ log: { level, destination: sink.stream }, env: { PICQER_WEBHOOK_SECRET: secret } });
      const res = await request(`${stack.gateway.url}/webhooks/picqer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-picqer-signature': signature },
        body,
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      const requestLines = (): Array<Record<string, unknown>> => sink.lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
      if (level === 'info') {
        expect(requestLines()).toEqual([]);
      } else {
        await until(() => requestLines().length === 2, "Fastify's two request lines at debug");
        expect(requestLines()[0]).toMatchObject({ msg: 'incoming request', req: { method: 'POST', url: '/webhooks/picqer' } });
        // Both through the request's own logger: the same request id.
        expect(requestLines()[0].reqId).toEqual(expect.any(String));
        expect(requestLines()[1].reqId).toBe(requestLines()[0].reqId);
      }
      await stack.close();
      stack = undefined;
    }
  });

  it('keeps a webhook address readable (no credentials, no query) and censors a street address', () => {
    const sink = logSink();
    const logger = createLogger('info', sink.stream);
    logger.info({ address: 'https://user:pw@gateway.example.com/webhooks/picqer?token=abc' }, 'picqer hooks ensured');
    logger.info({ order: { address: 'Kerkstraat 1' }, token: 'secret-token-value' }, 'an order');
    expect(sink.lines[0].address).toBe('https://gateway.example.com/webhooks/picqer');
    expect(sink.lines[1]).toMatchObject({ order: { address: '[redacted]' }, token: '[redacted]' });
  });
});
