import type { PicqerCustomerWire } from './wire';
import type { PicqerBackorderModel, PicqerCustomerModel, PicqerLocationStockModel, PicqerPurchaseOrderModel, PicqerShipmentModel } from './warehouse-model';
import type { PicqerBackorderWire, PicqerLocationStockWire, PicqerPurchaseOrderWire, PicqerShipmentWire } from './warehouse-wire';

/** warehouse-wire.ts -> warehouse-model.ts. Pure functions; the loaders call them. */

export function toPurchaseOrder(w: PicqerPurchaseOrderWire): PicqerPurchaseOrderModel {
  return {
    id: String(w.idpurchaseorder),
    idpurchaseorder: w.idpurchaseorder,
    purchaseorderid: String(w.purchaseorderid),
    status: w.status,
    idsupplier: w.idsupplier ?? null,
    supplierName: w.supplier_name || null,
    idwarehouse: w.idwarehouse,
    expectedAt: w.delivery_date || null,
    createdAt: w.created,
    lines: (w.products ?? []).map((l) => ({
      idproduct: l.idproduct,
      amount: l.amount,
      received: l.amountreceived ?? 0,
      expectedAt: l.delivery_date || w.delivery_date || null,
    })),
  };
}

export function toShipment(w: PicqerShipmentWire): PicqerShipmentModel {
  return {
    id: String(w.idshipment),
    idshipment: w.idshipment,
    idpicklist: w.idpicklist,
    // The name the public knows first ("PostNL"), then the account's own, then Picqer's provider key.
    carrier: w.public_providername || w.providername || w.provider,
    carrierKey: w.carrier_key || null,
    trackingCode: w.trackingcode || null,
    trackingUrl: w.tracktraceurl || null,
    createdAt: w.created || null,
    cancelled: w.cancelled === true,
  };
}

export function toCustomer(w: PicqerCustomerWire): PicqerCustomerModel {
  return {
    id: String(w.idcustomer),
    idcustomer: w.idcustomer,
    customerid: String(w.customerid ?? ''),
    name: w.name,
    contactName: w.contactname || null,
    email: w.emailaddress || null,
    phone: w.telephone || null,
    addresses: (w.addresses ?? []).map((a) => ({
      name: a.name ?? '',
      contactName: (a as { contactname?: string | null }).contactname || null,
      street: a.address ?? '',
      street2: (a as { address2?: string | null }).address2 || null,
      zipcode: a.zipcode ?? '',
      city: a.city ?? '',
      country: a.country ?? '',
      defaultInvoice: a.defaultinvoice === true,
      defaultDelivery: a.defaultdelivery === true,
    })),
  };
}

export function toBackorder(w: PicqerBackorderWire): PicqerBackorderModel {
  return {
    id: String(w.idbackorder),
    idbackorder: w.idbackorder,
    idorder: w.idorder,
    idproduct: w.idproduct,
    idwarehouse: w.idwarehouse,
    amount: w.amount,
    amountAvailable: w.amount_available ?? 0,
    priority: w.priority,
    createdAt: w.created_at,
  };
}

export function toLocationStock(w: PicqerLocationStockWire): PicqerLocationStockModel {
  return { idlocation: w.idlocation, name: w.name, stock: w.stock, reserved: w.reserved ?? 0 };
}
