import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { call, startReceiver } from './picqer-helpers';

describe('Picqer sandbox: API', () => {
  let sb: PicqerSandbox;
  beforeAll(async () => {
    sb = await startPicqerSandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('rejects a missing or unknown API key with 401 and a Picqer error body', async () => {
    const none = await call(sb, 'GET', '/products', { key: null });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: true, error_code: expect.any(Number), error_message: expect.stringContaining('API key') });
    expect(none.json.error_message).not.toContain(sb.apiKey);
    const wrong = await call(sb, 'GET', '/products', { key: 'not-a-key' });
    expect(wrong.status).toBe(401);
    const right = await call(sb, 'GET', '/products');
    expect(right.status).toBe(200);
    expect(right.headers['x-ratelimit-limit']).toBe('500');
    expect(Number(right.headers['x-ratelimit-remaining'])).toBeLessThan(500);
  });

  it('requires a User-Agent header', async () => {
    const res = await call(sb, 'GET', '/products', { ua: null });
    expect(res.status).toBe(400);
    expect(res.json.error_message).toContain('User-Agent');
  });

  it('pages lists by 100 with offset and covers every product once', async () => {
    const seen = new Set<number>();
    let offset = 0;
    for (;;) {
      const res = await call(sb, 'GET', `/products?offset=${offset}`);
      expect(res.status).toBe(200);
      expect(res.json.length).toBeLessThanOrEqual(100);
      for (const p of res.json) seen.add(p.idproduct);
      if (res.json.length < 100) break;
      offset += 100;
    }
    expect(seen.size).toBe(2000);
    expect((await call(sb, 'GET', '/products?offset=2000')).json).toEqual([]);
    expect((await call(sb, 'GET', '/products?offset=-1')).status).toBe(400);
    expect((await call(sb, 'GET', '/products?offset=abc')).status).toBe(400);
  });

  it('returns products with a stock row per warehouse where freestock = stock - reserved', async () => {
    const res = await call(sb, 'GET', '/products?offset=0');
    for (const p of res.json) {
      expect(p.stock.map((s: any) => s.idwarehouse)).toEqual([1, 2, 3]);
      for (const s of p.stock) {
        expect(s.reserved).toBe(s.reservedpicklists + s.reservedallocations + s.reservedbackorders);
        expect(s.freestock).toBe(s.stock - s.reserved);
      }
    }
  });

  it('derives reservations from open picklists and allocating orders', () => {
    const expected = new Map<string, number>();
    const add = (id: number, wh: number, n: number) => expected.set(`${id}:${wh}`, (expected.get(`${id}:${wh}`) ?? 0) + n);
    for (const pl of sb.state.picklists)
      if (['new', 'paused', 'snoozed'].includes(pl.status)) for (const l of pl.products) add(l.idproduct, pl.idwarehouse, l.amount - l.amount_picked);
    for (const o of sb.state.orders) if (['concept', 'expected'].includes(o.status)) for (const l of o.products) add(l.idproduct, o.idwarehouse ?? 1, l.amount);
    let reservedRows = 0;
    for (const p of sb.state.products) {
      for (const s of p.stock) {
        expect(s.reserved).toBe(expected.get(`${p.idproduct}:${s.idwarehouse}`) ?? 0);
        expect(s.freestock).toBeGreaterThanOrEqual(0);
        if (s.reserved > 0) reservedRows++;
      }
    }
    expect(reservedRows).toBeGreaterThan(0);
  });

  it('filters products by idproducts (comma list or idproducts[]), productcode, search and type', async () => {
    const byList = await call(sb, 'GET', '/products?idproducts=10005,10001,10003');
    expect(byList.json.map((p: any) => p.idproduct)).toEqual([10001, 10003, 10005]);
    const byArray = await call(sb, 'GET', '/products?idproducts[]=10002&idproducts[]=10004');
    expect(byArray.json.map((p: any) => p.idproduct)).toEqual([10002, 10004]);
    expect((await call(sb, 'GET', '/products?idproducts=10001,x')).status).toBe(400);
    const byCode = await call(sb, 'GET', '/products?productcode=PG-00042');
    expect(byCode.json.map((p: any) => p.productcode)).toEqual(['PG-00042']);
    expect((await call(sb, 'GET', '/products?productcode=NOPE')).json).toEqual([]);
    const search = await call(sb, 'GET', '/products?search=pg-0012');
    expect(search.json.length).toBe(10);
    expect((await call(sb, 'GET', '/products?type=normal')).json.length).toBe(100);
    const badType = await call(sb, 'GET', '/products?type=gadget');
    expect(badType.status).toBe(400);
    expect(badType.json.error_message).toContain('type');
    // Unknown parameters are ignored.
    const plain = await call(sb, 'GET', '/products');
    expect((await call(sb, 'GET', '/products?colour=red')).json.map((p: any) => p.idproduct)).toEqual(plain.json.map((p: any) => p.idproduct));
  });

  it('filters orders and picklists by status, warehouse and ids, and rejects bad values', async () => {
    const processing = await call(sb, 'GET', '/orders?status=processing');
    expect(processing.json.length).toBeGreaterThan(0);
    expect(processing.json.every((o: any) => o.status === 'processing' && o.products.length > 0)).toBe(true);
    expect((await call(sb, 'GET', '/orders?status=shipped')).status).toBe(400);
    const order = processing.json[0];
    expect((await call(sb, 'GET', `/orders?orderid=${order.orderid}`)).json.map((o: any) => o.idorder)).toEqual([order.idorder]);
    const picklists = await call(sb, 'GET', `/picklists?idorder=${order.idorder}`);
    expect(picklists.json.map((p: any) => p.status)).toEqual(['new']);
    const wh2 = await call(sb, 'GET', '/picklists?idwarehouse=2&status=closed');
    expect(wh2.json.length).toBeGreaterThan(0);
    expect(wh2.json.every((p: any) => p.idwarehouse === 2 && p.status === 'closed' && p.closed_at)).toBe(true);
    expect((await call(sb, 'GET', '/picklists?idwarehouse=two')).status).toBe(400);
    expect((await call(sb, 'GET', '/orders?updated_after=yesterday')).status).toBe(400);
    // Every completed order has a closed picklist.
    const completed = sb.state.orders.filter((o) => o.status === 'completed');
    const closedFor = new Set(sb.state.picklists.filter((p) => p.status === 'closed').map((p) => p.idorder));
    expect(completed.every((o) => closedFor.has(o.idorder))).toBe(true);
  });

  it('has a warehouse whose stock does not count for general stock, holding stock of some products', async () => {
    const warehouses = (await call(sb, 'GET', '/warehouses')).json;
    expect(warehouses.map((w: any) => [w.idwarehouse, w.counts_for_general_stock, w.accept_orders])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, false, false],
    ]);
    const first = (await call(sb, 'GET', '/products/10001')).json;
    expect(first.stock.find((s: any) => s.idwarehouse === 3).freestock).toBeGreaterThan(0);
    // Orders are never placed in it, so nothing there is reserved.
    expect(sb.state.orders.some((o) => o.idwarehouse === 3)).toBe(false);
  });

  it('serves single resources and answers 404 / 405 as JSON', async () => {
    expect((await call(sb, 'GET', '/products/10001')).json.productcode).toBe('PG-00001');
    expect((await call(sb, 'GET', '/warehouses')).json.map((w: any) => w.idwarehouse)).toEqual([1, 2, 3]);
    expect((await call(sb, 'GET', '/customers/3001')).json.idcustomer).toBe(3001);
    const missing = await call(sb, 'GET', '/products/1');
    expect(missing).toMatchObject({ status: 404, json: { error: true, error_code: 20 } });
    expect((await call(sb, 'GET', '/products/abc')).status).toBe(404);
    expect((await call(sb, 'GET', '/nothing-here')).status).toBe(404);
    const wrongMethod = await call(sb, 'DELETE', '/products');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');
    expect(wrongMethod.json.error).toBe(true);
  });

  it('reads and changes stock through the stock endpoints', async () => {
    const all = await call(sb, 'GET', '/products/10010/stock');
    expect(all.json).toHaveLength(3);
    const before = (await call(sb, 'GET', '/products/10010/stock/1')).json;
    expect(before).toMatchObject({ idwarehouse: 1, locations: [] });
    const changed = await call(sb, 'POST', '/products/10010/stock/1', { body: { change: 5, reason: 'test' } });
    expect(changed.status).toBe(201);
    expect(changed.json).toMatchObject({ stock: before.stock + 5, freestock: before.freestock + 5 });
    const set = await call(sb, 'POST', '/products/10010/stock/1', { body: { amount: before.stock + 1 } });
    expect(set.json.stock).toBe(before.stock + 1);
    expect((await call(sb, 'POST', '/products/10010/stock/1', { body: {} })).status).toBe(400);
    expect((await call(sb, 'POST', '/products/10010/stock/1', { body: { change: -100000 } })).status).toBe(400);
    expect((await call(sb, 'GET', '/products/10010/stock/99')).status).toBe(404);
  });

  it('counts requests by route pattern and status in /__sandbox/stats', async () => {
    await call(sb, 'POST', '/__sandbox/stats/reset');
    await call(sb, 'GET', '/products/10001');
    await call(sb, 'GET', '/products/10002');
    await call(sb, 'GET', '/products/1');
    const stats = (await call(sb, 'GET', '/__sandbox/stats')).json;
    expect(stats.total).toBe(3);
    expect(stats.byPath).toEqual({ 'GET /api/v1/products/:idproduct': 3 });
    expect(stats.byStatus).toEqual({ 200: 2, 404: 1 });
    expect(stats.maxInWindow).toBe(3);
  });
});

describe('Picqer sandbox: rate limit and faults', () => {
  let sb: PicqerSandbox;
  beforeAll(async () => {
    sb = await startPicqerSandbox({ products: 50, orders: 20, rateLimitPerMinute: 5, rateWindowMs: 60_000 });
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(async () => {
    await call(sb, 'POST', '/__sandbox/stats/reset');
  });

  it('answers 429 with error code 28 and no Retry-After over the limit, serves none of those, and reports maxInWindow', async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await call(sb, 'GET', '/warehouses'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(answers.slice(0, 5).map((a) => a.headers['x-ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    const refused = answers[5];
    expect(refused.json).toMatchObject({ error: true, error_code: 28 });
    expect(refused.headers['x-ratelimit-limit']).toBe('5');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    // Picqer documents only the X-RateLimit-* pair; Retry-After is sent only when asked for.
    expect(refused.headers['retry-after']).toBeUndefined();
    const stats = (await call(sb, 'GET', '/__sandbox/stats')).json;
    expect(stats).toMatchObject({ total: 8, served429: 3, maxInWindow: 5, limit: 5, windowMs: 60000 });
    expect((await call(sb, 'PUT', '/__sandbox/config', { body: { retryAfterOn429: true } })).json.retryAfterOn429).toBe(true);
    const withHeader = await call(sb, 'GET', '/warehouses');
    expect(withHeader.status).toBe(429);
    // Seconds until the oldest request leaves the 60 s window.
    expect(Number(withHeader.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(withHeader.headers['retry-after'])).toBeLessThanOrEqual(60);
    await call(sb, 'PUT', '/__sandbox/config', { body: { retryAfterOn429: false } });
    expect((await call(sb, 'GET', '/warehouses')).headers['retry-after']).toBeUndefined();
    expect((await call(sb, 'PUT', '/__sandbox/config', { body: { retryAfterOn429: 'yes' } })).status).toBe(400);

    // A new limit shows in the next answer at once.
    sb.state.setRateLimit(7);
    const after = await call(sb, 'GET', '/warehouses');
    expect(after.status).toBe(200);
    expect(after.headers['x-ratelimit-limit']).toBe('7');
    await call(sb, 'PUT', '/__sandbox/config', { body: { rateLimitPerMinute: 1000 } });
    expect((await call(sb, 'GET', '/warehouses')).headers['x-ratelimit-limit']).toBe('1000');
    expect((await call(sb, 'PUT', '/__sandbox/config', { body: { rateLimitPerMinute: 0 } })).status).toBe(400);
  });

  it('injects status faults for the next N requests, then serves again', async () => {
    const put = await call(sb, 'PUT', '/__sandbox/config', { body: { faults: { status: 503, count: 2 } } });
    expect(put.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sb, 'GET', '/warehouses')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('injects a 429 storm that costs no rate budget, with Retry-After only when given', async () => {
    await call(sb, 'PUT', '/__sandbox/config', { body: { faults: { storm429: 2, retryAfterSeconds: 3 } } });
    const a = await call(sb, 'GET', '/warehouses');
    const b = await call(sb, 'GET', '/warehouses');
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(a.headers['retry-after']).toBe('3');
    expect(a.json.error_code).toBe(28);
    const stats = sb.state.stats();
    expect(stats.served429).toBe(2);
    expect(stats.maxInWindow).toBe(0);
    sb.state.setFaults({ storm429: 1 });
    const plain = await call(sb, 'GET', '/warehouses');
    expect(plain.status).toBe(429);
    expect(plain.headers['retry-after']).toBeUndefined();
  });

  it('hangs then closes the connection for a timeout fault', async () => {
    sb.state.setFaults({ timeoutMs: 30 });
    await expect(call(sb, 'GET', '/warehouses')).rejects.toThrow();
    expect(sb.state.stats().byStatus).toEqual({ timeout: 1 });
    expect((await call(sb, 'GET', '/warehouses')).status).toBe(200);
  });
});

describe('Picqer sandbox: hooks and webhook deliveries', () => {
  let sb: PicqerSandbox;
  const receivers: Server[] = [];
  beforeAll(async () => {
    sb = await startPicqerSandbox({ products: 200, orders: 100, webhookRetryDelaysMs: [10, 10], webhookTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await sb.close();
    await Promise.all(receivers.map((s) => new Promise((r) => s.close(r))));
  });
  async function receiver(answer?: (n: number) => number) {
    const r = await startReceiver(answer);
    receivers.push(r.server);
    return r;
  }

  it('creates, lists, deactivates and reactivates hooks', async () => {
    const created = await call(sb, 'POST', '/hooks', { body: { name: 'crud', event: 'orders.status_changed', address: 'http://127.0.0.1:9/x', secret: 's3' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ idhook: expect.any(Number), name: 'crud', event: 'orders.status_changed', address: 'http://127.0.0.1:9/x', active: true });
    const id = created.json.idhook;
    expect((await call(sb, 'GET', '/hooks')).json.map((h: any) => h.idhook)).toContain(id);
    expect((await call(sb, 'DELETE', `/hooks/${id}`)).status).toBe(204);
    expect((await call(sb, 'GET', `/hooks/${id}`)).json.active).toBe(false);
    expect((await call(sb, 'POST', `/hooks/${id}/reactivate`)).json.active).toBe(true);
    expect((await call(sb, 'GET', '/hooks/99999')).status).toBe(404);
    const missing = await call(sb, 'POST', '/hooks', { body: { name: 'x' } });
    expect(missing).toMatchObject({ status: 400, json: { error_code: 5 } });
    expect(missing.json.error_message).toContain('event');
    expect((await call(sb, 'POST', '/hooks', { body: { name: 'x', event: 'stock.moved', address: 'http://127.0.0.1:9/' } })).status).toBe(400);
    await call(sb, 'DELETE', `/hooks/${id}`);
  });

  it('delivers signed free-stock events in order, with a verifiable X-Picqer-Signature', async () => {
    const r = await receiver();
    const secret = 'webhook-secret-for-tests';
    const hook = (await call(sb, 'POST', '/hooks', { body: { name: 'stock', event: 'products.free_stock_changed', address: r.url, secret } })).json;
    const plain = await receiver();
    const plainHook = (await call(sb, 'POST', '/hooks', { body: { name: 'alias', event: 'products.freestockchanged', address: plain.url } })).json;
    const before = sb.state.products[4].stock[0].stock;
    for (const change of [1, 2, 3]) {
      expect((await call(sb, 'POST', '/__sandbox/stock', { body: { productcode: 'PG-00005', idwarehouse: 1, change } })).status).toBe(200);
    }
    await sb.state.whenDeliveriesIdle();
    expect(r.got).toHaveLength(3);
    for (const d of r.got) {
      const expected = createHmac('sha256', secret).update(d.raw).digest('base64');
      expect(d.headers['x-picqer-signature']).toBe(expected);
      expect(d.headers['content-type']).toContain('application/json');
    }
    const bodies = r.got.map((d) => JSON.parse(d.raw));
    expect(bodies[0]).toMatchObject({
      idhook: hook.idhook,
      name: 'stock',
      event: 'products.free_stock_changed',
      event_triggered_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    expect(bodies.map((b) => b.data.stock[0].stock)).toEqual([before + 1, before + 3, before + 6]);
    expect(bodies[0].data.productcode).toBe('PG-00005');
    // A hook without a secret gets unsigned deliveries; the alias spelling receives the same events.
    expect(plain.got).toHaveLength(3);
    expect(plain.got[0].headers['x-picqer-signature']).toBeUndefined();
    expect(JSON.parse(plain.got[0].raw).event).toBe('products.freestockchanged');
    await call(sb, 'DELETE', `/hooks/${hook.idhook}`);
    await call(sb, 'DELETE', `/hooks/${plainHook.idhook}`);
  });

  it('retries a failing receiver with the same body until it accepts', async () => {
    const r = await receiver((n) => (n <= 2 ? 500 : 200));
    const hook = (await call(sb, 'POST', '/hooks', { body: { name: 'closed', event: 'picklists.closed', address: r.url, secret: 'k' } })).json;
    const statusHook = await receiver();
    const sh = (await call(sb, 'POST', '/hooks', { body: { name: 'status', event: 'orders.status_changed', address: statusHook.url } })).json;
    const before = sb.state.stats().webhooks;
    const open = sb.state.picklists.find((p) => p.status === 'new')!;
    const closed = await call(sb, 'POST', `/__sandbox/picklists/${open.idpicklist}/close`);
    expect(closed.json.status).toBe('closed');
    await sb.state.whenDeliveriesIdle();
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((d) => d.raw)).size).toBe(1);
    expect(JSON.parse(r.got[2].raw).data).toMatchObject({ idpicklist: open.idpicklist, status: 'closed' });
    expect(JSON.parse(statusHook.got[0].raw).data).toMatchObject({ idorder: open.idorder, status: 'completed' });
    const after = sb.state.stats().webhooks;
    expect(after.failedAttempts - before.failedAttempts).toBe(2);
    expect(after.succeeded - before.succeeded).toBe(2);
    expect((await call(sb, 'POST', `/__sandbox/picklists/${open.idpicklist}/close`)).status).toBe(400);
    await call(sb, 'DELETE', `/hooks/${hook.idhook}`);
    await call(sb, 'DELETE', `/hooks/${sh.idhook}`);
  });

  it('deactivates a hook after 5 complete failures', async () => {
    const r = await receiver(() => 500);
    const hook = (await call(sb, 'POST', '/hooks', { body: { name: 'dead', event: 'products.free_stock_changed', address: r.url } })).json;
    for (let i = 0; i < 6; i++) sb.state.moveStock({ idproduct: 10020 }, 2, 1);
    await sb.state.whenDeliveriesIdle();
    // 5 deliveries x 3 attempts; the sixth was dropped when the hook went inactive.
    expect(r.got).toHaveLength(15);
    expect((await call(sb, 'GET', `/hooks/${hook.idhook}`)).json.active).toBe(false);
    expect(sb.state.stats().webhooks.deactivations).toBe(1);
  });

  it('changes order status through the control surface, releasing the picklist reservation', async () => {
    const r = await receiver();
    const hook = (await call(sb, 'POST', '/hooks', { body: { name: 'st', event: 'orders.status_changed', address: r.url } })).json;
    const order = sb.state.orders.find((o) => o.status === 'processing')!;
    const line = order.products[0];
    const row = () => sb.state.products.find((p) => p.idproduct === line.idproduct)!.stock.find((s) => s.idwarehouse === order.idwarehouse)!;
    const freeBefore = row().freestock;
    const res = await call(sb, 'POST', `/__sandbox/orders/${order.idorder}/status`, { body: { status: 'cancelled' } });
    expect(res.json.status).toBe('cancelled');
    expect(row().freestock).toBe(freeBefore + line.amount);
    expect(sb.state.picklists.filter((p) => p.idorder === order.idorder).map((p) => p.status)).toEqual(['cancelled']);
    expect((await call(sb, 'POST', `/__sandbox/orders/${order.idorder}/status`, { body: { status: 'lost' } })).status).toBe(400);
    await sb.state.whenDeliveriesIdle();
    expect(JSON.parse(r.got[0].raw)).toMatchObject({ event: 'orders.status_changed', data: { idorder: order.idorder, status: 'cancelled' } });
    await call(sb, 'DELETE', `/hooks/${hook.idhook}`);
  });

  it('simulator ticks close the oldest open picklist and take in a new order', () => {
    const orders = sb.state.orders.length;
    const oldest = sb.state.picklists.find((p) => p.status === 'new')!;
    sb.state.simulator.tick();
    expect(sb.state.picklists.find((p) => p.idpicklist === oldest.idpicklist)!.status).toBe('closed');
    expect(sb.state.orders.length).toBe(orders + 1);
    const newest = sb.state.orders[sb.state.orders.length - 1];
    expect(newest.status).toBe('processing');
    expect(sb.state.picklists.filter((p) => p.idorder === newest.idorder).map((p) => p.status)).toEqual(['new']);
    for (const p of sb.state.products) for (const s of p.stock) expect(s.freestock).toBe(s.stock - s.reserved);
  });
});
