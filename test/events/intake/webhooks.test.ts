import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '../../../src/logger';
import { ZERO_ID } from '../../../src/events/log/event-id';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { registerPicqerWebhooks } from '../../../src/events/intake/picqer.webhook';
import { registerShopifyWebhooks } from '../../../src/events/intake/shopify.webhook';
import { PICQER_SECRET, SHOPIFY_SECRET, sign } from '../../helpers/events-server';

/** Receivers over real HTTP: status codes, bodies, dedupe, and what reaches the log and the logs. */

const logLines: string[] = [];
const logger = createLogger(
  'debug',
  new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  }),
);
let app: FastifyInstance;
let log: MemoryEventLog;
let base: string;

beforeAll(async () => {
  log = new MemoryEventLog();
  app = Fastify({ logger: false });
  registerPicqerWebhooks(app, { secret: PICQER_SECRET, log, logger, bodyLimitBytes: 4096 });
  registerShopifyWebhooks(app, { secret: SHOPIFY_SECRET, log, logger, bodyLimitBytes: 4096 });
  // A neighbour route with Fastify's own JSON parser: the receivers' raw parser must not leak.
  app.post('/echo', async (req) => ({ got: req.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await log.close();
});

const CUSTOMER_NAME = 'Invented Customer Name';

/** An error answer: the documented flat pair plus the GraphQL-shaped list. */
function errorJson(code: string, message: string): object {
  return { error: code, message, errors: [{ message, extensions: { code } }] };
}

function stockDelivery(freestock: number, idproduct = 501): string {
  return JSON.stringify({
    idhook: 77,
    name: 'gateway',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: {
      idproduct,
      productcode: `SKU-${idproduct}`,
      name: 'Demo mug',
      stock: [
        { idwarehouse: 1, stock: 10, reserved: 2, reservedbackorders: 0, reservedpicklists: 2, reservedallocations: 0, freestock },
        { idwarehouse: 2, stock: 5, reserved: 0, reservedbackorders: 0, reservedpicklists: 0, reservedallocations: 0, freestock: 5 },
      ],
    },
  });
}

async function postPicqer(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, PICQER_SECRET), ...headers },
    body,
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

test('a signed Picqer delivery is appended, normalised, then answered 200 with its id', async () => {
  const before = await log.lastId();
  const res = await postPicqer(stockDelivery(8));
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), duplicate: false });
  const [stored] = await log.read(before);
  expect(stored).toEqual({
    id: res.json.id,
    topic: 'freeStockChanged',
    payload: {
      idproduct: 501,
      productcode: 'SKU-501',
      freeStock: 13,
      stock: [
        { warehouseId: 1, stock: 10, reserved: 2, freeStock: 8 },
        { warehouseId: 2, stock: 5, reserved: 0, freeStock: 5 },
      ],
      occurredAt: '2026-01-13T08:46:30.000Z', // Europe/Amsterdam winter time is UTC+1
    },
  });
});

test('the same delivery twice is appended once; the retry gets the first id', async () => {
  const body = stockDelivery(3, 502);
  const first = await postPicqer(body);
  const again = await postPicqer(body);
  expect(again).toEqual({ status: 200, json: { id: first.json.id, duplicate: true } });
  const all = await log.read(ZERO_ID, { count: 1000 });
  expect(all.filter((e) => e.topic === 'freeStockChanged' && e.payload.idproduct === 502)).toHaveLength(1);
});

test('a second real change of the same product in the same second is a new event', async () => {
  const a = await postPicqer(stockDelivery(7, 503));
  const b = await postPicqer(stockDelivery(6, 503));
  expect(b.json.duplicate).toBe(false);
  expect(b.json.id).not.toBe(a.json.id);
});

test('a missing or wrong signature is 401 and nothing is stored', async () => {
  const before = await log.lastId();
  const body = stockDelivery(1, 504);
  const missing = await fetch(`${base}/webhooks/picqer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(missing.status).toBe(401);
  expect(await missing.json()).toEqual(errorJson('BAD_SIGNATURE', 'The X-Picqer-Signature header is required.'));
  expect((await postPicqer(body, { 'x-picqer-signature': sign(body, 'another-secret') })).status).toBe(401);
  expect((await postPicqer(body, { 'x-picqer-signature': 'c2hvcnQ=' })).status).toBe(401);
  expect((await postPicqer(body, { 'x-picqer-signature': sign(body + ' ', PICQER_SECRET) })).status).toBe(401);
  expect(await log.lastId()).toBe(before);
});

test('malformed deliveries are 400 with the reason and never the body', async () => {
  const notJson = await postPicqer(`{"idhook": 1, "name": "${CUSTOMER_NAME}"`);
  expect(notJson).toEqual({ status: 400, json: errorJson('MALFORMED_DELIVERY', 'The body is not valid JSON.') });

  const order = JSON.stringify({
    idhook: 1,
    event: 'orders.status_changed',
    event_triggered_at: '2026-01-13 09:46:30',
    data: { idorder: 9, orderid: 'O-9', status: 'shipped-to-mars', deliveryname: CUSTOMER_NAME },
  });
  const badStatus = await postPicqer(order);
  expect(badStatus.status).toBe(400);
  expect(badStatus.json.message).toMatch(/^data\.status must be one of concept, /);

  const noStock = await postPicqer(JSON.stringify({ idhook: 1, event: 'products.freestockchanged', data: { idproduct: 1, productcode: 'X' } }));
  expect(noStock.json.message).toBe('data.stock must be an array of stock per warehouse.');
  expect(JSON.stringify([notJson, badStatus, noStock])).not.toContain(CUSTOMER_NAME);
  expect(logLines.join('')).not.toContain(CUSTOMER_NAME);
});

describe('numbers and strings are checked against what subscribers receive (GraphQL Int, bounded text)', () => {
  /** A free-stock delivery with one warehouse row patched; the rest is valid. */
  function stockWith(row: Record<string, unknown>, data: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): string {
    return JSON.stringify({
      idhook: 77,
      name: 'gateway',
      event: 'products.free_stock_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      ...envelope,
      data: {
        idproduct: 601,
        productcode: 'SKU-601',
        name: CUSTOMER_NAME,
        ...data,
        stock: [{ idwarehouse: 1, stock: 10, reserved: 2, freestock: 8, ...row }],
      },
    });
  }

  const refused: Array<[string, string, string]> = [
    ['freestock 1e308', stockWith({ freestock: 1e308 }), 'data.stock[0].freestock must be a number from -2147483648 to 2147483647.'],
    ['freestock 2^31', stockWith({ freestock: 2 ** 31 }), 'data.stock[0].freestock must be a number from -2147483648 to 2147483647.'],
    ['freestock -2^31-1', stockWith({ freestock: -(2 ** 31) - 1 }), 'data.stock[0].freestock must be a number from -2147483648 to 2147483647.'],
    ['freestock as text', stockWith({ freestock: '7' }), 'data.stock[0].freestock must be a number from -2147483648 to 2147483647.'],
    ['freestock missing', stockWith({ freestock: undefined }), 'data.stock[0].freestock must be a number from -2147483648 to 2147483647.'],
    ['negative stock', stockWith({ stock: -1 }), 'data.stock[0].stock must be a number from 0 to 2147483647.'],
    ['negative reserved', stockWith({ reserved: -3 }), 'data.stock[0].reserved must be a number from 0 to 2147483647.'],
    ['idwarehouse 0', stockWith({ idwarehouse: 0 }), 'data.stock[0].idwarehouse must be a whole number from 1 to 2147483647.'],
    ['idwarehouse 1.5', stockWith({ idwarehouse: 1.5 }), 'data.stock[0].idwarehouse must be a whole number from 1 to 2147483647.'],
    ['idproduct 2^31', stockWith({}, { idproduct: 2 ** 31 }), 'data.idproduct must be a whole number from 1 to 2147483647.'],
    ['idhook 1e308', stockWith({}, {}, { idhook: 1e308 }), 'idhook must be a whole number from 1 to 2147483647.'],
    [
      'productcode of 256 characters',
      stockWith({}, { productcode: 'P'.repeat(256) }),
      'data.productcode must be a non-empty string of at most 255 characters.',
    ],
    ['blank productcode', stockWith({}, { productcode: '   ' }), 'data.productcode must be a non-empty string of at most 255 characters.'],
    [
      'event_triggered_at not a time',
      stockWith({}, {}, { event_triggered_at: CUSTOMER_NAME }),
      'event_triggered_at must be a time "YYYY-MM-DD HH:mm:ss" or ISO 8601 with a zone, between the years 1970 and 9999.',
    ],
    [
      'event_triggered_at 31 February',
      stockWith({}, {}, { event_triggered_at: '2026-02-31 10:00:00' }),
      'event_triggered_at must be a time "YYYY-MM-DD HH:mm:ss" or ISO 8601 with a zone, between the years 1970 and 9999.',
    ],
  ];

  test.each(refused)('%s: 400 naming the field, GraphQL-shaped, nothing stored, nothing echoed', async (_name, body, message) => {
    const before = await log.lastId();
    const res = await postPicqer(body);
    expect(res).toEqual({ status: 400, json: errorJson('MALFORMED_DELIVERY', message) });
    expect(await log.lastId()).toBe(before);
    expect(JSON.stringify(res.json)).not.toContain(CUSTOMER_NAME);
  });

  test('rows that each fit an Int but whose sum does not are refused', async () => {
    const before = await log.lastId();
    const body = JSON.stringify({
      idhook: 77,
      event: 'products.free_stock_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      data: { idproduct: 602, productcode: 'SKU-602', stock: [1, 2].map((w) => ({ idwarehouse: w, stock: 2 ** 31 - 1, reserved: 0, freestock: 2 ** 31 - 1 })) },
    });
    const res = await postPicqer(body);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toBe('data.stock: the free stock summed over warehouses must be from -2147483648 to 2147483647.');
    expect(await log.lastId()).toBe(before);
  });

  test('the limits themselves, negative free stock and a missing event_triggered_at are accepted', async () => {
    const before = await log.lastId();
    const edge = await postPicqer(
      stockWith({ idwarehouse: 2 ** 31 - 1, stock: 2 ** 31 - 1, reserved: 0, freestock: -(2 ** 31) }, { productcode: 'P'.repeat(255) }),
    );
    expect(edge.status).toBe(200);
    const noTime = await postPicqer(stockWith({ freestock: -4 }, { idproduct: 603 }, { event_triggered_at: undefined }));
    expect(noTime.status).toBe(200);
    const stored = await log.read(before);
    expect(stored.map((e) => (e.topic === 'freeStockChanged' ? [e.payload.freeStock, e.payload.occurredAt] : null))).toEqual([
      [-(2 ** 31), '2026-01-13T08:46:30.000Z'],
      [-4, null],
    ]);
  });

  test('picklist and order deliveries are held to the same rules', async () => {
    const before = await log.lastId();
    const picklist = (data: Record<string, unknown>): string =>
      JSON.stringify({
        idhook: 1,
        event: 'picklists.closed',
        event_triggered_at: '2026-01-13 09:46:30',
        data: { idpicklist: 9, picklistid: 'P-9', idwarehouse: 1, status: 'closed', closed_at: '2026-01-13 09:46:00', idorder: 3, ...data },
      });
    expect((await postPicqer(picklist({ idwarehouse: 2 ** 31 }))).json.message).toBe('data.idwarehouse must be a whole number from 1 to 2147483647.');
    expect((await postPicqer(picklist({ idorder: -1 }))).json.message).toBe('data.idorder must be a whole number from 1 to 2147483647.');
    expect((await postPicqer(picklist({ closed_at: 'tomorrow' }))).json.message).toMatch(/^data\.closed_at must be a time/);
    const order = JSON.stringify({
      idhook: 1,
      event: 'orders.status_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      data: { idorder: 1e308, orderid: 'O-1', status: 'completed' },
    });
    expect((await postPicqer(order)).json.message).toBe('data.idorder must be a whole number from 1 to 2147483647.');
    expect(await log.lastId()).toBe(before);
    expect((await postPicqer(picklist({}))).status).toBe(200);
  });
});

test('an order status delivery keeps ids and status only, no personal data', async () => {
  const before = await log.lastId();
  const body = JSON.stringify({
    idhook: 1,
    event: 'orders.status_changed',
    event_triggered_at: '2026-07-01 12:00:00',
    data: { idorder: 10, orderid: 'O-10', status: 'completed', deliveryname: CUSTOMER_NAME, emailaddress: 'someone@example.invalid' },
  });
  expect((await postPicqer(body)).status).toBe(200);
  const [stored] = await log.read(before);
  expect(stored.payload).toEqual({ idorder: 10, orderid: 'O-10', status: 'completed' });
});

test('an event the gateway does not use is acknowledged with 202 and not stored', async () => {
  const before = await log.lastId();
  const res = await postPicqer(JSON.stringify({ idhook: 1, event: 'comments.created', event_triggered_at: '2026-01-13 09:46:30', data: { idcomment: 1 } }));
  expect(res).toEqual({ status: 202, json: { ignored: true, event: 'comments.created' } });
  expect(await log.lastId()).toBe(before);
});

test('too large is 413 and a wrong media type is 415; neither is a 500', async () => {
  const big = JSON.stringify({ idhook: 1, event: 'products.freestockchanged', data: { pad: 'x'.repeat(5000) } });
  const large = await postPicqer(big);
  expect(large).toEqual({ status: 413, json: errorJson('DELIVERY_TOO_LARGE', 'The body is larger than this receiver accepts.') });
  const body = stockDelivery(1, 505);
  const text = await postPicqer(body, { 'content-type': 'text/plain' });
  expect(text.status).toBe(415);
  expect(text.json.error).toBe('UNSUPPORTED_MEDIA_TYPE');
  const form = await postPicqer(body, { 'content-type': 'application/x-www-form-urlencoded' });
  expect(form.status).toBe(415);
});

test('the neighbouring route still parses JSON normally', async () => {
  const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  expect(await res.json()).toEqual({ got: { a: 1 } });
});

describe('Shopify', () => {
  const inventory = '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":10,"updated_at":"2023-01-03T12:21:36-05:00"}';
  async function postShopify(body: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
    const res = await fetch(`${base}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': sign(body, SHOPIFY_SECRET),
        'x-shopify-topic': 'inventory_levels/update',
        ...headers,
      },
      body,
    });
    return { status: res.status, json: await res.json() };
  }

  test('inventory_levels/update becomes channelStockChanged with exact big ids, deduped on webhook id', async () => {
    const before = await log.lastId();
    const first = await postShopify(inventory, { 'x-shopify-webhook-id': 'wh-1', 'x-shopify-event-id': 'ev-1' });
    expect(first.status).toBe(200);
    const retry = await postShopify(inventory, { 'x-shopify-webhook-id': 'wh-1', 'x-shopify-event-id': 'ev-1' });
    expect(retry.json).toEqual({ id: first.json.id, duplicate: true });
    // Same event delivered through a second subscription: another webhook id, same event id.
    const twin = await postShopify(inventory, { 'x-shopify-webhook-id': 'wh-2', 'x-shopify-event-id': 'ev-1' });
    expect(twin.json.duplicate).toBe(true);
    const stored = await log.read(before);
    expect(stored).toEqual([
      {
        id: first.json.id,
        topic: 'channelStockChanged',
        payload: {
          channel: 'SHOPIFY',
          inventoryItemId: '271878346596884015',
          locationId: '24826418',
          available: 10,
          sku: null,
          occurredAt: '2023-01-03T17:21:36.000Z',
        },
      },
    ]);
  });

  test('inventory numbers outside what a subscriber can receive are 400 and not stored', async () => {
    const before = await log.lastId();
    const cases: Array<[string, string]> = [
      ['{"inventory_item_id":1e308,"location_id":24826418,"available":1}', 'inventory_item_id must be a whole number from 1 to 2^63-1.'],
      ['{"inventory_item_id":271878346596884015,"location_id":99999999999999999999,"available":1}', 'location_id must be a whole number from 1 to 2^63-1.'],
      ['{"inventory_item_id":-5,"location_id":24826418,"available":1}', 'inventory_item_id must be a positive whole number.'],
      [
        '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":2147483648}',
        'available must be a whole number from -2147483648 to 2147483647.',
      ],
      ['{"inventory_item_id":271878346596884015,"location_id":24826418,"available":1.5}', 'available must be a whole number from -2147483648 to 2147483647.'],
      [
        '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":1,"updated_at":"soon"}',
        'updated_at must be a time "YYYY-MM-DD HH:mm:ss" or ISO 8601 with a zone, between the years 1970 and 9999.',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await postShopify(body, { 'x-shopify-webhook-id': `wh-bad-${message.length}-${body.length}` });
      expect(res).toEqual({ status: 400, json: errorJson('MALFORMED_DELIVERY', message) });
    }
    expect(await log.lastId()).toBe(before);
    // An oversold item has negative availability: that is data, not a mistake.
    const oversold = await postShopify('{"inventory_item_id":5,"location_id":6,"available":-2,"updated_at":"2023-01-03T12:21:36-05:00"}', {
      'x-shopify-webhook-id': 'wh-oversold',
    });
    expect(oversold.status).toBe(200);
  });

  test('bad HMAC is 401, a missing webhook id is 400, other topics are 202', async () => {
    expect((await postShopify(inventory, { 'x-shopify-webhook-id': 'wh-3', 'x-shopify-hmac-sha256': sign(inventory, PICQER_SECRET) })).status).toBe(401);
    const noId = await postShopify(inventory, {});
    expect(noId).toEqual({ status: 400, json: errorJson('MALFORMED_DELIVERY', 'The X-Shopify-Webhook-Id header is required.') });
    const other = await postShopify('{"id":1}', { 'x-shopify-webhook-id': 'wh-4', 'x-shopify-topic': 'orders/create' });
    expect(other).toEqual({ status: 202, json: { ignored: true, topic: 'orders/create' } });
  });
});
