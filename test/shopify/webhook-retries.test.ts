import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { DEFAULT_RETRY_DELAYS_MS } from '../../src/sandbox/shopify/webhooks';

/**
 * Issue 20, item 6 (Shopify): failed webhook deliveries are retried as Shopify documents it
 * (changelog "Updates to webhook retry mechanism", 2024-09-10: 8 times over 4 hours, exponential
 * backoff, the original payload; the subscription is removed when they are used up). The delays
 * are configurable so these tests run in milliseconds.
 */

interface Attempt {
  headers: IncomingHttpHeaders;
  body: string;
}

let shop: ShopifySandbox;
let receiver: Server;
const attempts: Attempt[] = [];
/** How many attempts the receiver answers 500 before it answers 200. */
let failFirst = 0;
let url: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(attempts.length <= failFirst ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`;
  shop = await startShopifySandbox({ products: 20, webhookRetryDelaysMs: [1, 2, 4, 8, 16, 32, 64, 128] });
});
afterAll(async () => {
  await shop.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});
beforeEach(() => {
  shop.reset();
  attempts.length = 0;
  shop.configure({ webhookTargets: [url], webhookRetryDelaysMs: [1, 2, 4, 8, 16, 32, 64, 128], removeFailingWebhookTargets: true });
});

const sku = () => shop.state.variants[0].sku;

it('documents the default schedule: 8 retries doubling from 1 minute, the last one ending the 4 hours', () => {
  expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(8);
  for (let i = 1; i < 7; i++) expect(DEFAULT_RETRY_DELAYS_MS[i]).toBe(2 * DEFAULT_RETRY_DELAYS_MS[i - 1]);
  expect(DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBe(4 * 3600_000);
});

it('retries a failed delivery with the same body, signature and ids until it is answered 2xx', async () => {
  failFirst = 3;
  const { deliveries } = await shop.setAvailable(sku(), 1, 11);
  expect(deliveries).toEqual([expect.objectContaining({ status: 500, attempts: 1 })]);
  await shop.settleWebhooks();
  expect(attempts).toHaveLength(4);
  const first = attempts[0];
  for (const a of attempts) {
    expect(a.body).toBe(first.body);
    for (const h of ['x-shopify-hmac-sha256', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at', 'x-shopify-topic']) {
      expect(a.headers[h]).toBe(first.headers[h]);
    }
  }
  expect(shop.stats().webhooks).toMatchObject({ sent: 1, failed: 3, retried: 3, gaveUp: 0, removedTargets: [] });
});

it('gives up after the 8th retry and removes the target, as Shopify removes the subscription', async () => {
  failFirst = Infinity;
  await shop.setAvailable(sku(), 1, 12);
  await shop.settleWebhooks();
  expect(attempts).toHaveLength(9);
  expect(shop.stats().webhooks).toMatchObject({ sent: 0, failed: 9, retried: 8, gaveUp: 1, removedTargets: [url] });
  const { deliveries } = await shop.setAvailable(sku(), 1, 13);
  expect(deliveries).toEqual([]);
  expect(attempts).toHaveLength(9);
});

it('drops pending retries with the old shop on reset', async () => {
  failFirst = Infinity;
  shop.configure({ webhookRetryDelaysMs: [3_600_000] });
  await shop.setAvailable(sku(), 1, 14);
  shop.reset();
  await shop.settleWebhooks();
  expect(attempts).toHaveLength(1);
  expect(shop.stats().webhooks.gaveUp).toBe(0);
});
