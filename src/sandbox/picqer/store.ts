import { DEFAULT_PICQER_TIME_ZONE, PICQER_ERROR, PicqerSandboxHttpError, picqerTimestamp } from './http-util';
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
import type { PicqerSeed } from './seed';

/**
 * The sandbox's data and the operations that change it. Every change keeps stock consistent
 * (freestock = stock − reserved; reserved = picklists + allocations + backorders) and reports
 * what it changed through `onEvent`, which the webhook dispatcher turns into deliveries.
 */

/** A Picqer webhook event and the resource it carries (serialised at dispatch time). */
export type StoreEvent =
  | { event: 'products.free_stock_changed'; data: ProductRecord }
  | { event: 'picklists.closed'; data: PicklistRecord }
  | { event: 'orders.status_changed'; data: OrderRecord }
  | { event: 'orders.completed'; data: OrderRecord };

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
  private nextIds = { order: 0, orderLine: 0, picklist: 0, picklistLine: 0 };

  /**
   * @param now clock for `updated` stamps; injectable so tests stay deterministic.
   * @param timeZone zone the stamps are written in (see DEFAULT_PICQER_TIME_ZONE).
   */
  constructor(
    seed: PicqerSeed,
    private readonly onEvent: (e: StoreEvent) => void,
    private readonly now: () => number = Date.now,
    private readonly timeZone: string = DEFAULT_PICQER_TIME_ZONE,
  ) {
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
    this.nextIds = {
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
   * Changes physical stock by `change` (or sets it to `amount`) in one warehouse. Like Picqer,
   * stock may not go below zero nor below what open picklists reserve. Fires products.free_stock_changed.
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
    row.stock = next;
    this.recompute(row);
    this.touch(p);
    this.onEvent({ event: 'products.free_stock_changed', data: p });
    return row;
  }

  /**
   * Closes an open picklist: everything is picked, stock leaves the warehouse, the reservation is
   * released, and the order is completed once none of its picklists is open. Fires picklists.closed,
   * products.free_stock_changed per product, and the order's status events.
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
    this.reservePicklist(pl, -1);
    const touched: ProductRecord[] = [];
    for (const line of pl.products) {
      const p = this.productById.get(line.idproduct);
      if (!p) continue;
      const row = this.stockRow(p, pl.idwarehouse);
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
    for (const p of touched) this.onEvent({ event: 'products.free_stock_changed', data: p });
    const order = this.orderById.get(pl.idorder);
    if (order && order.status !== 'completed' && !this.picklistsOfOrder(order.idorder).some((x) => OPEN_PICKLIST_STATUSES.has(x.status))) {
      this.applyOrderStatus(order, 'completed', false);
    }
    return pl;
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
    if (status === 'completed') {
      const open = this.picklistsOfOrder(idorder).filter((x) => OPEN_PICKLIST_STATUSES.has(x.status));
      if (open.length > 0) {
        // Closing the last open picklist completes the order and fires its events.
        for (const pl of open) this.closePicklist(pl.idpicklist);
        return order;
      }
    }
    this.applyOrderStatus(order, status as OrderRecord['status'], true);
    return order;
  }

  /** Creates a processing order with one open picklist in `idwarehouse` (used by the simulator). */
  createProcessingOrder(lines: Array<{ idproduct: number; amount: number }>, idwarehouse: number, idcustomer: number): OrderRecord {
    const customer = this.customerById.get(idcustomer) ?? this.customers[0];
    const ts = picqerTimestamp(this.now(), this.timeZone);
    const id = ++this.nextIds.order;
    const address = customer.addresses[0];
    const order: OrderRecord = {
      idorder: id,
      orderid: `2025${String(id).padStart(5, '0')}`,
      reference: `WEB-${200000 + id}`,
      idcustomer: customer.idcustomer,
      idwarehouse,
      status: 'concept',
      deliveryname: customer.name,
      deliverycontactname: customer.contactname,
      deliveryaddress: address.address,
      deliveryaddress2: null,
      deliveryzipcode: address.zipcode,
      deliverycity: address.city,
      deliveryregion: null,
      deliverycountry: address.country,
      invoicename: customer.name,
      invoicecontactname: customer.contactname,
      invoiceaddress: address.address,
      invoiceaddress2: null,
      invoicezipcode: address.zipcode,
      invoicecity: address.city,
      invoiceregion: null,
      invoicecountry: address.country,
      emailaddress: customer.emailaddress,
      telephone: null,
      customer_remarks: null,
      discount: 0,
      invoiced: false,
      created: ts,
      updated: ts,
      products: lines.map((l) => {
        const p = this.resolveProduct({ idproduct: l.idproduct });
        return {
          idorder_product: ++this.nextIds.orderLine,
          idproduct: p.idproduct,
          idvatgroup: p.idvatgroup,
          productcode: p.productcode,
          name: p.name,
          remarks: '',
          price: p.price,
          amount: l.amount,
          amount_cancelled: 0,
          weight: p.weight,
        };
      }),
    };
    order.status = 'processing';
    this.orders.push(order);
    this.orderById.set(id, order);
    // A new processing order goes straight to a picklist: its reservation lowers free stock.
    this.reservePicklist(this.createPicklist(order, 'new'), +1);
    for (const line of order.products) {
      const p = this.productById.get(line.idproduct);
      if (p) this.onEvent({ event: 'products.free_stock_changed', data: p });
    }
    return order;
  }

  /** Moves an order to `status`, adjusting picklists and reservations, then fires its events. */
  private applyOrderStatus(order: OrderRecord, status: OrderRecord['status'], adjustPicklists: boolean): void {
    const touched = new Set<ProductRecord>();
    const before = this.freeSnapshot(order);
    if (ALLOCATING_ORDER_STATUSES.has(order.status) && !ALLOCATING_ORDER_STATUSES.has(status)) this.allocate(order, -1);
    if (!ALLOCATING_ORDER_STATUSES.has(order.status) && ALLOCATING_ORDER_STATUSES.has(status)) this.allocate(order, +1);
    if (adjustPicklists) {
      const mine = this.picklistsOfOrder(order.idorder);
      const open = mine.filter((x) => OPEN_PICKLIST_STATUSES.has(x.status));
      if ((status === 'processing' || status === 'paused') && open.length === 0) {
        const pl = this.createPicklist(order, status === 'paused' ? 'paused' : 'new');
        this.reservePicklist(pl, +1);
      } else {
        for (const pl of open) {
          if (status === 'processing' && pl.status === 'paused') pl.status = 'new';
          else if (status === 'paused') pl.status = 'paused';
          else if (status === 'cancelled' || ALLOCATING_ORDER_STATUSES.has(status)) {
            this.reservePicklist(pl, -1);
            pl.status = 'cancelled';
          }
          pl.updated = picqerTimestamp(this.now(), this.timeZone);
        }
      }
    }
    for (const [p, free] of before) if (this.totalFree(p) !== free) touched.add(p);
    order.status = status;
    order.updated = picqerTimestamp(this.now(), this.timeZone);
    for (const p of touched) {
      this.touch(p);
      this.onEvent({ event: 'products.free_stock_changed', data: p });
    }
    this.onEvent({ event: 'orders.status_changed', data: order });
    if (status === 'completed') this.onEvent({ event: 'orders.completed', data: order });
  }

  private createPicklist(order: OrderRecord, status: 'new' | 'paused'): PicklistRecord {
    const id = ++this.nextIds.picklist;
    const ts = picqerTimestamp(this.now(), this.timeZone);
    const pl: PicklistRecord = {
      idpicklist: id,
      picklistid: `P2025-${String(id).padStart(5, '0')}`,
      idorder: order.idorder,
      idcustomer: order.idcustomer,
      idwarehouse: order.idwarehouse ?? this.warehouses[0].idwarehouse,
      status,
      reference: order.reference,
      urgent: false,
      invoiced: false,
      deliveryname: order.deliveryname,
      deliverycountry: order.deliverycountry,
      totalproducts: order.products.reduce((s, l) => s + l.amount, 0),
      totalpicked: 0,
      created: ts,
      updated: ts,
      closed_at: null,
      products: order.products.map((l) => ({
        idpicklist_product: ++this.nextIds.picklistLine,
        idproduct: l.idproduct,
        idorder_product: l.idorder_product,
        productcode: l.productcode,
        name: l.name,
        amount: l.amount,
        amount_picked: 0,
      })),
    };
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
      row.reservedallocations += sign * (line.amount - line.amount_cancelled);
      this.recompute(row);
    }
  }

  private recompute(row: StockRecord): void {
    row.reserved = row.reservedpicklists + row.reservedallocations + row.reservedbackorders;
    row.freestock = row.stock - row.reserved;
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
