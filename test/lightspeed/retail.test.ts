import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_RETAIL_RETRY_DELAYS_MS, startLightspeedRetailSandbox, SANDBOX_STORE_MAP, type LightspeedRetailSandbox } from '../../src/sandbox/lightspeed';
import { lightspeedRetailEnv } from '../../src/sandbox/env';
import { until } from '../helpers/until';
import { call, startReceiver, type Receiver } from './receiver';

/**
 * The Lightspeed Retail X-Series sandbox (issue 15, first part): Bearer auth, version paging, the
 * 300 × registers + 50 per 5 minutes limit with its headers and an HTTP-date Retry-After, and a
 * till sale whose `sale.update` webhook a receiver verifies with its own HMAC code, written from
 * X-Series' description (form body with a JSON `payload`; `X-Signature: signature=…,algorithm=…`).
 */

let t = 1_800_000_000_000;
let pos: LightspeedRetailSandbox;
let hooks: Receiver;
const auth = () => ({ authorization: `Bearer ${pos.token}` });

beforeAll(async () => {
  hooks = await startReceiver();
  pos = await startLightspeedRetailSandbox({ products: 60, now: () => t, webhookRetryDelaysMs: [5, 10, 20] });
});
afterAll(async () => {
  await pos.close();
  await hooks.close();
});
beforeEach(() => {
  pos.state.reseed();
  hooks.attempts.length = 0;
  hooks.script = [];
});

/** The receiver's check, independent of the sandbox's code: hex HMAC-SHA256 of the raw body, client secret as key. */
function verifyXSeriesSignature(rawBody: string, header: string | undefined, clientSecret: string): boolean {
  const m = /^signature=([0-9a-f]+),algorithm=(.+)$/.exec(header ?? '');
  if (!m || m[2].toUpperCase() !== 'HMAC-SHA256') return false;
  const expected = Buffer.from(createHmac('sha256', clientSecret).update(rawBody, 'utf8').digest('hex'));
  const got = Buffer.from(m[1]);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

async function subscribe(): Promise<void> {
  const r = await call(`${pos.baseUrl}/webhooks`, { method: 'POST', headers: auth(), body: { url: hooks.url, active: true, type: 'sale.update' } });
  expect(r.status).toBe(201);
}

describe('auth', () => {
  it('refuses no token and a wrong token, answers the right one', async () => {
    expect((await call(`${pos.baseUrl}/outlets`)).status).toBe(401);
    const wrong = await call(`${pos.baseUrl}/outlets`, { headers: { authorization: 'Bearer lsxs_pt_wrong' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('Unauthorized');
    const ok = await call(`${pos.baseUrl}/outlets`, { headers: auth() });
    expect(ok.status).toBe(200);
    expect(ok.json.data.map((o: { id: string }) => o.id)).toEqual(pos.outlets.map((o) => o.id));
    expect(pos.requests()).toEqual({ total: 3, byStatus: { '401': 2, '200': 1 } });
  });
});

describe('paging', () => {
  it('pages products by version with page_size and after', async () => {
    const first = await call(`${pos.baseUrl}/products?page_size=10`, { headers: auth() });
    expect(first.json.data).toHaveLength(10);
    const next = await call(`${pos.baseUrl}/products?page_size=10&after=${first.json.version.max}`, { headers: auth() });
    const ids = [...first.json.data, ...next.json.data].map((p: { id: string }) => p.id);
    expect(ids).toEqual(pos.state.products.slice(0, 20).map((p) => p.id));
    const end = await call(`${pos.baseUrl}/products?after=999999`, { headers: auth() });
    expect(end.json).toEqual({ data: [] });
    expect((await call(`${pos.baseUrl}/products?page_size=0`, { headers: auth() })).status).toBe(400);
  });

  it("uses Picqer's product codes as SKUs", async () => {
    const { json } = await call(`${pos.baseUrl}/products?page_size=1000`, { headers: auth() });
    for (const p of json.data) expect(p.sku).toMatch(/^PG-\d{5}$/);
  });
});

describe('rate limit', () => {
  it('allows 300 × registers + 50 per 5 minutes by default and says so on every answer', async () => {
    const r = await call(`${pos.baseUrl}/outlets`, { headers: auth() });
    const registers = pos.outlets.reduce((s, o) => s + o.registers, 0);
    expect(r.headers.get('x-ratelimit-limit')).toBe(String(300 * registers + 50));
    expect(r.headers.get('x-ratelimit-remaining')).toBe(String(300 * registers + 49));
  });

  it('answers 429 with the documented body and an HTTP-date Retry-After until the window closes', async () => {
    await call(`${pos.origin}/__sandbox/config`, { method: 'PUT', body: { rateLimit: 2, rateWindowMs: 300_000 } });
    const get = () => call(`${pos.baseUrl}/outlets`, { headers: auth() });
    expect((await get()).status).toBe(200);
    t += 60_000;
    expect((await get()).status).toBe(200);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: 'Too Many Requests', message: 'Rate limiting enforced' });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    // The window opened with the first call: it closes 300 s after it, 240 s from now.
    expect(refused.headers.get('retry-after')).toBe(new Date(t + 240_000).toUTCString());
    t += 240_000;
    expect((await get()).status).toBe(200);
    expect(pos.state.stats().served429).toBe(1);
  });
});

describe('till sales', () => {
  it('fires a sale.update the receiver verifies, carrying the sale with its lines', async () => {
    await subscribe();
    const product = pos.state.products[4];
    const outlet = pos.outlets[1];
    const before = pos.state.inventory.find((r) => r.product_id === product.id && r.outlet_id === outlet.id)!.inventory_level;
    const sale = await call(`${pos.origin}/__sandbox/sales`, { method: 'POST', body: { outlet_id: outlet.id, lines: [{ sku: product.sku, quantity: 2 }] } });
    expect(sale.status).toBe(201);
    await until(() => hooks.attempts.length === 1, 'the sale webhook');

    const { headers, body } = hooks.attempts[0];
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(verifyXSeriesSignature(body, headers['x-signature'] as string, pos.clientSecret)).toBe(true);
    expect(verifyXSeriesSignature(body, headers['x-signature'] as string, 'another-secret')).toBe(false);
    expect(verifyXSeriesSignature(`${body} `, headers['x-signature'] as string, pos.clientSecret)).toBe(false);

    const form = new URLSearchParams(body);
    expect(form.get('type')).toBe('sale.update');
    const payload = JSON.parse(form.get('payload')!);
    expect(payload).toEqual(
      expect.objectContaining({
        id: sale.json.data.id,
        outlet_id: outlet.id,
        status: 'CLOSED',
        register_sale_products: [expect.objectContaining({ product_id: product.id, quantity: 2 })],
      }),
    );
    expect(payload.register_sale_payments[0].amount).toBeCloseTo(payload.total_price + payload.total_tax, 2);
    // The line names the product by id: the SKU is one GET away, as with the real API.
    const p = await call(`${pos.baseUrl}/products/${payload.register_sale_products[0].product_id}`, { headers: auth() });
    expect(p.json.data.sku).toBe(product.sku);
    // The store's shelf went down; the demo store map points the outlet at a Picqer warehouse.
    const inv = await call(`${pos.baseUrl}/products/${product.id}/inventory`, { headers: auth() });
    expect(inv.json.data.find((r: { outlet_id: string }) => r.outlet_id === outlet.id).inventory_level).toBe(before - 2);
    expect(SANDBOX_STORE_MAP[outlet.id]).toBe(2);
  });

  it('retries a failed delivery with the same bytes and signature until it is accepted', async () => {
    await subscribe();
    hooks.script = [500, 502];
    pos.state.recordSale({ lines: [{ sku: pos.state.products[0].sku, quantity: 1 }] });
    await pos.state.dispatcher.whenIdle();
    expect(hooks.attempts).toHaveLength(3);
    expect(new Set(hooks.attempts.map((a) => `${a.body} ${String(a.headers['x-signature'])}`)).size).toBe(1);
    expect(pos.state.stats().webhooks).toEqual(expect.objectContaining({ queued: 1, attempts: 3, succeeded: 1, failedAttempts: 2, retries: 2, gaveUp: 0 }));
  });

  it('documents the default schedule: 20 retries with growing waits, ending 48 hours after the first attempt', () => {
    expect(DEFAULT_RETAIL_RETRY_DELAYS_MS).toHaveLength(20);
    expect(DEFAULT_RETAIL_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBe(48 * 3600_000);
    for (let i = 1; i < 20; i++) expect(DEFAULT_RETAIL_RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(DEFAULT_RETAIL_RETRY_DELAYS_MS[i - 1]);
  });

  it("sends no signature when the webhook is not an OAuth app's (personal token)", async () => {
    await subscribe();
    await call(`${pos.origin}/__sandbox/config`, { method: 'PUT', body: { signWebhooks: false } });
    pos.state.recordSale({ lines: [{ sku: pos.state.products[0].sku, quantity: 1 }] });
    await pos.state.dispatcher.whenIdle();
    expect(hooks.attempts).toHaveLength(1);
    expect(hooks.attempts[0].headers['x-signature']).toBeUndefined();
  });

  it('fires inventory.update for each row a sale changes', async () => {
    const r = await call(`${pos.baseUrl}/webhooks`, { method: 'POST', headers: auth(), body: { url: hooks.url, active: true, type: 'inventory.update' } });
    expect(r.status).toBe(201);
    const [a, b] = pos.state.products;
    pos.state.recordSale({
      lines: [
        { sku: a.sku, quantity: 1 },
        { sku: b.sku, quantity: 3 },
      ],
    });
    await pos.state.dispatcher.whenIdle();
    const rows = hooks.attempts.map((x) => JSON.parse(new URLSearchParams(x.body).get('payload')!));
    expect(rows.map((row) => row.product_id).sort()).toEqual([a.id, b.id].sort());
    for (const x of hooks.attempts) expect(new URLSearchParams(x.body).get('type')).toBe('inventory.update');
  });

  it('gives up after the configured retries', async () => {
    await subscribe();
    hooks.script = [500, 500, 500, 500];
    pos.state.recordSale({ lines: [{ sku: pos.state.products[0].sku, quantity: 1 }] });
    await pos.state.dispatcher.whenIdle();
    expect(hooks.attempts).toHaveLength(4);
    expect(pos.state.stats().webhooks.gaveUp).toBe(1);
  });

  it('redelivers a recorded sale unchanged (a duplicate delivery) without selling again', async () => {
    await subscribe();
    const product = pos.state.products[1];
    const sale = pos.state.recordSale({ lines: [{ sku: product.sku, quantity: 1 }] });
    const level = () => pos.state.inventory.find((r) => r.product_id === product.id && r.outlet_id === pos.outlets[0].id)!.inventory_level;
    const after = level();
    const again = await call(`${pos.origin}/__sandbox/sales/${sale.id}/redeliver`, { method: 'POST' });
    expect(again.status).toBe(200);
    await until(() => hooks.attempts.length === 2, 'both deliveries');
    expect(hooks.attempts[0].body).toBe(hooks.attempts[1].body);
    expect(level()).toBe(after);
    expect(pos.state.stats().sales).toBe(1);
  });

  it('sells a product only the till knows when asked to, and refuses an unknown SKU otherwise', async () => {
    const refused = await call(`${pos.origin}/__sandbox/sales`, { method: 'POST', body: { lines: [{ sku: 'LS-ONLY-1', quantity: 1 }] } });
    expect(refused.status).toBe(404);
    expect(refused.json.message).toContain('adHoc');
    const sold = await call(`${pos.origin}/__sandbox/sales`, { method: 'POST', body: { lines: [{ sku: 'LS-ONLY-1', quantity: 1, adHoc: true }] } });
    expect(sold.status).toBe(201);
    expect(pos.state.productBySku('LS-ONLY-1')).toBeDefined();
  });
});

describe('control and env', () => {
  it('sets an outlet inventory level and shows it on the next read', async () => {
    const p = pos.state.products[2];
    const set = await call(`${pos.origin}/__sandbox/inventory`, { method: 'POST', body: { sku: p.sku, outlet_id: pos.outlets[0].id, inventory_level: 17 } });
    expect(set.status).toBe(200);
    const inv = await call(`${pos.baseUrl}/products/${p.id}/inventory`, { headers: auth() });
    expect(inv.json.data.find((r: { outlet_id: string }) => r.outlet_id === pos.outlets[0].id).inventory_level).toBe(17);
  });

  it('injects faults before auth and counts them, then serves normally', async () => {
    const cfg = await call(`${pos.origin}/__sandbox/config`, { method: 'PUT', body: { faults: [{ status: 503, count: 1, path: '/products' }] } });
    expect(cfg.status).toBe(200);
    expect((await call(`${pos.baseUrl}/products?page_size=1`)).status).toBe(503);
    expect((await call(`${pos.baseUrl}/products?page_size=1`, { headers: auth() })).status).toBe(200);
    expect(pos.state.stats().faultsServed).toBe(1);
    expect(pos.requests()).toEqual({ total: 2, byStatus: { '503': 1, '200': 1 } });
  });

  it('refuses a bad control setting, naming it', async () => {
    const bad = await call(`${pos.origin}/__sandbox/config`, { method: 'PUT', body: { rateLimit: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('limit');
    const method = await call(`${pos.baseUrl}/outlets`, { method: 'DELETE', headers: auth() });
    expect(method.status).toBe(405);
  });

  it('names the LIGHTSPEED_* variables the gateway will read', () => {
    const env = lightspeedRetailEnv(pos);
    expect(env).toEqual({
      LIGHTSPEED_RETAIL_BASE_URL: pos.baseUrl,
      LIGHTSPEED_RETAIL_TOKEN: pos.token,
      LIGHTSPEED_RETAIL_WEBHOOK_SECRET: pos.clientSecret,
      LIGHTSPEED_STORE_MAP: pos.outlets.map((o) => `${o.id}=${o.picqerWarehouse}`).join(','),
    });
  });
});
