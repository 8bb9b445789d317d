import type { OrderStatus, PicklistStatus } from '../../schema/enums';
import type { Address } from '../../schema/order/address.type';
import type { Order } from '../../schema/order/order.type';
import type { Picklist } from '../../schema/picklist/picklist.type';
import type { Product } from '../../schema/product.type';
import type { StockLevel } from '../../schema/stock-level.type';
import type { Warehouse } from '../../schema/warehouse.type';
import type { PicqerOrderWire, PicqerPicklistWire, PicqerProductWire, PicqerWarehouseWire } from './wire';

/** Picqer wire shapes -> schema models. Pure functions; nested objects are resolved by loaders. */

/**
 * `freeStock` is left to ProductFreeStockResolver: it needs the warehouse list (which warehouses
 * count for general stock), and only a query that asks for it should pay that call.
 */
export function toProduct(p: PicqerProductWire): Product {
  const stock = (p.stock ?? []).map(toStockLevel);
  return {
    id: String(p.idproduct),
    idproduct: p.idproduct,
    productcode: p.productcode,
    name: p.name,
    barcode: p.barcode ? p.barcode : null,
    price: p.price ?? null,
    stock,
  };
}

/**
 * Picqer's general free stock of a product: `freestock` summed over the warehouses whose
 * `counts_for_general_stock` is true ("counts for the consolidated stock for the products",
 * Picqer's warehouses page). A quarantine or returns warehouse holds stock that is not for sale,
 * so it is left out. A row whose warehouse is not in `warehouses` (removed since) does not count.
 */
export function generalFreeStock(stock: ReadonlyArray<Pick<StockLevel, 'idwarehouse' | 'freeStock'>>, warehouses: readonly PicqerWarehouseWire[]): number {
  const counting = new Set(warehouses.filter((w) => w.counts_for_general_stock).map((w) => w.idwarehouse));
  return stock.reduce((sum, s) => (counting.has(s.idwarehouse) ? sum + s.freeStock : sum), 0);
}

function toStockLevel(s: PicqerProductWire['stock'][number]): StockLevel {
  // `warehouse` is resolved from idwarehouse by StockLevelResolver.
  return { idwarehouse: s.idwarehouse, stock: s.stock, reserved: s.reserved, freeStock: s.freestock } as StockLevel;
}

export function toWarehouse(w: PicqerWarehouseWire): Warehouse {
  return {
    id: String(w.idwarehouse),
    idwarehouse: w.idwarehouse,
    name: w.name,
    acceptsOrders: w.accept_orders,
    countsForGeneralStock: w.counts_for_general_stock,
  };
}

export function toOrder(o: PicqerOrderWire): Order {
  return {
    id: String(o.idorder),
    idorder: o.idorder,
    orderid: o.orderid,
    reference: o.reference || null,
    status: o.status as OrderStatus,
    createdAt: o.created,
    updatedAt: o.updated,
    lines: (o.products ?? []).map((l) => ({
      id: String(l.idorder_product),
      idproduct: l.idproduct,
      productcode: l.productcode,
      name: l.name,
      amount: l.amount,
      price: l.price ?? null,
    })),
    deliveryAddress: address(o.deliveryname, o.deliverycontactname, o.deliveryaddress, o.deliveryaddress2, o.deliveryzipcode, o.deliverycity, o.deliverycountry),
    invoiceAddress: address(o.invoicename, null, o.invoiceaddress, null, o.invoicezipcode, o.invoicecity, o.invoicecountry),
    email: o.emailaddress || null,
    phone: o.telephone || null,
  };
}

function address(name: string, contactName: string | null, street: string, street2: string | null, zipcode: string, city: string, country: string): Address {
  return { name: name ?? '', contactName: contactName || null, street: street ?? '', street2: street2 || null, zipcode: zipcode ?? '', city: city ?? '', country: country ?? '' };
}

export function toPicklist(p: PicqerPicklistWire): Picklist {
  return {
    id: String(p.idpicklist),
    idpicklist: p.idpicklist,
    picklistid: p.picklistid,
    status: p.status as PicklistStatus,
    totalProducts: p.totalproducts,
    totalPicked: p.totalpicked,
    createdAt: p.created,
    closedAt: p.closed_at || null,
    idwarehouse: p.idwarehouse,
    idorder: p.idorder,
    lines: (p.products ?? []).map((l) => ({
      id: String(l.idpicklist_product),
      idproduct: l.idproduct,
      productcode: l.productcode,
      name: l.name,
      amount: l.amount,
      amountPicked: l.amount_picked,
    })),
  };
}
