import { PICQER_ERROR, PicqerSandboxHttpError, picqerTimestamp } from './http-util';
import { page, parseOffset } from './filters';
import type { ProductRecord, StockRecord } from './model';
import type { PicqerStore } from './store';
import {
  PURCHASE_ORDER_STATUSES,
  type BackorderRecord,
  type LocationStockRecord,
  type ProductPartRecord,
  type PurchaseOrderRecord,
  type ShipmentRecord,
} from './warehouse-model';
import { newShipment, type WarehouseSeed } from './warehouse-seed';

/**
 * The sandbox's parts, suppliers, purchase orders, shipments, backorders and locations, and the
 * list filters Picqer documents for them. Reads products and picklists from the store; creating
 * a shipment fires `picklists.shipments.created` through `dispatch`.
 */
export class WarehouseData {
  private readonly shipmentsByPicklist = new Map<number, ShipmentRecord[]>();
  private nextShipment: number;

  constructor(
    private readonly store: PicqerStore,
    readonly seed: WarehouseSeed,
    private readonly dispatch: (event: string, data: unknown) => void,
    private readonly now: () => number,
    private readonly timeZone?: string,
    /** Whether stock lies on locations at all; off, everything is on "no specific location" (the sandbox's old answer). */
    private readonly withLocations = false,
  ) {
    for (const s of seed.shipments) this.indexShipment(s);
    this.nextShipment = Math.max(600_000, ...seed.shipments.map((s) => s.idshipment));
  }

  /**
   * A product's parts; with `nested`, every part that is a virtual composition carries its own
   * `parts` (Picqer's `?nested=true`). A product that is no composition has none (UNCONFIRMED: []).
   */
  partsOf(p: ProductRecord, nested: boolean, depth = 0): Array<ProductPartRecord & { parts?: unknown[] }> {
    const list = this.seed.parts.get(p.idproduct) ?? [];
    if (!nested || depth > 8) return list;
    return list.map((part) => {
      const child = this.store.product(part.idproduct);
      return child?.type === 'virtual_composition' ? { ...part, parts: this.partsOf(child, true, depth + 1) } : part;
    });
  }

  /** Purchase orders: status and idsupplier (filter names UNCONFIRMED), paged by 100. */
  purchaseOrders(q: URLSearchParams): PurchaseOrderRecord[] {
    const preds: Array<(r: PurchaseOrderRecord) => boolean> = [];
    const status = q.get('status');
    if (status !== null) {
      if (!(PURCHASE_ORDER_STATUSES as readonly string[]).includes(status)) bad('status', `one of ${PURCHASE_ORDER_STATUSES.join(', ')}`, status);
      preds.push((r) => r.status === status);
    }
    const idsupplier = q.get('idsupplier');
    if (idsupplier !== null) {
      const n = positiveInt('idsupplier', idsupplier);
      preds.push((r) => r.idsupplier === n);
    }
    return page(this.seed.purchaseOrders, preds, parseOffset(q));
  }

  purchaseOrder(id: number): PurchaseOrderRecord | undefined {
    return this.seed.purchaseOrders.find((r) => r.idpurchaseorder === id);
  }

  supplier(id: number) {
    return this.seed.suppliers.find((s) => s.idsupplier === id);
  }

  /** Backorders: idorder, idproduct, idcustomer, sinceid, sincedate (Picqer's backorders page). */
  backorders(q: URLSearchParams): BackorderRecord[] {
    const preds: Array<(r: BackorderRecord) => boolean> = [];
    for (const key of ['idorder', 'idproduct', 'idcustomer'] as const) {
      const v = q.get(key);
      if (v === null) continue;
      const n = positiveInt(key, v);
      preds.push((r) => r[key] === n);
    }
    const sinceid = q.get('sinceid');
    if (sinceid !== null) {
      const n = positiveInt('sinceid', sinceid);
      preds.push((r) => r.idbackorder > n);
    }
    const sincedate = q.get('sincedate');
    if (sincedate !== null) {
      if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(sincedate)) bad('sincedate', 'a date and time like "2022-01-01 12:00:00"', sincedate);
      preds.push((r) => r.created_at > sincedate);
    }
    return page(this.seed.backorders, preds, parseOffset(q));
  }

  backorder(id: number): BackorderRecord | undefined {
    return this.seed.backorders.find((b) => b.idbackorder === id);
  }

  shipmentsOf(idpicklist: number): ShipmentRecord[] {
    return this.shipmentsByPicklist.get(idpicklist) ?? [];
  }

  /**
   * Creates a shipment for a picklist (POST /picklists/{idpicklist}/shipments) and fires
   * `picklists.shipments.created` with the shipment as `data` (UNCONFIRMED: the payload's resource).
   */
  createShipment(idpicklist: number): ShipmentRecord {
    const pl = this.store.picklist(idpicklist);
    if (!pl) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `Picklist ${idpicklist} not found.`);
    if (pl.status === 'cancelled') {
      throw new PicqerSandboxHttpError(400, PICQER_ERROR.wrongStatus, `Picklist ${idpicklist} is cancelled: a cancelled picklist gets no shipment.`);
    }
    const s = newShipment(++this.nextShipment, pl, picqerTimestamp(this.now(), this.timeZone));
    this.seed.shipments.push(s);
    this.indexShipment(s);
    this.dispatch('picklists.shipments.created', s);
    return s;
  }

  /**
   * The product's stock per location in one warehouse. Derived from the warehouse row, so it always
   * adds up: a product with stock lies for the most part on one shelf, in warehouse 1 every other
   * product also on a bulk location, and the rest on "no specific location" (which is not listed).
   */
  locations(p: ProductRecord, row: StockRecord): LocationStockRecord[] {
    if (!this.withLocations || row.stock <= 0) return [];
    const shelf = Math.ceil(row.stock * 0.6);
    const out: LocationStockRecord[] = [
      {
        idlocation: 1_000_000 + p.idproduct * 10 + row.idwarehouse,
        name: `${String.fromCharCode(65 + (p.idproduct % 6))}.${String((p.idproduct % 20) + 1).padStart(2, '0')}.${(p.idproduct % 4) + 1}`,
        stock: shelf,
        reserved: Math.min(shelf, row.reservedpicklists),
      },
    ];
    const rest = row.stock - shelf;
    if (row.idwarehouse === 1 && p.idproduct % 2 === 0 && rest >= 2) {
      out.push({ idlocation: 2_000_000 + p.idproduct, name: `BULK.${(p.idproduct % 9) + 1}`, stock: Math.floor(rest / 2), reserved: 0 });
    }
    return out;
  }

  private indexShipment(s: ShipmentRecord): void {
    const list = this.shipmentsByPicklist.get(s.idpicklist);
    if (list) list.push(s);
    else this.shipmentsByPicklist.set(s.idpicklist, [s]);
  }
}

function bad(name: string, expected: string, value: string): never {
  throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, `Filter "${name}" must be ${expected}, got "${value}".`);
}

function positiveInt(name: string, value: string): number {
  if (!/^\d{1,12}$/.test(value)) bad(name, 'a positive integer', value);
  return Number(value);
}
