import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox-mode';
import { parse, validate } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { EXAMPLE_TABS } from '../../src/http/graphiql-examples';
import { gqlBody } from '../helpers/gql';
import { startStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { launchChromium, type Browser } from './browser-support';

/**
 * The live-stock page of sandbox mode (/demo) in a real headless Chromium: it lists products with
 * their free stock per warehouse, the Shopify quantity and the drift, and a stock move in the
 * Picqer sandbox changes the numbers on the page (warehouse, total and drift, flashed) through
 * freeStockChanged. The test leaves a screenshot of the page in a temporary folder.
 */

let sandboxes: RunningSandboxes;
let gateway: RunningGateway;
let browser: Browser;

beforeAll(async () => {
  const logger = createLogger('silent');
  sandboxes = await startSandboxes(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SANDBOX_SIMULATOR_PICKS_PER_MINUTE: '0' }), logger);
  gateway = await startGateway(sandboxes.config, logger, { graphiqlHeaders: sandboxes.graphiqlHeaders });
  sandboxes.connect(gateway.url);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await sandboxes?.close();
});

const text = (page: Page, selector: string): Promise<string | null> => page.locator(selector).textContent();

test('/demo shows live free stock: a stock move in the sandbox changes the numbers on the page', async () => {
  const page = await browser.context.newPage();
  // Playwright's waits give up before jest's test timeout, naming what they waited for.
  page.setDefaultTimeout(20_000);
  const failures: string[] = [];
  page.on('pageerror', (e) => failures.push(e.message));
  page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${gateway.url}/demo`);
  await page.waitForSelector('#status[data-state="live"]');
  await until(() => gateway.services.events.bus.subscriberCount() === 1, 'the page’s subscription to register');

  // A product the shop lists, in sync at the start: its drift is 0.
  const code = (await page.locator('td[data-field="drift"][data-drift="0"]').first().getAttribute('data-product'))!;
  const cell = (field: string, extra = ''): string => `td[data-product="${code}"][data-field="${field}"]${extra}`;
  const before = { warehouse: Number(await text(page, cell('warehouse', '[data-warehouse="1"]'))), total: Number(await text(page, cell('free'))) };
  expect(await text(page, cell('shopify'))).toMatch(/^\d+$/);

  const moved = await request(`${sandboxes.picqer.origin}/__sandbox/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productcode: code, idwarehouse: 1, change: 5 }),
  });
  expect(moved.statusCode).toBeLessThan(300);
  await moved.body.dump();

  await page.waitForSelector(`${cell('free')}:text-is("${before.total + 5}")`);
  expect(await text(page, cell('warehouse', '[data-warehouse="1"]'))).toBe(String(before.warehouse + 5));
  expect(await page.locator(cell('free')).getAttribute('class')).toContain('flash');
  // The shop still has the old quantity (no auto-sync in sandbox mode): the drift shows it.
  await page.waitForSelector(cell('drift', '[data-drift="-5"]'));
  expect(await text(page, cell('drift'))).toBe('-5');
  expect(await page.locator('#events li').first().textContent()).toContain(`${code}: free stock ${before.total + 5}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgw-demo-'));
  const file = path.join(dir, 'demo.png');
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(10_000);
  process.stdout.write(`Screenshot of /demo: ${file}\n`);
  expect(failures).toEqual([]);
  await page.close();
}, 60_000);

test('/demo serves its own files only, under a strict Content-Security-Policy', async () => {
  const page = await request(`${gateway.url}/demo`);
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
  const html = await page.body.text();
  expect(html).not.toContain('__DEMO_CONFIG__');
  expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // no CDN: nothing loaded from elsewhere
  for (const [file, type] of [
    ['demo.js', 'text/javascript'],
    ['demo.css', 'text/css'],
  ]) {
    const r = await request(`${gateway.url}/demo/${file}`);
    expect([file, r.statusCode, String(r.headers['content-type'])]).toEqual([file, 200, `${type}; charset=utf-8`]);
    await r.body.dump();
  }
  const missing = await request(`${gateway.url}/demo/..%2Fsse-route.ts`);
  expect(missing.statusCode).toBe(404);
  await missing.body.dump();
});

test('outside sandbox mode there is no /demo', async () => {
  const stack = await startStack({ picqer: { products: 5, orders: 0 } });
  try {
    const r = await request(`${stack.gateway.url}/demo`);
    expect(r.statusCode).toBe(404);
    await r.body.dump();
  } finally {
    await stack.close();
  }
});

describe('GraphiQL example tabs', () => {
  test('every example is valid against the schema', async () => {
    const schema = await getSchema();
    for (const tab of EXAMPLE_TABS) expect([tab.query, validate(schema, parse(tab.query))]).toEqual([tab.query, []]);
  });

  test('the schema has a description (the first thing GraphiQL’s documentation shows), served by introspection', async () => {
    const r = await gqlBody(gateway, '{ __schema { description } }', undefined, { authorization: sandboxes.graphiqlHeaders!.Authorization });
    expect(r.data.__schema.description).toMatch(/^Picqer Gateway: one GraphQL API over Picqer/);
    expect(r.data.__schema.description).toContain('Accept: text/event-stream');
  });

  test('the example queries and the mutation run without errors in sandbox mode', async () => {
    const auth = sandboxes.graphiqlHeaders!.Authorization;
    for (const tab of EXAMPLE_TABS.filter((t) => !t.query.includes('subscription '))) {
      const r = await gqlBody(gateway, tab.query, tab.variables ? JSON.parse(tab.variables) : undefined, { authorization: auth });
      expect([tab.query, r.errors]).toEqual([tab.query, undefined]);
    }
  });

  test('GraphiQL opens with one tab per example, in Chromium, offline', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    const external: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).origin !== gateway.url && external.push(r.url())));
    await page.goto(`${gateway.url}/graphql`);
    await page.waitForSelector('.graphiql-tab');
    const names = await page.locator('.graphiql-tab .graphiql-tab-button').allTextContents();
    expect(names.map((n) => n.trim())).toEqual([
      'JoinedProducts',
      'StockDrift',
      'FreeStockChanged',
      'PicklistClosed',
      'OrderStatusChanged',
      'ChannelStockChanged',
      'SyncFreeStock',
    ]);
    expect(external).toEqual([]);
    await page.close();
  }, 60_000);
});
