import { connect } from 'node:net';
import { request } from 'undici';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { acceptsGraphqlResponse } from '../../src/http/accept';
import { createLogger } from '../../src/logger';
import { sandboxEnv } from '../../src/sandbox/env';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { LineCapture, TOKEN_SPEC, TOKENS } from '../security/support';
import { until } from '../helpers/until';

/**
 * The HTTP contract around /graphql, against a real gateway in front of the Picqer and Shopify
 * sandboxes: what is refused is refused before anything runs (no upstream call, no audit record),
 * every error response has the GraphQL shape, and a request that does not arrive in full is
 * dropped after REQUEST_TIMEOUT_MS.
 */

const REQUEST_TIMEOUT_MS = 1000;
let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let gateway: RunningGateway;
let url: string;
const logs = new LineCapture();
const audit = new LineCapture();

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 50, orders: 20 });
  shop = await startShopifySandbox({ products: 50 });
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'trace',
    ...sandboxEnv({ picqer, shopify: shop }),
    PICQER_WARMUP_PAGES: '0',
    GATEWAY_TOKENS: TOKEN_SPEC,
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  gateway = await startGateway(config, createLogger('trace', logs), { auditStream: audit });
  url = `${gateway.url}/graphql`;
});
afterAll(async () => {
  await gateway?.close();
  await shop?.close();
  await picqer?.close();
});

const upstreamCalls = (): number => picqer.state.stats().total + shop.stats().total;
const errorLogs = (): unknown[] => logs.records<{ level: number }>().filter((l) => l.level >= 50);

async function post(
  body: string,
  headers: Record<string, string> = {},
  token: string = TOKENS.customers,
): Promise<{ status: number; type: string; text: string }> {
  const r = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  return { status: r.statusCode, type: String(r.headers['content-type']), text: await r.body.text() };
}

/** The one shape every error response has: `{"errors":[{"message","extensions":{"code"}}]}`. */
function expectGraphqlError(text: string, code: string): { message: string } {
  const body = JSON.parse(text);
  expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code } }] });
  return body.errors[0];
}

const SYNC = JSON.stringify({ query: 'mutation Push { syncFreeStockToShopify(productcodes: ["PG-00001", "PG-00002"]) { mutations } }' });

describe('content negotiation before execution', () => {
  it('refuses a mutation whose Accept allows no JSON with 406: no upstream call, no audit record', async () => {
    const calls = upstreamCalls();
    const records = audit.lines.length;
    const r = await post(SYNC, { accept: 'text/html' }, TOKENS.writer);
    expect(r.status).toBe(406);
    expect(expectGraphqlError(r.text, 'NOT_ACCEPTABLE').message).toMatch(/nothing was run/);
    expect(upstreamCalls()).toBe(calls);
    expect(shop.stats().mutations).toBe(0);
    expect(audit.lines.length).toBe(records);

    // The same mutation asking for JSON runs: the check above is not vacuous.
    const ok = await post(SYNC, { accept: 'application/json' }, TOKENS.writer);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).errors).toBeUndefined();
    expect(upstreamCalls()).toBeGreaterThan(calls);
    expect(audit.records<{ mutationFields: string[]; outcome: string }>().slice(records)).toEqual([
      expect.objectContaining({ mutationFields: ['syncFreeStockToShopify'], outcome: 'ok' }),
    ]);
  });

  it.each([
    ['text/html'],
    ['application/xml'],
    ['application/json;q=0'],
    ['application/json; charset=latin1'],
    ['application/graphql-response+json;q=0, application/json;q=0, */*'],
  ])('answers Accept %p with 406 before the query runs', async (accept) => {
    const calls = upstreamCalls();
    const r = await post(JSON.stringify({ query: '{ orders(first: 1) { edges { node { email } } } }' }), { accept });
    expect(r.status).toBe(406);
    expectGraphqlError(r.text, 'NOT_ACCEPTABLE');
    expect(upstreamCalls()).toBe(calls);
  });

  it.each([
    ['*/*', /application\/json/],
    ['application/*', /application\/json/],
    ['application/graphql-response+json', /application\/graphql-response\+json/],
    ['text/html, application/json;q=0.5', /application\/json/],
    ['application/json;q=0, */*', /application\/graphql-response\+json/],
  ])('answers Accept %p with the type Apollo picks', async (accept, type) => {
    const r = await post(JSON.stringify({ query: '{ warehouses { name } }' }), { accept });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(type);
  });

  it('accepts what Apollo accepts, range by range', () => {
    for (const a of [
      undefined,
      '',
      '*/*',
      'APPLICATION/JSON',
      'application/json; charset=UTF-8',
      'application/json;callbackSpec=1.0',
      '*/json',
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    ]) {
      expect([a, acceptsGraphqlResponse(a)]).toEqual([a, true]);
    }
    for (const a of [' ', ',', 'json', 'text/*', 'multipart/mixed', 'application/json;q=abc', 'application/json;q=-1', 'application/json;x=y', '*/*;q=0']) {
      expect([a, acceptsGraphqlResponse(a)]).toEqual([a, false]);
    }
  });
});

describe('subscriptions over HTTP', () => {
  it('refuses a subscription sent as a POST with 400, pointing at graphql-ws, and logs no error', async () => {
    const calls = upstreamCalls();
    const r = await post(JSON.stringify({ query: 'subscription { picklistClosed { idpicklist } }' }));
    expect(r.status).toBe(400);
    const body = JSON.parse(r.text);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/graphql-ws .* at \/graphql/);
    expect(upstreamCalls()).toBe(calls);
    expect(errorLogs()).toEqual([]);
  });
});

describe('every error response in the GraphQL shape', () => {
  const SECRET = 'do-not-echo-4711';

  it.each([
    ['bad JSON', `{"query": "${SECRET}`, 'application/json', 400, 'BAD_REQUEST'],
    ['an empty JSON body', '', 'application/json', 400, 'BAD_REQUEST'],
    ['a media type other than JSON', `{ ${SECRET} }`, 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a body over BODY_LIMIT_BYTES',
      JSON.stringify({ query: `{ warehouses { name } } # ${SECRET} ${'x'.repeat(1_100_000)}` }),
      'application/json',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s with a GraphQL error, never quoting the body', async (_name, body, type, status, code) => {
    const r = await post(body, { 'content-type': type });
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/application\/json/);
    expectGraphqlError(r.text, code);
    expect(r.text).not.toContain(SECRET);
    expect(logs.text()).not.toContain(SECRET);
  });

  it('answers an unknown route with NOT_FOUND, naming the path but not the query string', async () => {
    const r = await request(`${gateway.url}/nowhere?token=${SECRET}`, { method: 'PUT' });
    expect(r.statusCode).toBe(404);
    const text = await r.body.text();
    expect(expectGraphqlError(text, 'NOT_FOUND').message).toBe('No route for PUT /nowhere.');
    expect(text).not.toContain(SECRET);
    expect(logs.text()).not.toContain(SECRET);
  });
});

describe('REQUEST_TIMEOUT_MS', () => {
  /** Sends `raw` and resolves with everything the server wrote, once it closes the connection. */
  function rawExchange(raw: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const { port } = new URL(gateway.url);
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  it('answers a body shorter than its Content-Length with 408 and closes the connection; nothing runs, nothing of it is logged', async () => {
    const calls = upstreamCalls();
    const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TOKENS.customers}\r\nContent-Length: 100\r\n\r\n`;
    const answer = await rawExchange(`${head}{"q":"${SECRET_PART}`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expectGraphqlError(answer.slice(answer.indexOf('\r\n\r\n') + 4), 'REQUEST_TIMEOUT');
    expect(answer).toContain(`within ${REQUEST_TIMEOUT_MS} ms (REQUEST_TIMEOUT_MS)`);
    expect(upstreamCalls()).toBe(calls);
    expect(logs.text()).not.toContain(SECRET_PART);
    expect(logs.text()).not.toContain(TOKENS.customers);
  });

  it('does not cut off a graphql-ws connection that lives longer than the request timeout', async () => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}`, 'graphql-transport-ws');
    const messages: Array<{ type: string }> = [];
    let closed = false;
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    ws.on('close', () => (closed = true));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TOKENS.stock}` } }));
    await until(() => messages.some((m) => m.type === 'connection_ack') || closed, 'the connection_ack');
    // A slow request opened after the socket is answered 408: the timeout has passed for the socket too.
    const answer = await rawExchange('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    ws.send(JSON.stringify({ type: 'ping' }));
    await until(() => messages.some((m) => m.type === 'pong') || closed, 'the pong');
    expect(closed).toBe(false);
    ws.close();
  });

  it('is validated like every other variable', () => {
    expect(loadConfig({ PICQER_WARMUP_PAGES: '0' }).requestTimeoutMs).toBe(15_000);
    for (const bad of ['50', '300001', 'soon']) {
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: bad })).toThrow(/REQUEST_TIMEOUT_MS/);
    }
  });
});

const SECRET_PART = 'half-a-body-0815';
