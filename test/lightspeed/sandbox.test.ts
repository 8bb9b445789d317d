import { createHash } from 'node:crypto';
import { demoCatalog } from '../../src/sandbox/catalog';
import { startLightspeedEcomSandbox, type LightspeedEcomSandbox } from '../../src/sandbox/lightspeed';
import { lightspeedEcomEnv, sandboxEnv } from '../../src/sandbox/env';
import { until } from '../helpers/until';
import { basic, call, startReceiver, type Receiver } from './receiver';

/**
 * The Lightspeed eCom sandbox (issue 15, first part): key/secret Basic auth, page/limit paging,
 * the three windows reported as "5min/hour/day" in X-RateLimit-* with a 429 from each, a PUT of
 * a variant's stockLevel visible on the next read, md5-signed webhooks with retries, counters.
 * The clock is injected: windows close when the test moves it, never by waiting.
 */

let t = 1_800_000_000_000;
let ls: LightspeedEcomSandbox;
let hooks: Receiver;
const auth = () => basic(ls.apiKey, ls.apiSecret);

beforeAll(async () => {
  hooks = await startReceiver();
  ls = await startLightspeedEcomSandbox({ products: 120, now: () => t, webhookRetryDelaysMs: [5, 10, 20] });
});
afterAll(async () => {
  await ls.close();
  await hooks.close();
});
beforeEach(() => {
  ls.state.reseed();
  hooks.attempts.length = 0;
  hooks.script = [];
});

describe('auth', () => {
  it('refuses a request without credentials, with a wrong secret and with a wrong key, and counts them', async () => {
    const none = await call(`${ls.baseUrl}/variants.json`);
    const wrongSecret = await call(`${ls.baseUrl}/variants.json`, { headers: basic(ls.apiKey, 'x'.repeat(32)) });
    const wrongKey = await call(`${ls.baseUrl}/variants.json`, { headers: basic('y'.repeat(32), ls.apiSecret) });
    for (const r of [none, wrongSecret, wrongKey]) {
      expect(r.status).toBe(401);
      expect(typeof r.json.error.message).toBe('string');
      expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    }
    expect(ls.requests()).toEqual({ total: 3, byStatus: { '401': 3 } });
    // Refused calls spend no rate budget.
    expect(ls.state.stats().windows.map((w) => w.remaining)).toEqual([300, 3000, 12000]);
  });

  it('answers the right credentials, wrapped in the resource name', async () => {
    const r = await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ count: ls.state.variants.length });
  });

  it('serves only the shop languages as the first path segment', async () => {
    expect((await call(`${ls.origin}/en/variants/count.json`, { headers: auth() })).status).toBe(200);
    expect((await call(`${ls.origin}/xx/variants/count.json`, { headers: auth() })).status).toBe(404);
  });
});

describe('data', () => {
  it("uses Picqer's product codes as sku and articleCode and the catalog's stock as stockLevel", async () => {
    const catalog = new Map(demoCatalog({ products: 120 }).map((p) => [p.productcode, p]));
    const { json } = await call(`${ls.baseUrl}/variants.json?limit=250`, { headers: auth() });
    expect(json.variants.length).toBe(ls.state.variants.length);
    expect(json.variants.length).toBeGreaterThan(90);
    for (const v of json.variants) {
      const p = catalog.get(v.sku)!;
      expect(p).toBeDefined();
      expect(v.articleCode).toBe(v.sku);
      expect(v.ean).toBe(p.barcode);
      expect(v.priceIncl).toBe(p.price);
      expect(v.stockTracking).toBe('enabled');
      expect(v.stockLevel).toBe(p.stock[1] + p.stock[2]);
    }
  });

  it('finds a variant by sku', async () => {
    const sku = ls.state.variants[3].sku;
    const { json } = await call(`${ls.baseUrl}/variants.json?sku=${sku}`, { headers: auth() });
    expect(json.variants.map((v: { sku: string }) => v.sku)).toEqual([sku]);
  });
});

describe('paging', () => {
  it('pages by page and limit, 50 by default, and refuses a limit over 250', async () => {
    const all = ls.state.variants.map((v) => v.id);
    const first = await call(`${ls.baseUrl}/variants.json`, { headers: auth() });
    expect(first.json.variants.map((v: { id: number }) => v.id)).toEqual(all.slice(0, 50));
    const p2 = await call(`${ls.baseUrl}/variants.json?page=2&limit=40`, { headers: auth() });
    expect(p2.json.variants.map((v: { id: number }) => v.id)).toEqual(all.slice(40, 80));
    const past = await call(`${ls.baseUrl}/variants.json?page=99&limit=40`, { headers: auth() });
    expect(past.json.variants).toEqual([]);
    const tooMany = await call(`${ls.baseUrl}/variants.json?limit=251`, { headers: auth() });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('limit');
  });
});

describe('rate limits', () => {
  it('reports the three windows as "5min/hour/day" on every answer', async () => {
    const r = await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    expect(r.headers.get('x-ratelimit-limit')).toBe('300/3000/12000');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('299/2999/11999');
    expect(r.headers.get('x-ratelimit-reset')).toBe('300/3600/86400');
  });

  it('answers 429 from each window on its own, with its headers, and lets calls through when it closes', async () => {
    ls.state.limiter.configure([
      { limit: 2, windowMs: 1_000 },
      { limit: 3, windowMs: 10_000 },
      { limit: 4, windowMs: 100_000 },
    ]);
    const get = () => call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get()).status);
      return out;
    };
    // The 5-minute window (here 1 s) is full; the others have room.
    expect(await statuses(2)).toEqual([200, 200]);
    const short = await get();
    expect(short.status).toBe(429);
    expect(short.headers.get('x-ratelimit-limit')).toBe('2/3/4');
    expect(short.headers.get('x-ratelimit-remaining')).toBe('0/1/2');
    expect(short.headers.get('x-ratelimit-reset')).toBe('1/10/100');
    expect(short.headers.get('retry-after')).toBeNull();
    expect(short.json.error.message).toMatch(/rate limit/i);
    expect(ls.state.stats().served429ByWindow).toEqual([1, 0, 0]);

    t += 1_000; // the short window closes: now the hour window (10 s) is the one that refuses
    expect(await statuses(1)).toEqual([200]);
    const hour = await get();
    expect(hour.status).toBe(429);
    expect(hour.headers.get('x-ratelimit-remaining')).toBe('1/0/1');
    expect(ls.state.stats().served429ByWindow).toEqual([1, 1, 0]);

    t += 10_000; // both close: the day window (100 s) refuses
    expect(await statuses(1)).toEqual([200]);
    const day = await get();
    expect(day.status).toBe(429);
    expect(day.headers.get('x-ratelimit-remaining')).toBe('1/2/0');
    expect(ls.state.stats().served429ByWindow).toEqual([1, 1, 1]);
    expect(ls.state.stats().served429).toBe(3);

    t += 100_000;
    expect(await statuses(1)).toEqual([200]);
  });

  it('answers /account/ratelimit.json with the three windows in seconds', async () => {
    await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    t += 10_000;
    const r = await call(`${ls.baseUrl}/account/ratelimit.json`, { headers: auth() });
    expect(r.json.accountRatelimit).toEqual({
      limit5Min: { limit: 300, remaining: 298, reset: 290, resetTime: expect.stringMatching(/\+00:00$/) },
      limitHour: { limit: 3000, remaining: 2998, reset: 3590, resetTime: expect.any(String) },
      limitDay: { limit: 12000, remaining: 11998, reset: 86390, resetTime: expect.any(String) },
    });
    expect(r.headers.get('x-ratelimit-remaining')).toBe('298/2998/11998');
  });

  it('sends Retry-After (seconds until the refusing window closes) when configured', async () => {
    ls.state.limiter.configure([{ limit: 1, windowMs: 4_000 }]);
    ls.state.retryAfterOn429 = true;
    await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    t += 1_500;
    const r = await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    ls.state.retryAfterOn429 = false;
  });
});

describe('stock updates', () => {
  it('takes PUT {variant: {stockLevel}} and shows it on the next read', async () => {
    const v = ls.state.variants[5];
    const put = await call(`${ls.baseUrl}/variants/${v.id}.json`, { method: 'PUT', headers: auth(), body: { variant: { stockLevel: 7 } } });
    expect(put.status).toBe(200);
    expect(put.json.variant).toEqual(expect.objectContaining({ id: v.id, sku: v.sku, stockLevel: 7 }));
    const read = await call(`${ls.baseUrl}/variants/${v.id}.json`, { headers: auth() });
    expect(read.json.variant.stockLevel).toBe(7);
    const bySku = await call(`${ls.baseUrl}/variants.json?sku=${v.sku}`, { headers: auth() });
    expect(bySku.json.variants[0].stockLevel).toBe(7);
  });

  it('refuses bodies it does not understand, naming the field', async () => {
    const v = ls.state.variants[0];
    const unwrapped = await call(`${ls.baseUrl}/variants/${v.id}.json`, { method: 'PUT', headers: auth(), body: { stockLevel: 1 } });
    expect(unwrapped.status).toBe(400);
    const unknown = await call(`${ls.baseUrl}/variants/${v.id}.json`, { method: 'PUT', headers: auth(), body: { variant: { stock: 1 } } });
    expect(unknown.json.error.message).toContain('stock');
    const fraction = await call(`${ls.baseUrl}/variants/${v.id}.json`, { method: 'PUT', headers: auth(), body: { variant: { stockLevel: 1.5 } } });
    expect(fraction.json.error.message).toContain('stockLevel');
    expect(ls.state.variants[0].stockLevel).toBe(v.stockLevel);
  });
});

describe('webhooks', () => {
  it('signs a variant change with md5(body + secret), as a receiver checks it', async () => {
    const created = await call(`${ls.baseUrl}/webhooks.json`, {
      method: 'POST',
      headers: auth(),
      body: { webhook: { isActive: true, itemGroup: 'variants', itemAction: 'updated', language: 'nl', format: 'json', address: hooks.url } },
    });
    expect(created.status).toBe(201);
    const v = ls.state.variants[2];
    await call(`${ls.origin}/__sandbox/stock`, { method: 'POST', body: { sku: v.sku, stockLevel: 3 } });
    await until(() => hooks.attempts.length === 1, 'the variant webhook');
    const { headers, body } = hooks.attempts[0];
    // Written from the forum answers, not from the sandbox: md5 over the raw bytes, then the secret.
    expect(headers['x-signature']).toBe(createHash('md5').update(`${body}${ls.webhookSecret}`).digest('hex'));
    expect(JSON.parse(body).variant).toEqual(expect.objectContaining({ id: v.id, sku: v.sku, stockLevel: 3 }));
    // The event and its context travel in headers, as eCom's clients read them.
    expect(headers).toEqual(
      expect.objectContaining({ 'x-event': 'variants/updated', 'x-cluster-id': 'eu1', 'x-format': 'json', 'x-language': 'nl', 'x-shop-id': '310001' }),
    );
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // The receiver has the delivery before the sandbox has counted its answer: let the count land
    // here, not in the next test's counters (seen on a busy machine).
    await ls.state.dispatcher.whenIdle();
  });

  it('retries a refused delivery with the same bytes', async () => {
    ls.state.addHook({ webhook: { itemGroup: 'variants', itemAction: '*', language: 'nl', format: 'json', address: hooks.url } }, ['nl']);
    hooks.script = [500, 503];
    ls.state.setStockLevel(ls.state.variants[1].sku, 11);
    await ls.state.dispatcher.whenIdle();
    expect(hooks.attempts).toHaveLength(3);
    expect(new Set(hooks.attempts.map((a) => `${a.body} ${String(a.headers['x-signature'])}`)).size).toBe(1);
    expect(ls.state.stats().webhooks).toEqual(expect.objectContaining({ attempts: 3, succeeded: 1, failedAttempts: 2, retries: 2, gaveUp: 0 }));
  });
});

describe('counters and control', () => {
  it('counts API calls by route and status, not control calls, and resets them', async () => {
    await call(`${ls.baseUrl}/variants.json?limit=1`, { headers: auth() });
    await call(`${ls.baseUrl}/variants/1.json`, { headers: auth() });
    await call(`${ls.origin}/__sandbox/stats`);
    const s = ls.state.stats();
    expect(ls.requests()).toEqual({ total: 2, byStatus: { '200': 1, '404': 1 } });
    expect(s.byPath).toEqual({ 'GET /{lang}/variants.json': 1, 'GET /{lang}/variants/{id}.json': 1 });
    await call(`${ls.origin}/__sandbox/stats/reset`, { method: 'POST' });
    expect(ls.requests()).toEqual({ total: 0, byStatus: {} });
  });

  it('injects faults before auth, then serves normally', async () => {
    const cfg = await call(`${ls.origin}/__sandbox/config`, { method: 'PUT', body: { faults: [{ status: 503, count: 2, path: '/variants' }] } });
    expect(cfg.json.faults).toEqual([{ status: 503, count: 2, path: '/variants' }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(`${ls.baseUrl}/variants/count.json`, { headers: auth() })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(ls.state.stats().faultsServed).toBe(2);
  });
});

describe('env', () => {
  it('names the LIGHTSPEED_ECOM_* variables the gateway will read', () => {
    expect(lightspeedEcomEnv(ls)).toEqual({
      LIGHTSPEED_ECOM_BASE_URL: ls.origin,
      LIGHTSPEED_ECOM_LANGUAGE: 'nl',
      LIGHTSPEED_ECOM_API_KEY: ls.apiKey,
      LIGHTSPEED_ECOM_API_SECRET: ls.apiSecret,
      LIGHTSPEED_ECOM_WEBHOOK_SECRET: ls.webhookSecret,
    });
    expect(sandboxEnv({ lightspeedEcom: ls })).toEqual(lightspeedEcomEnv(ls));
  });
});
