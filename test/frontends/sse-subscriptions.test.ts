import type { Client } from 'graphql-sse';
import { sign } from '../helpers/events-server';
import { startSecurityStack, TOKENS, type SecurityStack } from '../security/support';
import { startStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collectSse, sseClient } from './sse-collect';

/**
 * Subscriptions over Server-Sent Events (GraphQL over SSE, graphql-sse's client) on a real gateway:
 * a signed Picqer webhook in, an event out; `after` replay; the same caller, scope and document
 * rules as graphql-ws, every refusal before a stream opens answered as JSON with its status.
 */

const SECRET = 'picqer-hook-secret-for-sse-tests';
const MAX_DEPTH = 2;
const ALLOWED_ORIGIN = 'https://shop.example.com';
let stack: SecurityStack;
const clients: Client[] = [];

beforeAll(async () => {
  // `freeStockChanged { productcode }` is 2 deep; `freeStockChanged { stock { warehouseId } }` 3.
  stack = await startSecurityStack({ PICQER_WEBHOOK_SECRET: SECRET, MAX_QUERY_DEPTH: String(MAX_DEPTH), CORS_ORIGINS: ALLOWED_ORIGIN });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.dispose();
  await stack?.close();
});

function client(token: string): Client {
  const c = sseClient(stack.gateway.url, `Bearer ${token}`);
  clients.push(c);
  return c;
}

const subscribers = (): number => stack.gateway.services.events.bus.subscriberCount();

/** Posts a signed products.free_stock_changed delivery; resolves to the event id the log gave it. */
async function stockChange(idproduct: number, freestock: number): Promise<string> {
  const body = JSON.stringify({
    idhook: 1,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: { idproduct, productcode: `SSE-${idproduct}`, stock: [{ idwarehouse: 1, stock: 20, reserved: 20 - freestock, freestock }] },
  });
  const res = await fetch(`${stack.gateway.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, SECRET) },
    body,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

/** A raw SSE request, for statuses and headers graphql-sse's client does not expose. */
async function raw(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TOKENS.stock}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const STOCK_SUB = 'subscription($codes: [String!], $after: String) { freeStockChanged(productcodes: $codes, after: $after) { id productcode freeStock } }';

test('a stock change reaches a freeStockChanged subscriber over SSE, filtered on the server', async () => {
  const sub = collectSse(client(TOKENS.stock), STOCK_SUB, { codes: ['SSE-11'] });
  await until(() => subscribers() === 1, 'the SSE subscription to register');
  await stockChange(12, 3); // another product: filtered out on the server
  const id = await stockChange(11, 4);
  await until(() => sub.items.length === 1, 'the event over SSE');
  expect(sub.items).toEqual([{ data: { freeStockChanged: { id, productcode: 'SSE-11', freeStock: 4 } } }]);
  sub.dispose();
  await until(() => subscribers() === 0, 'the subscription to end when the client goes');
});

test('open SSE streams and their subscriptions are in the subscription metrics, labelled sse', async () => {
  const sample = async (name: string): Promise<number> => {
    const text = await stack.gateway.gateway.metrics.metrics();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{transport="sse"} `));
    return Number(line?.split(' ')[1] ?? NaN);
  };
  expect(await sample('gateway_subscription_connections')).toBe(0);
  const sub = collectSse(client(TOKENS.stock), STOCK_SUB, { codes: ['SSE-METRICS'] });
  await until(async () => (await sample('gateway_subscriptions_active')) === 1, 'the SSE subscription to be counted');
  expect(await sample('gateway_subscription_connections')).toBe(1);
  expect(await sample('gateway_subscriber_slow_disconnects_total')).toBe(0);
  sub.dispose();
  await until(async () => (await sample('gateway_subscription_connections')) === 0, 'the closed stream to be counted out');
  expect(await sample('gateway_subscriptions_active')).toBe(0);
});

test('`after` replays what was missed, in order, once', async () => {
  const first = await stockChange(21, 1);
  const second = await stockChange(21, 2);
  const third = await stockChange(21, 3);
  const sub = collectSse(client(TOKENS.stock), STOCK_SUB, { codes: ['SSE-21'], after: first });
  await until(() => sub.items.length === 2, 'the two missed events');
  expect(sub.items.map((i) => i.data.freeStockChanged.id)).toEqual([second, third]);
  const fourth = await stockChange(21, 4);
  await until(() => sub.items.length === 3, 'the live event after the replay');
  expect(sub.items.map((i) => i.data.freeStockChanged)).toEqual([
    { id: second, productcode: 'SSE-21', freeStock: 2 },
    { id: third, productcode: 'SSE-21', freeStock: 3 },
    { id: fourth, productcode: 'SSE-21', freeStock: 4 },
  ]);
  sub.dispose();
  await until(() => subscribers() === 0, 'the subscription to end');
});

test('the stream is GraphQL over SSE: event-stream headers, `next` events with the result as data', async () => {
  const res = await raw({ query: STOCK_SUB, variables: { codes: ['SSE-31'] } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-cache');
  await until(() => subscribers() === 1, 'the raw subscription');
  const id = await stockChange(31, 7);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
  while (!text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toContain(`event: next\ndata: ${JSON.stringify({ data: { freeStockChanged: { id, productcode: 'SSE-31', freeStock: 7 } } })}\n\n`);
  await reader.cancel();
  await until(() => subscribers() === 0, 'the subscription to end when the connection closes');
});

test('a GET with the operation in the query string (as EventSource sends it) streams too', async () => {
  const params = new URLSearchParams({ query: STOCK_SUB, variables: JSON.stringify({ codes: ['SSE-41'] }) });
  const res = await fetch(`${stack.gateway.url}/graphql?${params.toString()}`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${TOKENS.stock}` },
  });
  expect(res.status).toBe(200);
  await until(() => subscribers() === 1, 'the GET subscription');
  const id = await stockChange(41, 2);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
  while (!text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toContain(`event: next\ndata: ${JSON.stringify({ data: { freeStockChanged: { id, productcode: 'SSE-41', freeStock: 2 } } })}\n\n`);
  await reader.cancel();
  await until(() => subscribers() === 0, 'the subscription to end');
});

test('without a token: 401 UNAUTHENTICATED with a Bearer challenge, no stream, no subscriber', async () => {
  const res = await raw({ query: STOCK_SUB }, { authorization: '' });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="picqer-gateway"');
  const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
  expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'UNAUTHENTICATED' }]);
  const wrong = await raw({ query: STOCK_SUB }, { authorization: 'Bearer not-a-known-token-000000' });
  expect(wrong.status).toBe(401);
  await wrong.body?.cancel();
  expect(subscribers()).toBe(0);
});

test('a caller without the scope gets FORBIDDEN as the stream’s one result, then complete, as over graphql-ws', async () => {
  const sub = collectSse(client(TOKENS.ordersOnly), STOCK_SUB);
  await until(() => sub.completed || sub.error !== undefined, 'the refusal');
  expect(sub.error).toBeUndefined();
  expect(sub.items).toHaveLength(1);
  expect(sub.items[0].data).toBeUndefined();
  expect(sub.items[0].errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
  // The orders scope is enough for order events.
  const orders = collectSse(client(TOKENS.ordersOnly), 'subscription { orderStatusChanged { idorder } }');
  await until(() => subscribers() === 1, 'the permitted subscription');
  orders.dispose();
  await until(() => subscribers() === 0, 'the permitted subscription to end');
});

test('CORS_ORIGINS: a page on another origin is refused 403 before authentication; an allowed one streams, with its CORS header', async () => {
  const refusedRes = await raw({ query: STOCK_SUB }, { origin: 'https://evil.example.com', authorization: '' });
  expect(refusedRes.status).toBe(403);
  expect(refusedRes.headers.get('access-control-allow-origin')).toBeNull();
  const body = (await refusedRes.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(body.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  expect(subscribers()).toBe(0);

  const allowed = await raw({ query: STOCK_SUB }, { origin: ALLOWED_ORIGIN });
  expect(allowed.status).toBe(200);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  await until(() => subscribers() === 1, 'the allowed origin’s subscription');
  await allowed.body!.cancel();
  await until(() => subscribers() === 0, 'the subscription to end');
});

describe('the document rules of HTTP and graphql-ws hold over SSE', () => {
  async function refused(body: unknown): Promise<{ status: number; codes: string[]; messages: string[] }> {
    const res = await raw(body);
    const json = (await res.json()) as { errors: Array<{ message: string; extensions?: { code?: string } }> };
    return { status: res.status, codes: json.errors.map((e) => String(e.extensions?.code)), messages: json.errors.map((e) => e.message) };
  }

  test('too deep: 400 before anything runs', async () => {
    const r = await refused({ query: 'subscription { freeStockChanged { stock { warehouseId } } }' });
    expect(r.status).toBe(400);
    expect(r.codes).toEqual(['QUERY_TOO_COMPLEX']);
    expect(r.messages[0]).toMatch(/depth/i);
    expect(subscribers()).toBe(0);
  });

  test('a query is sent back to POST with a JSON Accept', async () => {
    const r = await refused({ query: '{ warehouses { name } }' });
    expect(r.status).toBe(400);
    expect(r.codes).toEqual(['BAD_REQUEST']);
    expect(r.messages[0]).toBe('Only subscriptions are served over SSE; send query operations to POST /graphql.');
  });

  test('invalid documents and unknown fields are refused with their codes', async () => {
    expect((await refused({ query: 'subscription { freeStockChanged { nope } }' })).codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((await refused({ query: 'subscription {' })).codes).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  test('a body over BODY_LIMIT_BYTES is 413 before it is read in full', async () => {
    const r = await refused({ query: `subscription { freeStockChanged { productcode } } # ${'x'.repeat(1_100_000)}` });
    expect(r.status).toBe(413);
    expect(r.codes).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  test('a subscription asking for JSON is still refused with 400, pointing at SSE and graphql-ws', async () => {
    const res = await raw({ query: STOCK_SUB }, { accept: 'application/json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0].message).toMatch(/Accept: text\/event-stream.*graphql-ws/);
  });
});

test('closing the gateway ends open SSE streams (they would hold the server open) with `complete`', async () => {
  const own = await startStack({ picqer: { products: 5, orders: 0 } });
  try {
    const res = await fetch(`${own.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { freeStockChanged { productcode } }' }),
    });
    expect(res.status).toBe(200);
    await until(() => own.gateway.services.events.bus.subscriberCount() === 1, 'the subscription');
    const text = res.text();
    await own.gateway.close();
    expect(await text).toMatch(/event: complete\ndata:\n\n$/);
  } finally {
    await own.close();
  }
});
