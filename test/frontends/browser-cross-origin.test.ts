import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { sign } from '../helpers/events-server';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { launchChromium, type Browser } from './browser-support';

/**
 * A frontend on its own origin, in a real headless Chromium: a page served by a tiny HTTP server of
 * the test (another port: another origin) queries the gateway, subscribes over graphql-ws and over
 * SSE with the libraries' own browser builds, and sees a live stock change on both. A page on an
 * origin that is not in CORS_ORIGINS is refused by the browser, and its preflight never reaches
 * authentication or an upstream.
 */

const TOKEN = 'tok-browser-0123456789abcdef';
const SECRET = 'picqer-hook-secret-for-browser-tests';
const GRAPHQL_WS_DIST = path.dirname(require.resolve('graphql-ws/client'));
const GRAPHQL_SSE_UMD = path.join(path.dirname(require.resolve('graphql-sse')), '..', 'umd', 'graphql-sse.js');

let allowedPage: Server;
let otherPage: Server;
let stack: TestStack;
let browser: Browser;

/** The page: graphql-ws's ES module build, graphql-sse's UMD build, and functions the test calls. */
function pageHtml(gateway: string): string {
  const config = JSON.stringify({ gateway, token: TOKEN });
  return `<!doctype html><html><head><meta charset="utf-8"><title>frontend</title>
<script src="/graphql-sse.js"></script>
<script type="module">
import { createClient } from '/graphql-ws/client.js';
const { gateway, token } = ${config};
const authorization = 'Bearer ' + token;
window.results = { ws: [], sse: [], errors: [] };
window.query = async (query) => {
  try {
    const r = await fetch(gateway + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) });
    return { status: r.status, body: await r.json() };
  } catch (e) {
    return { error: String(e) };
  }
};
window.subscribeWs = (query, variables) => {
  const client = createClient({ url: gateway.replace('http', 'ws') + '/graphql', connectionParams: { authorization }, retryAttempts: 0 });
  client.subscribe({ query, variables }, {
    next: (v) => results.ws.push(v),
    error: (e) => results.errors.push('ws: ' + (e && e.code ? 'closed ' + e.code : e && e.type ? e.type : String(e))),
    complete: () => {},
  });
};
window.subscribeSse = (query, variables) => {
  const client = graphqlSse.createClient({ url: gateway + '/graphql', headers: { authorization }, retryAttempts: 0 });
  client.subscribe({ query, variables }, {
    next: (v) => results.sse.push(v),
    error: (e) => results.errors.push('sse: ' + String(e && e.message ? e.message : e)),
    complete: () => {},
  });
};
window.ready = true;
</script></head><body>frontend</body></html>`;
}

/** Serves the page and the two libraries' browser builds, on port 0; the gateway's URL is filled in on the first request. */
async function pageServer(gateway: () => string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const ws = /^\/graphql-ws\/([\w.-]+\.js)$/.exec(url);
    if (url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(gateway()));
    else if (url === '/graphql-sse.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(GRAPHQL_SSE_UMD));
    else if (ws) res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(path.join(GRAPHQL_WS_DIST, ws[1])));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const origin = (s: Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  allowedPage = await pageServer(() => stack.gateway.url);
  otherPage = await pageServer(() => stack.gateway.url);
  stack = await startStack({
    env: { GATEWAY_TOKENS: `frontend:stock:read:${TOKEN}`, PICQER_WEBHOOK_SECRET: SECRET, CORS_ORIGINS: origin(allowedPage) },
  });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((resolve) => allowedPage?.close(resolve));
  await new Promise((resolve) => otherPage?.close(resolve));
});

async function open(server: Server): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${origin(server)}/`);
  await page.waitForFunction('window.ready === true');
  return page;
}

async function stockChange(productcode: string, freestock: number): Promise<void> {
  const body = JSON.stringify({
    idhook: 1,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: { idproduct: 4242, productcode, stock: [{ idwarehouse: 1, stock: 30, reserved: 30 - freestock, freestock }] },
  });
  const res = await fetch(`${stack.gateway.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, SECRET) },
    body,
  });
  expect(res.status).toBe(200);
}

const SUB = 'subscription($codes: [String!]) { freeStockChanged(productcodes: $codes) { productcode freeStock } }';

test('a page on an allowed origin queries, subscribes over graphql-ws and over SSE, and sees a live stock change on both', async () => {
  const page = await open(allowedPage);
  const answer: any = await page.evaluate('window.query("{ products(first: 2) { edges { node { productcode freeStock } } } }")');
  expect(answer.error).toBeUndefined();
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.products.edges).toHaveLength(2);

  await page.evaluate(`window.subscribeWs(${JSON.stringify(SUB)}, { codes: ['BROWSER-1'] })`);
  await page.evaluate(`window.subscribeSse(${JSON.stringify(SUB)}, { codes: ['BROWSER-1'] })`);
  await until(() => stack.gateway.services.events.bus.subscriberCount() === 2, 'both subscriptions to register');
  await stockChange('BROWSER-1', 17);
  await until(async () => (await page.evaluate<number>('window.results.ws.length + window.results.sse.length')) === 2, 'the event over both transports');
  const results: any = await page.evaluate('window.results');
  const event = { data: { freeStockChanged: { productcode: 'BROWSER-1', freeStock: 17 } } };
  expect(results).toEqual({ ws: [event], sse: [event], errors: [] });
  await page.close();
  await until(() => stack.gateway.services.events.bus.subscriberCount() === 0, 'the subscriptions to end with the page');
}, 60_000);

test('a page on an origin not in CORS_ORIGINS is refused by the browser: no query, no socket, no stream; its preflight reaches no upstream', async () => {
  const upstream = stack.upstreamRequests().total;
  const page = await open(otherPage);
  const answer: any = await page.evaluate('window.query("{ products(first: 2) { edges { node { productcode } } } }")');
  expect(answer.error).toMatch(/Failed to fetch/);
  await page.evaluate(`window.subscribeWs(${JSON.stringify(SUB)}, {})`);
  await page.evaluate(`window.subscribeSse(${JSON.stringify(SUB)}, {})`);
  await until(async () => (await page.evaluate<number>('window.results.errors.length')) === 2, 'both subscriptions to fail');
  const results: any = await page.evaluate('window.results');
  expect(results.ws).toEqual([]);
  expect(results.sse).toEqual([]);
  expect(results.errors.sort()).toEqual([expect.stringMatching(/^sse: .*fetch/i), expect.stringMatching(/^ws: (error|closed 1006)$/)]);
  expect(stack.gateway.services.events.bus.subscriberCount()).toBe(0);
  expect(stack.upstreamRequests().total).toBe(upstream);
  // The gateway itself refuses what a non-browser client from that origin would send: the socket (403 on upgrade) and the stream.
  const sse = await fetch(`${stack.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TOKEN}`, origin: origin(otherPage) },
    body: JSON.stringify({ query: SUB }),
  });
  expect(sse.status).toBe(403);
  await sse.body?.cancel();
  await page.close();
}, 60_000);
