import { DEFAULT_PICQER_TIME_ZONE, PICQER_ERROR, PicqerSandboxHttpError, picqerTimestamp } from './http-util';
import type { FiredEvent } from './events';
import {
  ALLOCATING_ORDER_STATUSES,
  OPEN_PICKLIST_STATUSES,
  ORDER_STATUSES,
  type CustomerRecord,
  type OrderRecord,
  type PicklistRecord,
  type ProductRecord,
  type StockRecord,
  type WarehouseRecord,
} from './model';
import type { ProductInput } from './product-input';
import { newOrderRecord, newPicklistRecord, newProductRecord } from './records';
import type { PicqerSeed } from './seed';
import { StockChangeSet, StockHistory } from './stock-history';

/**
 * The sandbox's data and the operations that change it. Every change keeps stock consistent
 * (freestock = stock − reserved; reserved = picklists + allocations + backorders), reports what
 * it changed through `onEvent`, which the webhook dispatcher turns into deliveries, and records
 * each stock row it changed in the stock history (one entry per row and operation).
 */

/** A Picqer webhook event and the resource it carries (serialised at dispatch time, so as it is now). */
export interface StoreEvent {
  event: FiredEvent;
  data: ProductRecord | OrderRecord | PicklistRecord;
}

export type ProductRef = { idproduct: number } | { productcode: string };

export class PicqerStore {
  readonly products: ProductRecord[];
  readonly warehouses: WarehouseRecord[];
  readonly customers: CustomerRecord[];
  readonly orders: OrderRecord[];
  readonly picklists: PicklistRecord[];
  private readonly productById = new Map<number, ProductRecord>();
  private readonly productByCode = new Map<string, ProductRecord>();
  private readonly orderById = new Map<number, OrderRecord>();
  private readonly picklistById = new Map<number, PicklistRecord>();
  private readonly picklistsByOrder = new Map<number, PicklistRecord[]>();
  private readonly customerById = new Map<number, CustomerRecord>();
  private nextIds = { product: 0, order: 0, orderLine: 0, picklist: 0, picklistLine: 0 };
  private readonly changes: StockChangeSet;

  /**
   * @param now clock for `updated` stamps and the stock history; injectable so tests stay deterministic.
   * @param timeZone zone the stamps are written in (see DEFAULT_PICQER_TIME_ZONE).
   * @param history where every stock change is recorded.
   */
  constructor(
    seed: PicqerSeed,
    private readonly onEvent: (e: StoreEvent) => void,
    private readonly now: () => number = Date.now,
    private readonly timeZone: string = DEFAULT_PICQER_TIME_ZONE,
    readonly history: StockHistory = new StockHistory(),
  ) {
    this.changes = new StockChangeSet(history, now);
    this.products = seed.products;
    this.warehouses = seed.warehouses;
    this.customers = seed.customers;
    this.orders = seed.orders;
    this.picklists = seed.picklists;
    for (const p of this.products) {
      this.productById.set(p.idproduct, p);
      this.productByCode.set(p.productcode, p);
    }
    for (const c of this.customers) this.customerById.set(c.idcustomer, c);
    for (const o of this.orders) this.orderById.set(o.idorder, o);
    for (const pl of this.picklists) this.indexPicklist(pl);
    // Reservations are derived, never seeded, so they cannot disagree with the open work.
    for (const o of this.orders) if (ALLOCATING_ORDER_STATUSES.has(o.status)) this.allocate(o, +1);
    for (const pl of this.picklists) if (OPEN_PICKLIST_STATUSES.has(pl.status)) this.reservePicklist(pl, +1);
    // From here on every change of a stock row is history; the derivation above was set-up.
    this.changes.enabled = true;
    this.nextIds = {
      product: Math.max(10000, ...this.products.map((p) => p.idproduct)),
      order: Math.max(5000, ...this.orders.map((o) => o.idorder)),
      orderLine: Math.max(400000, ...this.orders.flatMap((o) => o.products.map((l) => l.idorder_product))),
      picklist: Math.max(70000, ...this.picklists.map((p) => p.idpicklist)),
      picklistLine: Math.max(800000, ...this.picklists.flatMap((p) => p.products.map((l) => l.idpicklist_product))),
    };
  }

  product(id: number): ProductRecord | undefined {
    return this.productById.get(id);
  }
  productByProductcode(code: string): ProductRecord | undefined {
    return this.productByCode.get(code);
  }
  order(id: number): OrderRecord | undefined {
    return this.orderById.get(id);
  }
  picklist(id: number): PicklistRecord | undefined {
    return this.picklistById.get(id);
  }
  customer(id: number): CustomerRecord | undefined {
    return this.customerById.get(id);
  }
  warehouse(id: number): WarehouseRecord | undefined {
    return this.warehouses.find((w) => w.idwarehouse === id);
  }
  picklistsOfOrder(idorder: number): readonly PicklistRecord[] {
    return this.picklistsByOrder.get(idorder) ?? [];
  }

  /** Resolves `{idproduct}` or `{productcode}`, or throws a 404 naming what was asked for. */
  resolveProduct(ref: ProductRef): ProductRecord {
    const p = 'idproduct' in ref ? this.productById.get(ref.idproduct) : this.productByCode.get(ref.productcode);
    if (!p) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `Product not found: ${JSON.stringify(ref)}.`);
    return p;
  }

  /** The product's stock row in one warehouse, or a 404 naming the warehouse. */
  stockRow(p: ProductRecord, idwarehouse: number): StockRecord {
    const row = p.stock.find((s) => s.idwarehouse === idwarehouse);
    if (!row)
      throw new PicqerSandboxHttpError(
        404,
        PICQER_ERROR.itemNotFound,
        `Warehouse ${idwarehouse} not found: expected one of ${this.warehouses.map((w) => w.idwarehouse).join(', ')}.`,
      );
    return row;
  }

  /**
   * Adds a product (Picqer's POST /products) with no stock in any warehouse; fires products.created.
   * `input` is checked already (parseProductInput); the product code must not be taken.
   */
  createProduct(input: ProductInput): ProductRecord {
    this.assertCodeFree(input.productcode!, undefined);
    const p = newProductRecord(++this.nextIds.product, input, this.warehouses, picqerTimestamp(this.now(), this.timeZone));
    this.products.push(p);
    this.productById.set(p.idproduct, p);
    this.productByCode.set(p.productcode, p);
    this.onEvent({ event: 'products.created', data: p });
    return p;
  }

  /**
   * Changes a product's attributes (Picqer's PUT /products/{idproduct}, and activate/inactivate);
   * fires products.changed when a value actually changed (a repeated identical PUT fires nothing,
   * UNCONFIRMED). Picqer documents no event of its own for inactivation.
   */
  updateProduct(idproduct: number, input: ProductInput): ProductRecord {
    const p = this.resolveProduct({ idproduct });
    if (input.productcode !== undefined) this.assertCodeFree(input.productcode, p);
    if ((Object.keys(input) as Array<keyof ProductInput>).every((k) => p[k] === input[k])) return p;
    if (input.productcode !== undefined && input.productcode !== p.productcode) {
      this.productByCode.delete(p.productcode);
      this.productByCode.set(input.productcode, p);
    }
    Object.assign(p, input);
    this.touch(p);
    this.onEvent({ event: 'products.changed', data: p });
    return p;
  }

  /**
   * Changes physical stock by `change` (or sets it to `amount`) in one warehouse. Like Picqer,
   * stock may not go below zero nor below what open picklists reserve. Fires products.stock_changed
   * and products.free_stock_changed.
   */
  changeStock(ref: ProductRef, idwarehouse: number, op: { change: number } | { amount: number }): StockRecord {
    const p = this.resolveProduct(ref);
    const row = this.stockRow(p, idwarehouse);
    const next = 'change' in op ? row.stock + op.change : op.amount;
    if (!Number.isInteger(next) || next < 0 || next < row.reservedpicklists) {
      throw new PicqerSandboxHttpError(
        400,
        PICQER_ERROR.unknown,
        `Stock of ${p.productcode} in warehouse ${idwarehouse} would become ${next}: it may not be negative or below the ${row.reservedpicklists} reserved for picklists.`,
      );
    }
    if (next === row.stock) return row;
    this.changes.run(() => {
      this.changes.note(p, row);
      row.stock = next;
      this.recompute(row);
    });
    this.touch(p);
    this.onEvent({ event: 'products.stock_changed', data: p });
    this.onEvent({ event: 'products.free_stock_changed', data: p });
    return row;
  }

  /**
   * Closes an open picklist: everything is picked, stock leaves the warehouse, the reservation is
   * released, and the order is completed once none of its picklists is open. Fires picklists.closed
   * and picklists.changed, products.stock_changed and products.free_stock_changed per product, and
   * the order's status events.
   */
  closePicklist(idpicklist: number): PicklistRecord {
    const pl = this.picklistById.get(idpicklist);
    if (!pl) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `Picklist ${idpicklist} not found.`);
    if (!OPEN_PICKLIST_STATUSES.has(pl.status)) {
      throw new PicqerSandboxHttpError(
        400,
        PICQER_ERROR.wrongStatus,
        `Picklist ${idpicklist} has status "${pl.status}": only new, paused or snoozed picklists can be closed.`,
      );
    }
    return this.changes.run(() => this.closeOpenPicklist(pl));
  }

  /**
   * Sets an order's status the way Picqer's workflow would: processing creates a picklist,
   * paused pauses it, cancelled cancels it, completed closes it; concept/expected allocate stock.
   */
  setOrderStatus(idorder: number, status: string): OrderRecord {
    const order = this.orderById.get(idorder);
    if (!order) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `Order ${idorder} not found.`);
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) {
      throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, `Order status "${status}" is not valid: expected one of ${ORDER_STATUSES.join(', ')}.`);
    }
    if (order.status === status) return order;
    return this.changes.run(() => {
      if (status === 'completed') {
        const open = this.picklistsOfOrder(idorder).filter((x) => OPEN_PICKLIST_STATUSES.has(x.status));
        // Closing the last open picklist completes the order and fires its events.
        if (open.length > 0) {
          for (const pl of open) this.closeOpenPicklist(pl);
          return order;
        }
      }
      this.applyOrderStatus(order, status as OrderRecord['status'], true);
      return order;
    });
  }

  /**
   * Takes in a new order and processes it at once, with one open picklist in `idwarehouse` (the
   * simulator's orders). Fires orders.created (as a concept), then picklists.created, free stock,
   * orders.status_changed and orders.closed (Picqer: "triggered when you process an order").
   */
  createProcessingOrder(lines: Array<{ idproduct: number; amount: number }>, idwarehouse: number, idcustomer: number): OrderRecord {
    const customer = this.customerById.get(idcustomer) ?? this.customers[0];
    const resolved = lines.map((l) => ({ product: this.resolveProduct({ idproduct: l.idproduct }), amount: l.amount }));
    const ts = picqerTimestamp(this.now(), this.timeZone);
    const order = newOrderRecord({ idorder: ++this.nextIds.order, nextLineId: () => ++this.nextIds.orderLine }, customer, idwarehouse, resolved, ts);
    this.orders.push(order);
    this.orderById.set(order.idorder, order);
    this.onEvent({ event: 'orders.created', data: order });
    return this.changes.run(() => {
      order.status = 'processing';
      // A processed order goes straight to a picklist: its reservation lowers free stock.
      const pl = this.createPicklist(order, 'new');
      this.reservePicklist(pl, +1);
      this.onEvent({ event: 'picklists.created', data: pl });
      for (const { product } of resolved) this.onEvent({ event: 'products.free_stock_changed', data: product });
      this.onEvent({ event: 'orders.status_changed', data: order });
      this.onEvent({ event: 'orders.closed', data: order });
      return order;
    });
  }

  /** closePicklist's work, inside the caller's change set. */
  private closeOpenPicklist(pl: PicklistRecord): PicklistRecord {
    this.reservePicklist(pl, -1);
    const touched: ProductRecord[] = [];
    for (const line of pl.products) {
      const p = this.productById.get(line.idproduct);
      if (!p) continue;
      const row = this.stockRow(p, pl.idwarehouse);
      this.changes.note(p, row);
      row.stock = Math.max(0, row.stock - line.amount);
      this.recompute(row);
      line.amount_picked = line.amount;
      this.touch(p);
      touched.push(p);
    }
    const ts = picqerTimestamp(this.now(), this.timeZone);
    pl.status = 'closed';
    pl.totalpicked = pl.totalproducts;
    pl.closed_at = ts;
    pl.updated = ts;
    this.onEvent({ event: 'picklists.closed', data: pl });
    this.onEvent({ event: 'picklists.changed', data: pl });
    for (const p of touched) {
      this.onEvent({ event: 'products.stock_changed', data: p });
      this.onEvent({ event: 'products.free_stock_changed', data: p });
    }
    const order = this.orderById.get(pl.idorder);
    if (order && order.status !== 'completed' && !this.picklistsOfOrder(order.idorder).some((x) => OPEN_PICKLIST_STATUSES.has(x.status))) {
      this.applyOrderStatus(order, 'completed', false);
    }
    return pl;
  }

  /** Moves an order to `status`, adjusting picklists and reservations, then fires its events. */
  private applyOrderStatus(order: OrderRecord, status: OrderRecord['status'], adjustPicklists: boolean): void {
    const before = this.freeSnapshot(order);
    const from = order.status;
    if (ALLOCATING_ORDER_STATUSES.has(from) && !ALLOCATING_ORDER_STATUSES.has(status)) this.allocate(order, -1);
    if (!ALLOCATING_ORDER_STATUSES.has(from) && ALLOCATING_ORDER_STATUSES.has(status)) this.allocate(order, +1);
    if (adjustPicklists) this.adjustPicklists(order, status);
    order.status = status;
    order.updated = picqerTimestamp(this.now(), this.timeZone);
    for (const [p, free] of before) {
      if (this.totalFree(p) === free) continue;
      this.touch(p);
      this.onEvent({ event: 'products.free_stock_changed', data: p });
    }
    this.onEvent({ event: 'orders.status_changed', data: order });
    if (status === 'completed') this.onEvent({ event: 'orders.completed', data: order });
    if (status === 'paused') this.onEvent({ event: 'orders.paused', data: order });
    if (status === 'processing') this.onEvent({ event: from === 'paused' ? 'orders.resumed' : 'orders.closed', data: order });
  }

  /** The picklists an order's new status implies: created, paused, resumed or cancelled, each with its events. */
  private adjustPicklists(order: OrderRecord, status: OrderRecord['status']): void {
    const open = this.picklistsOfOrder(order.idorder).filter((x) => OPEN_PICKLIST_STATUSES.has(x.status));
    if ((status === 'processing' || status === 'paused') && open.length === 0) {
      const pl = this.createPicklist(order, status === 'paused' ? 'paused' : 'new');
      this.reservePicklist(pl, +1);
      this.onEvent({ event: 'picklists.created', data: pl });
      return;
    }
    for (const pl of open) {
      let event: 'picklists.paused' | 'picklists.resumed' | 'picklists.cancelled';
      if (status === 'processing' && pl.status === 'paused') [pl.status, event] = ['new', 'picklists.resumed'];
      else if (status === 'paused' && pl.status !== 'paused') [pl.status, event] = ['paused', 'picklists.paused'];
      else if (status === 'cancelled' || ALLOCATING_ORDER_STATUSES.has(status)) {
        this.reservePicklist(pl, -1);
        [pl.status, event] = ['cancelled', 'picklists.cancelled'];
      } else continue;
      pl.updated = picqerTimestamp(this.now(), this.timeZone);
      this.onEvent({ event, data: pl });
      this.onEvent({ event: 'picklists.changed', data: pl });
    }
  }

  private createPicklist(order: OrderRecord, status: 'new' | 'paused'): PicklistRecord {
    const ts = picqerTimestamp(this.now(), this.timeZone);
    const idwarehouse = order.idwarehouse ?? this.warehouses[0].idwarehouse;
    const pl = newPicklistRecord({ idpicklist: ++this.nextIds.picklist, nextLineId: () => ++this.nextIds.picklistLine }, order, idwarehouse, status, ts);
    this.picklists.push(pl);
    this.indexPicklist(pl);
    return pl;
  }

  private indexPicklist(pl: PicklistRecord): void {
    this.picklistById.set(pl.idpicklist, pl);
    const list = this.picklistsByOrder.get(pl.idorder);
    if (list) list.push(pl);
    else this.picklistsByOrder.set(pl.idorder, [pl]);
  }

  private reservePicklist(pl: PicklistRecord, sign: 1 | -1): void {
    for (const line of pl.products) {
      const p = this.productById.get(line.idproduct);
      if (!p) continue;
      const row = this.stockRow(p, pl.idwarehouse);
      this.changes.note(p, row);
      row.reservedpicklists += sign * (line.amount - line.amount_picked);
      this.recompute(row);
    }
  }

  private allocate(order: OrderRecord, sign: 1 | -1): void {
    const wh = order.idwarehouse ?? this.warehouses[0].idwarehouse;
    for (const line of order.products) {
      const p = this.productById.get(line.idproduct);
      if (!p) continue;
      const row = this.stockRow(p, wh);
      this.changes.note(p, row);
      row.reservedallocations += sign * (line.amount - line.amount_cancelled);
      this.recompute(row);
    }
  }

  private recompute(row: StockRecord): void {
    row.reserved = row.reservedpicklists + row.reservedallocations + row.reservedbackorders;
    row.freestock = row.stock - row.reserved;
  }

  private assertCodeFree(productcode: string, self: ProductRecord | undefined): void {
    const holder = this.productByCode.get(productcode);
    if (holder && holder !== self) {
      throw new PicqerSandboxHttpError(
        400,
        PICQER_ERROR.unknown,
        `Product code "${productcode}" is taken by product ${holder.idproduct}: it needs to be unique.`,
      );
    }
  }

  private freeSnapshot(order: OrderRecord): Map<ProductRecord, number> {
    const m = new Map<ProductRecord, number>();
    for (const l of order.products) {
      const p = this.productById.get(l.idproduct);
      if (p) m.set(p, this.totalFree(p));
    }
    return m;
  }

  private totalFree(p: ProductRecord): number {
    return p.stock.reduce((s, r) => s + r.freestock, 0);
  }

  private touch(p: ProductRecord): void {
    p.updated = picqerTimestamp(this.now(), this.timeZone);
  }
}
