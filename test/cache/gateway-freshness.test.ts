import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify';
import { levelKey } from '../../src/sandbox/shopify/state';
import { picqerTimestamp } from '../../src/sandbox/picqer/http-util';
import { gql } from '../helpers/gql';
import { deleteKeys } from '../helpers/redis-keys';
import { until } from '../helpers/until';
import { cachePrefix, gatewayFor, nextSecond, PICQER_SECRET, picqerDelivery, postPicqer, sandboxStock, SHARED_REDIS, usage } from './support';

/**
 * Invalidation on every event type, across two gateways on one Redis: gateway B reads (and so fills
 * the shared cache), the event reaches gateway A only, and B's next read answers the change. Events
 * the Picqer sandbox fires reach A through hooks the sandbox delivers; the others are signed here.
 */

let picqer: PicqerSandbox;
let shop: ShopifySandbox;
let a: RunningGateway;
let b: RunningGateway;
const prefix = cachePrefix('fresh');

beforeAll(async () => {
  // No retries: a refused delivery fails at once, and whenDeliveriesIdle never waits for a retry.
  picqer = await startPicqerSandbox({ products: 60, orders: 40, webhookRetryDelaysMs: [] });
  shop = await startShopifySandbox({ products: 60 });
  // No grace for picklist and order events: their products go stale at once (the grace itself is
  // covered in entity-cache.test.ts).
  const env = {
    REDIS_URL: SHARED_REDIS,
    REDIS_KEY_PREFIX: prefix,
    PICQER_WEBHOOK_SECRET: PICQER_SECRET,
    SHOPIFY_WEBHOOK_SECRET: shop.webhookSecret,
    CACHE_EVENT_GRACE_MS: '0',
  };
  a = await gatewayFor({ picqer, shopify: shop }, env);
  b = await gatewayFor({ picqer, shopify: shop }, env);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([picqer?.close(), shop?.close()]);
  await deleteKeys(SHARED_REDIS, prefix);
});

const STOCK = 'stock { warehouse { idwarehouse } stock reserved freeStock }';
const BY_ID = `query($id: ID!) { product(id: $id) { idproduct productcode name ${STOCK} } }`;
const BY_CODE = `query($c: String!) { product(productcode: $c) { idproduct productcode name ${STOCK} } }`;
const SHOPIFY = 'query($c: String!) { product(productcode: $c) { productcode shopify { sku inventory { location { id } available } } } }';

/** Product ids the tests change, one set per test, so no test reads another's entries. */
function productsFrom(index: number, count = 1): number[] {
  return picqer.state.products.slice(index, index + count).map((p) => p.idproduct);
}

/** Several products by id in one request, as `p<id>` aliases. */
function byIds(ids: number[]): string {
  return `{ ${ids.map((id) => `p${id}: product(id: "${id}") { idproduct ${STOCK} }`).join(' ')} }`;
}

/**
 * Reads `query` on B twice: the first fills the shared cache, the second is answered from it
 * (no Picqer call, hits reported). Returns the second answer.
 */
async function readTwiceOnB(query: string, variables?: Record<string, unknown>, upstream: 'picqer' | 'shopify' = 'picqer'): Promise<any> {
  const first = await gql(b, query, variables);
  expect(first.body.errors).toBeUndefined();
  const calls = { picqer: picqer.requests().total, shopify: shop.requests().total };
  const second = await gql(b, query, variables);
  expect(second.body.errors).toBeUndefined();
  expect(usage(second.body, upstream).cacheHits).toBeGreaterThanOrEqual(1);
  expect(usage(second.body, upstream).calls).toBe(0);
  expect(picqer.requests().total - calls.picqer).toBe(0);
  expect(shop.requests().total - calls.shopify).toBe(0);
  expect(second.body.data).toEqual(first.body.data);
  return second.body.data;
}

/** Runs `act` with a sandbox hook for `event` pointing at gateway A, and waits for its deliveries. */
async function withHookToA(event: string, act: () => void): Promise<void> {
  const before = picqer.state.stats().webhooks;
  const hook = picqer.state.hooks.create({ name: 'gateway-a', event, address: `${a.url}/webhooks/picqer`, secret: PICQER_SECRET });
  try {
    act();
    await picqer.state.whenDeliveriesIdle();
  } finally {
    picqer.state.hooks.deactivate(hook.idhook);
  }
  const after = picqer.state.stats().webhooks;
  expect(after.failedAttempts - before.failedAttempts).toBe(0);
  expect(after.succeeded - before.succeeded).toBeGreaterThanOrEqual(1);
}

/** The sandbox's product as Picqer's webhook `data` carries it (a copy, frozen in time). */
function productData(idproduct: number): Record<string, unknown> {
  return structuredClone(picqer.state.products.find((p) => p.idproduct === idproduct)!) as unknown as Record<string, unknown>;
}

describe('stock events update the shared entry in place', () => {
  it('products.free_stock_changed (a sandbox delivery to A): B answers the new stock with no Picqer call', async () => {
    const [id] = productsFrom(0);
    const before = await readTwiceOnB(BY_ID, { id: String(id) });
    await nextSecond();
    await withHookToA('products.free_stock_changed', () => picqer.state.moveStock({ idproduct: id }, 1, 5));

    const calls = picqer.requests().total;
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(picqer.requests().total - calls).toBe(0);
    expect(usage(after.body, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
    expect(usage(after.body, 'picqer').cacheHits).toBeGreaterThanOrEqual(1);
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(before.product.stock);
  });

  it('products.stock_changed (signed here): B answers the new stock with no Picqer call', async () => {
    const [id] = productsFrom(1);
    const before = await readTwiceOnB(BY_ID, { id: String(id) });
    await nextSecond();
    picqer.state.moveStock({ idproduct: id }, 1, 4); // no hook is active: the delivery below is the only one
    expect((await postPicqer(a, picqerDelivery('products.stock_changed', productData(id)))).status).toBe(200);

    const calls = picqer.requests().total;
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(picqer.requests().total - calls).toBe(0);
    expect(usage(after.body, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(before.product.stock);
  });

  it('a free-stock delivery: Redis applies the cache write, then the append, both sent on one connection', async () => {
    const [id] = productsFrom(20);
    await readTwiceOnB(BY_ID, { id: String(id) });
    await nextSecond();
    picqer.state.moveStock({ idproduct: id }, 1, 4);
    // MONITOR lists commands in the order Redis runs them, with the connection each came from.
    // Redis sends MONITOR's OK and the first lines it lists (other test files' workers run commands
    // too) in one read when it is busy; ioredis enters monitor mode only a microtask after the OK,
    // so it reports those lines as replies without a command ("Command queue state error"), and
    // its own monitor() rejects. Lines before monitoring began are nothing this test needs; any
    // other error fails it.
    const monitor = new Redis(SHARED_REDIS, { monitor: true });
    const errors: Error[] = [];
    monitor.on('error', (err: Error) => {
      if (!err.message.startsWith('Command queue state error')) errors.push(err);
    });
    await new Promise((resolve) => monitor.once('monitoring', resolve));
    const ran: Array<{ source: string; args: string[] }> = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args.some((a) => a.startsWith(prefix))) ran.push({ source, args });
    });
    const isEval = (c: { args: string[] }): boolean => /^eval/i.test(c.args[0]);
    const write = (): number => ran.findIndex((c) => isEval(c) && c.args.some((a) => a.startsWith(`${prefix}cache:v:`) && a.endsWith(`:product:${id}`)));
    const append = (): number => ran.findIndex((c) => isEval(c) && c.args.includes(`${prefix}events`));
    try {
      const answer = await postPicqer(a, picqerDelivery('products.free_stock_changed', productData(id)));
      expect(answer.status).toBe(200);
      await until(() => append() >= 0, 'the append in the monitor');
    } finally {
      monitor.disconnect();
    }
    expect(errors).toEqual([]);
    expect(write()).toBeGreaterThanOrEqual(0);
    expect(write()).toBeLessThan(append());
    expect(ran[append()].source).toBe(ran[write()].source);
    expect((await gql(b, BY_ID, { id: String(id) })).body.data.product.stock).toEqual(sandboxStock(picqer, id));
  });

  it.each([
    ['products.free_stock_changed', 2],
    ['products.stock_changed', 6],
  ])('a repeated %s delivery does not bring the older stock back', async (event, index) => {
    const [id] = productsFrom(index);
    await readTwiceOnB(BY_ID, { id: String(id) });
    picqer.state.moveStock({ idproduct: id }, 1, 3);
    const older = picqerDelivery(event, productData(id));
    const olderStock = sandboxStock(picqer, id);
    expect((await postPicqer(a, older)).status).toBe(200);
    picqer.state.moveStock({ idproduct: id }, 1, 6);
    expect((await postPicqer(a, picqerDelivery(event, productData(id)))).status).toBe(200);
    expect((await gql(b, BY_ID, { id: String(id) })).body.data.product.stock).toEqual(sandboxStock(picqer, id));

    // Picqer sends the older delivery again (its acknowledgement was lost, say).
    const again = await postPicqer(a, older);
    expect(again.status).toBe(200);
    if (event === 'products.free_stock_changed') expect(again.json.duplicate).toBe(true);
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(olderStock);
  });
});

describe('stock deliveries out of order (two hooks, each retried on its own)', () => {
  /** The product's state now, as a delivery of `event` at Picqer time `at` would carry it. */
  function deliveryNow(id: number, event: string, at: string): string {
    return picqerDelivery(event, productData(id), 9002, at);
  }

  /** The same delivery as `delivery`, as the hook of `event` sends it. */
  function deliveryNowAs(delivery: string, event: string): string {
    return JSON.stringify({ ...(JSON.parse(delivery) as object), event, idhook: 9003 });
  }

  it('an older delivery arriving after a newer one does not write its stock back (the next read asks Picqer)', async () => {
    const [id] = productsFrom(14);
    await readTwiceOnB(BY_ID, { id: String(id) });
    picqer.state.moveStock({ idproduct: id }, 1, 3);
    const older = deliveryNow(id, 'products.free_stock_changed', picqerTimestamp(Date.now() + 1000));
    const olderStock = sandboxStock(picqer, id);
    picqer.state.moveStock({ idproduct: id }, 1, 6);
    const newer = deliveryNow(id, 'products.stock_changed', picqerTimestamp(Date.now() + 2000));
    expect((await postPicqer(a, newer)).status).toBe(200);
    expect((await postPicqer(a, older)).status).toBe(200);

    const after = await gql(b, BY_ID, { id: String(id) });
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(olderStock);
  });

  it('an older delivery arriving after the product was fetched again does not write its stock (the next read asks Picqer)', async () => {
    const [id] = productsFrom(16);
    await readTwiceOnB(BY_ID, { id: String(id) });
    picqer.state.moveStock({ idproduct: id }, 1, 3);
    // The change happened seconds ago by Picqer's clock; its delivery is late (its hook lags behind).
    const late = deliveryNow(id, 'products.stock_changed', picqerTimestamp(Date.now() - 5000));
    const lateStock = sandboxStock(picqer, id);
    picqer.state.moveStock({ idproduct: id }, 1, 6);
    // Something else sends B to Picqer meanwhile: the entry now holds the later stock, fetched.
    expect((await postPicqer(a, picqerDelivery('products.changed', productData(id)))).status).toBe(200);
    expect((await gql(b, BY_ID, { id: String(id) })).body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect((await postPicqer(a, late)).status).toBe(200);

    const after = await gql(b, BY_ID, { id: String(id) });
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(lateStock);
  });

  it('a doubt stays: a later delivery of the same second repeating the stock held does not make the entry fresh again', async () => {
    const [id] = productsFrom(18);
    await readTwiceOnB(BY_ID, { id: String(id) });
    const second = picqerTimestamp(Date.now() + 3000);
    picqer.state.moveStock({ idproduct: id }, 1, 4);
    const first = deliveryNow(id, 'products.free_stock_changed', second);
    const firstStock = sandboxStock(picqer, id);
    picqer.state.moveStock({ idproduct: id }, 1, 3);
    const secondChange = deliveryNow(id, 'products.free_stock_changed', second);
    expect((await postPicqer(a, first)).status).toBe(200);
    expect((await postPicqer(a, secondChange)).status).toBe(200); // other stock, same second: in doubt
    // The other hook's delivery of the first change arrives last, carrying the stock held.
    expect((await postPicqer(a, deliveryNowAs(first, 'products.stock_changed'))).status).toBe(200);

    const calls = picqer.requests().total;
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(picqer.requests().total - calls).toBeGreaterThanOrEqual(1);
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
    expect(after.body.data.product.stock).not.toEqual(firstStock);
  });

  it('a delivery from the second the product was fetched in, carrying other stock: the next read asks Picqer', async () => {
    const [id] = productsFrom(17);
    const fetchedIn = picqerTimestamp(Date.now());
    await readTwiceOnB(BY_ID, { id: String(id) });
    // Picqer's whole second cannot tell this change from one the fetch already held.
    picqer.state.moveStock({ idproduct: id }, 1, 2);
    expect((await postPicqer(a, deliveryNow(id, 'products.stock_changed', fetchedIn))).status).toBe(200);

    const calls = picqer.requests().total;
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(picqer.requests().total - calls).toBeGreaterThanOrEqual(1);
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
  });

  it('two different stocks in the same Picqer second: the next read asks Picqer instead of guessing', async () => {
    const [id] = productsFrom(15);
    await readTwiceOnB(BY_ID, { id: String(id) });
    picqer.state.moveStock({ idproduct: id }, 1, 2);
    // Picqer's second, a little ahead of this clock: after the fill whatever the second this test runs in.
    const second5 = picqerTimestamp(Date.now() + 5000);
    const first = deliveryNow(id, 'products.free_stock_changed', second5);
    picqer.state.moveStock({ idproduct: id }, 1, 7);
    const second = deliveryNow(id, 'products.stock_changed', second5);
    expect((await postPicqer(a, second)).status).toBe(200);
    expect((await postPicqer(a, first)).status).toBe(200);

    const calls = picqer.requests().total;
    const after = await gql(b, BY_ID, { id: String(id) });
    expect(picqer.requests().total - calls).toBeGreaterThanOrEqual(1);
    expect(after.body.data.product.stock).toEqual(sandboxStock(picqer, id));
  });
});

describe('product events drop the product, its code and the list pages', () => {
  it.each(['products.created', 'products.changed'])('%s: B reads the product, its code and a products page again', async (event) => {
    const [id] = productsFrom(event === 'products.created' ? 10 : 11);
    const code = picqer.state.products.find((p) => p.idproduct === id)!.productcode;
    const page = '{ products(first: 5) { edges { node { idproduct productcode } } } }';
    await readTwiceOnB(BY_CODE, { c: code });
    await readTwiceOnB(page);

    expect((await postPicqer(a, picqerDelivery(event, productData(id)))).status).toBe(200);

    // The product first: the page below (Picqer pages are 100 rows) fills every product it lists.
    const calls = picqer.requests().total;
    const productAfter = await gql(b, BY_CODE, { c: code });
    expect(usage(productAfter.body, 'picqer').cacheMisses).toBeGreaterThanOrEqual(2); // the code and the product
    expect(picqer.requests().total - calls).toBeGreaterThanOrEqual(1);
    expect(productAfter.body.data.product.stock).toEqual(sandboxStock(picqer, id));

    const listCalls = picqer.state.stats().byPath['GET /api/v1/products'] ?? 0;
    const pageAfter = await gql(b, page);
    expect(usage(pageAfter.body, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
    expect((picqer.state.stats().byPath['GET /api/v1/products'] ?? 0) - listCalls).toBe(1);
    const first5 = picqer.state.products.slice(0, 5).map((p) => ({ idproduct: p.idproduct, productcode: p.productcode }));
    expect(pageAfter.body.data.products.edges.map((e: any) => e.node)).toEqual(first5);
  });

  it('products.changed: a renamed product is answered with its new name and enters a search page B had cached', async () => {
    const [id] = productsFrom(12);
    const term = `zebrafresh${process.pid}`;
    const search = `{ products(first: 5, search: "${term}") { edges { node { idproduct name } } } }`;
    const code = picqer.state.products.find((p) => p.idproduct === id)!.productcode;
    expect((await readTwiceOnB(search)).products.edges).toEqual([]);
    expect((await readTwiceOnB(BY_CODE, { c: code })).product.name).not.toContain(term);

    picqer.state.products.find((p) => p.idproduct === id)!.name = `Renamed ${term}`;
    expect((await postPicqer(a, picqerDelivery('products.changed', productData(id)))).status).toBe(200);

    expect((await gql(b, search)).body.data.products.edges).toEqual([{ node: { idproduct: id, name: `Renamed ${term}` } }]);
    expect((await gql(b, BY_CODE, { c: code })).body.data.product.name).toBe(`Renamed ${term}`);
  });
});

describe('order and picklist events make the products on them stale', () => {
  /**
   * A picklist or order event moves stock without carrying it (Picqer's stock deliveries bring the
   * new values): the products stay cached but past their freshness, so B answers at once from the
   * entry (counted as cacheStale), one refresh fetches them, and B then answers as the sandbox.
   */
  async function staleThenRefreshed(ids: number[]): Promise<void> {
    const calls = picqer.requests().total;
    const first = await gql(b, byIds(ids));
    expect(first.body.errors).toBeUndefined();
    expect(usage(first.body, 'picqer').cacheStale).toBeGreaterThanOrEqual(ids.length);
    await until(async () => {
      const r = await gql(b, byIds(ids));
      return ids.every((id) => JSON.stringify(r.body.data[`p${id}`].stock) === JSON.stringify(sandboxStock(picqer, id)));
    }, 'B to answer the refreshed stock');
    expect(picqer.requests().total - calls).toBeGreaterThanOrEqual(1);
  }

  it('picklists.closed (a sandbox delivery to A): B serves the entries stale once, refreshes them, and answers as the sandbox', async () => {
    const pl = picqer.state.picklists.find((x) => x.status === 'new' && x.products.length > 0 && x.products.every((l) => l.idproduct > 0))!;
    expect(pl).toBeDefined();
    const ids = [...new Set(pl.products.map((l) => l.idproduct))];
    const before = await readTwiceOnB(byIds(ids));
    // Only picklists.closed reaches A: the stock deliveries the close also fires go nowhere.
    await withHookToA('picklists.closed', () => picqer.state.closePicklist(pl.idpicklist));
    await staleThenRefreshed(ids);
    expect((await gql(b, byIds(ids))).body.data).not.toEqual(before);
  });

  it('orders.status_changed (a sandbox delivery to A): B serves the entries stale once, refreshes them, and answers as the sandbox', async () => {
    const open = new Set(picqer.state.picklists.filter((x) => x.status === 'new').map((x) => x.idorder));
    const order = picqer.state.orders.find((o) => o.status === 'processing' && open.has(o.idorder) && o.products.length > 0)!;
    expect(order).toBeDefined();
    const ids = [...new Set(order.products.map((l) => l.idproduct))];
    const before = await readTwiceOnB(byIds(ids));
    // Cancelling releases the open picklist's reservation: reserved and free stock move.
    await withHookToA('orders.status_changed', () => picqer.state.setOrderStatus(order.idorder, 'cancelled'));
    await staleThenRefreshed(ids);
    expect((await gql(b, byIds(ids))).body.data).not.toEqual(before);
  });
});

describe('Shopify variants', () => {
  /** A SKU with exactly one active variant, so "the variant" is unambiguous; `skip` SKUs other tests use. */
  function singleVariantSku(skip: string[]): string {
    const counts = new Map<string, number>();
    for (const v of shop.state.variants) if (v.sku) counts.set(v.sku, (counts.get(v.sku) ?? 0) + 1);
    const codes = new Set(picqer.state.products.map((p) => p.productcode));
    const sku = [...counts].find(([s, n]) => n === 1 && codes.has(s) && !skip.includes(s))?.[0];
    if (!sku) throw new Error('The sandboxes have no product with a single Shopify variant.');
    return sku;
  }

  function availableAt1(data: any): number | undefined {
    return data.product.shopify.inventory.find((l: any) => l.location.id === 'gid://shopify/Location/1')?.available;
  }

  function shopHolds(sku: string): number | undefined {
    const v = shop.state.variants.find((x) => x.sku === sku)!;
    return shop.state.levels.get(levelKey(v.inventoryItemId, 1))?.available;
  }

  const used: string[] = [];

  it('inventory_levels/update (a sandbox delivery to A): B fetches the variant again', async () => {
    const sku = singleVariantSku(used);
    used.push(sku);
    const before = await readTwiceOnB(SHOPIFY, { c: sku }, 'shopify');
    const next = (availableAt1(before) ?? 0) + 17;
    shop.configure({ webhookTargets: [`${a.url}/webhooks/shopify`] });
    try {
      const { deliveries } = await shop.setAvailable(sku, 1, next);
      expect(deliveries.map((d) => d.status)).toEqual([200]);
    } finally {
      shop.configure({ webhookTargets: [] });
    }

    const after = await gql(b, SHOPIFY, { c: sku });
    expect(usage(after.body, 'shopify').cacheMisses).toBeGreaterThanOrEqual(1);
    expect(availableAt1(after.body.data)).toBe(next);
  });

  it('syncFreeStockToShopify on A: B fetches the pushed variant again', async () => {
    const sku = singleVariantSku(used);
    used.push(sku);
    // Drift: Shopify holds a number Picqer's free stock is not (no webhook target: nobody hears it).
    await shop.setAvailable(sku, 1, 9876);
    const before = await readTwiceOnB(SHOPIFY, { c: sku }, 'shopify');
    expect(availableAt1(before)).toBe(9876);

    const sync = await gql(a, 'mutation($c: [String!]!) { syncFreeStockToShopify(productcodes: $c) { mutations changed { productcode } } }', { c: [sku] });
    expect(sync.body.errors).toBeUndefined();
    expect(sync.body.data.syncFreeStockToShopify.mutations).toBeGreaterThanOrEqual(1);

    const after = await gql(b, SHOPIFY, { c: sku });
    expect(usage(after.body, 'shopify').cacheMisses).toBeGreaterThanOrEqual(1);
    expect(availableAt1(after.body.data)).toBe(shopHolds(sku));
    expect(availableAt1(after.body.data)).not.toBe(9876);
  });
});
