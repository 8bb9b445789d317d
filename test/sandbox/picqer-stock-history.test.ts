import { startPicqerSandbox, type PicqerSandbox, type StockChange } from '../../src/sandbox/picqer';
import { call } from './picqer-helpers';

/**
 * The sandbox's stock history (GET /__sandbox/stock-history): every path that changes a stock row
 * leaves one entry per product and warehouse, stamped by the sandbox's (here injected) clock.
 */

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

describe('Picqer sandbox: stock history', () => {
  let sb: PicqerSandbox;
  let clock = T0;
  beforeAll(async () => {
    sb = await startPicqerSandbox({ products: 200, orders: 100, now: () => clock });
  });
  afterAll(async () => {
    await sb.close();
  });
  const history = async (query = ''): Promise<StockChange[]> => {
    const res = await call(sb, 'GET', `/__sandbox/stock-history${query}`);
    expect(res.status).toBe(200);
    return res.json;
  };
  const row = (idproduct: number, idwarehouse: number) => sb.state.store.stockRow(sb.state.store.product(idproduct)!, idwarehouse);

  it('starts empty: the seeded reservations are set-up, not changes', async () => {
    expect(await history()).toEqual([]);
    expect(sb.state.stats().stockHistory).toEqual({ size: 0, max: 100_000, dropped: 0 });
  });

  it('records manual moves and the stock endpoint with the clock, the state after and free stock before', async () => {
    clock = T0 + 1_000;
    const before = { ...row(10003, 1) };
    expect((await call(sb, 'POST', '/__sandbox/stock', { body: { idproduct: 10003, idwarehouse: 1, change: 4 } })).status).toBe(200);
    clock = T0 + 2_000;
    expect((await call(sb, 'POST', '/products/10003/stock/1', { body: { amount: before.stock + 10 } })).status).toBe(201);
    expect(await history('?idproduct=10003')).toEqual([
      {
        at: T0 + 1_000,
        idproduct: 10003,
        productcode: 'PG-00003',
        idwarehouse: 1,
        stock: before.stock + 4,
        reserved: before.reserved,
        freeStock: before.freestock + 4,
        freeStockBefore: before.freestock,
      },
      {
        at: T0 + 2_000,
        idproduct: 10003,
        productcode: 'PG-00003',
        idwarehouse: 1,
        stock: before.stock + 10,
        reserved: before.reserved,
        freeStock: before.freestock + 10,
        freeStockBefore: before.freestock + 4,
      },
    ]);
    // A refused change and a change to the same stock leave nothing.
    await call(sb, 'POST', '/products/10003/stock/1', { body: { change: -1_000_000 } });
    await call(sb, 'POST', '/products/10003/stock/1', { body: { amount: before.stock + 10 } });
    expect(await history('?idproduct=10003')).toHaveLength(2);
  });

  it('records a picklist close as one entry per product: stock and reservation down, free stock unchanged', async () => {
    clock = T0 + 3_000;
    const pl = sb.state.picklists.find((p) => p.status === 'new')!;
    const rowsBefore = pl.products.map((l) => ({ ...row(l.idproduct, pl.idwarehouse) }));
    await call(sb, 'POST', `/__sandbox/picklists/${pl.idpicklist}/close`);
    const got = await history(`?since=${T0 + 3_000}`);
    expect(got).toEqual(
      pl.products.map((l, i) => ({
        at: T0 + 3_000,
        idproduct: l.idproduct,
        productcode: l.productcode,
        idwarehouse: pl.idwarehouse,
        stock: rowsBefore[i].stock - l.amount,
        reserved: rowsBefore[i].reserved - l.amount,
        freeStock: rowsBefore[i].freestock,
        freeStockBefore: rowsBefore[i].freestock,
      })),
    );
  });

  it('records reservations released and taken by order status changes and the simulator', async () => {
    clock = T0 + 4_000;
    const order = sb.state.orders.find((o) => o.status === 'processing')!;
    const line = order.products[0];
    const free = row(line.idproduct, order.idwarehouse!).freestock;
    await call(sb, 'POST', `/__sandbox/orders/${order.idorder}/status`, { body: { status: 'cancelled' } });
    const cancelled = await history(`?since=${T0 + 4_000}&idproduct=${line.idproduct}`);
    expect(cancelled).toEqual([
      expect.objectContaining({ at: T0 + 4_000, idwarehouse: order.idwarehouse, freeStockBefore: free, freeStock: free + line.amount }),
    ]);

    // A simulator tick closes the oldest open picklist, then takes in (and reserves) a new order.
    clock = T0 + 5_000;
    const oldest = sb.state.picklists.find((p) => p.status === 'new')!;
    const picked = oldest.products.map((l) => ({ line: l, before: { ...row(l.idproduct, oldest.idwarehouse) } }));
    sb.state.simulator.tick();
    const ticked = sb.state.stockHistory(T0 + 5_000);
    for (const c of ticked) expect(c.at).toBe(T0 + 5_000);
    for (const { line, before } of picked) {
      const first = ticked.find((c) => c.idproduct === line.idproduct && c.idwarehouse === oldest.idwarehouse)!;
      expect(first).toMatchObject({ stock: before.stock - line.amount, freeStock: before.freestock, freeStockBefore: before.freestock });
    }
    const newest = sb.state.orders[sb.state.orders.length - 1];
    for (const l of newest.products) {
      const last = ticked.filter((c) => c.idproduct === l.idproduct && c.idwarehouse === newest.idwarehouse).pop()!;
      expect(last.freeStock).toBe(row(l.idproduct, newest.idwarehouse!).freestock);
      expect(last.freeStockBefore - last.freeStock).toBe(l.amount);
    }
  });

  it('filters by since (inclusive) and idproduct, oldest first, and refuses bad parameters', async () => {
    const all = await history();
    expect(all.map((c) => c.at)).toEqual([...all.map((c) => c.at)].sort((a, b) => a - b));
    expect(await history(`?since=${T0 + 5_001}`)).toEqual([]);
    expect((await history(`?since=${T0 + 2_000}`)).every((c) => c.at >= T0 + 2_000)).toBe(true);
    for (const bad of ['?since=yesterday', '?since=-1', '?idproduct=abc']) {
      const res = await call(sb, 'GET', `/__sandbox/stock-history${bad}`);
      expect(res.status).toBe(400);
      expect(res.json.error_message).toMatch(/since|idproduct/);
    }
  });
});

describe('Picqer sandbox: stock history bound', () => {
  it('keeps the newest stockHistoryMax entries and counts the dropped ones', async () => {
    let clock = T0;
    const sb = await startPicqerSandbox({ products: 20, orders: 5, now: () => clock, stockHistoryMax: 3 });
    try {
      for (let i = 1; i <= 5; i++) {
        clock = T0 + i;
        sb.state.moveStock({ idproduct: 10001 }, 2, 1);
      }
      expect(sb.state.stockHistory().map((c) => c.at)).toEqual([T0 + 3, T0 + 4, T0 + 5]);
      expect(sb.state.stats().stockHistory).toEqual({ size: 3, max: 3, dropped: 2 });
    } finally {
      await sb.close();
    }
    await expect(startPicqerSandbox({ stockHistoryMax: 0 })).rejects.toThrow(/stockHistoryMax/);
  });
});
