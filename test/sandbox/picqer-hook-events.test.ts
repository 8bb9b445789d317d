import type { Server } from 'node:http';
import { FIRED_EVENTS, PICQER_HOOK_EVENTS, startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { call, startReceiver, type Received } from './picqer-helpers';

/**
 * Picqer's documented hook events: every one can be subscribed to, and the ones the sandbox's state
 * changes cause are delivered with the resource as the API's GET returns it. Also the product
 * routes that cause products.created / products.changed.
 */

interface Delivery {
  event: string;
  data: any;
}

describe('Picqer sandbox: hook events', () => {
  let sb: PicqerSandbox;
  let receiver: { url: string; got: Received[]; server: Server };
  let seen = 0;
  beforeAll(async () => {
    sb = await startPicqerSandbox({ products: 100, orders: 60, webhookRetryDelaysMs: [10], webhookTimeoutMs: 2000 });
    receiver = await startReceiver();
    for (const event of FIRED_EVENTS) {
      const res = await call(sb, 'POST', '/hooks', { body: { name: `all ${event}`, event, address: receiver.url } });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await sb.close();
    await new Promise((r) => receiver.server.close(r));
  });

  /** The deliveries since the last call, once every queued one has arrived. */
  async function delivered(): Promise<Delivery[]> {
    await sb.state.whenDeliveriesIdle();
    const fresh = receiver.got.slice(seen).map((d) => JSON.parse(d.raw) as Delivery);
    seen = receiver.got.length;
    return fresh;
  }
  const names = (ds: Delivery[]) => ds.map((d) => d.event).sort();

  it('accepts a hook for every event Picqer documents, and still refuses unknown ones', async () => {
    const documented = [
      'products.created',
      'products.changed',
      'products.free_stock_changed',
      'products.stock_changed',
      'products.assembled_stock_changed',
      'products.stock_on_location_changed',
      'products.parts.changed',
      'purchase_orders.created',
      'purchase_orders.changed',
      'purchase_orders.purchased',
      'purchase_orders.receipts.created',
      'receipts.created',
      'receipts.completed',
      'receipts.product_received',
      'receipts.product_reverted',
      'picklists.shipments.created',
      'picklists.shipments.cancelled',
      'picklist_batches.changed',
      'picklist_batches.completed',
      'location_stock_counts.completed',
      'tasks.created',
      'tasks.uncompleted',
      'webshop_orders.imported',
    ];
    expect(PICQER_HOOK_EVENTS).toEqual(expect.arrayContaining([...documented, ...FIRED_EVENTS]));
    for (const event of PICQER_HOOK_EVENTS) {
      const res = await call(sb, 'POST', '/hooks', { body: { name: 'probe', event, address: 'http://127.0.0.1:9/probe' } });
      expect([event, res.status]).toEqual([event, 201]);
      await call(sb, 'DELETE', `/hooks/${res.json.idhook}`);
    }
    for (const event of ['products.deactivated', 'stock.moved', 'products.*']) {
      const res = await call(sb, 'POST', '/hooks', { body: { name: 'x', event, address: 'http://127.0.0.1:9/' } });
      expect(res.status).toBe(400);
      expect(res.json.error_message).toContain(event);
    }
  });

  it('POST /products adds a product and fires products.created with the product as GET returns it', async () => {
    const res = await call(sb, 'POST', '/products', {
      body: {
        idvatgroup: 1,
        name: 'Invented Test Kettle',
        price: 24.5,
        productcode: 'TST-0001',
        barcode: '0000000000017',
        weight: 900,
        country_of_origin: 'NL',
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ productcode: 'TST-0001', type: 'normal', active: true, unlimitedstock: false, fixedstockprice: null, length: null });
    expect(res.json.stock.map((s: any) => [s.idwarehouse, s.stock, s.freestock])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
    ]);
    const got = await call(sb, 'GET', `/products/${res.json.idproduct}`);
    expect(got.json).toEqual(res.json);
    expect((await call(sb, 'GET', '/products?productcode=TST-0001')).json.map((p: any) => p.idproduct)).toEqual([res.json.idproduct]);
    const ds = await delivered();
    expect(names(ds)).toEqual(['products.created']);
    expect(ds[0].data).toEqual(got.json);
  });

  it('validates product bodies strictly, naming every problem', async () => {
    const bad = async (body: unknown, code: number, ...mentions: string[]) => {
      const res = await call(sb, 'POST', '/products', { body });
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe(code);
      for (const m of mentions) expect(res.json.error_message).toContain(m);
    };
    await bad({ name: 'No code' }, 5, 'idvatgroup', 'price', 'productcode');
    await bad({ idvatgroup: 1, name: 'X', price: '9.95', productcode: 'TST-0002' }, 1, 'price');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0002', colour: 'red', idproduct: 5 }, 1, 'colour', 'idproduct is read-only');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0001' }, 1, 'TST-0001');
    await bad({ idvatgroup: 99, name: 'X', price: 1, productcode: 'TST-0002' }, 14, 'idvatgroup 99');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0002', country_of_origin: 'Netherlands' }, 9, 'country_of_origin');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0002', type: 'gadget' }, 1, 'type');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0002', type: 'virtual_composition', length: 10 }, 1, 'virtual compositions');
    await bad({ idvatgroup: 1, name: 'X', price: 1, productcode: 'TST-0002', type: 'normal', unlimitedstock: true }, 1, 'unlimitedstock');
    expect((await call(sb, 'PUT', '/products/10001', { body: {} })).json.error_code).toBe(5);
    expect((await call(sb, 'PUT', '/products/10001', { body: { productcode: 'PG-00002' } })).status).toBe(400);
    expect((await call(sb, 'PUT', '/products/99999', { body: { name: 'x' } })).status).toBe(404);
    expect(await delivered()).toEqual([]);
    expect(sb.state.store.productByProductcode('TST-0002')).toBeUndefined();
  });

  it('PUT /products/{id} fires products.changed once per real change; inactivate fires it too (no deactivation event exists)', async () => {
    const put = await call(sb, 'PUT', '/products/10002', { body: { name: 'Renamed Invented Product', productcode: 'PG-00002-B', unlimitedstock: true } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'Renamed Invented Product', productcode: 'PG-00002-B', type: 'unlimited_stock', unlimitedstock: true });
    expect((await call(sb, 'GET', '/products?productcode=PG-00002-B')).json.map((p: any) => p.idproduct)).toEqual([10002]);
    expect((await call(sb, 'GET', '/products?productcode=PG-00002')).json).toEqual([]);
    let ds = await delivered();
    expect(names(ds)).toEqual(['products.changed']);
    expect(ds[0].data).toEqual((await call(sb, 'GET', '/products/10002')).json);

    // The same values again change nothing and fire nothing.
    await call(sb, 'PUT', '/products/10002', { body: { name: 'Renamed Invented Product' } });
    expect(await delivered()).toEqual([]);

    const off = await call(sb, 'POST', '/products/10002/inactivate');
    expect(off.json.active).toBe(false);
    expect((await call(sb, 'GET', '/products?idproducts=10001,10002')).json.map((p: any) => p.idproduct)).toEqual([10001]);
    ds = await delivered();
    expect(ds.map((d) => [d.event, d.data.active])).toEqual([['products.changed', false]]);
    await call(sb, 'POST', '/products/10002/activate');
    expect((await delivered()).map((d) => [d.event, d.data.active])).toEqual([['products.changed', true]]);
  });

  it('a stock change fires products.stock_changed and products.free_stock_changed with the product', async () => {
    await call(sb, 'POST', '/products/10005/stock/2', { body: { change: 3 } });
    const ds = await delivered();
    expect(names(ds)).toEqual(['products.free_stock_changed', 'products.stock_changed']);
    const product = (await call(sb, 'GET', '/products/10005')).json;
    for (const d of ds) expect(d.data).toEqual(product);
  });

  it('an order through processing, paused, processing and cancelled fires the order and picklist events', async () => {
    const order = sb.state.orders.find((o) => o.status === 'concept')!;
    const step = async (status: string) => {
      expect((await call(sb, 'POST', `/__sandbox/orders/${order.idorder}/status`, { body: { status } })).status).toBe(200);
      return delivered();
    };
    const processing = await step('processing');
    expect(names(processing).filter((e) => !e.startsWith('products.'))).toEqual(['orders.closed', 'orders.status_changed', 'picklists.created']);
    const pl = processing.find((d) => d.event === 'picklists.created')!.data;
    expect(pl).toMatchObject({ idorder: order.idorder, status: 'new' });
    expect(processing.find((d) => d.event === 'orders.status_changed')!.data).toEqual((await call(sb, 'GET', `/orders/${order.idorder}`)).json);

    expect(names(await step('paused'))).toEqual(['orders.paused', 'orders.status_changed', 'picklists.changed', 'picklists.paused']);
    expect(names(await step('processing'))).toEqual(['orders.resumed', 'orders.status_changed', 'picklists.changed', 'picklists.resumed']);
    const cancelled = await step('cancelled');
    expect(names(cancelled).filter((e) => !e.startsWith('products.'))).toEqual(['orders.status_changed', 'picklists.cancelled', 'picklists.changed']);
    // Cancelling released the picklist's reservation: free stock went up.
    expect(cancelled.some((d) => d.event === 'products.free_stock_changed')).toBe(true);
    expect(cancelled.find((d) => d.event === 'picklists.cancelled')!.data).toEqual((await call(sb, 'GET', `/picklists/${pl.idpicklist}`)).json);
  });

  it('a simulator tick fires picklists.closed, the stock events, orders.completed, and orders.created for its new order', async () => {
    const oldest = sb.state.picklists.find((p) => p.status === 'new')!;
    sb.state.simulator.tick();
    const ds = await delivered();
    const newest = sb.state.orders[sb.state.orders.length - 1];
    const of = (event: string) => ds.filter((d) => d.event === event);
    expect(of('picklists.closed').map((d) => d.data.idpicklist)).toEqual([oldest.idpicklist]);
    expect(of('orders.completed').map((d) => d.data.idorder)).toEqual([oldest.idorder]);
    expect(of('products.stock_changed').map((d) => d.data.idproduct)).toEqual(expect.arrayContaining(oldest.products.map((l) => l.idproduct)));
    // Created as a concept, then processed at once.
    expect(of('orders.created').map((d) => [d.data.idorder, d.data.status])).toEqual([[newest.idorder, 'concept']]);
    expect(of('orders.closed').map((d) => [d.data.idorder, d.data.status])).toEqual([[newest.idorder, 'processing']]);
    expect(of('picklists.created').map((d) => d.data.idorder)).toEqual([newest.idorder]);
  });
});
