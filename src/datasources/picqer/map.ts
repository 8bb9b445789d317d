import { moneyFromNumber } from '../../util/money';
import type { PicqerAddressModel, PicqerOrderModel, PicqerPicklistModel, PicqerProductModel, PicqerStockLevelModel, PicqerWarehouseModel } from './model';
import type { PicqerOrderWire, PicqerPicklistWire, PicqerProductWire, PicqerStockWire, PicqerWarehouseWire } from './wire';

/** Picqer wire shapes (wire.ts) -> models (model.ts). Pure functions; the loaders call them. */

/**
 * The currency of Picqer's prices. Its API states none on a product or an order line: amounts are
 * in the account's currency, which for the accounts this gateway serves is EUR.
 */
export const PICQER_CURRENCY = 'EUR';

export function toProduct(p: PicqerProductWire): PicqerProductModel {
  return {
    id: String(p.idproduct),
    idproduct: p.idproduct,
    productcode: p.productcode,
    name: p.name,
    barcode: p.barcode ? p.barcode : null,
    price: moneyFromNumber(p.price, PICQER_CURRENCY),
    type: p.type ?? 'normal',
    stock: (p.stock ?? []).map(toStockLevel),
  };
}

function toStockLevel(s: PicqerStockWire): PicqerStockLevelModel {
  return { idwarehouse: s.idwarehouse, stock: s.stock, reserved: s.reserved, freeStock: s.freestock };
}

export function toWarehouse(w: PicqerWarehouseWire): PicqerWarehouseModel {
  return {
    id: String(w.idwarehouse),
    idwarehouse: w.idwarehouse,
    name: w.name,
    acceptsOrders: w.accept_orders,
    countsForGeneralStock: w.counts_for_general_stock,
  };
}

export function toOrder(o: PicqerOrderWire): PicqerOrderModel {
  return {
    id: String(o.idorder),
    idorder: o.idorder,
    orderid: o.orderid,
    reference: o.reference || null,
    idcustomer: o.idcustomer ?? null,
    status: o.status,
    createdAt: o.created,
    updatedAt: o.updated,
    lines: (o.products ?? []).map((l) => ({
      id: String(l.idorder_product),
      idproduct: l.idproduct,
      productcode: l.productcode,
      name: l.name,
      amount: l.amount,
      price: moneyFromNumber(l.price, PICQER_CURRENCY),
    })),
    deliveryAddress: toAddress(
      o.deliveryname,
      o.deliverycontactname,
      o.deliveryaddress,
      o.deliveryaddress2,
      o.deliveryzipcode,
      o.deliverycity,
      o.deliverycountry,
    ),
    invoiceAddress: toAddress(o.invoicename, null, o.invoiceaddress, null, o.invoicezipcode, o.invoicecity, o.invoicecountry),
    email: o.emailaddress || null,
    phone: o.telephone || null,
  };
}

/** Picqer spreads an address over flat order fields (`delivery*`, `invoice*`); this gathers one. */
function toAddress(
  name: string,
  contactName: string | null,
  street: string,
  street2: string | null,
  zipcode: string,
  city: string,
  country: string,
): PicqerAddressModel {
  return {
    name: name ?? '',
    contactName: contactName || null,
    street: street ?? '',
    street2: street2 || null,
    zipcode: zipcode ?? '',
    city: city ?? '',
    country: country ?? '',
  };
}

export function toPicklist(p: PicqerPicklistWire): PicqerPicklistModel {
  return {
    id: String(p.idpicklist),
    idpicklist: p.idpicklist,
    picklistid: p.picklistid,
    status: p.status,
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
