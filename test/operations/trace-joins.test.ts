import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createClient } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../../src/app';
import { MemoryEventLog } from '../../src/events/log/event-log.memory';
import { RedisEventLog } from '../../src/events/log/event-log.redis';
import type { EventLog } from '../../src/events/log/event-log.types';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sandboxEnv } from '../../src/sandbox/env';
import { startTracing, tracingWanted, type Tracing } from '../../src/tracing';
import { startSpan } from '../../src/util/tracing';
import { eventsRedis } from '../helpers/events-redis';
import { PICQER_SECRET, sign } from '../helpers/events-server';
import { gqlBody } from '../helpers/gql';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * Tracing with the SDK started as src/tracing.ts starts it, spans kept in memory: one joined query
 * is one trace, its upstream calls children of the operation's span, and every upstream (reached
 * through a recording pass-through in front of its sandbox) got a traceparent naming its call's
 * span. A webhook delivery's span is linked from the fan-out it caused.
 */

const SPAN_KIND_SERVER = 1;
const SPAN_KIND_CLIENT = 2;
const SPAN_KIND_CONSUMER = 4;

/** A real HTTP pass-through in front of a sandbox that records the traceparent of every request. */
interface Recorder {
  origin: string;
  traceparents: string[];
  close(): Promise<void>;
}

async function recorder(target: string): Promise<Recorder> {
  const traceparents: string[] = [];
  const server: Server = createServer((req, res) => {
    traceparents.push(String(req.headers.traceparent ?? ''));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers };
      for (const h of ['host', 'connection', 'content-length', 'transfer-encoding']) delete headers[h];
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      request(`${target}${req.url}`, { method: req.method as 'GET', headers: headers as Record<string, string>, body })
        .then(async (r) => {
          const out = Buffer.from(await r.body.arrayBuffer());
          const h = { ...r.headers };
          for (const k of ['connection', 'content-length', 'transfer-encoding', 'keep-alive']) delete h[k];
          res.writeHead(r.statusCode, h as Record<string, string>).end(out);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    traceparents,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its origin replaced by `origin`, path kept. */
function via(url: string, origin: string): string {
  const u = new URL(url);
  return `${origin}${u.pathname.replace(/\/$/, '')}`;
}

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
let stack: TestStack;
let gateway: RunningGateway;
const recorders: Record<'picqer' | 'shopify' | 'exact', Recorder> = {} as never;

beforeAll(async () => {
  tracing = startTracing({}, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  stack = await startStack({ picqer: { products: 20, orders: 5 }, shopify: { products: 20 }, exact: { products: 20 }, gateway: false });
  const env = sandboxEnv({ picqer: stack.picqer, shopify: stack.shopify, exact: stack.exact });
  recorders.picqer = await recorder(new URL(env.PICQER_BASE_URL).origin);
  recorders.shopify = await recorder(new URL(env.SHOPIFY_BASE_URL).origin);
  recorders.exact = await recorder(new URL(env.EXACT_BASE_URL).origin);
  const config = loadConfig({
    ...env,
    PICQER_BASE_URL: via(env.PICQER_BASE_URL, recorders.picqer.origin),
    SHOPIFY_BASE_URL: via(env.SHOPIFY_BASE_URL, recorders.shopify.origin),
    EXACT_BASE_URL: via(env.EXACT_BASE_URL, recorders.exact.origin),
    PORT: '0',
    LOG_LEVEL: 'silent',
    PICQER_WARMUP_PAGES: '0',
    // Every entity fetched: the upstream calls are the subject.
    CACHE_ENABLED: 'false',
    PICQER_WEBHOOK_SECRET: PICQER_SECRET,
  });
  gateway = await startGateway(config, createLogger('silent'));
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await stack?.close();
  await Promise.all(Object.values(recorders).map((r) => r.close()));
  await tracing?.shutdown();
});

const JOINED = `query Join { products(first: 3) { edges { node { productcode freeStock
  shopify { sku inventory { available } }
  exact { code stock } } } } }`;

const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

test('one joined query is one trace: the upstream calls are children of the operation’s span and sent its traceparent', async () => {
  exporter.reset();
  for (const r of Object.values(recorders)) r.traceparents.length = 0;
  const r = await gqlBody(gateway, JOINED);
  expect(r.errors).toBeUndefined();
  expect(r.data.products.edges).toHaveLength(3);

  const spans = exporter.getFinishedSpans();
  const [op, ...others] = spans.filter((s) => s.name === 'query Join');
  expect(others).toHaveLength(0);
  expect(op.kind).toBe(SPAN_KIND_SERVER);
  expect(parentOf(op)).toBeUndefined();
  expect(op.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Join' });
  const traceId = op.spanContext().traceId;
  // One trace: every span of the request is in it.
  expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);

  const calls = spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
  for (const upstream of ['picqer', 'shopify', 'exact']) {
    const mine = calls.filter((s) => s.attributes['gateway.upstream'] === upstream);
    expect(mine.length).toBeGreaterThan(0);
    for (const s of mine) {
      expect(parentOf(s)).toBe(op.spanContext().spanId);
      expect(s.attributes['http.response.status_code']).toBe(200);
      expect(s.events.map((e) => e.name)).toContain('governor.admitted');
      // Attributes name the path, never the query string or a credential.
      expect(String(s.attributes['url.path'])).not.toContain('?');
    }
    // The upstream got a W3C traceparent naming this trace and one of its call spans.
    const ids = new Set(mine.map((s) => s.spanContext().spanId));
    const seen = recorders[upstream as keyof typeof recorders].traceparents;
    expect(seen.length).toBeGreaterThan(0);
    for (const tp of seen) {
      const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(tp);
      expect(m).not.toBeNull();
      expect(m![1]).toBe(traceId);
      expect(ids.has(m![2])).toBe(true);
    }
  }
});

test('a webhook delivery’s span is linked from the fan-out it caused', async () => {
  const ws = createClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const sub = collect(ws, 'subscription { freeStockChanged(productcodes: ["TRACE-1"]) { productcode freeStock } }');
  await until(
    async () => (await gateway.gateway.metrics.getSingleMetricAsString('gateway_subscriptions_active')).includes('} 1'),
    'the subscription to register',
  );
  exporter.reset();
  const body = JSON.stringify({
    idhook: 1,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: { idproduct: 9901, productcode: 'TRACE-1', name: 'Invented mug', stock: [{ idwarehouse: 1, stock: 4, reserved: 0, freestock: 4 }] },
  });
  const res = await request(`${gateway.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, PICQER_SECRET) },
    body,
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  await until(() => sub.items.length === 1, 'the subscriber to get the event');
  await until(() => exporter.getFinishedSpans().some((s) => s.kind === SPAN_KIND_CONSUMER), 'the fan-out span');

  const spans = exporter.getFinishedSpans();
  const delivery = spans.find((s) => s.name === 'webhook picqer')!;
  const fanout = spans.find((s) => s.kind === SPAN_KIND_CONSUMER)!;
  expect(delivery.kind).toBe(SPAN_KIND_SERVER);
  expect(fanout.name).toBe('fan-out freeStockChanged');
  expect(fanout.links).toHaveLength(1);
  expect(fanout.links[0].context.traceId).toBe(delivery.spanContext().traceId);
  expect(fanout.links[0].context.spanId).toBe(delivery.spanContext().spanId);
  // Its own trace: a fan-out is not part of the delivery's request.
  expect(parentOf(fanout)).toBeUndefined();
  sub.dispose();
  await ws.dispose();
});

test('off unless OTEL_* names an exporter or an endpoint, and never when OTEL_SDK_DISABLED=true', () => {
  expect(tracingWanted({})).toBe(false);
  expect(tracingWanted({ OTEL_SERVICE_NAME: 'gw' })).toBe(false);
  expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
  expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
  expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  expect(tracingWanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
  expect(startTracing({})).toBeUndefined();
});

test('the process entry starts tracing before anything else is loaded', () => {
  // Shared files get rewritten by several hands: this line is the whole production wiring.
  const main = readFileSync(`${__dirname}/../../src/main.ts`, 'utf8');
  expect(main.split('\n').find((l) => l.startsWith('import '))).toMatch(/^import (\{ tracing \} from )?'\.\/tracing';$/);
});

test.each(['memory', 'redis'])('the %s event log keeps the appending span’s traceparent with the event, and nothing without one', async (kind) => {
  const env = kind === 'redis' ? eventsRedis('trace-log') : undefined;
  const log: EventLog = env ? new RedisEventLog({ redis: env.redis, keyPrefix: env.prefix }) : new MemoryEventLog();
  try {
    const payload = { idproduct: 1, productcode: 'TRACE-LOG', freeStock: 1, stock: [], occurredAt: null };
    exporter.reset();
    const span = startSpan('webhook test', { kind: 'server' });
    await span.run(() => log.append({ topic: 'freeStockChanged', payload }, ['traced']));
    span.end();
    await log.append({ topic: 'freeStockChanged', payload }, ['untraced']);
    const [traced, untraced] = await log.read('0-0');
    const [delivery] = exporter.getFinishedSpans().filter((s) => s.name === 'webhook test');
    expect(traced.trace).toBe(`00-${delivery.spanContext().traceId}-${delivery.spanContext().spanId}-01`);
    expect(untraced).not.toHaveProperty('trace');
  } finally {
    await log.close();
    await env?.cleanup();
  }
});
